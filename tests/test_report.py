"""The data behind the reports (scoreboard sections, words, occurrences, chart series) and
`pledges show` in full, as text and as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from pledges.judge.detail import chart_points, target_words
from pledges.judge.query import context_of
from pledges.judge.scoreboard import Scoreboard, delivery_rate, sections
from pledges.model.ledger import Target
from pledges.present.report import headline, scoreboard_lines, summary
from pledges.read.loader import LoadResult, load
from tests.conftest import Result, pledges_file

BOARD = Scoreboard(
    total=10,
    counts={"achieved": 3, "missed": 1, "on_track": 2, "unreported": 3, "unrated": 1},
    binding={"achieved": 1, "unreported": 1},
    expected={"achieved": 2, "missed": 1, "on_track": 2, "unreported": 2, "unrated": 1},
)


def test_the_delivery_rate_counts_only_pledges_with_a_verdict() -> None:
    assert delivery_rate(BOARD.counts) == 0.75
    assert delivery_rate(BOARD.binding) == 1.0
    assert delivery_rate({"unreported": 5, "pending": 2}) is None
    # partly counts as half a delivery
    assert delivery_rate({"achieved": 1, "partly": 1, "missed": 2}) == 0.375


def test_sections_keep_no_verdict_apart() -> None:
    found = [(s.name, s.statuses, s.totals) for s in sections(BOARD)]
    assert found == [
        ("with a verdict", ("achieved", "missed"), {"all": 4, "binding": 1, "expected": 3}),
        ("in progress", ("on_track",), {"all": 2, "binding": 0, "expected": 2}),
        ("no verdict yet", ("unreported", "unrated"), {"all": 4, "binding": 1, "expected": 3}),
    ]
    empty = Scoreboard(2, {"unreported": 2}, {}, {"unreported": 2})
    assert [s.name for s in sections(empty)] == ["with a verdict", "no verdict yet"]


def test_the_scoreboard_leads_with_the_delivery_rate() -> None:
    assert headline(BOARD) == (
        "Delivery rate 75% over the 4 pledges with a verdict (3 achieved, 1 missed); no "
        "verdict yet for 4 (no outcome in the ledger yet, or no numeric target)."
    )
    assert headline(Scoreboard(1, {"pending": 1}, {}, {"pending": 1})) == (
        "No pledge has a verdict yet."
    )
    assert summary(BOARD) == (
        "10 pledges · 75% delivered (4 with a verdict) · 2 in progress · 4 no verdict yet"
    )
    text = ["".join(t for t, _ in line).rstrip() for line in scoreboard_lines(BOARD)]
    assert text == [
        "                 all  binding  expected",
        "with a verdict     4        1         3",
        "  achieved         3        1         2",
        "  missed           1        0         1",
        "  delivery rate  75%     100%       67%",
        "in progress        2        0         2",
        "  on_track         2        0         2",
        "no verdict yet     4        1         3",
        "  unreported       3        1         2",
        "  unrated          1        0         1",
        "total             10        2         8",
    ]


RECURRING = """\
- id: t/events
  title: Hold at least 5 events every year
  quote: 每年举办不少于5场
  start: 2021
  deadline: 2023
  metric: {name: Events held, unit: count}
  target: {op: ">=", value: 5, every: year}
  progress:
    - period: 2021
      value: 6
      evidence: [{source: test-report, quote: 6场}]
    - period: 2022
      value: 4
      evidence: [{source: test-report, quote: 4场}]
"""


OCCURRENCES_PIPED = """
occurrences
  2021  achieved  6 count for 2021 meets ≥5 count
  2022  missed  4 count for 2022 falls short of ≥5 count
  2023  unreported  deadline 2023 passed with no figure for it
"""
OCCURRENCES_TERMINAL = """
occurrences
  2021  achieved    6 count for 2021 meets ≥5 count
  2022  missed      4 count for 2022 falls short of ≥5 count
  2023  unreported  deadline 2023 passed with no figure for
                    it
