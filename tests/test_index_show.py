"""`pledges show` through the ledger index: one pledge read without loading the ledger,
with the same output (table and JSON), messages and exit codes as without the index."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pledges.cli.common import ReportFormat, load_at
from pledges.cli.indexing import with_index
from pledges.cli.showing import show_output
from pledges.judge.indexed import IndexedLedger
from pledges.judge.indexshow import Missing, Shown, shown_in_index, shown_in_ledger
from pledges.model.ledger import LedgerFile
from pledges.read.index import FileState, LedgerIndex
from pledges.read.indexdb import database_path
from tests.conftest import JURISDICTIONS, ROOT, SOURCE, Result, pledges_file

BUNDLED = ROOT / "ledger"
AS_OF = ("--as-of", "2025-03-01")

ARCHIVED = SOURCE.replace("  date: 2023-01\n", "  date: 2023-01\n  archive: sources/test.txt\n")
TEXT = "测试报告\n\n今年地区生产总值增长6%。\n明年增长5%左右。\n"

A = ARCHIVED + pledges_file(
    """\
    - id: t/base
      title: Grow GDP by 5%
      quote: 地区生产总值增长6%
      deadline: 2024
      metric: {name: GDP growth, unit: percent, kind: rate}
      target: {op: ">=", value: 5}
      progress:
        - period: 2023
          value: 6
          evidence:
            - {source: test-report, quote: 增长6%}
        - period: 2024
          value: 4
          evidence:
            - {source: test-report, quote: 增长5%左右}
          review: draft
    - id: t/dup
      review: draft
      title: The first of two, a draft
      quote: 两次
      deadline: 2025
    - id: t/proposed
      review: draft
      title: Proposed, not accepted
      quote: 建议
      deadline: 2026
      related: [t/base]
    """
).removeprefix(SOURCE)
B = SOURCE.replace("test-report", "other-report") + pledges_file(
    """\
    - id: t/follow
      title: Income in step with GDP
      quote: 收入同步
      deadline: 2024
      metric: {name: Income growth, unit: percent}
      target: {op: about, ref: t/base}
      related: [t/base, t/dup, t/proposed, t/missing, t/follow]
      progress:
        - period: 2023
          value: 5.8
          evidence:
            - {source: test-report, quote: 今年地区生产总值增长6%}
            - {source: other-report, quote: 收入}
    - id: t/dup
      title: The second of two
      quote: 又一次
      deadline: 2024
      related: [t/dup]
    """
).removeprefix(SOURCE)

IDS = ["t/base", "t/dup", "t/proposed", "t/follow", "t/bsae", "t/nothing-like-it"]


@pytest.fixture
def drafts(ledger: Callable[..., Path]) -> Path:
    root = ledger({"a.yaml": A, "sub/b.yaml": B})
    (root / "sources").mkdir()
    (root / "sources" / "test.txt").write_text(TEXT, encoding="utf-8")
    return root


def both_ways(
    run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[Result, Result, Result]:
    """Without the index, with a new index, with the index warm; with the index the
    ledger is never loaded nor built whole."""
    monkeypatch.setenv("PLEDGES_NO_INDEX", "1")
    plain = run(*args)
    monkeypatch.delenv("PLEDGES_NO_INDEX")
    with monkeypatch.context() as patch:
        patch.setattr("pledges.read.loader.load", _refused)
        patch.setattr(IndexedLedger, "load_result", _refused)
        patch.setattr(IndexedLedger, "pledges", _refused)
        return plain, run(*args), run(*args)


def _refused(*args: object, **kwargs: object) -> None:
    raise AssertionError("show read the whole ledger instead of one pledge from the index")


def assert_same(results: tuple[Result, ...]) -> None:
    plain = results[0]
    for other in results[1:]:
        assert (other.exit_code, other.stdout, other.stderr) == (
            plain.exit_code,
            plain.stdout,
            plain.stderr,
        )


@pytest.mark.parametrize("output", ["table", "json"])
@pytest.mark.parametrize("pledge_id", IDS)
def test_drafts_duplicates_and_references_across_files_show_the_same(
    pledge_id: str,
    output: str,
    drafts: Path,
    run: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = ("show", pledge_id, "--format", output, *AS_OF, "--ledger", str(drafts))
    assert_same(both_ways(run, monkeypatch, *args))


def test_what_show_reads_through_the_index(
    drafts: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    results = both_ways(run, monkeypatch, "show", "t/follow", *AS_OF, "--ledger", str(drafts))
    assert_same(results)
    out = results[1].stdout
    # the ref target in the other file gives the target's value
    assert "target        about t/base = 6%" in out
    # the quote is shown in the archived text of a source declared in the other file
    assert "↳ test-report: “今年地区生产总值增长6%”" in out
    assert "sources/test.txt:3" in out
    # related: the first t/dup is a draft, left out like drafts in every table; the
    # accepted second one stands for the id; a draft pledge is not in the ledger's tables
    related = out[out.index("\nrelated\n") :]
    assert "t/dup" in related and "The second of two" in related
    assert "t/proposed  not in the ledger" in related
    assert "t/missing   not in the ledger" in related
    data = json.loads(
        run("show", "t/dup", "--format", "json", *AS_OF, "--ledger", str(drafts)).stdout
    )
    assert data["title"] == "The first of two, a draft"
    assert data["file"].endswith("/ledger/a.yaml")
    assert data["related_pledges"] == []


def test_a_draft_pledge_is_judged_with_its_drafts(
    drafts: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    results = both_ways(
        run, monkeypatch, "show", "t/base", "--format", "json", *AS_OF, "--ledger", str(drafts)
    )
    assert_same(results)
    data = json.loads(results[1].stdout)
    assert data["latest"]["period"] == "2023"  # the draft 2024 figure is left out
    assert [item["period"] for item in data["timeline"]] == ["2023", "2024"]


def test_an_unknown_id_gets_the_same_hint(
    drafts: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    results = both_ways(run, monkeypatch, "show", "t/bsae", "--ledger", str(drafts))
    assert_same(results)
    assert results[1].exit_code == 2
    assert (
        results[1].stderr == "pledges: no pledge 't/bsae' in the ledger; did you mean 't/base'?\n"
    )


def test_an_id_that_may_be_in_a_file_that_did_not_load_exits_3(
    drafts: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    (drafts / "sub" / "c.yaml").write_text("source: [unclosed\n", encoding="utf-8")
    monkeypatch.chdir(drafts.parent)
    missing = both_ways(run, monkeypatch, "show", "t/bsae", "--ledger", "ledger")
    assert_same(missing)
    assert missing[1].exit_code == 3
    why = (
        "ledger/sub/c.yaml could not be loaded, so its pledges are left out (2:1: PL002 error "
        "YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence))"
    )
    assert missing[1].stderr == f"pledges: no pledge 't/bsae' in the loaded ledger; {why}\n"
    found = both_ways(run, monkeypatch, "show", "t/follow", "--ledger", "ledger")
    assert_same(found)
    assert found[1].exit_code == 3 and found[1].stdout.startswith("id            t/follow\n")
    assert found[1].stderr == f"pledges: {why}\n"


def test_a_change_to_the_file_of_a_ref_target_is_seen(
    drafts: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("show", "t/follow", "--format", "json", *AS_OF, "--ledger", str(drafts))
    before = json.loads(run(*args).stdout)
    assert before["target_value"] == 6
    path = drafts / "a.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("value: 6\n", "value: 7\n"), "utf-8")
    results = both_ways(run, monkeypatch, *args)
    assert_same(results)
    assert json.loads(results[1].stdout)["target_value"] == 7


def _shows(root: Path, ids: list[str], when: date, fmt: ReportFormat) -> list[object]:
    """Each pledge's `show` output, read through the index, one fresh read per pledge."""

    def body(index: LedgerIndex, _: set[str] | None) -> list[object]:
        out: list[object] = []
        for pledge_id in ids:
            found = shown_in_index(IndexedLedger(index), pledge_id, when)
            assert isinstance(found, Shown)
            made = show_output(found, fmt)
            out.append((made.lines, made.json, made.failure))
        return out

    found = with_index(root, [], body, archives=False)
    assert found is not None
    return found


