"""The status engine: pure, deterministic judgement of a pledge as of a date.

No I/O and no clock: `as_of` is always passed in. The rules are those of
docs/ledger-format.md ("Status rules"); every result carries a one-line explanation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from pledges.judge.values import in_metric_terms
from pledges.model.ledger import Observation, Pledge, Target
from pledges.model.periods import Period
from pledges.model.registries import PERCENT_UNITS, Unit, convert

STATUSES = (
    "achieved",
    "missed",
    "on_track",
    "at_risk",
    "pending",
    "overdue",
    "partly",
    "unrated",
    "withdrawn",
)
ASSESSABLE = frozenset({"achieved", "missed", "partly", "on_track", "at_risk", "withdrawn"})
_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


@dataclass(frozen=True)
class Figure:
    """The figure a judgement uses: a value in the metric's unit for a period."""

    value: float
    period: Period
    final: bool
    outcome_flag: bool = False


@dataclass(frozen=True)
class Evaluation:
    status: str
    computed_status: str
    stretch_met: bool
    figure: Figure | None
    target_value: float | None
    progress: float | None
    explanation: str


@dataclass(frozen=True)
class Context:
    """What judging one pledge may need of the rest of the ledger."""

    units: Mapping[str, Unit]
    pledges: Mapping[str, Pledge]


