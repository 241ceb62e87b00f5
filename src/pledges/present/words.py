"""Targets, units, figures and statuses in English words, for pages people read."""

from __future__ import annotations

from collections.abc import Mapping

from pledges.judge.status import format_number
from pledges.model.ledger import Observation, Pledge
from pledges.model.registries import Unit

_FLOORS = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than"}
# The same bounds read as a fall, for change targets written as negative values.
_FALLS = {">=": "at most", ">": "less than", "<=": "at least", "<": "more than"}
_REF_WORDS = {
    ">=": "at least as much as",
    ">": "more than",
    "<=": "at most as much as",
    "<": "less than",
    "about": "in step with",
}
_EVERY = {
    "year": "every year",
    "half": "every half-year",
    "quarter": "every quarter",
    "month": "every month",
}


def status_label(status: str) -> str:
    return status.replace("_", " ")


def unit_words(unit_id: str | None, units: Mapping[str, Unit]) -> str:
    """The unit after a number: `%`, ` MW`, ` 万千瓦 (10,000 kilowatts)`."""
    if unit_id is None:
        return ""
    if unit_id == "percent":
        return "%"
    if unit_id == "count":
        return ""
    if unit_id == "rank":
        return " (rank)"
    unit = units.get(unit_id)
    if unit is not None and unit_id.isascii():
        return f" {unit_id}" if len(unit_id) <= 4 else f" {unit.name_en}"
    if unit is not None:
        return f" {unit_id} ({unit.name_en})"
    return f" {unit_id}"


def amount(value: float, unit_id: str | None, units: Mapping[str, Unit]) -> str:
    return f"{format_number(value)}{unit_words(unit_id, units)}"


def target_words(
    pledge: Pledge,
    units: Mapping[str, Unit],
    goal: float | None = None,
    titles: Mapping[str, str] | None = None,
) -> str:
    """The target as a reader would say it: `at least 5%, striving for 5.5%`, `at least 2
    万人 (10,000 persons) every year`, `done by 2023-08`."""
    text = _target_words(pledge, units, goal, titles)
    every = pledge.target.every if pledge.target else None
    return f"{text} {_EVERY.get(every, 'every ' + every)}" if every else text


def _target_words(
    pledge: Pledge,
    units: Mapping[str, Unit],
    goal: float | None,
    titles: Mapping[str, str] | None,
) -> str:
    target = pledge.target
    if target is None:
        return "no numeric target (a qualitative pledge)"
    if target.set_by:
        return "a target set by the higher level and not published"
    if target.milestone and pledge.deadline is not None:
        return f"done by {pledge.deadline.text}"
    unit = pledge.metric.unit if pledge.metric else None
    if target.op == "between" and target.bounds:
        low, high = target.bounds
        return f"between {format_number(low)} and {amount(high, unit, units)}"
    if target.ref:
        name = (titles or {}).get(target.ref) or target.ref
        text = _REF_WORDS.get(target.op or "about", "in step with") + f" {name}"
        if target.tolerance is not None:
            text += f" (within {amount(target.tolerance, unit, units)})"
        if goal is not None:
            text += f": {amount(goal, unit, units)} for the latest period"
        return text
    if target.value is None or (target.op not in _FLOORS and target.op != "about"):
        return "an incomplete target"
    if target.op == "about":
        text = f"about {amount(target.value, unit, units)}"
        if target.tolerance is not None:
            text += f" (± {amount(target.tolerance, unit, units)})"
        return text
    if target.value < 0:
        text = f"a fall of {_FALLS[target.op]} {amount(-target.value, unit, units)}"
    else:
        text = f"{_FLOORS[target.op]} {amount(target.value, unit, units)}"
    if target.stretch is not None:
        stretch = target.stretch
        shown = amount(-stretch, unit, units) if stretch < 0 else amount(stretch, unit, units)
        text += f", striving for {'a fall of ' if stretch < 0 else ''}{shown}"
    return text


def observation_words(
    obs: Observation | None, metric_unit: str | None, units: Mapping[str, Unit]
) -> str:
    """`8% for 2023`, with the unit the source used: `at least 5%` for a lower bound,
    `about 5%` for an approximation, the level as written, `done` for a milestone."""
    if obs is None:
        return "none recorded"
    period = obs.period.text if obs.period else "an unknown period"
    return f"{value_words(obs, metric_unit, units)} for {period}"


def value_words(obs: Observation, metric_unit: str | None, units: Mapping[str, Unit]) -> str:
    if obs.done is not None and obs.value is None:
        return "done" if obs.done else "not done"
    if obs.level is not None:
        return obs.level
    if obs.value is None:
        return "?"
    value = amount(obs.value, obs.unit or metric_unit, units)
    if obs.bound == "lower":
        return f"at least {value}"
    if obs.bound == "upper":
        return f"at most {value}"
    return f"about {value}" if obs.approx else value
