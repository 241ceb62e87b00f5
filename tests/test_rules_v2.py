"""Rules of ledger format v2: readings that are probably wrong, duplicates, targets and
observations that do not fit, v1 meanings that changed. Exact positions and messages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from pledges.check.lint import lint
from pledges.read.loader import load
from tests.conftest import SOURCE, done_obs, obs, pledges_file

AS_OF = date(2026, 11, 23)
Finding = tuple[str, int, int, str, str, str | None]
Findings = Callable[..., list[Finding]]


@pytest.fixture
def findings(ledger: Callable[..., Path], chdir_tmp: Path) -> Findings:
    def check(body: str, *, v2: bool = True) -> list[Finding]:
        text = pledges_file(body)
        root = ledger({"a.yaml": ("format: 2\n" if v2 else "") + text})
        result = load(root.relative_to(chdir_tmp))
        # these ledgers keep no archived source text: that warning (PL261) is tested apart
        return [
            (d.file, d.line, d.column, d.code, d.message, d.hint)
            for d in lint(result, AS_OF)
            if d.code != "PL261"
        ]

    return check


# positions: with `format: 2` the first pledge's id is on line 10, its keys in column 5
# and the values of its keys (`metric: {`) in column 13
def pledge(extra: str = "", quote: str = "新增绿地20万方", metric: str = "") -> str:
    return (
        "- id: t/green\n"
        "  title: Add green space\n"
        f"  quote: {quote}\n"
        "  made: 2024-01\n"
        "  deadline: 2024\n"
        f"  metric: {{name: Green space added, unit: 万平方米{metric}}}\n"
        '  target: {op: ">=", value: 20}\n' + extra
    )


def test_a_flow_quote_on_a_metric_without_kind(findings: Findings) -> None:
    assert findings(pledge()) == [
        (
            "ledger/a.yaml",
            15,
            13,
            "PL281",
            "the quote says '新增': an amount per period is a flow, judged from zero, not "
            "from last period's figure",
            "write 'kind: flow', or 'kind: level' to keep the standing-level reading",
        )
    ]
    assert findings(pledge(metric=", kind: flow")) == []
    assert findings(pledge(metric=", kind: level")) == []


def test_a_level_whose_baseline_already_meets_the_target(findings: Findings) -> None:
    body = pledge("  baseline: {period: 2023, value: 28}\n", quote="绿地20万方", metric="")
    assert findings(body) == [
        (
            "ledger/a.yaml",
            17,
            15,
            "PL280",
            "the baseline (28) already meets the target, so a level would be met on day one; "
            "this is almost always a flow (an amount per period)",
            "write 'kind: flow' on the metric; keep the baseline as last period's figure",
        )
    ]
    assert findings(body.replace("unit: 万平方米", "unit: 万平方米, kind: flow")) == []
    # a level to keep (保持…以上) says so by writing its kind
    assert findings(body.replace("unit: 万平方米", "unit: 万平方米, kind: level")) == []


def test_a_figure_from_before_the_pledge_sits_in_progress(findings: Findings) -> None:
    body = pledge("  progress:\n" + obs(2023, 28), metric=", kind: flow")
    assert findings(body) == [
        (
            "ledger/a.yaml",
            18,
            17,
            "PL282",
            "observation for 2023 ends before the pledge's period (from 2024-01); it never "
            "decides the status",
            "move it to 'baseline' (pledges observe --baseline), or correct 'made' / 'start' "
            "if the pledge covers that period",
        )
    ]


def test_a_flow_figure_from_before_the_flows_period(findings: Findings) -> None:
    body = pledge("  progress:\n" + obs('"2023-12/2024-06"', 8), metric=", kind: flow")
    assert findings(body.replace("made: 2024-01", "made: 2023-12")) == [
        (
            "ledger/a.yaml",
            18,
            17,
            "PL222",
            "observation for 2023-12/2024-06 starts before the flow's period (from 2024-01-01)",
            "it is not this flow's figure; write 'start' if the flow runs from earlier",
        )
    ]


TWINS = """\
- id: t/gdp
  title: GDP of 2600 by 2025
  quote: 地区生产总值 2600
  made: 2021
  deadline: 2025
  metric: {name: GDP, unit: 亿元}
  target: {op: ">=", value: 2600}
