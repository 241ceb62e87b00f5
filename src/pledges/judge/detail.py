"""One pledge in detail: its figure and target in words for reports, the series `show`
charts, its related pledges, and the JSON form of `pledges show`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from pledges.judge.figures import NonFiniteError, describe_figure, in_unit
from pledges.judge.query import Row
from pledges.judge.query import detail as record_detail
from pledges.judge.status import Context
from pledges.judge.targets import describe_target, format_number, unit_label
from pledges.judge.values import in_metric_terms
from pledges.model.ledger import Evidence, Observation, Pledge
from pledges.model.registries import Unit


def worded(pledge: Pledge) -> Pledge:
    """The pledge as reports word it: a bare count carries no unit (`about 70`)."""
    metric = pledge.metric
    if metric is None or metric.unit != "count":
        return pledge
    return replace(pledge, metric=replace(metric, unit=None))


def figure_words(row: Row) -> str:
    """The figure a status rests on, with its unit: `8%`, `2550 亿元`, `above 900 亿元`;
    `—` without one."""
    fig = row.evaluation.figure
    if fig is None:
        return "—"
    return describe_figure(worded(row.pledge), fig)


def target_words(pledge: Pledge, goal: float | None, *, short: bool = False) -> str:
    """The target in words (`≥5% (stretch 5.5%)`, `about 70`, `done by 2023-09`).

    `short` names a target relative to another pledge by its value alone, for table cells;
    `show` and the explanations name the other pledge.
    """
    target = pledge.target
    if target is not None and target.milestone and pledge.deadline is not None:
        return f"done by {pledge.deadline.text}"
    shown = worded(pledge)
    if short and target is not None and target.ref and not target.set_by:
        if goal is None:
            return "about the ref's figure"
        return f"about {format_number(goal)}{unit_label(shown)} (ref)"
    return describe_target(shown, goal)


def converted(pledge: Pledge, obs: Observation, units: Mapping[str, Unit]) -> float | None:
    """An observation's value in the metric's unit; None when it has none, cannot convert
    or leaves the range of floating point."""
    try:
        return in_unit(pledge, obs, units)
    except NonFiniteError:
        return None


def progress_words(progress: float | None) -> str:
    if progress is None or not math.isfinite(progress):
        return "—"
    return f"{progress * 100:.0f}%"


@dataclass(frozen=True)
class Point:
    """A bar of `show`'s chart: a period's figure in the metric's unit."""

    period: str
    value: float
    baseline: bool = False


def chart_points(pledge: Pledge, as_of: date, context: Context) -> list[Point]:
    """The baseline and each figure known at `as_of`, in period order, in the metric's
    unit; a running total for `aggregate: sum` metrics, whose target is the total. None
    for a milestone or an ordinal unit (levels such as water class III are ranks, not
    amounts a bar could show)."""
    pledge = in_metric_terms(pledge, context.units)
    unit = context.units.get(pledge.metric.unit or "") if pledge.metric else None
    if (unit is not None and unit.ordinal) or (pledge.target and pledge.target.milestone):
        return []
    points: list[Point] = []
    baseline = pledge.baseline
    if baseline is not None and baseline.period is not None:
        value = converted(pledge, baseline, context.units)
        if value is not None:
            points.append(Point(baseline.period.text, value, baseline=True))
    summed = pledge.metric is not None and pledge.metric.aggregate == "sum"
    start = pledge.start.start if pledge.start else date.min
    usable = [
        (obs.period, converted(pledge, obs, context.units))
        for obs in pledge.progress
        if obs.period is not None and obs.period.end <= as_of
    ]
    ordered = sorted(
        ((p, v) for p, v in usable if v is not None and (not summed or p.start >= start)),
        key=lambda pv: pv[0].end,
    )
    total = 0.0
    for period, value in ordered:
        assert value is not None
        total += value
        points.append(Point(period.text, total if summed else value))
    return [p for p in points if math.isfinite(p.value)]


def chart_targets(row: Row) -> list[float]:
    """Where the chart marks the target: the bounds of `between`, else the target value."""
    target = row.pledge.target
    if target is None or target.set_by or target.milestone:
        return []
    if target.op == "between" and target.bounds:
        return list(target.bounds)
    goal = row.evaluation.target_value
    return [] if goal is None else [goal]


def related_rows(row: Row, index: Mapping[str, Row]) -> list[tuple[str, Row | None]]:
    """The pledges named in `related`, each with its row (None when it is not in the ledger)."""
    return [(rid, index.get(rid)) for rid in row.pledge.related]


def target_note(pledge: Pledge) -> str | None:
    raw = pledge.raw.get("target")
    note = raw.get("note") if isinstance(raw, dict) else None
    return note if isinstance(note, str) else None


def _evidence(items: tuple[Evidence, ...]) -> list[dict[str, Any]]:
    fields = ("source", "url", "title", "quote")
    return [{k: getattr(e, k) for k in fields if getattr(e, k) is not None} for e in items]


def detail(row: Row, index: Mapping[str, Row], as_of: date, context: Context) -> dict[str, Any]:
    """`pledges show --format json`: the record of `list --format json` with the timeline
    and the assessment, plus what `show` prints besides: the target's note, the figure and
    target in words, the baseline's evidence, the related pledges and the chart."""
    pledge, evaluation = row.pledge, row.evaluation
    data = record_detail(row)
    data.update(
        {
            "target_note": target_note(pledge),
            "target_words": target_words(pledge, evaluation.target_value),
            "latest_words": figure_words(row),
            "baseline_note": pledge.baseline.note if pledge.baseline else None,
            "baseline_evidence": _evidence(pledge.baseline.evidence) if pledge.baseline else [],
            "related_pledges": [
                {
                    "id": rid,
                    "in_ledger": other is not None,
                    "title": other.pledge.title if other else None,
                    "status": other.evaluation.status if other else None,
                }
                for rid, other in related_rows(row, index)
            ],
            "chart": {
                "unit": pledge.metric.unit if pledge.metric else None,
                "points": [
                    {"period": p.period, "value": p.value, "baseline": p.baseline}
                    for p in chart_points(pledge, as_of, context)
                ],
                "targets": chart_targets(row),
            },
        }
    )
    return data
