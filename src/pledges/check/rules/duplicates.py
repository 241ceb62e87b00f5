"""Duplicate rule: the same commitment entered twice, unless the two entries are linked.

Two pledges of one jurisdiction are probable duplicates when they share the deadline
and the metric's unit, their target values lie within 1% of each other, and either
one metric name holds every word of the other (`Retail sales of consumer goods` within
`Total retail sales of consumer goods`; `Urban …` and `Rural …` differ) or one quote
contains the other (the same figure quoted from the same sentence). `related` or
`same_as` in either direction silences it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from pledges.check.rules import Rule, RuleContext
from pledges.model.diagnostics import Diagnostic, Severity
from pledges.model.ledger import Pledge

DUPLICATE = Rule("PL283", Severity.WARNING, "a probable duplicate of another pledge")
RULES = (DUPLICATE,)
CLOSE = 0.01
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[\w'’&-]+")


def _value(pledge: Pledge) -> float | None:
    target = pledge.target
    if target is None or target.set_by or target.milestone or target.relative:
        return None
    return target.value


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= CLOSE * max(abs(a), abs(b))


def _linked(a: Pledge, b: Pledge) -> bool:
    return b.id in a.related or a.id in b.related or a.same_as == b.id or b.same_as == a.id


def _quote(pledge: Pledge) -> str:
    return _SPACE.sub("", pledge.quote or "")


def _words(pledge: Pledge) -> frozenset[str]:
    name = pledge.metric.name if pledge.metric and pledge.metric.name else ""
    return frozenset(_WORD.findall(name.casefold()))


def alike(a: Pledge, b: Pledge) -> str | None:
    """Why two pledges with close targets read as one commitment, or None."""
    words_a, words_b = _words(a), _words(b)
    if words_a and words_a == words_b:
        return "the same metric"
    quote_a, quote_b = _quote(a), _quote(b)
    if quote_a and quote_b and (quote_a in quote_b or quote_b in quote_a):
        return "the same quote"
    if words_a and words_b and (words_a <= words_b or words_b <= words_a):
        return "one metric name within the other"
    return None


def check(ctx: RuleContext) -> Iterator[Diagnostic]:
    """`xiaoshan/14th-fyp/gdp` (≥2600 亿元 by 2025) beside `gdp-above-2600` (>2600 亿元
    by 2025) is PL283 on the later one, until one names the other in `related`."""
    groups: dict[tuple[str, date, str], list[tuple[float, int, Pledge]]] = {}
    for order, pledge in enumerate(ctx.ledger.pledges):
        value = _value(pledge)
        if value is None or pledge.deadline is None or pledge.metric is None:
            continue
        key = (pledge.jurisdiction or "", pledge.deadline.end, pledge.metric.unit or "")
        groups.setdefault(key, []).append((value, order, pledge))
    found: list[tuple[int, Pledge, Pledge, str]] = []
    for members in groups.values():
        members.sort(key=lambda item: (item[0], item[1]))
        for index, (value, order, pledge) in enumerate(members):
            near = []
            for other_value, other_order, other in members[index + 1 :]:
                if not _close(value, other_value):
                    break
                near.append((other_order, other))
            for other_order, other in near:
                if pledge.id == other.id or _linked(pledge, other):
                    continue  # a shared id is PL201
                why = alike(pledge, other)
                if why:
                    (_, first), (at, later) = sorted(((order, pledge), (other_order, other)))
                    found.append((at, first, later, why))
    for _, first, later, why in sorted(found, key=lambda item: (item[0], item[1].id)):
        yield ctx.at(
            later,
            DUPLICATE,
            f"probably the same commitment as '{first.id}' ({why}, the same deadline and a "
            "target within 1%)",
            "id",
            hint=f"link them: 'related: [{first.id}]', or 'same_as: {first.id}' for a "
            "restatement, or merge them",
        )
