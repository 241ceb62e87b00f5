"""Periods: `2025`, `2021-H1`, `2023-Q1`, `2023-08`, `2023-08-31` and spans `A/B`."""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

_SINGLE = re.compile(
    r"^(?P<y>[0-9]{4})(?:-(?:H(?P<h>[12])|Q(?P<q>[1-4])|(?P<m>[0-9]{2})(?:-(?P<d>[0-9]{2}))?))?\Z"
)


@dataclass(frozen=True)
class Period:
    """A closed range of days, with the text it was written as."""

    text: str
    start: date
    end: date

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end


class PeriodError(ValueError):
    """The text is not a period; the message says why, for a diagnostic."""


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _single(text: str) -> Period:
    match = _SINGLE.match(text)
    if match is None:
        raise PeriodError(
            f"'{text}' is not a period (use YYYY, YYYY-HN, YYYY-QN, YYYY-MM or YYYY-MM-DD)"
        )
    year = int(match["y"])
    if year < 1:
        raise PeriodError(f"'{text}' has no valid year")
    if match["h"]:
        half = int(match["h"])
        return Period(text, date(year, 6 * half - 5, 1), _month_end(year, 6 * half))
    if match["q"]:
        quarter = int(match["q"])
        return Period(text, date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter))
    if match["m"]:
        month = int(match["m"])
        if not 1 <= month <= 12:
            raise PeriodError(f"'{text}' has month {month}: months run from 01 to 12")
        if match["d"]:
            day = int(match["d"])
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise PeriodError(f"'{text}' does not exist: {year}-{month:02d} has {last} days")
            return Period(text, date(year, month, day), date(year, month, day))
        return Period(text, date(year, month, 1), _month_end(year, month))
    return Period(text, date(year, 1, 1), date(year, 12, 31))


def parse_period(value: object, *, allow_span: bool = False) -> Period:
    """Parse a period as written in YAML (a year may be an integer)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise PeriodError(f"a period is text like 2025 or 2023-Q1, not {type_name(value)}")
    return _parse_text(str(value), allow_span)


@lru_cache(maxsize=4096)
def _parse_text(text: str, allow_span: bool) -> Period:
    # A ledger repeats a few hundred period strings many thousand times.
    if "/" in text:
        if not allow_span:
            raise PeriodError(f"'{text}' is a span; a single period is expected here")
        left, _, right = text.partition("/")
        first, last = _single(left), _single(right)
        if last.end < first.start:
            raise PeriodError(f"span '{text}' ends before it starts")
        return Period(text, first.start, last.end)
    return _single(text)


def first_overlaps(periods: Sequence[Period]) -> list[int | None]:
    """For each period, the index of the first one before it in the list that overlaps it.

    O(n log n). Among all the periods that overlap period i (i itself included), the
    smallest index is below i exactly when an earlier period overlaps it, and then it is
    the first such one. So the order of the list drops out: a sweep in order of end dates
    over a Fenwick tree of minimum indexes, keyed by end date, answers every period.
    """
    count = len(periods)
    ends = sorted({p.end for p in periods})
    tree = [count] * (len(ends) + 1)  # prefix minima over ends in descending order

    def insert(end: date, index: int) -> None:
        slot = len(ends) - bisect_left(ends, end)  # 1-based, latest end first
        while slot <= len(ends):
            tree[slot] = min(tree[slot], index)
            slot += slot & -slot

    def smallest_ending_from(start: date) -> int:
        slot = len(ends) - bisect_left(ends, start)  # the ends at or after `start`
        best = count
        while slot > 0:
            best = min(best, tree[slot])
            slot -= slot & -slot
        return best

    by_start = sorted(range(count), key=lambda i: periods[i].start)
    found: list[int | None] = [None] * count
    added = 0
    for index in sorted(range(count), key=lambda i: periods[i].end):
        period = periods[index]
        # every period starting by this one's end, keyed by its own end
        while added < count and periods[by_start[added]].start <= period.end:
            insert(periods[by_start[added]].end, by_start[added])
            added += 1
        first = smallest_ending_from(period.start)
        found[index] = first if first < index else None
    return found


def parse_date(text: str) -> date:
    """Parse an `--as-of` date: a period stands for its last day."""
    return parse_period(text).end


def type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
