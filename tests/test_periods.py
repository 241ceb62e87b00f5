from __future__ import annotations

from datetime import date

import pytest

from pledges.model.periods import PeriodError, parse_period


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        (2025, date(2025, 1, 1), date(2025, 12, 31)),
        ("2021-H1", date(2021, 1, 1), date(2021, 6, 30)),
        ("2021-H2", date(2021, 7, 1), date(2021, 12, 31)),
        ("2023-Q1", date(2023, 1, 1), date(2023, 3, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023-08-31", date(2023, 8, 31), date(2023, 8, 31)),
    ],
)
def test_periods_cover_their_days(text: object, start: date, end: date) -> None:
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)


def test_span_runs_from_first_day_to_last() -> None:
    period = parse_period("2021-01/2021-05", allow_span=True)
    assert (period.start, period.end) == (date(2021, 1, 1), date(2021, 5, 31))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2023-02-30", "'2023-02-30' does not exist: 2023-02 has 28 days"),
        ("2023-13-01", "'2023-13-01' has month 13: months run from 01 to 12"),
        ("2023-13", "'2023-13' has month 13: months run from 01 to 12"),
        (
            "2023-Q5",
            "'2023-Q5' is not a period (use YYYY, YYYY-HN, YYYY-QN, YYYY-MM or YYYY-MM-DD)",
        ),
        ("2016/2020", "'2016/2020' is a span; a single period is expected here"),
        (True, "a period is text like 2025 or 2023-Q1, not a boolean"),
    ],
)
def test_bad_periods_say_why(text: object, message: str) -> None:
    with pytest.raises(PeriodError) as caught:
        parse_period(text)
    assert str(caught.value) == message


def test_span_must_not_run_backwards() -> None:
    with pytest.raises(PeriodError, match="ends before it starts"):
        parse_period("2020/2016", allow_span=True)