@pytest.mark.parametrize("when", [date(2024, 6, 30), date(2026, 1, 1)])
@pytest.mark.parametrize(("folder", "pledges"), [("ledger", 412), ("tests/cases/ledger", 6)])
def test_every_pledge_of_the_bundled_ledger_shows_the_same(
    folder: str, pledges: int, when: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every pledge of the bundled ledger (and of the ledger the goldens read) as `show`
    prints it from the loaded ledger and through the index, table and JSON."""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("PLEDGES_NO_INDEX", raising=False)
    root = Path(folder)
    result = load_at(root, [])
    ids = list(result.ledger.pledge_index())
    assert len(ids) == pledges
    for fmt in (ReportFormat.table, ReportFormat.json):
        loaded: list[object] = []
        for pledge_id in ids:
            found = shown_in_ledger(result, pledge_id, when)
            assert isinstance(found, Shown)
            made = show_output(found, fmt)
            loaded.append((made.lines, made.json, made.failure))
        assert _shows(root, ids, when, fmt) == loaded


@pytest.mark.parametrize(
    "pledge_id",
    [
        "binjiang/2023/gdp-growth",
        "binjiang/2024/gdp-growth",  # related pledges, a ref into the 2023 file
        "xiaoshan/2023/gdp-growth",
        "binjiang/2023/gdp-grwoth",
    ],
)
def test_the_bundled_ledger_shows_the_same_from_the_command(
    pledge_id: str, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    for output in ("table", "json"):
        for as_of in ("2024-06-30", "2026-01-01"):
            args = ("show", pledge_id, "--format", output, "--as-of", as_of, "--ledger", "ledger")
            assert_same(both_ways(run, monkeypatch, *args))


def test_a_missing_id_is_missing_both_ways(drafts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLEDGES_NO_INDEX", raising=False)
    when = date(2025, 3, 1)
    loaded = shown_in_ledger(load_at(drafts, []), "t/bsae", when)
    indexed = with_index(
        drafts, [], lambda index, _: shown_in_index(IndexedLedger(index), "t/bsae", when)
    )
    assert isinstance(loaded, Missing) and isinstance(indexed, Missing)
    assert list(loaded.ids) == list(indexed.ids) == ["t/base", "t/dup", "t/proposed", "t/follow"]


def test_show_builds_only_the_files_of_the_pledges_it_reads(
    drafts: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    (drafts / "c.yaml").write_text(
        SOURCE.replace("test-report", "third-report")
        + pledges_file(
            "- id: t/other\n  title: Unrelated\n  quote: 无关\n  deadline: 2024\n"
        ).removeprefix(SOURCE),
        encoding="utf-8",
    )
    run("show", "t/base", "--ledger", str(drafts))  # the index is built
    built: list[str] = []
    original = IndexedLedger.ledger_file

    def recorded(self: IndexedLedger, state: FileState) -> LedgerFile | None:
        built.append(state.rel)
        return original(self, state)

    monkeypatch.setattr(IndexedLedger, "ledger_file", recorded)
    assert run("show", "t/base", "--ledger", str(drafts)).exit_code == 0
    assert set(built) == {"a.yaml"}
    built.clear()
    assert run("show", "t/follow", "--ledger", str(drafts)).exit_code == 0
    assert set(built) == {"a.yaml", "sub/b.yaml"}  # its file, its ref and related pledges


def test_an_archived_text_changed_before_show_is_seen_by_the_next_lint(
    drafts: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ("lint", "--format", "json", "--ledger", str(drafts))
    before = json.loads(run(*args).stdout)["diagnostics"]
    text = drafts / "sources" / "test.txt"
    text.write_text(TEXT.replace("今年地区生产总值增长6%", "今年增长"), encoding="utf-8")
    shown = both_ways(run, monkeypatch, "show", "t/follow", *AS_OF, "--ledger", str(drafts))
    assert_same(shown)
    assert "“今年地区生产总值增长6%”\n      not found in " in shown[1].stdout
    after = run(*args)
    monkeypatch.setenv("PLEDGES_NO_INDEX", "1")
    assert after.stdout == run(*args).stdout
    assert after.stdout != json.dumps(before)
    assert len(json.loads(after.stdout)["diagnostics"]) > len(before)


POOL = ["p/a", "p/b", "p/c", "P/A"]


@st.composite
def _pledge(draw: st.DrawFn) -> str:
    """One pledge of a small id pool: maybe a draft, a `ref` target, related ids, figures
    (some of them drafts)."""
    pledge_id = draw(st.sampled_from(POOL))
    lines = [
        f"- id: {pledge_id}",
        f"  title: Pledge {pledge_id}",
        "  quote: 据",
        "  deadline: 2024",
    ]
    if draw(st.booleans()):
        lines.append("  review: draft")
    lines.append("  metric: {name: Growth, unit: percent}")
    ref = draw(st.sampled_from([None, *POOL, "p/x"]))
    lines.append(
        f"  target: {{op: about, ref: {ref}}}" if ref else "  target: {op: '>=', value: 5}"
    )
    related = draw(st.lists(st.sampled_from([*POOL, "p/x"]), max_size=3))
    if related:
        lines.append(f"  related: [{', '.join(related)}]")
    figures = draw(st.lists(st.tuples(st.integers(2022, 2024), st.booleans()), max_size=3))
    if figures:
        lines.append("  progress:")
    for year, draft in figures:
        lines += [f"    - period: {year}", f"      value: {year - 2018}"]
        lines.append("      evidence: [{source: test-report, quote: 据}]")
        if draft:
            lines.append("      review: draft")
    return "\n".join(lines) + "\n"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=st.lists(st.lists(_pledge(), min_size=1, max_size=4), min_size=1, max_size=3))
def test_random_ledgers_show_the_same_through_the_index(files: list[list[str]]) -> None:
    """Duplicate ids, drafts, refs and related ids in any arrangement across files: every
    id (and one no pledge has) shows the same from the loaded ledger and the index."""
    when = date(2024, 6, 30)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "ledger"
        root.mkdir()
        (root / "jurisdictions.yaml").write_text(JURISDICTIONS, encoding="utf-8")
        for number, items in enumerate(files):
            text = pledges_file("".join(items))
            (root / f"f{number}.yaml").write_text(text, encoding="utf-8")
        result = load_at(root, [])
        for fmt in (ReportFormat.table, ReportFormat.json):
            loaded = []
            for pledge_id in [*POOL, "p/x"]:
                made = show_output(shown_in_ledger(result, pledge_id, when), fmt)
                loaded.append((made.lines, made.json, made.failure))

            def body(index: LedgerIndex, _: set[str] | None) -> list[object]:
                out: list[object] = []
                for pledge_id in [*POOL, "p/x"]:
                    found = shown_in_index(IndexedLedger(index), pledge_id, when)
                    made = show_output(found, fmt)  # noqa: B023
                    out.append((made.lines, made.json, made.failure))
                return out

            assert with_index(root, [], body, archives=False) == loaded


def test_a_lock_held_elsewhere_reads_without_the_index(
    drafts: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A show that must update the index but cannot get the lock loads the ledger."""
    args = ("show", "t/follow", "--format", "json", *AS_OF, "--ledger", str(drafts))
    run(*args)  # the index is built
    path = drafts / "a.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("value: 6\n", "value: 7\n"), "utf-8")
    monkeypatch.setenv("PLEDGES_NO_INDEX", "1")
    expected = run(*args)
    monkeypatch.delenv("PLEDGES_NO_INDEX")
    monkeypatch.setattr("pledges.read.indexdb.BUSY_SECONDS", 0.2)
    cache = Path(os.environ["PLEDGES_CACHE_DIR"])
    holder = sqlite3.connect(database_path(cache, drafts), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert run(*args) == expected
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert json.loads(expected.stdout)["target_value"] == 7


def test_shows_and_lints_running_at_once(drafts: Path, tmp_path: Path) -> None:
    """Shows as separate processes while others update the index: each gives the output
    of a run without the index, for the version of the ledger it ran on."""
    cache = tmp_path / "cache"
    env = dict(os.environ, PLEDGES_CACHE_DIR=str(cache), NO_COLOR="1")
    env.pop("PLEDGES_NO_INDEX", None)
    path = drafts / "a.yaml"
    versions = [path.read_text(encoding="utf-8")]
    versions.append(versions[0].replace("value: 6\n", "value: 7\n"))
    show = [sys.executable, "-m", "pledges", "show", "t/follow", *AS_OF, "--ledger", str(drafts)]
    lint = [sys.executable, "-m", "pledges", "lint", "--ledger", str(drafts)]
    expected = []
    for text in versions:
        path.write_text(text, encoding="utf-8")
        plain = subprocess.run(
            show, env=dict(env, PLEDGES_NO_INDEX="1"), capture_output=True, text=True, check=False
        )
        expected.append((plain.returncode, plain.stdout, plain.stderr))
    assert expected[0] != expected[1]
    for round_number in range(2):
        path.write_text(versions[round_number % 2], encoding="utf-8")
        running = [
            subprocess.Popen(
                command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for command in (show, lint, show, lint, show)
        ]
        for command, process in zip((show, lint, show, lint, show), running, strict=True):
            stdout, stderr = process.communicate(timeout=300)
            if command is show:
                assert (process.returncode, stdout, stderr) == expected[round_number % 2]
