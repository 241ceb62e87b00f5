"""The ledger as related tables: the one shape behind `pledges export` and `pledges sql`.

Each table has a fixed list of typed columns (documented in docs/exports.md), a primary
key and foreign keys. Statuses come from the evaluated rows of `judge.query`, never from
a second reading of the rules. Rows are tuples in column order, sorted by primary key,
with `None` for a missing value and `datetime.date` for dates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pledges.judge.columns import TABLE_NAMES, table_spec
from pledges.judge.query import Row
from pledges.judge.status import VERDICTS, describe_target
from pledges.model.ledger import Evidence, Ledger, Observation, Pledge

DEFAULT_LANGUAGE = "zh-Hans"

Rows = dict[str, list[tuple[Any, ...]]]


@dataclass(frozen=True)
class Dataset:
    """The tables of a ledger as of a date, with where they came from."""

    as_of: date
    commit: str | None
    dirty: bool
    rows: Rows

    def records(self, table: str) -> list[dict[str, Any]]:
        spec = table_spec(table)
        return [dict(zip(spec.names, row, strict=True)) for row in self.rows[table]]


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | str):
        return str(value)
    return None


def source_extras(ledger: Ledger) -> dict[str, dict[str, str | None]]:
    """Fields of each source block beyond the model: language, archive, sha256."""
    extras: dict[str, dict[str, str | None]] = {}
    for ledger_file in ledger.files:
        source = ledger_file.source
        if source is None or source.id is None or source.id in extras:
            continue
        data = ledger_file.doc.data if isinstance(ledger_file.doc.data, dict) else {}
        block = data.get("source") if isinstance(data.get("source"), dict) else {}
        assert isinstance(block, dict)
        language = block.get("language")
        archive, sha = block.get("archive"), block.get("sha256")
        extras[source.id] = {
            "language": language if isinstance(language, str) else DEFAULT_LANGUAGE,
            "archive": archive if isinstance(archive, str) else None,
            "sha256": sha if isinstance(sha, str) else None,
        }
    return extras


def relative_file(ledger: Ledger, file: str) -> str:
    """A ledger file's path relative to the ledger directory, with forward slashes."""
    import os

    root = ledger.root
    if not root:
        return file.replace(os.sep, "/")
    try:
        relative = os.path.relpath(os.path.abspath(file), os.path.abspath(root))
    except ValueError:
        return file.replace(os.sep, "/")
    return relative.replace(os.sep, "/")


def unique_rows(rows: Sequence[Row]) -> list[Row]:
    """The first row of each pledge id, sorted by id (duplicate ids are a lint error)."""
    seen: dict[str, Row] = {}
    for row in rows:
        seen.setdefault(row.pledge.id, row)
    return [seen[key] for key in sorted(seen)]


def build(
    ledger: Ledger,
    rows: Sequence[Row],
    as_of: date,
    commit: str | None = None,
    *,
    dirty: bool = False,
) -> Dataset:
    """The tables of the ledger for the evaluated `rows` (see `judge.query.evaluate_all`)."""
    extras = source_extras(ledger)
    sources = ledger.source_index()
    tables: Rows = {name: [] for name in TABLE_NAMES}
    for jid in sorted(ledger.jurisdictions):
        item = ledger.jurisdictions[jid]
        parent = item.parent if item.parent in ledger.jurisdictions else None
        tables["jurisdictions"].append(
            (item.id, item.name, item.name_en, item.level or None, item.code, parent)
        )
    for sid in sorted(sources):
        source = sources[sid]
        extra = extras.get(sid, {})
        tables["sources"].append(
            (
                sid,
                source.title,
                source.title_en,
                source.publisher,
                source.jurisdiction,
                source.date.text if source.date else None,
                source.date.start if source.date else None,
                source.url,
                extra.get("language", DEFAULT_LANGUAGE),
                extra.get("archive"),
                extra.get("sha256"),
                relative_file(ledger, source.file),
            )
        )
    for row in unique_rows(rows):
        pledge = row.pledge
        tables["pledges"].append(_pledge_row(ledger, row, extras))
        if pledge.baseline is not None:
            tables["observations"].append(_observation_row(pledge, "baseline", 0, pledge.baseline))
            tables["evidence"] += _evidence_rows(pledge, "baseline", 0, pledge.baseline.evidence)
        for seq, obs in enumerate(pledge.progress):
            tables["observations"].append(_observation_row(pledge, "progress", seq, obs))
            tables["evidence"] += _evidence_rows(pledge, "progress", seq, obs.evidence)
        for occurrence in row.evaluation.occurrences:
            fig = occurrence.figure
            tables["occurrences"].append(
                (
                    pledge.id,
                    occurrence.period.text,
                    occurrence.period.start,
                    occurrence.period.end,
                    occurrence.status,
                    fig.value if fig else None,
                    fig.final if fig else None,
                    occurrence.explanation,
                )
            )
        assessment = pledge.assessment
        if assessment is not None:
            tables["assessments"].append(
                (
                    pledge.id,
                    assessment.status,
                    assessment.as_of.text if assessment.as_of else None,
                    assessment.as_of.end if assessment.as_of else None,
                    assessment.rationale,
                )
            )
            tables["evidence"] += _evidence_rows(pledge, "assessment", 0, assessment.evidence)
    tables["observations"].sort(key=lambda r: (r[0], r[1], r[2]))
    tables["evidence"].sort(key=lambda r: (r[0], r[1], r[2], r[3]))
    tables["occurrences"].sort(key=lambda r: (r[0], r[2] or date.min, r[1]))
    return Dataset(as_of, commit, dirty, tables)


