"""Status engine: each documented rule, with its explanation."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import Judge, obs

GDP = """\
- id: t/gdp
  title: GDP growth at least 5%, striving for 5.5%
  quote: 确保5.0%,力争5.5%
  deadline: 2023
  metric: {name: GDP growth, unit: percent, kind: rate}
  target: {op: ">=", value: 5.0, stretch: 5.5}
"""


def test_achieved_with_stretch(judge: Judge) -> None:
    result = judge(GDP + "  progress:\n" + obs("2023", 8.0), date(2026, 1, 1))["t/gdp"]
    assert (result.status, result.stretch_met) == ("achieved", True)
    assert result.explanation == "achieved: 8% for 2023 meets ≥5% (stretch 5.5%); stretch level met"
    assert result.progress == pytest.approx(1.6)


def test_missed_after_the_deadline(judge: Judge) -> None:
    result = judge(GDP + "  progress:\n" + obs("2023", 4.2), date(2026, 1, 1))["t/gdp"]
    assert result.status == "missed"
    assert result.explanation == "missed: 4.2% for 2023 falls short of ≥5% (stretch 5.5%)"


def test_unreported_pending_and_as_of_reproducibility(judge: Judge) -> None:
    late = judge(GDP, date(2024, 1, 1))["t/gdp"]
    assert (late.status, late.progress) == ("unreported", None)
    assert late.explanation == "unreported: deadline 2023 passed with no figure for it"
    assert judge(GDP, date(2023, 6, 1))["t/gdp"].status == "pending"
    later = judge(GDP + "  progress:\n" + obs("2023", 8.0), date(2023, 12, 30))["t/gdp"]
    assert later.status == "pending"  # the 2023 figure is not known before 2023 ends


def test_interim_rate_must_already_meet_the_target(judge: Judge) -> None:
    body = GDP + "  progress:\n" + obs('"2023-01/2023-05"', 4.0)
    result = judge(body, date(2023, 7, 1))["t/gdp"]
    assert result.status == "at_risk"
    assert result.explanation.startswith(
        "at_risk: 4% for 2023-01/2023-05 does not meet the target yet"
    )


LEVEL = """\
- id: t/gdp-level
  title: GDP above 2600 by 2025
  quote: 突破2600亿元
  made: 2021
  deadline: 2025
  metric: {name: GDP, unit: 亿元}
  baseline: {period: 2020, value: 1828.47}
  target: {op: ">=", value: 2600}
  progress:
"""


def test_time_proportional_path(judge: Judge) -> None:
    ahead = judge(LEVEL + obs("2022", 2200), date(2023, 6, 1))["t/gdp-level"]
    behind = judge(LEVEL + obs("2022", 1900), date(2023, 6, 1))["t/gdp-level"]
    assert ahead.status == "on_track"
    assert behind.status == "at_risk"
    assert (
        "behind the time-proportional path (2136.913 expected at 40% of the time)"
        in behind.explanation
    )
    assert behind.progress == pytest.approx((1900 - 1828.47) / (2600 - 1828.47))


def test_sum_over_the_period(judge: Judge) -> None:
    body = (
        """\
- id: t/fdi
  title: Five-year FDI of 43
  quote: 〔43〕
  start: 2016
  deadline: 2020
  metric: {name: FDI, unit: 亿美元, aggregate: sum}
  target: {op: ">=", value: 43}
  progress:
"""
        + obs("2016", 10)
        + obs("2017", 10)
    )
    assert judge(body, date(2018, 6, 1))["t/fdi"].status == "on_track"  # 20 of 43 after 2/5
    slow = body.replace("value: 10", "value: 5")
    assert judge(slow, date(2018, 6, 1))["t/fdi"].status == "at_risk"  # 10 of 43 after 2/5
    final = judge(body + obs('"2018/2020"', 28), date(2021, 6, 1))["t/fdi"]
    assert (final.status, final.figure and final.figure.value) == ("achieved", 48.0)


def test_unit_conversion_and_about(judge: Judge) -> None:
    body = """\
- id: t/talent
  title: 40,000 new talents
  quote: 4.0万人
  deadline: 2023
  metric: {name: New talent, unit: 万人}
  target: {op: about, value: 4.0}
  progress:
""" + obs("2023", 41029, "      unit: persons\n")
    result = judge(body, date(2024, 6, 1))["t/talent"]
    assert result.figure is not None and result.figure.value == pytest.approx(4.1029)
    # about 4.0 with the default tolerance of 5%: 3.8 to 4.2
    assert result.status == "achieved"
    assert result.explanation == "achieved: 4.1029 万人 for 2023 is within about 4 万人 (±0.2)"
    far = judge(body.replace("41029", "42500"), date(2024, 6, 1))["t/talent"]
    assert (far.status, far.progress) == ("missed", None)
    assert far.explanation == "missed: 4.25 万人 for 2023 exceeds about 4 万人 (±0.2)"
    higher = body.replace("41029", "42500").replace("unit: 万人}", "unit: 万人, better: higher}")
    assert judge(higher, date(2024, 6, 1))["t/talent"].status == "achieved"


def test_ref_target_is_judged_against_the_other_pledge(judge: Judge) -> None:
    body = (
        GDP
        + "  progress:\n"
        + obs("2023", 8.0)
        + """\
- id: t/income
  title: Income growth in step with GDP
  quote: 与经济增长基本同步
  deadline: 2023
  metric: {name: Income growth, unit: percent, kind: rate}
  target: {op: about, ref: t/gdp, tolerance: 1.0}
  progress:
"""
        + obs("2023", 5.6)
    )
    result = judge(body, date(2024, 6, 1))["t/income"]
    assert (result.status, result.target_value) == ("missed", 8.0)


def test_between_and_set_by_and_qualitative(judge: Judge) -> None:
    body = (
        """\
- id: t/safety
  title: Safety index 96-97
  quote: 96-97
  deadline: 2025
  metric: {name: Safety index, unit: index}
  target: {op: between, value: [96, 97]}
  progress:
"""
        + obs("2025", 96.5)
        + """\
- id: t/energy
  title: Energy intensity target set by the province
  quote: 省市下达指标
  deadline: 2025
  binding: true
  target: {set_by: higher-level}
- id: t/qualitative
  title: Build the venue
  quote: 建成场馆
  deadline: 2022
"""
    )
    result = judge(body, date(2026, 6, 1))
    assert result["t/safety"].status == "achieved"
    assert result["t/energy"].explanation == (
        "unrated: target set by the higher level and not published: only an assessment can rate it"
    )
    assert result["t/qualitative"].status == "unrated"


def test_assessment_sets_the_status_from_its_date(judge: Judge) -> None:
    body = (
        GDP
        + """\
  assessment:
    status: withdrawn
    as_of: 2023-06
    rationale: Superseded by the mid-year plan.
    evidence: [{source: test-report, quote: 调整}]
"""
    )
    before = judge(body, date(2023, 5, 1))["t/gdp"]
    after = judge(body, date(2023, 7, 1))["t/gdp"]
    assert before.status == "pending"
    assert (after.status, after.computed_status) == ("withdrawn", "pending")
    assert after.explanation.startswith("assessed withdrawn as of 2023-06: Superseded")
