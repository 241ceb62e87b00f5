"""Reported figures matched to the pledges they report on."""

from __future__ import annotations

from collections.abc import Iterable

from pledges.extract.outcomes import Outcome
from pledges.extract.text import fold
from pledges.model.ledger import Pledge
from pledges.model.periods import PeriodError, parse_period
from pledges.model.registries import Unit

# The least name similarity (0-100) for a figure to be read as a pledge's outcome.
MIN_SIMILARITY = 70.0


def _within(jurisdiction: str | None, scope: str | None) -> bool:
    """A pledge of the document's jurisdiction or of one of its parents."""
    if not scope or not jurisdiction:
        return True
    return scope == jurisdiction or scope.startswith(jurisdiction + "/")


def _period_fits(outcome: Outcome, pledge: Pledge) -> bool:
    if pledge.deadline is None:
        return False
    try:
        period = parse_period(str(outcome.period))
    except PeriodError:
        return False
    start = pledge.start or pledge.made
    if start is not None and period.end < start.start:
        return False
    return period.end <= pledge.deadline.end and period.start >= (
        pledge.deadline.start.replace(year=pledge.deadline.start.year - 5)
    )


def _compatible(outcome: Outcome, pledge: Pledge, units: dict[str, Unit]) -> bool:
    unit = pledge.metric.unit if pledge.metric else None
    if unit is None:
        return False
    a, b = units.get(outcome.unit), units.get(unit)
    return outcome.unit == unit or (a is not None and b is not None and a.dimension == b.dimension)


def similarity(outcome: Outcome, pledge: Pledge) -> float:
    from rapidfuzz import fuzz

    name = fold(outcome.metric)
    if not name:
        return 0.0
    texts = [fold(pledge.quote or ""), fold(pledge.metric.name or "") if pledge.metric else ""]
    return (
        max(float(fuzz.partial_ratio(name, text)) for text in texts if text) if any(texts) else 0.0
    )


def match(
    outcomes: Iterable[Outcome],
    pledges: Iterable[Pledge],
    units: dict[str, Unit],
    scope: str | None = None,
) -> list[Outcome]:
    """Each outcome with `pledge` set to the best-matching pledge id, or left None."""
    candidates = [p for p in pledges if _within(p.jurisdiction, scope)]
    found: list[Outcome] = []
    for outcome in outcomes:
        best: tuple[float, str] | None = None
        for pledge in candidates:
            if not _compatible(outcome, pledge, units) or not _period_fits(outcome, pledge):
                continue
            score = similarity(outcome, pledge)
            if score >= MIN_SIMILARITY and (best is None or score > best[0]):
                best = (score, pledge.id)
        outcome.pledge = best[1] if best else None
        found.append(outcome)
    return found