def _pledge_row(
    ledger: Ledger, row: Row, extras: dict[str, dict[str, str | None]]
) -> tuple[Any, ...]:
    pledge, evaluation = row.pledge, row.evaluation
    metric, target, fig = pledge.metric, pledge.target, evaluation.figure
    source_id = pledge.source.id if pledge.source else None
    language = extras.get(source_id or "", {}).get("language", DEFAULT_LANGUAGE)
    low = target.bounds[0] if target and target.bounds else (target.value if target else None)
    high = target.bounds[1] if target and target.bounds else None
    raw = pledge.raw
    return (
        pledge.id,
        pledge.title,
        pledge.quote,
        language,
        pledge.jurisdiction,
        source_id,
        relative_file(ledger, pledge.file),
        pledge.position()[0],
        _text(raw.get("made")) or (pledge.made.text if pledge.made else None),
        _text(raw.get("start")) or (pledge.start.text if pledge.start else None),
        pledge.start.start if pledge.start else None,
        pledge.deadline.text if pledge.deadline else None,
        pledge.deadline.end if pledge.deadline else None,
        pledge.binding,
        ",".join(pledge.tags) or None,
        ",".join(pledge.related) or None,
        metric.name if metric else None,
        metric.unit if metric else None,
        metric.aggregate if metric else None,
        pledge.kind if metric else None,
        metric.better if metric else None,
        target.op if target else None,
        low,
        high,
        target.stretch if target else None,
        target.tolerance if target else None,
        target.ref if target else None,
        target.set_by if target else None,
        describe_target(pledge, evaluation.target_value),
        evaluation.target_value,
        fig.value if fig else None,
        fig.period.text if fig else None,
        fig.final if fig else None,
        evaluation.progress,
        evaluation.status,
        evaluation.computed_status,
        evaluation.stretch_met,
        evaluation.explanation,
        evaluation.status in VERDICTS,
        _finite(fig.low) if fig else None,
        _finite(fig.high) if fig else None,
        target.relative if target else None,
        target.every if target else None,
        pledge.same_as,
        pledge.note,
    )


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _observation_row(pledge: Pledge, kind: str, seq: int, obs: Observation) -> tuple[Any, ...]:
    period = obs.period
    return (
        pledge.id,
        kind,
        seq,
        period.text if period else None,
        period.start if period else None,
        period.end if period else None,
        obs.value,
        obs.unit,
        obs.outcome,
        obs.note,
        obs.level,
        obs.done,
        obs.bound,
        obs.approx,
    )


def _evidence_rows(
    pledge: Pledge, item: str, seq: int, evidence: Sequence[Evidence]
) -> list[tuple[Any, ...]]:
    return [
        (pledge.id, item, seq, n, e.source, e.url, e.title, e.quote) for n, e in enumerate(evidence)
    ]
