"""Rule tests: inline ledgers in, exact (file, line, column, code, message) out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from pledges.check.lint import lint
from pledges.read.loader import load
from tests.conftest import pledges_file

AS_OF = date(2026, 11, 23)
Finding = tuple[str, int, int, str, str]

GOOD = """\
- id: t/gdp
  title: Grow GDP by 5%
  quote: 地区生产总值增长5%
  deadline: 2023
  tags: [economy]
  metric: {name: GDP growth, unit: percent, kind: rate}
  target: {op: ">=", value: 5}
"""


@pytest.fixture
def findings(ledger: Callable[..., Path], chdir_tmp: Path) -> Callable[..., list[Finding]]:
    """Findings of the rules under test: these ledgers keep no archived source texts, so
    the warning that says so (PL261, tested in test_quotes.py) is left out."""

    def check(files: dict[str, str], **kwargs: object) -> list[Finding]:
        root = ledger(files, **kwargs)
        result = load(root.relative_to(chdir_tmp))
        return [
            (d.file, d.line, d.column, d.code, d.message)
            for d in lint(result, AS_OF)
            if d.code != "PL261"
        ]

    return check


def test_a_good_file_is_clean(findings: Callable[..., list[Finding]]) -> None:
    assert findings({"a.yaml": pledges_file(GOOD)}) == []


def test_duplicate_ids_across_files_are_reported_at_the_second(
    findings: Callable[..., list[Finding]],
) -> None:
    other = pledges_file(GOOD).replace("test-report", "other-report")
    assert findings({"a.yaml": pledges_file(GOOD), "b.yaml": other}) == [
        ("ledger/b.yaml", 9, 9, "PL201", "pledge id 't/gdp' is already used at ledger/a.yaml:9:9"),
    ]


def test_confusable_ids_after_normalisation(findings: Callable[..., list[Finding]]) -> None:
    twin = GOOD.replace("id: t/gdp", "id: T/ｇdp")
    result = findings({"a.yaml": pledges_file(GOOD + twin)})
    assert (
        "ledger/a.yaml",
        16,
        9,
        "PL202",
        "pledge id 'T/ｇdp' is confusable with 't/gdp' at ledger/a.yaml:9:9",
    ) in result


def test_unknown_references_with_hints(findings: Callable[..., list[Finding]]) -> None:
    body = (
        GOOD.replace("unit: percent", "unit: precent").replace("[economy]", "[econmy]")
        + """\
- id: t/income
  title: Income in step with GDP
  quote: 收入同步
  deadline: 2023
  jurisdiction: cn/zhejiang/hangzhou/binjang
  metric: {name: Income growth, unit: percent}
  target: {op: about, ref: t/gpd}
  progress:
    - period: 2023
      value: 5
      evidence:
        - source: test-reprot
          quote: 增长5%
"""
    )
    assert findings({"a.yaml": pledges_file(body)}) == [
        ("ledger/a.yaml", 13, 12, "PL214", "unknown tag 'econmy'"),
        ("ledger/a.yaml", 14, 38, "PL213", "unknown unit 'precent'"),
        ("ledger/a.yaml", 20, 19, "PL212", "unknown jurisdiction 'cn/zhejiang/hangzhou/binjang'"),
        ("ledger/a.yaml", 22, 30, "PL211", "'t/gpd' is not a pledge in this ledger"),
        ("ledger/a.yaml", 27, 21, "PL210", "evidence cites unknown source 'test-reprot'"),
    ]


def test_impossible_dates_and_order(findings: Callable[..., list[Finding]]) -> None:
    body = (
        GOOD.replace("deadline: 2023", "made: 2024\n  deadline: 2023")
        + """\
- id: t/b
  title: B
  quote: 乙
  deadline: 2023-02-30
"""
    )
    assert findings({"a.yaml": pledges_file(body)}) == [
        ("ledger/a.yaml", 13, 15, "PL221", "deadline 2023 is before the pledge was made (2024)"),
        ("ledger/a.yaml", 20, 15, "PL220", "'2023-02-30' does not exist: 2023-02 has 28 days"),
    ]


def test_observations_need_evidence_and_a_place_in_the_period(
    findings: Callable[..., list[Finding]],
) -> None:
    body = (
        GOOD
        + """\
  progress:
    - period: 2024
      value: 6
      evidence: []