def format_number(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


class _NonFiniteError(Exception):
    """A number derived from the data left the range of floating point."""


def _finite(value: float, what: str) -> float:
    if not math.isfinite(value):
        raise _NonFiniteError(what)
    return value


def _in_unit(pledge: Pledge, obs: Observation, units: Mapping[str, Unit]) -> float | None:
    if obs.value is None:
        return None
    metric_unit = pledge.metric.unit if pledge.metric else None
    if obs.unit is None or obs.unit == metric_unit or metric_unit is None:
        return obs.value
    source, target = units.get(obs.unit), units.get(metric_unit)
    if source is None or target is None:
        return None
    converted = convert(obs.value, source, target)
    if converted is None:
        return None
    period = obs.period.text if obs.period else "?"
    return _finite(converted, f"the {period} figure converted from {obs.unit} to {metric_unit}")


def figure(pledge: Pledge, as_of: date, units: Mapping[str, Unit]) -> Figure | None:
    """The figure known at `as_of`: latest observation, or the sum over the period."""
    deadline = pledge.deadline
    if deadline is None:
        return None
    usable: list[tuple[Observation, float]] = []
    for obs in pledge.progress:
        if obs.period is None or obs.period.end > as_of or obs.period.end > deadline.end:
            continue
        value = _in_unit(pledge, obs, units)
        if value is not None:
            usable.append((obs, value))
    if not usable:
        return None
    if pledge.metric and pledge.metric.aggregate == "sum":
        start = pledge.start.start if pledge.start else date.min
        inside = [(o, v) for o, v in usable if o.period and o.period.start >= start]
        if not inside:
            return None
        first = min(o.period.start for o, _ in inside if o.period)
        last = max(o.period.end for o, _ in inside if o.period)
        flagged = any(o.outcome for o, _ in inside)
        periods = sorted((o.period for o, _ in inside if o.period), key=lambda p: p.start)
        closing = max(periods, key=lambda p: p.end)
        text = periods[0].text
        if len(periods) > 1:
            text = f"{periods[0].text.split('/')[0]}/{closing.text.split('/')[-1]}"
        span = Period(text, first, last)
        total = _finite(sum(v for _, v in inside), f"the sum of the figures for {span.text}")
        return Figure(total, span, last == deadline.end or flagged, flagged)
    ordered = sorted(enumerate(usable), key=lambda iv: (iv[1][0].period.end, iv[0]))  # type: ignore[union-attr]
    obs, value = ordered[-1][1]
    assert obs.period is not None
    return Figure(value, obs.period, obs.period.end == deadline.end or obs.outcome, obs.outcome)


def default_tolerance(pledge: Pledge, value: float) -> float:
    unit = pledge.metric.unit if pledge.metric else None
    return 0.5 if unit in PERCENT_UNITS else abs(value) * 0.02


def better_direction(pledge: Pledge) -> str | None:
    if pledge.metric and pledge.metric.better:
        return pledge.metric.better
    op = pledge.target.op if pledge.target else None
    if op in {">=", ">"}:
        return "higher"
    if op in {"<=", "<"}:
        return "lower"
    return None


def meets(pledge: Pledge, value: float, target: Target, goal: float | None) -> bool:
    """Whether `value` meets the target whose (resolved) value is `goal`."""
    op = target.op
    better = better_direction(pledge)
    if op == "between":
        if target.bounds is None:
            return False
        low, high = target.bounds
        eps = 1e-9 * max(1.0, abs(low), abs(high))
        inside = low - eps <= value <= high + eps
        return (
            inside or (better == "higher" and value > high) or (better == "lower" and value < low)
        )
    if goal is None:
        return False
    eps = 1e-9 * max(1.0, abs(goal))
    if op == ">=":
        return value >= goal - eps
    if op == ">":
        return value > goal + eps
    if op == "<=":
        return value <= goal + eps
    if op == "<":
        return value < goal - eps
    if op == "about":
        tolerance = (
            target.tolerance if target.tolerance is not None else default_tolerance(pledge, goal)
        )
        near = abs(value - goal) <= tolerance + eps
        return near or (better == "higher" and value > goal) or (better == "lower" and value < goal)
    return False


def ref_value(pledge: Pledge, period: Period, as_of: date, context: Context) -> float | None:
    """The referenced pledge's figure for the period ending with `period`."""
    ref = context.pledges.get(pledge.target.ref) if pledge.target and pledge.target.ref else None
    if ref is None or ref is pledge:
        return None
    for obs in reversed(ref.progress):
        if obs.period and obs.period.end == period.end and obs.period.end <= as_of:
            return _in_unit(ref, obs, context.units)
    return None


def goal_value(pledge: Pledge, at: Period | None, as_of: date, context: Context) -> float | None:
    target = pledge.target
    if target is None:
        return None
    if target.ref:
        return ref_value(pledge, at, as_of, context) if at else None
    if target.op == "between" and target.bounds:
        return target.bounds[1] if better_direction(pledge) == "lower" else target.bounds[0]
    return target.value


def describe_target(pledge: Pledge, goal: float | None = None) -> str:
    target = pledge.target
    if target is None:
        return "no numeric target"
    if target.set_by:
        return "set by the higher level"
    unit = _unit_label(pledge)
    if target.op == "between" and target.bounds:
        low, high = target.bounds
        return f"{format_number(low)}–{format_number(high)}{unit}"
    if target.ref:
        shown = f" = {format_number(goal)}{unit}" if goal is not None else ""
        return f"about {target.ref}{shown}"
    if target.value is None:
        return "an incomplete target"
    text = f"{_SYMBOLS.get(target.op or '', 'about ')}{format_number(target.value)}{unit}"
    if target.op == "about":
        text = f"about {format_number(target.value)}{unit}"
    if target.stretch is not None:
        text += f" (stretch {format_number(target.stretch)})"
    return text


def _unit_label(pledge: Pledge) -> str:
    unit = pledge.metric.unit if pledge.metric else None
    if unit is None:
        return ""
    return "%" if unit == "percent" else f" {unit}"


def progress_fraction(
    pledge: Pledge, fig: Figure | None, goal: float | None, units: Mapping[str, Unit]
) -> float | None:
    if fig is None or goal is None:
        return None
    base = 0.0
    if (
        pledge.metric
        and pledge.metric.kind == "level"
        and pledge.metric.aggregate == "latest"
        and pledge.baseline is not None
    ):
        converted = _in_unit(pledge, pledge.baseline, units)
        base = converted if converted is not None else 0.0
    if goal == base:
        return None
    share = (fig.value - base) / (goal - base)
    return share if math.isfinite(share) else None


def _on_track(pledge: Pledge, fig: Figure, goal: float, context: Context) -> tuple[bool, str]:
    target = pledge.target
    assert target is not None and pledge.deadline is not None
    if meets(pledge, fig.value, target, goal):
        return True, "already meets the target"
    metric = pledge.metric
    deadline_end = pledge.deadline.end
    if metric and metric.aggregate == "sum":
        origin_day = pledge.start.start if pledge.start else fig.period.start
        origin_value = 0.0
    elif metric and metric.kind == "level" and pledge.baseline and pledge.baseline.period:
        converted = _in_unit(pledge, pledge.baseline, context.units)
        if converted is None:
            return False, "does not meet the target yet"
        origin_day, origin_value = pledge.baseline.period.end, converted
    else:
        return False, "does not meet the target yet"
    total = (deadline_end - origin_day).days
    elapsed = (fig.period.end - origin_day).days
    share = min(1.0, max(0.0, elapsed / total)) if total > 0 else 1.0
    expected = _finite(origin_value + (goal - origin_value) * share, "the time-proportional path")
    direction = better_direction(pledge) or ("higher" if goal >= origin_value else "lower")
    ahead = fig.value >= expected - 1e-9 if direction == "higher" else fig.value <= expected + 1e-9
    word = "at or ahead of" if ahead else "behind"
    return ahead, (
        f"is {word} the time-proportional path ({format_number(round(expected, 4))} expected "
        f"at {share:.0%} of the time)"
    )


def _computed(
    pledge: Pledge, as_of: date, context: Context
) -> tuple[str, bool, Figure | None, float | None, str]:
    target = pledge.target
    if target is None:
        return "unrated", False, None, None, "qualitative pledge: no numeric target"
    if target.set_by:
        return (
            "unrated",
            False,
            figure(pledge, as_of, context.units),
            None,
            ("target set by the higher level and not published: only an assessment can rate it"),
        )
    if pledge.deadline is None or pledge.metric is None:
        return "unrated", False, None, None, "the pledge lacks a valid deadline or metric"
    fig = figure(pledge, as_of, context.units)
    goal = goal_value(pledge, fig.period if fig else pledge.deadline, as_of, context)
    deadline = pledge.deadline.text
    passed = as_of > pledge.deadline.end
    wanted = describe_target(pledge, goal)
    if fig is not None and fig.final:
        shown = f"{format_number(fig.value)}{_unit_label(pledge)} for {fig.period.text}"
        if fig.outcome_flag and fig.period.end != pledge.deadline.end:
            shown += " (reported as the outcome)"
        if goal is None and target.op != "between":
            status = "overdue" if passed else "pending"
            return (
                status,
                False,
                fig,
                None,
                f"{shown}; the referenced figure {target.ref} is not recorded",
            )
        if meets(pledge, fig.value, target, goal):
            stretch = target.stretch is not None and meets(
                pledge,
                fig.value,
                Target(target.op, target.stretch, None, None, None, None, None),
                target.stretch,
            )
            extra = "; stretch level met" if stretch else ""
            return "achieved", stretch, fig, goal, f"{shown} meets {wanted}{extra}"
        return "missed", False, fig, goal, f"{shown} falls short of {wanted}"
    if passed:
        latest = ""
        if fig is not None:
            latest = f"; latest figure {format_number(fig.value)} for {fig.period.text}"
        return (
            "overdue",
            False,
            fig,
            goal,
            f"deadline {deadline} passed with no figure for it{latest}",
        )
    if fig is None:
        return "pending", False, None, goal, f"deadline {deadline} ahead; no figure yet"
    if goal is None:
        return (
            "pending",
            False,
            fig,
            None,
            f"deadline {deadline} ahead; the referenced figure is not recorded",
        )
    ahead, why = _on_track(pledge, fig, goal, context)
    status = "on_track" if ahead else "at_risk"
    return (
        status,
        False,
        fig,
        goal,
        f"{format_number(fig.value)}{_unit_label(pledge)} for {fig.period.text} {why} "
        f"toward {wanted} by {deadline}",
    )


def evaluate(pledge: Pledge, as_of: date, context: Context) -> Evaluation:
    """Judge one pledge as of a date, by the documented rules.

    A number derived from the data that leaves the range of floating point (a conversion
    between units with extreme factors, a sum) gives no verdict: `unrated`, saying why.
    """
    pledge = in_metric_terms(pledge, context.units)
    progress: float | None
    try:
        computed, stretch, fig, goal, why = _computed(pledge, as_of, context)
        progress = progress_fraction(pledge, fig, goal, context.units)
    except _NonFiniteError as exc:
        computed, stretch, fig, goal, progress = "unrated", False, None, None, None
        why = f"no verdict: {exc} is beyond the range of numbers the tool can compute with"
    assessment = pledge.assessment
    if (
        assessment is not None
        and assessment.status in ASSESSABLE
        and assessment.as_of is not None
        and assessment.as_of.end <= as_of
    ):
        rationale = f": {assessment.rationale}" if assessment.rationale else ""
        explanation = (
            f"assessed {assessment.status} as of {assessment.as_of.text}{rationale} "
            f"(computed {computed}: {why})"
        )
        return Evaluation(assessment.status, computed, stretch, fig, goal, progress, explanation)
    return Evaluation(computed, computed, stretch, fig, goal, progress, f"{computed}: {why}")


def contradicts(evaluation: Evaluation) -> bool:
    """An assessment that the numbers contradict (lint warns about these)."""
    pairs = {("achieved", "missed"), ("achieved", "partly"), ("missed", "achieved")}
    return (evaluation.computed_status, evaluation.status) in pairs
