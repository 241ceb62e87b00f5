"""Queries: evaluate every pledge as of a date, filter, sort and describe as records."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from pledges.judge.status import STATUSES, VERDICTS, Context, Evaluation, Figure, evaluate
from pledges.model.ledger import Evidence, Observation, Pledge
from pledges.model.registries import within
from pledges.read.loader import LoadResult, Progress

SORT_KEYS = ("id", "deadline", "status", "progress", "jurisdiction", "file")


@dataclass(frozen=True)
class Row:
    pledge: Pledge
    evaluation: Evaluation


@dataclass(frozen=True)
class Filters:
    statuses: tuple[str, ...] = ()
    jurisdiction: str | None = None
    tags: tuple[str, ...] = ()
    source: str | None = None
    due_before: date | None = None
    due_after: date | None = None
    search: str | None = None
    binding: bool | None = None
    ids: tuple[str, ...] = field(default=())


def context_of(result: LoadResult) -> Context:
    return Context(units=result.ledger.units, pledges=result.ledger.pledge_index())


def evaluate_all(
    result: LoadResult,
    as_of: date,
    progress: Progress | None = None,
    ids: Iterable[str] | None = None,
    *,
    drafts: bool = False,
) -> list[Row]:
    """Every pledge (or only those of `ids`) judged as of `as_of`. Drafts (`review:
    draft`) are left out: draft pledges, and draft observations from the figures a
    verdict rests on. With `drafts`, only the pledges that hold a draft, judged with
    their draft figures.

    `progress(done, total)` is called before the first pledge and every few hundred after.
    """
    context = context_of(result)
    chosen = to_judge(result.ledger.pledges, drafts=drafts)
    if ids is not None:
        wanted = set(ids)
        chosen = [(p, judged) for p, judged in chosen if p.id in wanted]
    if progress is None:
        return [Row(p, evaluate(judged, as_of, context)) for p, judged in chosen]
    total = len(chosen)
    progress(0, total)
    rows = []
    for done, (pledge, judged) in enumerate(chosen, 1):
        rows.append(Row(pledge, evaluate(judged, as_of, context)))
        if done % 256 == 0 or done == total:
            progress(done, total)
    return rows


def to_judge(pledges: Iterable[Pledge], *, drafts: bool = False) -> list[tuple[Pledge, Pledge]]:
    """(pledge, what its verdict rests on) for the pledges `evaluate_all` judges: without
    drafts, the reviewed pledges without their draft observations; with `drafts`, only
    the pledges that hold a draft, as they are."""
    if drafts:
        return [(p, p) for p in pledges if p.has_drafts]
    return [(p, reviewed(p)) for p in pledges if not p.draft]


def reviewed(pledge: Pledge) -> Pledge:
    """The pledge without its draft observations."""
    if not any(o.draft for o in pledge.progress):
        return pledge
    return replace(pledge, progress=tuple(o for o in pledge.progress if not o.draft))


def _matches(row: Row, filters: Filters) -> bool:
    pledge = row.pledge
    checks = (
        not filters.statuses or row.evaluation.status in filters.statuses,
        filters.jurisdiction is None
        or (pledge.jurisdiction is not None and within(pledge.jurisdiction, filters.jurisdiction)),
        not filters.tags or any(t in pledge.tags for t in filters.tags),
        filters.source is None
        or (pledge.source is not None and pledge.source.id == filters.source),
        filters.due_before is None
        or (pledge.deadline is not None and pledge.deadline.end < filters.due_before),
        filters.due_after is None
        or (pledge.deadline is not None and pledge.deadline.end > filters.due_after),
        filters.binding is None or pledge.binding == filters.binding,
        filters.search is None or _found(filters.search, pledge),
    )
    return all(checks)


def _found(needle: str, pledge: Pledge) -> bool:
    return found_in(needle, pledge.title, pledge.quote, pledge.id, _metric_name(pledge))


def _metric_name(pledge: Pledge) -> str | None:
    return pledge.metric.name if pledge.metric and pledge.metric.name else None


def found_in(needle: str, *texts: str | None) -> bool:
    """`--search`: the needle in any of the texts (title, quote, id, metric name), any case."""
    folded = needle.casefold()
    return any(folded in (text or "").casefold() for text in texts)


def select(rows: Iterable[Row], filters: Filters) -> list[Row]:
    return [row for row in rows if _matches(row, filters)]


def sort_rows(rows: Sequence[Row], key: str) -> list[Row]:
    """Stable sorts with the pledge id as the tie-breaker, so output is reproducible."""

    def sort_key(row: Row) -> tuple[Any, ...]:
        pledge = row.pledge
        deadline = pledge.deadline.end if pledge.deadline else date.max
        if key == "deadline":
            return (deadline, pledge.id)
        if key == "status":
            return (STATUSES.index(row.evaluation.status), deadline, pledge.id)
        if key == "progress":
            progress = row.evaluation.progress
            return (progress is None, -(progress or 0.0), pledge.id)
        if key == "jurisdiction":
            return (pledge.jurisdiction or "", pledge.id)
        if key == "file":
            return (pledge.file, pledge.path)
        return (pledge.id,)

    return sorted(rows, key=sort_key)


def _observation(obs: Observation | None) -> dict[str, Any] | None:
    if obs is None:
        return None
    out: dict[str, Any] = {
        "period": obs.period.text if obs.period else None,
        "value": obs.value if obs.value is not None else obs.level,
        "unit": obs.unit,
    }
    if obs.bound:
        out["bound"] = obs.bound
    if obs.approx:
        out["approx"] = True
    return out


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _figure(fig: Figure | None) -> dict[str, Any] | None:
    if fig is None:
        return None
    out: dict[str, Any] = {"value": fig.value, "period": fig.period.text, "final": fig.final}
    if not fig.exact:
        low, high = fig.interval
        out["low"], out["high"] = _finite(low), _finite(high)
    return out


def _evidence(items: Sequence[Evidence]) -> list[dict[str, Any]]:
    fields = ("source", "url", "title", "quote")
    return [{k: getattr(e, k) for k in fields if getattr(e, k) is not None} for e in items]


def json_safe(value: Any) -> Any:
    """Data fit for strict JSON: a NaN or infinity (lint's PL232) becomes null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


def record(row: Row) -> dict[str, Any]:
    """The JSON form of a pledge and its evaluation (`pledges list --format json`)."""
    pledge, evaluation = row.pledge, row.evaluation
    line, column = pledge.position()
    metric = pledge.metric
    fig = evaluation.figure
    raw_target = pledge.raw.get("target")
    return {
        "id": pledge.id,
        "title": pledge.title,
        "quote": pledge.quote,
        "jurisdiction": pledge.jurisdiction,
        "source": pledge.source.id if pledge.source else None,
        "file": pledge.file,
        "line": line,
        "column": column,
        "made": pledge.made.start.isoformat() if pledge.made else None,
        "deadline": pledge.deadline.end.isoformat() if pledge.deadline else None,
        "binding": pledge.binding,
        "tags": list(pledge.tags),
        "metric": None
        if metric is None
        else {
            "name": metric.name,
            "unit": metric.unit,
            "aggregate": metric.aggregate,
            "kind": pledge.kind,
            "better": metric.better,
        },
        "target": json_safe(raw_target) if isinstance(raw_target, dict) else None,
        "target_value": evaluation.target_value,
        "baseline": _observation(pledge.baseline),
        "latest": _figure(fig),
        "progress": evaluation.progress,
        "status": evaluation.status,
        "computed_status": evaluation.computed_status,
        "verdict": evaluation.status in VERDICTS,
        "stretch_met": evaluation.stretch_met,
        "explanation": evaluation.explanation,
        "occurrences": [
            {
                "period": o.period.text,
                "status": o.status,
                "figure": _figure(o.figure),
                "explanation": o.explanation,
            }
            for o in evaluation.occurrences
        ],
        "related": list(pledge.related),
        "same_as": pledge.same_as,
    }


def detail(row: Row) -> dict[str, Any]:
    """`pledges show --format json`: the record plus the timeline and the assessment."""
    pledge = row.pledge
    out = record(row)
    timeline = []
    for obs in pledge.progress:
        item = _observation(obs) or {}
        if obs.done is not None:
            item["done"] = obs.done
        if obs.outcome:
            item["outcome"] = True
        item["note"] = obs.note
        item["evidence"] = _evidence(obs.evidence)
        timeline.append(item)
    out["timeline"] = timeline
    out["note"] = pledge.note
    assessment = pledge.assessment
    out["assessment"] = (
        None
        if assessment is None
        else {
            "status": assessment.status,
            "as_of": assessment.as_of.text if assessment.as_of else None,
            "rationale": assessment.rationale,
            "evidence": _evidence(assessment.evidence),
        }
    )
    return out
