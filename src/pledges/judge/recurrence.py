"""Recurring targets (`every: year | half | quarter | month`): the occurrences between a
pledge's start and its deadline, as calendar periods written the way the ledger writes
them (`2023`, `2023-H1`, `2023-Q1`, `2023-05`), so observations match them exactly.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from dateutil.rrule import MONTHLY, YEARLY, rrule

from pledges.model.periods import Period

MONTHS = {"year": 12, "half": 6, "quarter": 3, "month": 1}
NOUNS = {"year": "years", "half": "half-years", "quarter": "quarters", "month": "months"}
LIMIT = 1200  # a hundred years of months; more is a typo, not a pledge


def aligned(day: date, every: str) -> date:
    """The first day of the occurrence that contains `day`."""
    months = MONTHS[every]
    month = (day.month - 1) // months * months + 1
    return date(day.year, month, 1)


def is_start(day: date, every: str) -> bool:
    return aligned(day, every) == day


def is_end(day: date, every: str) -> bool:
    return is_start(day + timedelta(days=1), every)


def _text(first: date, every: str) -> str:
    if every == "year":
        return str(first.year)
    if every == "half":
        return f"{first.year}-H{(first.month - 1) // 6 + 1}"
    if every == "quarter":
        return f"{first.year}-Q{(first.month - 1) // 3 + 1}"
    return f"{first.year}-{first.month:02d}"


def occurrences(start: date, end: date, every: str) -> list[Period]:
    """Each calendar period of kind `every` from the one holding `start` to the one
    holding `end`: `rrule` steps through them, `relativedelta` finds each one's end."""
    months = MONTHS.get(every)
    if months is None or end < start:
        return []
    first = aligned(start, every)
    step = relativedelta(months=months)
    rule = rrule(
        YEARLY if every == "year" else MONTHLY,
        interval=1 if every == "year" else months,
        dtstart=datetime(first.year, first.month, 1),
        until=datetime(end.year, end.month, end.day),
        count=None,
    )
    out: list[Period] = []
    for moment in rule:
        day = moment.date()
        out.append(Period(_text(day, every), day, day + step - relativedelta(days=1)))
        if len(out) >= LIMIT:
            break
    return out
