"""Parts of the site and the exports: targets in words, charts, safe links and paths,
archived source texts, feeds, formula neutralisation."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pledges.history.revisions import Commit
from pledges.history.timeline import ADDED, STATUS, Change
from pledges.judge.query import evaluate_all
from pledges.judge.status import Evaluation
from pledges.model.ledger import Pledge
from pledges.model.registries import BUILTIN_UNITS
from pledges.present.cells import csv_value
from pledges.present.charts import nice_ticks, pledge_chart
from pledges.present.feed import atom, entry_id
from pledges.present.siteviews import page_path, safe_href
from pledges.present.words import target_words
from pledges.read.loader import load
from tests.conftest import SOURCE, Result, pledges_file


def pledge_from(ledger: Callable[..., Path], body: str) -> tuple[Pledge, Evaluation]:
    root = ledger({"a.yaml": pledges_file(body)})
    row = evaluate_all(load(root), date(2026, 1, 1))[0]
    return row.pledge, row.evaluation


@pytest.mark.parametrize(
    ("metric", "target", "words"),
    [
        (
            "unit: percent, kind: rate",
            '{op: ">=", value: 5.0, stretch: 5.5}',
            "at least 5%, striving for 5.5%",
        ),
        ("unit: MW", '{op: ">", value: 50}', "more than 50 MW"),
        ("unit: 万千瓦", '{op: "<=", value: 20}', "at most 20 万千瓦 (10,000 kilowatts)"),
        ("unit: percent, kind: rate", '{op: "<=", value: -20}', "a fall of at least 20%"),
        ("unit: percent, kind: rate", '{op: "<", value: -3}', "a fall of more than 3%"),
        ("unit: percent", "{op: about, value: 10, tolerance: 1}", "about 10% (± 1%)"),
        ("unit: percent", "{op: between, value: [96, 97]}", "between 96 and 97%"),
        ("unit: count", '{op: ">=", value: 15}', "at least 15"),
        (
            "unit: persons",
            "{set_by: higher-level}",
            "a target set by the higher level and not published",
        ),
    ],
)
def test_targets_in_words(
    ledger: Callable[..., Path], chdir_tmp: Path, metric: str, target: str, words: str
) -> None:
    pledge, _ = pledge_from(
        ledger,
        f"""\
        - id: t/p
          title: T
          quote: 据
          deadline: 2023
          metric: {{name: M, {metric}}}
          target: {target}
        """,
    )
    assert target_words(pledge, BUILTIN_UNITS, None) == words


def test_a_qualitative_pledge_in_words(ledger: Callable[..., Path], chdir_tmp: Path) -> None:
    pledge, _ = pledge_from(ledger, "- id: t/q\n  title: T\n  quote: 据\n  deadline: 2023\n")
    assert target_words(pledge, BUILTIN_UNITS) == "no numeric target (a qualitative pledge)"


def test_chart_of_a_level_with_baseline(ledger: Callable[..., Path], chdir_tmp: Path) -> None:
    pledge, evaluation = pledge_from(
        ledger,
        """\
        - id: t/level
          title: GDP <b>above</b> 2600
          quote: 突破2600亿元
          made: 2021
          deadline: 2025
          metric: {name: GDP, unit: 亿元}
          baseline: {period: 2020, value: 1828.47}
          target: {op: ">=", value: 2600}
          progress:
            - period: 2022
              value: 2200
              evidence: [{source: test-report, quote: 据}]
            - period: 2023
              value: 25000000
              unit: 万元
              evidence: [{source: test-report, quote: 据}]
        """,
    )
    svg = str(pledge_chart(pledge, evaluation, BUILTIN_UNITS, date(2024, 3, 1)))
    assert svg.startswith('<svg class="pledge-chart"')
    assert '<title id="chart-title">GDP &lt;b&gt;above&lt;/b&gt; 2600' in svg
    assert svg.count('<circle class="observation"') == 3  # two figures and the legend's key
    assert '<circle class="baseline"' in svg
    assert "<title>2023: 2500 亿元 (100 million yuan)</title>" in svg  # converted to 亿元
    assert "<title>time-proportional path to the target</title>" in svg
    assert "<title>as of 2024-03-01</title>" in svg


def test_no_chart_without_figures_or_target(ledger: Callable[..., Path], chdir_tmp: Path) -> None:
    pledge, evaluation = pledge_from(
        ledger, "- id: t/q\n  title: T\n  quote: 据\n  deadline: 2023\n"
    )
    assert pledge_chart(pledge, evaluation, BUILTIN_UNITS, date(2024, 1, 1)) is None


@given(
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
    st.floats(min_value=0, max_value=1e9, allow_nan=False),
)
def test_ticks_cover_the_range_in_order(low: float, width: float) -> None:
    high = low + width
    ticks = nice_ticks(low, high)
    assert ticks[0] <= low + 1e-6 * max(1.0, abs(low))
    assert ticks[-1] >= high - 1e-6 * max(1.0, abs(high))
    assert all(a < b for a, b in itertools.pairwise(ticks))
    assert len(ticks) <= 12


@given(st.text())
def test_no_csv_text_cell_starts_a_formula(text: str) -> None:
    cell = csv_value(text)
    number = re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text)
    assert number or not cell.lstrip().startswith(("=", "+", "-", "@", "\t", "\r"))
    assert "\n" not in cell and "\r" not in cell


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.org/a?b=c", True),
        ("http://example.org", True),
        ("javascript:alert(1)", False),
        ("JAVASCRIPT:alert(1)", False),
        ("data:text/html,<b>", False),
        ("//example.org/x", False),
        ("/etc/passwd", False),
        ("https:///nohost", False),
        ("", False),
        (None, False),
    ],
)
def test_only_http_links_are_kept(url: str | None, kept: bool) -> None:
    assert (safe_href(url) is not None) is kept


@pytest.mark.parametrize(
    ("ident", "path"),
    [
        ("xiaoshan/2023/gdp", "pledges/xiaoshan/2023/gdp.html"),
        ("a.b_c-d", "pledges/a.b_c-d.html"),
    ],
)
def test_page_paths_mirror_ids(ident: str, path: str) -> None:
    assert page_path("pledges", ident) == path


@pytest.mark.parametrize("ident", ["../../etc/x", "a//b", "/abs", "A/B", "a/../b", "", "中文"])
def test_ids_unsafe_as_paths_get_a_hashed_name(ident: str) -> None:
    path = page_path("pledges", ident)
    assert path.startswith("pledges/_/") and path.endswith(".html")
    assert ".." not in path and len(path) == len("pledges/_/") + 16 + len(".html")


def test_feed_entries_are_valid_atom_with_stable_ids() -> None:
    commit = Commit("a" * 40, "aaaaaaa", date(2024, 6, 1), "Editor \x01<e>")
    changes = [
        Change(commit, "t/a", ADDED, None, "pending", "A & <b>", "cn"),
        Change(commit, "t/b", STATUS, "pending", "achieved", None, "cn"),
    ]
    body = atom(
        "Feed", "urn:x", "feed.xml", "index.html", changes, lambda c: c.pledge_id, date(2025, 1, 1)
    )
    root = ET.fromstring(body)
    ns = "{http://www.w3.org/2005/Atom}"
    titles = [e.findtext(f"{ns}title") for e in root.findall(f"{ns}entry")]
    assert titles == ["t/b: pending → achieved", "New pledge: A & <b> (pending)"]
    assert root.findtext(f"{ns}updated") == "2024-06-01T00:00:00Z"
    authors = {e.findtext(f"{ns}name") for e in root.iter(f"{ns}author")}
    assert authors == {"Editor \\x01<e>"}  # a control shows, as in every output
    assert entry_id(changes[0]) == entry_id(Change(commit, "t/a", ADDED, None, "x", None, None))
    assert entry_id(changes[0]) != entry_id(changes[1])


ARCHIVED = SOURCE.replace(
    "  date: 2023-01\n",
    "  date: 2023-01\n  archive: sources/test-report.txt\n  sha256: " + "0" * 64 + "\n",
)


def test_a_source_page_links_its_archived_text(
    run: Callable[..., Result], ledger: Callable[..., Path], tmp_path: Path
) -> None:
    body = "pledges:\n  - id: t/a\n    title: T\n    quote: 据\n    deadline: 2023\n"
    root = ledger({"a.yaml": ARCHIVED + body})
    (root / "sources").mkdir()
    (root / "sources" / "test-report.txt").write_text("据报告\n", encoding="utf-8")
    out = tmp_path / "site"
    result = run("site", str(out), "--ledger", str(root), "--as-of", "2024-01-01")
    assert result.exit_code == 0, result.stderr
    assert "1 archived texts" in result.stdout
    assert (out / "sources" / "test-report.txt").read_text(encoding="utf-8") == "据报告\n"
    page = (out / "sources" / "test-report.html").read_text(encoding="utf-8")
    assert '<dt>Archived text</dt><dd><a href="test-report.txt">test-report.txt</a>' in page


@pytest.mark.parametrize("archive", ["../outside.txt", "/etc/hostname", "sources/missing.txt"])
def test_an_archive_outside_the_ledger_or_missing_is_not_linked(
    run: Callable[..., Result], ledger: Callable[..., Path], tmp_path: Path, archive: str
) -> None:
    text = ARCHIVED.replace("sources/test-report.txt", archive)
    body = "pledges:\n  - id: t/a\n    title: T\n    quote: 据\n    deadline: 2023\n"
    root = ledger({"a.yaml": text + body})
    (root.parent / "outside.txt").write_text("secret", encoding="utf-8")
    out = tmp_path / "site"
    result = run("site", str(out), "--ledger", str(root), "--as-of", "2024-01-01")
    assert result.exit_code == 0, result.stderr
    assert "0 archived texts" in result.stdout
    assert not (out / "sources" / "test-report.txt").exists()
    assert "Archived text" not in (out / "sources" / "test-report.html").read_text("utf-8")


def test_a_recurring_flow_has_no_path_and_starts_at_zero(
    ledger: Callable[..., Path], chdir_tmp: Path
) -> None:
    root = ledger(
        {
            "a.yaml": "format: 2\n"
            + pledges_file(
                """\
                - id: t/yearly
                  title: At least 2 every year
                  quote: 每年2万人以上
                  start: 2021
                  deadline: 2025
                  metric: {name: Jobs, unit: 万人, kind: flow}
                  target: {op: ">=", value: 2, every: year}
                  progress:
                    - period: 2022
                      value: 4.8
                      evidence: [{source: test-report, quote: 据}]
                """
            )
        }
    )
    row = evaluate_all(load(root), date(2025, 3, 1))[0]
    assert [o.status for o in row.evaluation.occurrences][:2] == ["unreported", "achieved"]
    svg = str(pledge_chart(row.pledge, row.evaluation, BUILTIN_UNITS, date(2025, 3, 1)))
    assert "time-proportional path" not in svg
    assert ">0</text>" in svg and ">-" not in svg  # the axis starts at zero


def test_v2_targets_in_words(ledger: Callable[..., Path], chdir_tmp: Path) -> None:
    root = ledger(
        {
            "a.yaml": "format: 2\n"
            + pledges_file(
                """\
                - id: t/gdp
                  title: GDP growth
                  quote: 增长5%
                  deadline: 2023
                  metric: {name: GDP growth, unit: percent, kind: rate}
                  target: {op: ">=", value: 5}
                - id: t/income
                  title: Income in step
                  quote: 与经济增长同步
                  deadline: 2023
                  metric: {name: Income growth, unit: percent, kind: rate}
                  target: {op: ">=", ref: t/gdp}
                - id: t/bridge
                  title: Open the bridge
                  quote: 建成大桥
                  deadline: 2023-08
                  target: {op: done}
                - id: t/jobs
                  title: Jobs every year
                  quote: 每年新增就业2万人以上
                  start: 2021
                  deadline: 2025
                  metric: {name: Jobs, unit: 万人, kind: flow}
                  target: {op: ">=", value: 2, every: year}
                """
            )
        }
    )
    result = load(root)
    words = {
        r.pledge.id: target_words(r.pledge, BUILTIN_UNITS, None, {"t/gdp": "GDP growth"})
        for r in evaluate_all(result, date(2024, 1, 1))
    }
    assert words == {
        "t/gdp": "at least 5%",
        "t/income": "at least as much as GDP growth",
        "t/bridge": "done by 2023-08",
        "t/jobs": "at least 2 万人 (10,000 persons) every year",
    }
