"""Targets: what value meets one, how wide `about` is, how a target and a figure read.

A numeric target is a range of values that meet it (`>= 20` is [20, ∞), `about 70` is
70 ± its tolerance, widened on the `better` side). A figure is an interval too: exact
figures are a point, bounds and approximations are wider. A figure *settles* a target
when all of its interval meets it (met) or none of it does (not met).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pledges.model.ledger import Pledge, Target
from pledges.model.registries import PERCENT_UNITS

INF = math.inf
_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
RATE_TOLERANCE = 0.5  # percentage points
SHARE_TOLERANCE = 0.05  # of the value


def format_number(value: float) -> str:
    if not math.isfinite(value):
        return str(value)  # inf, -inf, nan: never a crash, never a number that misleads
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4f}".rstrip("0").rstrip(".")


def unit_label(pledge: Pledge) -> str:
    unit = pledge.metric.unit if pledge.metric else None
    if unit is None:
        return ""
    return "%" if unit == "percent" else f" {unit}"


def default_tolerance(pledge: Pledge, value: float) -> float:
    """±0.5 percentage points for a rate or a figure in percent, else ±5% of the value
    (docs/ledger-format.md, "about")."""
    unit = pledge.metric.unit if pledge.metric else None
    if pledge.kind == "rate" or unit in PERCENT_UNITS:
        return RATE_TOLERANCE
    return abs(value) * SHARE_TOLERANCE


def tolerance(pledge: Pledge, target: Target, goal: float) -> float:
    return target.tolerance if target.tolerance is not None else default_tolerance(pledge, goal)


def better_direction(pledge: Pledge) -> str | None:
    if pledge.metric and pledge.metric.better:
        return pledge.metric.better
    op = pledge.target.op if pledge.target else None
    if op in {">=", ">"}:
        return "higher"
    if op in {"<=", "<"}:
        return "lower"
    return None


@dataclass(frozen=True)
class Range:
    """The values that meet a target: low..high, each end open or closed."""

    low: float
    high: float
    low_open: bool = False
    high_open: bool = False
    core_low: float = -INF  # the band before widening on the better side
    core_high: float = INF

    def _eps(self) -> float:
        finite = [abs(v) for v in (self.low, self.high) if math.isfinite(v)]
        return 1e-9 * max([1.0, *finite])

    def above_low(self, value: float) -> bool:
        eps = self._eps()
        return value > self.low + eps if self.low_open else value >= self.low - eps

    def below_high(self, value: float) -> bool:
        eps = self._eps()
        return value < self.high - eps if self.high_open else value <= self.high + eps

    def contains(self, value: float) -> bool:
        return self.above_low(value) and self.below_high(value)

    def settles(self, low: float, high: float) -> bool | None:
        """True when every value in low..high meets; False when none does; else None."""
        if self.contains(low) and self.contains(high):
            return True
        if not self.above_low(high) or not self.below_high(low):
            return False
        return None


def meeting_range(pledge: Pledge, target: Target, goal: float | None) -> Range | None:
    """The range of values that meet `target`, whose resolved value is `goal`."""
    op = target.op
    better = better_direction(pledge)
    if op == "between":
        if target.bounds is None:
            return None
        low, high = target.bounds
        return Range(
            -INF if better == "lower" else low,
            INF if better == "higher" else high,
            core_low=low,
            core_high=high,
        )
    if goal is None:
        return None
    if op == ">=":
        return Range(goal, INF, core_low=goal)
    if op == ">":
        return Range(goal, INF, low_open=True, core_low=goal)
    if op == "<=":
        return Range(-INF, goal, core_high=goal)
    if op == "<":
        return Range(-INF, goal, high_open=True, core_high=goal)
    if op == "about":
        width = tolerance(pledge, target, goal)
        return Range(
            -INF if better == "lower" else goal - width,
            INF if better == "higher" else goal + width,
            core_low=goal - width,
            core_high=goal + width,
        )
    return None


def meets(pledge: Pledge, value: float, target: Target, goal: float | None) -> bool:
    """Whether an exact `value` meets the target whose (resolved) value is `goal`."""
    found = meeting_range(pledge, target, goal)
    return found is not None and found.contains(value)


def comparison(pledge: Pledge, target: Target, goal: float | None, value: float) -> str:
    """The verb for a figure against a target, true to where the figure lies."""
    found = meeting_range(pledge, target, goal)
    if found is None:
        return "is compared with"
    if not found.above_low(value):
        return "falls short of"
    if not found.below_high(value):
        return "exceeds"
    if target.op in {"about", "between"}:
        if value > found.core_high:
            return "exceeds"
        if value < found.core_low:
            return "is below"
        return "is within"
    return "meets"


def describe_target(pledge: Pledge, goal: float | None = None, *, every: bool = True) -> str:
    target = pledge.target
    if target is None:
        return "no numeric target"
    if target.set_by:
        return "set by the higher level"
    if target.milestone:
        return "done"
    unit = unit_label(pledge)
    text = _describe_value(pledge, target, goal, unit)
    if target.every and every:
        text += f" every {target.every}"
    return text


def _describe_value(pledge: Pledge, target: Target, goal: float | None, unit: str) -> str:
    if target.op == "between" and target.bounds:
        low, high = target.bounds
        return f"{format_number(low)}–{format_number(high)}{unit}"
    if target.ref:
        shown = f" = {format_number(goal)}{unit}" if goal is not None else ""
        return (
            f"about {target.ref}{shown}"
            if target.op == "about"
            else (f"{_SYMBOLS.get(target.op or '', '')}{target.ref}{shown}")
        )
    if target.relative:
        shown = f" = {format_number(goal)}{unit}" if goal is not None else ""
        return f"{_SYMBOLS.get(target.op or '', 'about ')}baseline{shown}"
    if target.value is None:
        return "an incomplete target"
    text = f"{_SYMBOLS.get(target.op or '', 'about ')}{format_number(target.value)}{unit}"
    if target.op == "about":
        text = f"about {format_number(target.value)}{unit}"
    if target.stretch is not None:
        text += f" (stretch {format_number(target.stretch)}{unit})"
    return text


def describe_band(pledge: Pledge, target: Target, goal: float | None) -> str:
    """The tolerance of `about` spelled out, for explanations: ` (±3.5)`."""
    if target.op != "about" or goal is None:
        return ""
    return f" (±{format_number(round(tolerance(pledge, target, goal), 4))})"
