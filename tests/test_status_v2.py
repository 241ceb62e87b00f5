"""Status engine, ledger format v2: flows, `about`, bounds and approximations, milestones,
recurring targets, targets relative to the baseline, baseline-period figures, progress."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pytest

from tests.conftest import Judge, done_obs, obs

FLOW = """\
- id: t/green
  title: Add 200,000 m2 of green space in 2024
  quote: 新增绿地20万方
  made: 2024-01
  deadline: 2024
  metric: {name: Green space added, unit: 万平方米, kind: flow}
  baseline: {period: 2023, value: 28}
  target: {op: ">=", value: 20}
  progress:
"""
LAST = " (last period: 28 万平方米 for 2023)"


def test_a_flow_is_judged_from_zero_and_last_period_is_only_shown(judge: Judge) -> None:
    result = judge(FLOW + obs(2024, 25), date(2025, 3, 1))["t/green"]
    assert (result.status, result.progress) == ("achieved", 1.25)
    assert result.explanation == "achieved: 25 万平方米 for 2024 meets ≥20 万平方米" + LAST


def test_the_same_figure_read_as_a_level_starts_from_the_baseline(judge: Judge) -> None:
    level = FLOW.replace(", kind: flow", "")
    result = judge(level + obs(2024, 25), date(2025, 3, 1))["t/green"]
    # the baseline already meets the target, so it is no starting point: 25 / 20
    assert (result.status, result.progress) == ("achieved", 1.25)
    assert result.explanation == "achieved: 25 万平方米 for 2024 meets ≥20 万平方米"


def test_an_interim_flow_is_held_to_the_elapsed_share_of_the_target(judge: Judge) -> None:
    ahead = judge(FLOW + obs('"2024-H1"', 12), date(2024, 8, 1))["t/green"]
    behind = judge(FLOW + obs('"2024-H1"', 6), date(2024, 8, 1))["t/green"]
    assert (ahead.status, ahead.progress) == ("on_track", 0.6)
    assert ahead.explanation == (
        "on_track: 12 万平方米 for 2024-H1 is at or ahead of the elapsed share of the target "
        "(9.9454 expected for 182 of 366 days) toward ≥20 万平方米 by 2024" + LAST
    )
    assert (behind.status, behind.progress) == ("at_risk", 0.3)
    assert behind.explanation == (
        "at_risk: 6 万平方米 for 2024-H1 is behind the elapsed share of the target "
        "(9.9454 expected for 182 of 366 days) toward ≥20 万平方米 by 2024" + LAST
    )
    unreported = judge(FLOW + obs('"2024-H1"', 12), date(2025, 3, 1))["t/green"]
    assert unreported.explanation == (
        "unreported: deadline 2024 passed with no figure for it; "
        "latest figure 12 万平方米 for 2024-H1"
    )


def test_last_periods_flow_never_decides_this_periods_status(judge: Judge) -> None:
    result = judge(FLOW + obs(2023, 26), date(2024, 8, 1))["t/green"]
    assert result.explanation == "pending: deadline 2024 ahead; no figure yet" + ""


ABOUT = """\
- id: t/parks
  title: About 70 parks
  quote: 70个左右
  deadline: 2024
  metric: {name: Parks, unit: count}
  target: {op: about, value: 70}
  progress:
"""


@pytest.mark.parametrize(
    ("value", "status", "progress", "why"),
    [
        (72, "achieved", 72 / 70, "72 count for 2024 is within about 70 count (±3.5)"),
        (66.5, "achieved", 1.0, "66.5 count for 2024 is within about 70 count (±3.5)"),
        (75, "missed", None, "75 count for 2024 exceeds about 70 count (±3.5)"),
        (66, "missed", 66 / 70, "66 count for 2024 falls short of about 70 count (±3.5)"),
    ],
)
def test_about_takes_five_percent_either_side_of_a_count(
    judge: Judge, value: float, status: str, progress: float | None, why: str
) -> None:
    result = judge(ABOUT + obs(2024, value), date(2025, 3, 1))["t/parks"]
    assert result.status == status
    assert result.progress == pytest.approx(progress)
    assert result.explanation == f"{status}: {why}"


INCOME = (
    """\
- id: t/gdp
  title: GDP growth at least 5%
  quote: 增长5%
  deadline: 2023
  metric: {name: GDP growth, unit: percent, kind: rate}
  target: {op: ">=", value: 5}
  progress:
"""
    + obs(2023, 6.1)
    + """\
