"""Number rules: numbers are finite and of a sane magnitude.

The sane range keeps every figure the status engine derives from the data (conversions,
sums, paths, progress) far from the limits of floating point: a value is 0 or has a
magnitude from `SMALLEST` up to (not including) `LIMIT`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from pledges.check.rules import Rule, RuleContext
from pledges.model.diagnostics import Diagnostic, Severity

BAD_NUMBER = Rule(
    "PL232", Severity.ERROR, "a number that is not finite, or absurdly large or small"
)
RULES = (BAD_NUMBER,)
LIMIT = 1e15
SMALLEST = 1e-12


def _numbers(raw: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    target = raw.get("target")
    if isinstance(target, dict):
        for key in ("value", "stretch", "tolerance"):
            value = target.get(key)
            if isinstance(value, list):
                for index, item in enumerate(value):
                    yield ("target", key, index), item
            elif key in target:
                yield ("target", key), value
    baseline = raw.get("baseline")
    if isinstance(baseline, dict) and "value" in baseline:
        yield ("baseline", "value"), baseline["value"]
    progress = raw.get("progress")
    for index, obs in enumerate(progress if isinstance(progress, list) else []):
        if isinstance(obs, dict) and "value" in obs:
            yield ("progress", index, "value"), obs["value"]


def problem(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None  # the schema reports non-numbers
    if isinstance(value, float) and math.isnan(value):
        return "is not a number (NaN)"
    if isinstance(value, float) and math.isinf(value):
        return "is infinite (or too large to represent)"
    if abs(value) >= LIMIT:
        return f"is implausibly large ({len(str(int(abs(value))))} digits)"
    if value and abs(value) < SMALLEST:
        return f"is implausibly small ({float(value):.3g}; nonzero figures are at least 1e-12)"
    return None


def check(ctx: RuleContext) -> Iterator[Diagnostic]:
    """`value: .nan`, `value: 1e999`, a 40-digit integer and `value: 5.0e-324` are each
    PL232; `value: 0` and `value: 0.000001` are fine."""
    for pledge in ctx.ledger.pledges:
        for keys, value in _numbers(pledge.raw):
            why = problem(value)
            if why:
                yield ctx.at(
                    pledge,
                    BAD_NUMBER,
                    f"'{keys[-1] if isinstance(keys[-1], str) else keys[-2]}' {why}",
                    *keys,
                    hint="write the figure as the source gives it, in a unit that keeps it "
                    "between 1e-12 and 1e15",
                )