- id: t/gdp-above-2600
  title: GDP above 2600 by 2025
  quote: 全区生产总值突破2600亿元
  made: 2021
  deadline: 2025
  metric: {name: GDP, unit: 亿元}
  target: {op: ">", value: 2600}
"""


def test_the_same_commitment_entered_twice(findings: Findings) -> None:
    assert findings(TWINS) == [
        (
            "ledger/a.yaml",
            17,
            9,
            "PL283",
            "probably the same commitment as 't/gdp' (the same metric, the same deadline and "
            "a target within 1%)",
            "link them: 'related: [t/gdp]', or 'same_as: t/gdp' for a restatement, or merge them",
        )
    ]
    assert findings(TWINS + "  related: [t/gdp]\n") == []
    assert findings(TWINS + "  same_as: t/gdp\n") == []
    # a target more than 1% apart, another deadline or another unit is another commitment
    assert findings(TWINS.replace("value: 2600}\n- id", "value: 2630}\n- id")) == []
    assert (
        findings(
            TWINS.replace(
                'deadline: 2025\n  metric: {name: GDP, unit: 亿元}\n  target: {op: ">"',
                'deadline: 2024\n  metric: {name: GDP, unit: 亿元}\n  target: {op: ">"',
            )
        )
        == []
    )


def test_one_sentence_quoted_for_two_metrics_is_a_duplicate_until_linked(
    findings: Findings,
) -> None:
    body = """\
- id: t/pension
  title: Pension insurance coverage above 99%
  quote: 基本养老保险和基本医疗保险参保率稳定在99%以上
  deadline: 2024
  metric: {name: Pension insurance coverage, unit: percent}
  target: {op: ">=", value: 99}
- id: t/medical
  title: Medical insurance coverage above 99%
  quote: 基本养老保险和基本医疗保险参保率稳定在99%以上
  deadline: 2024
  metric: {name: Health cover, unit: percent}
  target: {op: ">=", value: 99}
"""
    assert [f[3:5] for f in findings(body)] == [
        (
            "PL283",
            "probably the same commitment as 't/pension' (the same quote, the same deadline "
            "and a target within 1%)",
        )
    ]
    assert findings(body + "  related: [t/pension]\n") == []


def test_same_as_must_name_another_pledge(findings: Findings) -> None:
    assert [f[3:5] for f in findings(pledge("  same_as: t/gren\n", metric=", kind: flow"))] == [
        ("PL211", "'t/gren' is not a pledge in this ledger")
    ]
    assert [f[3:5] for f in findings(pledge("  same_as: t/green\n", metric=", kind: flow"))] == [
        ("PL211", "'t/green' is this pledge itself")
    ]


MILESTONE = """\
- id: t/hall
  title: Open the hall by September
  quote: 9月投入使用
  made: 2024-01
  deadline: 2024-09
  target: {op: done}