- id: t/income
  title: Income growth in step with GDP
  quote: 与经济增长同步
  deadline: 2023
  metric: {name: Income growth, unit: percent, kind: rate, better: higher}
  target: {op: about, ref: t/gdp}
  progress:
"""
)


@pytest.mark.parametrize(
    ("value", "status", "why"),
    [
        (7.0, "achieved", "7% for 2023 exceeds about t/gdp = 6.1% (±0.5)"),
        (5.7, "achieved", "5.7% for 2023 is within about t/gdp = 6.1% (±0.5)"),
        (5.5, "missed", "5.5% for 2023 falls short of about t/gdp = 6.1% (±0.5)"),
    ],
)
def test_about_a_rate_is_half_a_point_and_better_higher_reads_true(
    judge: Judge, value: float, status: str, why: str
) -> None:
    result = judge(INCOME + obs(2023, value), date(2024, 3, 1))["t/income"]
    assert result.explanation == f"{status}: {why}"
    assert result.progress is None or (result.progress >= 1) == (status == "achieved")


OUTPUT = """\
- id: t/output
  title: Output of at least 920
  quote: 920亿元以上
  deadline: 2024
  metric: {name: Output, unit: 亿元}
  target: {op: ">=", value: 920}
  progress:
"""


@pytest.mark.parametrize(
    ("value", "bound", "status", "progress", "why"),
    [
        (
            900,
            "lower",
            "unrated",
            None,
            "reported only as above 900 亿元 for 2024, which does not settle ≥920 亿元",
        ),
        (930, "lower", "achieved", 930 / 920, "above 930 亿元 for 2024 meets ≥920 亿元"),
        (900, "upper", "missed", 900 / 920, "below 900 亿元 for 2024 falls short of ≥920 亿元"),
        (
            950,
            "upper",
            "unrated",
            None,
            "reported only as below 950 亿元 for 2024, which does not settle ≥920 亿元",
        ),
    ],
)
def test_a_bound_decides_only_when_it_settles_the_target(
    judge: Judge, value: float, bound: str, status: str, progress: float | None, why: str
) -> None:
    body = OUTPUT + obs(2024, value, f"      bound: {bound}\n")
    result = judge(body, date(2025, 3, 1))["t/output"]
    assert result.status == status
    assert result.progress == pytest.approx(progress)
    assert result.explanation == f"{status}: {why}"


def test_an_interim_bound_that_does_not_settle_the_path_is_pending(judge: Judge) -> None:
    body = OUTPUT + obs('"2024-H1"', 400, "      bound: lower\n")
    result = judge(
        body.replace("  deadline: 2024\n", "  made: 2024-01\n  deadline: 2024\n").replace(
            "unit: 亿元}", "unit: 亿元, kind: flow}"
        ),
        date(2024, 8, 1),
    )
    assert result["t/output"].explanation == (
        "pending: above 400 亿元 for 2024-H1 is not settled against the elapsed share of the "
        "target (457.4863 expected for 182 of 366 days) toward ≥920 亿元 by 2024"
    )


RD = """\
- id: t/rd
  title: R&D at 10% of GDP
  quote: 力争10%
  deadline: 2023
  metric: {name: R&D share of GDP, unit: percent}
  target: {op: ">=", value: 10}
  progress:
"""


@pytest.mark.parametrize(
    ("value", "status", "why"),
    [
        (10, "unrated", "reported only as about 10% for 2023, which does not settle ≥10%"),
        (11, "achieved", "about 11% for 2023 meets ≥10%"),
        (8, "missed", "about 8% for 2023 falls short of ≥10%"),
    ],
)
def test_an_approximate_figure_is_five_percent_either_side(
    judge: Judge, value: float, status: str, why: str
) -> None:
    result = judge(RD + obs(2023, value, "      approx: true\n"), date(2024, 3, 1))["t/rd"]
    assert result.explanation == f"{status}: {why}"


MILESTONE = """\
- id: t/hall
  title: Open the hall by September
  quote: 9月投入使用
  made: 2024-01
  deadline: 2024-09
  target: {op: done}
