"""Figures: which recorded observations a judgement may use, and the figure they give.

An observation counts when its period has ended by `as_of`, lies inside the window
being judged, and does not end before the pledge was made or started (such a figure
is a baseline: it never decides a status). Values are converted to the metric's unit;
bounds (`bound: lower|upper`) and approximations (`approx: true`) give intervals.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from pledges.judge.targets import INF, default_tolerance, format_number, unit_label
from pledges.model.ledger import Observation, Pledge
from pledges.model.periods import Period
from pledges.model.registries import Unit, convert


@dataclass(frozen=True)
class Figure:
    """The figure a judgement uses: a value in the metric's unit for a period.

    `low`..`high` is what the figure tells for sure: equal to `value` for an exact
    figure, open-ended for a bound, `value` ± the tolerance for an approximation.
    """

    value: float
    period: Period
    final: bool
    outcome_flag: bool = False
    low: float | None = None
    high: float | None = None

    @property
    def interval(self) -> tuple[float, float]:
        low = self.value if self.low is None else self.low
        high = self.value if self.high is None else self.high
        return low, high

    @property
    def exact(self) -> bool:
        low, high = self.interval
        return low == high


@dataclass(frozen=True)
class Window:
    """The days a figure must cover: `start`..`end`, judged due after `end`."""

    start: date
    end: date
    text: str  # how the end is written (the deadline or the occurrence)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class NonFiniteError(Exception):
    """A number derived from the data left the range of floating point."""


def finite(value: float, what: str) -> float:
    """`value`, or NonFiniteError naming `what` when it is infinite or not a number."""
    if not math.isfinite(value):
        raise NonFiniteError(what)
    return value


def in_unit(pledge: Pledge, obs: Observation, units: Mapping[str, Unit]) -> float | None:
    """An observation's value in the metric's unit; NonFiniteError if it overflows."""
    if obs.value is None:
        return None
    value = convert_value(pledge, obs.value, obs.unit, units)
    if value is None:
        return None
    period = obs.period.text if obs.period else "?"
    metric_unit = pledge.metric.unit if pledge.metric else None
    return finite(value, f"the {period} figure converted from {obs.unit} to {metric_unit}")


def convert_value(
    pledge: Pledge, value: float, unit: str | None, units: Mapping[str, Unit]
) -> float | None:
    metric_unit = pledge.metric.unit if pledge.metric else None
    if unit is None or unit == metric_unit or metric_unit is None:
        return value
    source, target = units.get(unit), units.get(metric_unit)
    if source is None or target is None:
        return None
    return convert(value, source, target)


def interval(pledge: Pledge, obs: Observation, value: float) -> tuple[float, float]:
    """What an observation (already in the metric's unit) tells for sure."""
    if obs.bound == "lower":
        return value, INF
    if obs.bound == "upper":
        return -INF, value
    if obs.approx:
        width = default_tolerance(pledge, value)
        return value - width, value + width
    return value, value


def period_start(pledge: Pledge) -> date | None:
    """The first day of the pledge's period: `start`, which defaults to `made`; figures
    ending before it are baselines."""
    return pledge.start.start if pledge.start else None


def before_period(pledge: Pledge, obs: Observation) -> bool:
    """An observation ending before the pledge's period (made, or start when written)."""
    first = period_start(pledge)
    return obs.period is not None and first is not None and obs.period.end < first


def flow_start(pledge: Pledge) -> date | None:
    """Where a flow's amount starts counting: `start` as written, else the first day of
    the deadline's calendar year (an annual flow); for a sum, `start` (default `made`)."""
    if pledge.metric and pledge.metric.aggregate == "sum":
        return pledge.start.start if pledge.start else None
    if "start" in pledge.raw and pledge.start is not None:
        return pledge.start.start
    if pledge.deadline is None:
        return None
    return date(pledge.deadline.end.year, 1, 1)


def main_window(pledge: Pledge) -> Window | None:
    deadline = pledge.deadline
    if deadline is None:
        return None
    if pledge.kind == "flow":
        start = flow_start(pledge) or deadline.start
        return Window(min(start, deadline.end), deadline.end, deadline.text)
    return Window(period_start(pledge) or deadline.start, deadline.end, deadline.text)


def usable(
    pledge: Pledge, as_of: date, window: Window, units: Mapping[str, Unit]
) -> list[tuple[Observation, float]]:
    """Observations known at `as_of` inside `window`, with their values in the metric's unit."""
    out: list[tuple[Observation, float]] = []
    flow = pledge.kind == "flow"
    for obs in pledge.progress:
        period = obs.period
        if period is None or period.end > as_of or period.end > window.end:
            continue
        if before_period(pledge, obs) or (flow and period.start < window.start):
            continue
        if not flow and period.end < window.start:
            continue
        value = in_unit(pledge, obs, units)
        if value is not None:
            out.append((obs, value))
    return out


def figure(
    pledge: Pledge, as_of: date, units: Mapping[str, Unit], window: Window | None = None
) -> Figure | None:
    """The figure known at `as_of`: the latest observation, or the sum over the window."""
    window = window or main_window(pledge)
    if window is None:
        return None
    found = usable(pledge, as_of, window, units)
    if not found:
        return None
    if pledge.metric and pledge.metric.aggregate == "sum":
        return _sum(pledge, found, window)
    ordered = sorted(enumerate(found), key=lambda iv: (_end(iv[1][0]), iv[0]))
    obs, value = ordered[-1][1]
    assert obs.period is not None
    low, high = interval(pledge, obs, value)
    complete = obs.period.start <= window.start if pledge.kind == "flow" else True
    final = (obs.period.end == window.end and complete) or obs.outcome
    return Figure(value, obs.period, final, obs.outcome, low, high)


def _end(obs: Observation) -> date:
    return obs.period.end if obs.period else date.min


def _sum(pledge: Pledge, found: list[tuple[Observation, float]], window: Window) -> Figure:
    periods = sorted((o.period for o, _ in found if o.period), key=lambda p: p.start)
    first = periods[0]
    closing = max(periods, key=lambda p: p.end)
    text = first.text
    if len(periods) > 1:
        text = f"{first.text.split('/')[0]}/{closing.text.split('/')[-1]}"
    flagged = any(o.outcome for o, _ in found)
    lows, highs = zip(*(interval(pledge, o, v) for o, v in found), strict=True)
    return Figure(
        finite(sum(v for _, v in found), f"the sum of the figures for {text}"),
        Period(text, first.start, closing.end),
        closing.end == window.end or flagged,
        flagged,
        sum(lows),
        sum(highs),
    )


def describe_figure(pledge: Pledge, fig: Figure) -> str:
    """`25 亿元`, `above 900 亿元`, `below 3%`, `about 10%`."""
    unit = unit_label(pledge)
    low, high = fig.interval
    if fig.exact:
        return f"{format_number(fig.value)}{unit}"
    if high == INF:
        return f"above {format_number(low)}{unit}"
    if low == -INF:
        return f"below {format_number(high)}{unit}"
    return f"about {format_number(fig.value)}{unit}"