"""
    )
    assert findings({"a.yaml": pledges_file(body)}) == [
        ("ledger/a.yaml", 17, 9, "PL230", "observation has no evidence"),
        ("ledger/a.yaml", 17, 17, "PL222", "observation for 2024 ends after the deadline 2023"),
    ]


def test_numbers_must_be_finite(findings: Callable[..., list[Finding]]) -> None:
    body = GOOD.replace("value: 5}", "value: .nan, stretch: 1e999}")
    assert findings({"a.yaml": pledges_file(body)}) == [
        ("ledger/a.yaml", 15, 31, "PL232", "'value' is not a number (NaN)"),
        ("ledger/a.yaml", 15, 46, "PL232", "'stretch' is infinite (or too large to represent)"),
    ]


def test_forty_digit_integers_are_implausible(findings: Callable[..., list[Finding]]) -> None:
    body = GOOD.replace("value: 5}", "value: " + "1" * 40 + "}")
    assert findings({"a.yaml": pledges_file(body)}) == [
        ("ledger/a.yaml", 15, 31, "PL232", "'value' is implausibly large (40 digits)"),
    ]


def test_incoherent_targets(findings: Callable[..., list[Finding]]) -> None:
    body = GOOD.replace(
        '{op: ">=", value: 5}', '{op: ">=", value: 5, stretch: 4, tolerance: 1}'
    ) + GOOD.replace("t/gdp", "t/range").replace(
        '{op: ">=", value: 5}', "{op: between, value: [97, 96]}"
    )
    assert findings({"a.yaml": pledges_file(body)}) == [
        ("ledger/a.yaml", 15, 43, "PL240", "stretch 4 must be above the value 5 for '>='"),
        ("ledger/a.yaml", 15, 57, "PL240", "'tolerance' only goes with op 'about'"),
        ("ledger/a.yaml", 22, 34, "PL240", "'between' bounds must ascend: [97, 96]"),
    ]


def test_units_of_another_dimension_cannot_convert(findings: Callable[..., list[Finding]]) -> None:
    body = (
        GOOD
        + """\
  progress:
    - period: 2023
      value: 6
      unit: MW
      evidence: [{source: test-report, quote: 六}]
"""
    )
    assert findings({"a.yaml": pledges_file(body)}) == [
        (
            "ledger/a.yaml",
            19,
            15,
            "PL241",
            "unit 'MW' (power) cannot convert to the metric's 'percent' (percent)",
        ),
    ]


def test_an_assessment_the_numbers_contradict_is_a_warning(
    findings: Callable[..., list[Finding]],
) -> None:
    body = (
        GOOD
        + """\
  progress:
    - period: 2023
      value: 4
      evidence: [{source: test-report, quote: 四}]
  assessment:
    status: achieved
    as_of: 2024
    rationale: The report calls it done.
    evidence: [{source: test-report, quote: 完成}]
"""
    )
    assert findings({"a.yaml": pledges_file(body)}) == [
        (
            "ledger/a.yaml",
            21,
            15,
            "PL250",
            "assessment says 'achieved' but the figures give 'missed'",
        ),
    ]


def test_schema_errors_are_located_with_did_you_mean(
    findings: Callable[..., list[Finding]],
) -> None:
    body = GOOD.replace("  deadline: 2023", "  dedline: 2023").replace("url: x", "")
    assert findings({"a.yaml": pledges_file(body)}) == [
        ("ledger/a.yaml", 9, 5, "PL102", "'pledges' item 1 is missing the required key 'deadline'"),
        ("ledger/a.yaml", 12, 5, "PL101", "unknown key 'dedline'"),
    ]


def test_unsafe_urls(findings: Callable[..., list[Finding]]) -> None:
    text = pledges_file(GOOD).replace(
        "  date: 2023-01\n", "  date: 2023-01\n  url: javascript:alert(1)\n"
    )
    assert findings({"a.yaml": text}) == [
        (
            "ledger/a.yaml",
            8,
            8,
            "PL104",
            "'url' is not an http(s) URL with a host: 'javascript:alert(1)'",
        ),
    ]


def test_registry_tree_must_be_complete(findings: Callable[..., list[Finding]]) -> None:
    registry = (
        "jurisdictions:\n  - id: cn/zhejiang\n    name: 浙江省\n"
        "    name_en: Zhejiang\n    level: province\n"
    )
    result = findings({"a.yaml": pledges_file(GOOD)}, jurisdictions=registry)
    assert (
        "ledger/jurisdictions.yaml",
        2,
        9,
        "PL270",
        "jurisdiction 'cn/zhejiang' has no parent 'cn' listed",
    ) in result