"""


@pytest.mark.parametrize(
    ("report", "as_of", "status", "why"),
    [
        (
            done_obs('"2024-08"'),
            date(2024, 9, 5),
            "achieved",
            "done in 2024-08, by the deadline 2024-09",
        ),
        (
            "",
            date(2024, 10, 5),
            "unreported",
            "deadline 2024-09 passed with no report that it was done",
        ),
        ("", date(2024, 7, 5), "pending", "deadline 2024-09 ahead; not reported done yet"),
        (
            done_obs('"2024-08"'),
            date(2024, 8, 15),
            "pending",
            "deadline 2024-09 ahead; not reported done yet",
        ),
        (
            done_obs('"2024-10"'),
            date(2024, 11, 5),
            "missed",
            "done in 2024-10, after the deadline 2024-09",
        ),
        (
            done_obs("2024"),
            date(2025, 1, 5),
            "unrated",
            "reported done in 2024, which does not settle whether it was done by the deadline "
            "2024-09",
        ),
        (
            done_obs('"2024-09"', done=False),
            date(2024, 10, 5),
            "missed",
            "reported not done in 2024-09 (deadline 2024-09)",
        ),
    ],
)
def test_a_milestone_is_done_on_time_late_or_not_reported(
    judge: Judge, report: str, as_of: date, status: str, why: str
) -> None:
    body = MILESTONE + ("  progress:\n" + report if report else "")
    result = judge(body, as_of)["t/hall"]
    assert result.explanation == f"{status}: {why}"
    assert result.progress == (1.0 if status == "achieved" else None)


DRILLS = """\
- id: t/drills
  title: At least three drills every year
  quote: 每年不少于三次
  made: 2021-03
  start: 2021
  deadline: 2025
  metric: {name: Drills, unit: count}
  target: {op: ">=", value: 3, every: year}
  progress:
"""
YEARS: dict[int, float] = {2021: 3, 2022: 4, 2023: 2, 2024: 3, 2025: 5}


def _drills(years: Mapping[int, float]) -> str:
    return DRILLS + "".join(obs(year, value) for year, value in years.items())


def test_a_yearly_target_met_in_four_of_five_years_is_partly(judge: Judge) -> None:
    result = judge(_drills(YEARS), date(2026, 3, 1))["t/drills"]
    assert (result.status, result.progress) == ("partly", 0.8)
    assert result.explanation == "partly: 4 of 5 years met ≥3 count; missed: 2023 (2 count)"
    assert [(o.period.text, o.status) for o in result.occurrences] == [
        ("2021", "achieved"),
        ("2022", "achieved"),
        ("2023", "missed"),
        ("2024", "achieved"),
        ("2025", "achieved"),
    ]
    assert result.occurrences[2].explanation == "2 count for 2023 falls short of ≥3 count"


def test_a_yearly_target_met_every_year_or_never(judge: Judge) -> None:
    every = judge(_drills({**YEARS, 2023: 3}), date(2026, 3, 1))["t/drills"]
    assert (every.status, every.progress) == ("achieved", 1.0)
    never = judge(_drills(dict.fromkeys(YEARS, 1)), date(2026, 3, 1))["t/drills"]
    assert (never.status, never.progress) == ("missed", 0.0)
    assert never.explanation == (
        "missed: 0 of 5 years met ≥3 count; missed: 2021 (1 count), 2022 (1 count), "
        "2023 (1 count), 2024 (1 count), 2025 (1 count)"
    )


def test_a_recurring_target_with_a_year_missing_has_no_verdict(judge: Judge) -> None:
    years = {k: v for k, v in YEARS.items() if k != 2023}
    result = judge(_drills(years), date(2026, 3, 1))["t/drills"]
    assert result.explanation == "unreported: 4 of 5 years met ≥3 count; no verdict: 2023"


def test_before_the_last_occurrence_a_missed_year_puts_it_at_risk(judge: Judge) -> None:
    body = _drills(YEARS)
    assert judge(body, date(2024, 3, 1))["t/drills"].explanation == (
        "at_risk: 2 of 5 years met ≥3 count; missed: 2023 (2 count); 2 still open"
    )
    assert judge(body, date(2023, 3, 1))["t/drills"].explanation == (
        "on_track: 2 of 5 years met ≥3 count; 3 still open"
    )
    assert judge(body, date(2021, 6, 1))["t/drills"].status == "pending"


def test_quarterly_occurrences_are_calendar_quarters(judge: Judge) -> None:
    body = (
        DRILLS.replace("every: year", "every: quarter").replace(
            "deadline: 2025", 'deadline: "2021-Q3"'
        )
        + obs('"2021-Q1"', 3)
        + obs('"2021-Q2"', 3)
        + obs('"2021-Q3"', 3)
    )
    result = judge(body, date(2021, 12, 1))["t/drills"]
    assert [o.period.text for o in result.occurrences] == ["2021-Q1", "2021-Q2", "2021-Q3"]
    assert result.explanation == "achieved: 3 of 3 quarters met ≥3 count"


COAL = """\
- id: t/coal
  title: Coal use only falls
  quote: 只减不增
  made: 2023
  deadline: 2023
  metric: {name: Coal use, unit: 万吨}
  baseline: {period: 2022, value: 100}
  target: {op: "<=", value: baseline}
  progress:
