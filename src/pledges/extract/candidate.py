"""A candidate ledger entry and the words that describe it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pledges.extract import rules

_OP_WORDS = {
    ">=": "at least",
    ">": "more than",
    "<=": "at most",
    "<": "less than",
    "about": "about",
    "between": "between",
}
_UNIT_WORDS = {
    "percent": "%",
    "percentage-points": " percentage points",
    "count": "",
    "persons": " people",
    "万人": "0,000 people",
}


@dataclass
class Candidate:
    quote: str
    start: int  # offsets of the quote in the text
    end: int
    line: int
    metric: str
    unit: str
    kind: str  # level, flow or rate
    target: dict[str, Any]
    deadline: str | int
    rule: str
    score: float
    every: str | None = None
    binding: bool | None = None
    tags: list[str] = field(default_factory=list)
    made: str | None = None
    first_period: int | None = None  # `start` of a recurring target

    def entry(self) -> dict[str, Any]:
        """The candidate in the shape of a ledger pledge (format v2), plus its provenance."""
        item: dict[str, Any] = {
            "title": title(self),
            "quote": self.quote,
        }
        if self.made:
            item["made"] = int(self.made) if self.made.isdigit() else self.made
        if self.first_period is not None:
            item["start"] = self.first_period
        item["deadline"] = self.deadline
        if self.binding is not None:
            item["binding"] = self.binding
        if self.tags:
            item["tags"] = self.tags
        item["metric"] = {"name": self.metric, "unit": self.unit, "kind": self.kind}
        item["target"] = dict(self.target)
        if self.every:
            item["target"]["every"] = self.every
        item["confidence"] = {"score": self.score, "rule": self.rule, "line": self.line}
        return item


def tags_for(text: str) -> list[str]:
    found: list[str] = []
    for word, tag in rules.TAG_WORDS:
        if word in text and tag not in found:
            found.append(tag)
    return found[:3]


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) and abs(value) >= 10000 else str(value)


def _figure(value: Any, unit: str) -> str:
    suffix = _UNIT_WORDS.get(unit, f" {unit}")
    return f"{_number(value)}{suffix}"


def _english(metric: str) -> str:
    for chinese, english in rules.GLOSSARY:
        if metric == chinese:
            return english
    for chinese, english in rules.GLOSSARY:
        if chinese in metric and len(chinese) >= 4:
            return f"{english} ({metric})"
    return metric


def title(c: Candidate) -> str:
    """A plain English draft title; Chinese names stay where no glossary word fits."""
    what = _english(c.metric) or "the indicator"
    target = c.target
    when = f"by {c.deadline}" if not c.every else f"every {c.every} to {c.deadline}"
    if target.get("op") == "done":
        return f"Complete: {what}, {when}"
    if "set_by" in target:
        return f"Meet the targets set by higher levels for {what} {when}"
    op = target.get("op", ">=")
    if op == "between":
        low, high = target.get("value", [None, None])
        amount = f"between {_figure(low, c.unit)} and {_figure(high, c.unit)}"
    else:
        amount = f"{_OP_WORDS.get(op, op)} {_figure(target.get('value'), c.unit)}"
    stretch = target.get("stretch")
    if stretch is not None:
        amount += f", striving for {_figure(stretch, c.unit)}"
    if c.kind == "rate":
        return f"{what}: growth of {amount} {when}"
    if c.kind == "flow":
        return f"Add {amount} of {what} {when}"
    return f"Reach {amount} for {what} {when}"