"""
OCCURRENCE_STATUSES = [("2021", "achieved"), ("2022", "missed"), ("2023", "unreported")]


@pytest.fixture
def loaded(ledger: Callable[..., Path], chdir_tmp: Path) -> Callable[[str], LoadResult]:
    def make(body: str) -> LoadResult:
        return load(ledger({"a.yaml": pledges_file(body)}))

    return make


def test_show_lists_occurrences_aligned_in_a_terminal_and_one_a_line_piped(
    run: Callable[..., Result],
    ledger: Callable[..., Path],
    chdir_tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ledger({"a.yaml": pledges_file(RECURRING)})
    piped = run("show", "t/events", "--ledger", "ledger", "--as-of", "2024").stdout
    assert OCCURRENCES_PIPED in piped
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("COLUMNS", "60")
    shown = run("show", "t/events", "--ledger", "ledger", "--as-of", "2024").stdout
    assert OCCURRENCES_TERMINAL in shown


def test_chart_points_convert_units_and_sum_running_totals(
    loaded: Callable[[str], LoadResult],
) -> None:
    result = loaded("""\
        - id: t/talent
          title: Attract 40,000 talents
          quote: 4万人
          deadline: 2025
          metric: {name: Talents, unit: 万人}
          baseline: {period: 2022, value: 3.5}
          target: {op: ">=", value: 4}
          progress:
            - period: 2023
              value: 41029
              unit: persons
              evidence: [{source: test-report, quote: 41029人}]
            - {period: 2024, value: 4.2, evidence: [{source: test-report, quote: 4.2万人}]}
        - id: t/invest
          title: Invest 100 in total
          quote: 累计100
          start: 2021
          deadline: 2023
          metric: {name: Investment, unit: 亿元, aggregate: sum}
          target: {op: ">=", value: 100}
          progress:
            - {period: 2021, value: 30, evidence: [{source: test-report, quote: 30}]}
            - {period: 2022, value: 45, evidence: [{source: test-report, quote: 45}]}
        """)
    talent, invest = result.ledger.pledges
    context = context_of(result)
    points = chart_points(talent, date(2024, 6, 1), context)
    assert [(p.period, round(p.value, 4), p.baseline) for p in points] == [
        ("2022", 3.5, True),
        ("2023", 4.1029, False),
    ]
    totals = chart_points(invest, date(2025, 1, 1), context)
    assert [(p.period, p.value) for p in totals] == [("2021", 30.0), ("2022", 75.0)]


def test_target_words(loaded: Callable[[str], LoadResult]) -> None:
    result = loaded(RECURRING.replace("value: 5,", "value: 5, stretch: 7,"))
    (pledge,) = result.ledger.pledges
    assert target_words(pledge, 5.0) == "≥5 (stretch 7) every year"
    done = replace(pledge, target=Target("done", None, None, None, None, None, None))
    assert target_words(done, None) == "done by 2023"
    ref = replace(pledge, target=Target("about", None, None, None, 1.0, "t/other", None))
    assert target_words(ref, 6.1) == "about t/other = 6.1"
    assert target_words(ref, 6.1, short=True) == "about 6.1 (ref)"
    assert target_words(ref, None, short=True) == "about the ref's figure"


FULL = """\
- id: t/green
  title: Add 200,000 m² of green space in 2024
  quote: 新增绿地20万方
  note: Read as an amount added in 2024, not the total area.
  deadline: 2024
  tags: [environment]
  metric: {name: Green space added, unit: 万平方米}
  baseline:
    period: 2023
    value: 28
    evidence: [{source: test-report, quote: 2023年新增绿地28万方}]
  target: {op: ">=", value: 20, note: 20万方 is the floor.}
  related: [t/parks, t/missing]
  progress:
    - period: 2024-H1
      value: 12
      evidence:
        - url: https://example.org/a/very/long/address/of/a/half-year/report/on/green/space.html
          title: Half-year report
          quote: 上半年新增绿地12万方，完成全年目标的六成，其余项目将于下半年陆续竣工并交付使用
- id: t/parks
  title: Open 3 parks
  quote: 新开公园3个
  deadline: 2024
  metric: {name: Parks opened, unit: count}
  target: {op: ">=", value: 3}
