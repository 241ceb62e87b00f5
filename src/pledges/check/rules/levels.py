"""Level rules: a value written as text is a level of an ordinal unit."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pledges.check.rules import Rule, RuleContext
from pledges.model.diagnostics import Diagnostic, Severity
from pledges.model.ledger import Pledge
from pledges.model.registries import Unit, level_key

NOT_A_LEVEL = Rule(
    "PL215", Severity.ERROR, "a value that is not a level of its ordinal unit, or text elsewhere"
)
RULES = (NOT_A_LEVEL,)

Keys = tuple[str | int, ...]


def _values(pledge: Pledge) -> Iterator[tuple[Keys, Any, str | None]]:
    """Every figure of a pledge with the unit it is written in."""
    raw = pledge.raw
    metric = raw.get("metric")
    metric_unit = metric.get("unit") if isinstance(metric, dict) else None
    target = raw.get("target")
    if isinstance(target, dict):
        for key in ("value", "stretch"):
            value = target.get(key)
            if key == "value" and value == "baseline":
                continue  # a target relative to the pledge's baseline (format v2)
            if isinstance(value, list):
                for index, item in enumerate(value):
                    yield ("target", key, index), item, metric_unit
            elif key in target:
                yield ("target", key), value, metric_unit
    observations: list[tuple[Keys, Any]] = [(("baseline",), raw.get("baseline"))]
    progress = raw.get("progress")
    if isinstance(progress, list):
        observations += [(("progress", i), item) for i, item in enumerate(progress)]
    for keys, item in observations:
        if isinstance(item, dict) and "value" in item:
            unit = item.get("unit", metric_unit)
            yield (*keys, "value"), item["value"], unit if isinstance(unit, str) else None


def problem(value: Any, unit: Unit | None) -> tuple[str, str | None] | None:
    """Why a value does not fit its unit's kind, with a hint; None when it fits."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None  # the schema reports these
    if unit is None or not unit.ordinal:
        if not isinstance(value, str):
            return None
        which = f"unit '{unit.id}' has no levels" if unit else "the figure has no unit"
        return f"'{value}' is text, but {which}", "write the figure as a number"
    if unit.rank(value) is not None:
        return None
    levels = ", ".join(unit.levels)
    if isinstance(value, str):
        close = _closest(value, unit)
        hint = f"did you mean '{close}'?" if close else f"the levels are {levels}"
        return f"'{value}' is not a level of unit '{unit.id}'", hint
    return (
        f"{value:g} is not a rank of unit '{unit.id}' (1 to {len(unit.levels)})",
        f"the levels are {levels}",
    )


def _closest(value: str, unit: Unit) -> str | None:
    import difflib

    keys = {level_key(level): level for level in unit.levels}
    close = difflib.get_close_matches(level_key(value), list(keys), n=1, cutoff=0.5)
    return keys[close[0]] if close else None


def check(ctx: RuleContext) -> Iterator[Diagnostic]:
    """`value: IIV` with `unit: water-class` is PL215 (did you mean 'IV'?); so is
    `value: about 5` on a metric in percent, and a rank 7 of a unit with six levels."""
    units: Mapping[str, Unit] = ctx.ledger.units
    for pledge in ctx.ledger.pledges:
        for keys, value, unit_name in _values(pledge):
            unit = units.get(unit_name) if unit_name else None
            if unit_name and unit is None:
                continue  # PL213 reports the unknown unit
            found = problem(value, unit)
            if found:
                yield ctx.at(pledge, NOT_A_LEVEL, found[0], *keys, hint=found[1])