"""


def test_a_milestone_needs_no_metric_and_is_reported_done(findings: Findings) -> None:
    assert findings(MILESTONE + "  progress:\n" + done_obs('"2024-08"')) == []
    assert [f[1:5] for f in findings(MILESTONE + "  progress:\n" + obs('"2024-08"', 1))] == [
        (
            18,
            9,
            "PL284",
            "a milestone (op: done) is reported with 'done: true' or 'done: false', not a figure",
        )
    ]
    with_value = MILESTONE.replace("{op: done}", "{op: done, value: 1}")
    assert [f[3:5] for f in findings(with_value)] == [
        ("PL240", "a milestone (op: done) has no value")
    ]


def test_done_on_a_numeric_target_and_a_bound_that_is_also_approximate(
    findings: Findings,
) -> None:
    body = pledge(
        "  progress:\n"
        + done_obs("2024")
        + obs(2024, 25, "      bound: lower\n      approx: true\n"),
        metric=", kind: flow",
    )
    assert [f[1:6] for f in findings(body)] == [
        (
            19,
            9,
            "PL284",
            "'done' reports a milestone; this pledge's target is numeric",
            "give the figure as 'value', or make the target {op: done}",
        ),
        (24, 9, "PL284", "a figure is either a bound or an approximation, not both", None),
    ]


def test_recurring_targets_need_an_aligned_start_and_deadline(findings: Findings) -> None:
    yearly = pledge(metric=", kind: flow").replace("value: 20}", "value: 20, every: year}")
    assert [f[3:5] for f in findings(yearly)] == [
        ("PL240", "'every: year' needs a 'start': the first year it covers")
    ]
    assert findings(yearly.replace("  deadline:", "  start: 2024\n  deadline:")) == []
    odd = yearly.replace("  deadline: 2024", '  start: "2024-03"\n  deadline: "2025-06"')
    assert [f[3:5] for f in findings(odd)] == [
        ("PL240", "'every: year' needs 'start' at the beginning of a year, not 2024-03"),
        ("PL240", "'every: year' needs the deadline at the end of a year, not 2025-06"),
    ]


def test_a_target_relative_to_a_missing_baseline(findings: Findings) -> None:
    body = pledge(quote="只减不增", metric=", kind: level").replace(
        'target: {op: ">=", value: 20}', 'target: {op: "<=", value: baseline}'
    )
    assert [f[3:5] for f in findings(body)] == [
        ("PL240", "'value: baseline' needs the pledge's 'baseline' figure")
    ]
    fixed = body.replace("  target:", "  baseline: {period: 2023, value: 28}\n  target:")
    assert findings(fixed) == []


def test_a_sum_is_a_flow(findings: Findings) -> None:
    body = pledge(metric=", aggregate: sum, kind: level")
    assert [f[3:6] for f in findings(body)] == [
        (
            "PL240",
            "a sum over periods is a flow, not a level",
            "write 'kind: flow' or leave 'kind' out",
        )
    ]


def test_a_v1_about_says_what_changed(findings: Findings) -> None:
    body = pledge(quote="绿地20万方左右", metric=", kind: flow").replace(
        '{op: ">=", value: 20}', "{op: about, value: 20}"
    )
    assert findings(body, v2=False) == [
        (
            "ledger/a.yaml",
            15,
            18,
            "PL285",
            "'about 20' had a tolerance of ±0.4 in format v1 and has ±1 in v2",
            "write 'tolerance: 0.4' to keep the v1 reading, then mark the file 'format: 2'",
        )
    ]
    assert findings(body) == []


def test_an_assessment_that_says_overdue(findings: Findings) -> None:
    body = pledge(
        """\
  assessment:
    status: overdue
    as_of: 2025
    rationale: No report yet.
    evidence: [{source: test-report, quote: 据}]
""",
        metric=", kind: flow",
    )
    assert findings(body) == [
        (
            "ledger/a.yaml",
            18,
            15,
            "PL104",
            "'status' must be one of achieved, missed, partly, on_track, at_risk, unreported, "
            "withdrawn; got 'overdue'",
            "'overdue' is 'unreported' in ledger format v2: use 'unreported'",
        )
    ]


def test_an_observation_needs_a_value_or_done(findings: Findings) -> None:
    body = pledge(
        "  progress:\n    - period: 2024\n      evidence: [{source: test-report, quote: 据}]\n",
        metric=", kind: flow",
    )
    assert [f[3:5] for f in findings(body)] == [
        ("PL104", "'progress' item 1 needs a 'value' (or 'done' for a milestone)")
    ]


def test_a_v2_file_declares_its_format(findings: Findings, ledger: Callable[..., Path]) -> None:
    root = ledger({"a.yaml": "format: 3\n" + SOURCE + "pledges: []\n"})
    result = load(root)
    assert [(d.code, d.message) for d in lint(result, AS_OF) if d.code != "PL261"] == [
        ("PL104", "'format' must be one of 1, 2; got 3")
    ]


def test_one_metric_name_within_the_other(findings: Findings) -> None:
    body = """\
- id: t/retail
  title: Retail sales of 920 by 2025
  quote: 社会消费品零售总额 920
  deadline: 2025
  metric: {name: Total retail sales of consumer goods, unit: 亿元, kind: level}
  target: {op: ">=", value: 920}
- id: t/ch6-retail
  title: Retail sales above 920 by 2025
  quote: 全区社会消费品零售总额超920亿元
  deadline: 2025
  metric: {name: Retail sales of consumer goods, unit: 亿元, kind: level}
  target: {op: ">", value: 920}
"""
    assert [f[3:5] for f in findings(body)] == [
        (
            "PL283",
            "probably the same commitment as 't/retail' (one metric name within the other, "
            "the same deadline and a target within 1%)",
        )
    ]
    # one word replaced is another metric: urban and rural income growth of 7% each
    other = body.replace("Total retail sales of consumer goods", "Urban income").replace(
        "Retail sales of consumer goods", "Rural income"
    )
    assert findings(other) == []