"""


def test_show_prints_everything_piped_one_line_each(
    run: Callable[..., Result], ledger: Callable[..., Path], chdir_tmp: Path
) -> None:
    ledger({"a.yaml": pledges_file(FULL)})
    result = run("show", "t/green", "--ledger", "ledger", "--as-of", "2024-08-01")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "id            t/green",
        "title         Add 200,000 m² of green space in 2024",
        "quote         “新增绿地20万方”",
        "source        Test report [test-report]",
        "file          ledger/a.yaml:9:5",
        "jurisdiction  Binjiang District (cn/zhejiang/hangzhou/binjiang)",
        "made          2023-01",
        "deadline      2024",
        "binding       no (expected, 预期性)",
        "tags          environment",
        "metric        Green space added [万平方米]",
        "target        ≥20 万平方米",
        "target note   20万方 is the floor.",
        "note          Read as an amount added in 2024, not the total area.",
        "baseline      2023: 28 万平方米",
        "              ↳ test-report: “2023年新增绿地28万方”",
        "latest        12 万平方米",
        "status        at_risk  60%",
        "why           at_risk: 12 万平方米 for 2024-H1 is behind the time-proportional path "
        "(24.0219 expected at 50% of the time) toward ≥20 万平方米 by 2024",
        "",
        "timeline",
        "  2024-H1: 12 万平方米",
        "    ↳ https://example.org/a/very/long/address/of/a/half-year/report/on/green/space.html: "
        "“上半年新增绿地12万方，完成全年目标的六成，其余项目将于下半年陆续竣工并交付使用”",
        "",
        "chart         万平方米; | marks the target ≥20 万平方米",
        "  2023 baseline  #############################|##########  28",
        "  2024-H1        #################            |            12",
        "",
        "related",
        "  t/parks    pending  Open 3 parks",
        "  t/missing  not in the ledger",
    ]


def test_show_in_a_terminal_wraps_quotes_under_their_start_and_never_breaks_a_path(
    run: Callable[..., Result],
    ledger: Callable[..., Path],
    chdir_tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deep = "cn/zhejiang/hangzhou/xiaoshan/an-unusually-long-folder-name/report.yaml"
    ledger({"a.yaml": pledges_file(FULL), deep: pledges_file(FULL.replace("t/", "u/"))})
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    lines = run("show", "t/green", "--ledger", "ledger", "--as-of", "2024-08-01").stdout
    assert lines.splitlines()[15:27] == [
        "              ↳ test-report: “2023年新增绿地28万方”",
        "latest        12 万平方米",
        "status        at_risk  ██████···· 60%",
        "why           at_risk: 12 万平方米 for 2024-H1 is behind the time-proportional",
        "              path (24.0219 expected at 50% of the time) toward ≥20 万平方米 by",
        "              2024",
        "",
        "timeline",
        "  2024-H1: 12 万平方米",
        "    ↳ https://example.org/a/very/long/address/of/a/half-year/report/on/green/space.html:",
        "      “上半年新增绿地12万方，完成全年目标的六成，其余项目将于下半年陆续竣工并交",
        "      付使用”",
    ]
    other = run("show", "u/green", "--ledger", "ledger", "--as-of", "2024-08-01").stdout
    assert other.splitlines()[4:6] == ["file", f"  ledger/{deep}:9:5"]


def test_show_json_has_the_same_as_data(
    run: Callable[..., Result], ledger: Callable[..., Path], chdir_tmp: Path
) -> None:
    ledger({"a.yaml": pledges_file(FULL + RECURRING)})
    result = run("show", "t/green", "--format", "json", "--ledger", "ledger", "--as-of", "2024-08")
    data = json.loads(result.stdout)
    assert data["note"] == "Read as an amount added in 2024, not the total area."
    assert data["target_note"] == "20万方 is the floor."
    assert data["target_words"] == "≥20 万平方米"
    assert data["latest_words"] == "12 万平方米"
    assert data["baseline"] == {"period": "2023", "value": 28.0, "unit": None}
    assert data["baseline_evidence"] == [{"source": "test-report", "quote": "2023年新增绿地28万方"}]
    assert data["baseline_note"] is None
    assert data["timeline"][0]["evidence"][0]["title"] == "Half-year report"
    assert data["related"] == ["t/parks", "t/missing"]
    assert data["related_pledges"] == [
        {"id": "t/parks", "in_ledger": True, "title": "Open 3 parks", "status": "pending"},
        {"id": "t/missing", "in_ledger": False, "title": None, "status": None},
    ]
    assert data["chart"] == {
        "unit": "万平方米",
        "points": [
            {"period": "2023", "value": 28.0, "baseline": True},
            {"period": "2024-H1", "value": 12.0, "baseline": False},
        ],
        "targets": [20.0],
    }
    assert data["occurrences"] == []
    assert data["id"] == "t/green"
    recurring = run("show", "t/events", "--format", "json", "--ledger", "ledger", "--as-of", "2024")
    occurrences = json.loads(recurring.stdout)["occurrences"]
    assert [(o["period"], o["status"]) for o in occurrences] == OCCURRENCE_STATUSES


def test_status_with_nothing_to_report(
    run: Callable[..., Result], ledger: Callable[..., Path], chdir_tmp: Path
) -> None:
    ledger({"a.yaml": pledges_file(RECURRING)})
    result = run("status", "--status", "withdrawn", "--ledger", "ledger", "--as-of", "2024")
    assert result.stdout == "Pledges as of 2024-12-31: 0\nNo pledge matches.\n"


def test_no_chart_of_ordinal_levels_and_aliases_convert(
    loaded: Callable[[str], LoadResult],
) -> None:
    result = loaded("""\
        - id: t/water
          title: Keep the river at class III or better
          quote: 水质稳定在III类
          deadline: 2025
          metric: {name: Water quality class, unit: water-class}
          target: {op: "<=", value: III}
          progress:
            - {period: 2024, value: II, evidence: [{source: test-report, quote: II类}]}
        - id: t/output
          title: Output of 10 亿元
          quote: 产值10亿元
          deadline: 2025
          metric: {name: Output, unit: 亿}
          target: {op: ">=", value: 10}
          progress:
            - {period: 2024, value: 8, evidence: [{source: test-report, quote: 8亿元}]}
            - {period: 2023, value: 50000, unit: 万元, evidence: [{source: test-report, quote: 5}]}
        """)
    water, output = result.ledger.pledges
    context = context_of(result)
    assert chart_points(water, date(2025, 1, 1), context) == []
    points = chart_points(output, date(2025, 1, 1), context)
    assert [(p.period, p.value) for p in points] == [("2023", 5.0), ("2024", 8.0)]