"""


@pytest.mark.parametrize(
    ("value", "status", "why"),
    [
        (95, "achieved", "95 万吨 for 2023 meets ≤baseline = 100 万吨"),
        (100, "achieved", "100 万吨 for 2023 meets ≤baseline = 100 万吨"),
        (104, "missed", "104 万吨 for 2023 exceeds ≤baseline = 100 万吨"),
    ],
)
def test_a_target_relative_to_the_baseline(
    judge: Judge, value: float, status: str, why: str
) -> None:
    result = judge(COAL + obs(2023, value), date(2024, 3, 1))["t/coal"]
    assert result.explanation == f"{status}: {why}"
    assert result.target_value == 100


def test_a_strict_fall_from_the_baseline(judge: Judge) -> None:
    body = COAL.replace('"<="', '"<"') + obs(2023, 100)
    result = judge(body, date(2024, 3, 1))["t/coal"]
    assert (result.status, result.progress) == ("missed", None)
    without = COAL.replace("  baseline: {period: 2022, value: 100}\n", "") + obs(2023, 90)
    assert judge(without, date(2024, 3, 1))["t/coal"].explanation == (
        "unrated: 90 万吨 for 2023; the baseline figure is not recorded"
    )


def test_a_figure_from_before_the_pledge_never_decides_it(judge: Judge) -> None:
    body = """\
- id: t/rdi
  title: R&D intensity of 3.5% in 2023
  quote: 研发投入强度3.5%
  made: 2023-03
  deadline: 2023
  metric: {name: R&D intensity, unit: percent}
  target: {op: ">=", value: 3.5}
  progress:
""" + obs(2022, 3.26, "      outcome: true\n")
    result = judge(body, date(2023, 3, 31))["t/rdi"]
    assert result.explanation == "pending: deadline 2023 ahead; no figure yet"
    assert judge(body, date(2024, 3, 1))["t/rdi"].status == "unreported"


@pytest.mark.parametrize(
    ("value", "status", "progress"),
    [(2.8, "achieved", 3 / 2.8), (3.0, "achieved", 1.0), (3.5, "missed", 3 / 3.5)],
)
def test_progress_of_a_lower_is_better_target(
    judge: Judge, value: float, status: str, progress: float
) -> None:
    body = """\
- id: t/unemployment
  title: Unemployment at most 3%
  quote: 3%以内
  deadline: 2023
  metric: {name: Unemployment rate, unit: percent, kind: rate}
  target: {op: "<=", value: 3}
  progress:
""" + obs(2023, value)
    result = judge(body, date(2024, 3, 1))["t/unemployment"]
    assert result.status == status
    assert result.progress == pytest.approx(progress)
    verb = "meets" if status == "achieved" else "exceeds"
    assert result.explanation == f"{status}: {value:g}% for 2023 {verb} ≤3%"


def test_progress_of_a_level_falling_from_its_baseline(judge: Judge) -> None:
    body = """\
- id: t/energy
  title: Energy intensity down to 0.4
  quote: 降至0.4
  made: 2021
  deadline: 2025
  metric: {name: Energy intensity, unit: index}
  baseline: {period: 2020, value: 0.5}
  target: {op: "<=", value: 0.4}
  progress:
"""
    halfway = judge(body + obs(2025, 0.45), date(2026, 3, 1))["t/energy"]
    assert halfway.status == "missed"
    assert halfway.progress == pytest.approx(0.5)
    worse = judge(body + obs(2025, 0.55), date(2026, 3, 1))["t/energy"]
    assert (worse.status, worse.progress) == ("missed", 0.0)
    done = judge(body + obs(2025, 0.38), date(2026, 3, 1))["t/energy"]
    assert done.status == "achieved"
    assert done.progress == pytest.approx(1.2)


def test_an_assessment_the_figures_do_not_measure_clears_progress(judge: Judge) -> None:
    body = (
        ABOUT
        + obs(2024, 60)
        + """\
  assessment:
    status: achieved
    as_of: 2025
    rationale: The report says the target was met.
    evidence: [{source: test-report, quote: 完成}]
"""
    )
    result = judge(body, date(2026, 3, 1))["t/parks"]
    assert (result.status, result.computed_status, result.progress) == (
        "achieved",
        "missed",
        None,
    )
