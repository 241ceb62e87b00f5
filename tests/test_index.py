"""The ledger index: every read command gives the same output with it as without it.

Each command runs three times on the same ledger: without the index ($PLEDGES_NO_INDEX),
with a new index, and with the index warm. The ledgers cover clean data, every kind of
finding (including cross-file ones and findings that depend on --as-of), unreadable files
and the registries.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, SOURCE, Result, pledges_file

CASES = ROOT / "tests" / "cases" / "ledger"
AS_OF = ("--as-of", "2025-03-01")

COMMANDS: list[tuple[str, ...]] = [
    ("lint",),
    ("lint", "--format", "json"),
    ("lint", "--strict"),
    ("list", "--format", "json"),
    ("list", "--format", "json", "--sort", "status"),
    ("list", "--format", "json", "--sort", "progress"),
    ("list", "--format", "json", "--sort", "deadline", "--due-after", "2023-06-30"),
    ("list", "--format", "json", "--sort", "jurisdiction", "--binding"),
    ("list", "--format", "json", "--sort", "file", "--expected"),
    ("list", "--format", "json", "--status", "achieved", "--status", "missed"),
    ("list", "--format", "json", "--tag", "economy", "--tag", "income"),
    ("list", "--format", "json", "--jurisdiction", "cn/zhejiang/hangzhou", "--search", "gdp"),
    ("list", "--format", "json", "--source", "other-report", "--due-before", "2024-12-31"),
    ("list",),
    ("list", "--format", "csv", "--sort", "progress"),
    ("list", "--format", "markdown"),
    ("status",),
    ("status", "--by", "source"),
    ("status", "--by", "tag", "--status", "pending"),
]

A = pledges_file(
    """\
    - id: t/gdp
      title: Grow GDP by 5%
      quote: 地区生产总值增长5%
      deadline: 2023
      tags: [economy]
      metric: {name: GDP growth, unit: percent, kind: rate}
      target: {op: ">=", value: 5}
      progress:
        - period: 2023
          value: 4.1
          evidence:
            - source: other-report
              quote: 增长4.1%
      assessment:
        status: achieved
        as_of: 2024-01
        rationale: said so
        evidence:
          - source: test-report
            quote: 完成
    - id: t/income
      title: Income in step with GDP
      quote: 收入同步
      deadline: 2024
      tags: [income]
      binding: true
      metric: {name: Income growth, unit: percent}
      target: {op: about, ref: t/gdp-b}
      related: [t/gpd, t/gdp]
      progress:
        - period: 2023
          value: 5
          evidence:
            - source: test-reprot
              quote: 增长5%
    - id: t/self
      title: Refers to itself
      quote: 自指
      deadline: 2026
      metric: {name: Self, unit: percent}
      target: {op: about, ref: t/self}
    - id: t/dup
      title: Twice
      quote: 两次
      deadline: 2025-H1
      tags: [enviroment]
      jurisdiction: cn/zhejiang/hangzhou/binjang
    """
)
B = (
    SOURCE.replace("test-report", "other-report").replace("date: 2023-01", "date: 2023-06")
    + """\
pledges:
  - id: t/gdp-b
    title: GDP in b
    quote: b的GDP
    deadline: 2023
    metric: {name: GDP growth, unit: 亿元}
    target: {op: ">=", value: 4}
    progress:
      - period: 2023
        value: 6
        unit: 万元
        evidence:
          - url: https://example.org/b
            quote: 六
  - id: t/dup
    title: Twice again
    quote: 又一次
    deadline: 2024
  - id: T/Dup
    title: Confusable
    quote: 易混
    deadline: 2030
"""
)
UNITS = """\
units:
  - id: tonnes-co2
    name: 吨二氧化碳
    name_en: tonnes of CO2
    dimension: mass-co2
    aliases: [tCO2, MW]
"""


@pytest.fixture
def messy(ledger: Callable[..., Path]) -> Path:
    root = ledger(
        {
            "a.yaml": A,
            "sub/b.yaml": B,
            "sub/c.yaml": "source: [unclosed\n",
            "d.yml": SOURCE + "pledges: []\n",
            "e.yaml": "",
        }
    )
    (root / "units.yaml").write_text(UNITS, encoding="utf-8")
    (root / "link.yaml").symlink_to(root / "a.yaml")
    return root


def three_ways(
    run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, *args: str
) -> list[Result]:
    monkeypatch.setenv("PLEDGES_NO_INDEX", "1")
    plain = run(*args)
    monkeypatch.delenv("PLEDGES_NO_INDEX")
    with monkeypatch.context() as patch:  # the index must answer: no loading the ledger
        patch.setattr("pledges.read.loader.load", _no_loading)
        return [plain, run(*args), run(*args)]


def _no_loading(*args: object, **kwargs: object) -> None:
    raise AssertionError("the command loaded the ledger instead of reading the index")


def assert_same(results: list[Result]) -> None:
    plain = results[0]
    for other in results[1:]:
        assert (other.exit_code, other.stdout, other.stderr) == (
            plain.exit_code,
            plain.stdout,
            plain.stderr,
        )


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_the_cases_ledger_reads_the_same(
    args: tuple[str, ...], run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    assert_same(three_ways(run, monkeypatch, *args, *AS_OF, "--ledger", "tests/cases/ledger"))


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_ledger_with_every_kind_of_finding_reads_the_same(
    args: tuple[str, ...],
    messy: Path,
    run: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
    chdir_tmp: Path,
) -> None:
    results = three_ways(run, monkeypatch, *args, *AS_OF, "--ledger", "ledger")
    assert_same(results)
    if args[0] == "lint":
        assert results[0].exit_code == 3  # the symbolic link is unreadable
        for code in ("PL002", "PL007", "PL201", "PL202", "PL203", "PL210", "PL211", "PL250"):
            assert code in results[0].stdout


@pytest.mark.parametrize(
    "pledge_id", ["t/gdp", "t/income", "t/self", "t/dup", "t/gpd", "nothing/like/it"]
)
def test_show_reads_the_same(
    pledge_id: str,
    messy: Path,
    run: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
    chdir_tmp: Path,
) -> None:
    assert_same(three_ways(run, monkeypatch, "show", pledge_id, *AS_OF, "--ledger", "ledger"))


@pytest.mark.parametrize(
    "paths",
    [("ledger/a.yaml",), ("ledger/sub",), ("ledger/sub/b.yaml", "ledger/a.yaml"), ("ledger",)],
)
def test_lint_of_some_files_reads_the_same(
    paths: tuple[str, ...],
    messy: Path,
    run: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
    chdir_tmp: Path,
) -> None:
    assert_same(three_ways(run, monkeypatch, "lint", *paths, *AS_OF))


def test_the_bundled_ledger_reads_the_same(
    run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shutil.copytree(ROOT / "ledger", tmp_path / "ledger")
    monkeypatch.chdir(tmp_path)
    for args in (("lint",), ("list", "--format", "json"), ("status",), ("list",)):
        assert_same(three_ways(run, monkeypatch, *args, "--as-of", "2025-06-30"))


def test_the_date_changes_findings_that_read_it(
    messy: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, chdir_tmp: Path
) -> None:
    """PL250 compares an assessment with the figures as of --as-of: a warm index with
    findings for one date gives the findings of another date, not the stored ones."""
    for when in ("2023-06-30", "2025-03-01", "2023-06-30"):
        assert_same(three_ways(run, monkeypatch, "lint", "--as-of", when, "--ledger", "ledger"))
        assert_same(
            three_ways(
                run, monkeypatch, "list", "--format", "json", "--as-of", when, "--ledger", "ledger"
            )
        )


def test_no_cache_does_not_touch_the_index(
    messy: Path, run: Callable[..., Result], chdir_tmp: Path
) -> None:
    run("lint", "--no-cache", *AS_OF, "--ledger", "ledger")
    cache = Path(os.environ["PLEDGES_CACHE_DIR"])
    assert not (cache / "index").exists()
    run("lint", *AS_OF, "--ledger", "ledger")
    assert len(list((cache / "index").glob("*.sqlite3"))) == 1


OPTIONS = ("--files", "30", "--seeds", "none")


def test_parsing_over_processes_gives_what_one_process_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many files are parsed by worker processes (for `lint --no-cache` and for building
    the index); findings, positions found again from the text included, are the same."""
    import subprocess
    import sys
    from datetime import date

    from pledges.check.incremental import lint_indexed
    from pledges.check.lint import lint
    from pledges.read.index import LedgerIndex
    from pledges.read.loader import load
    from pledges.read.schema import schema_digest

    root = tmp_path / "ledger"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "gen_ledger.py"), str(root), "300", *OPTIONS],
        check=True,
        capture_output=True,
    )
    files = sorted(p for p in root.rglob("*.yaml") if p.parent != root)
    broken = files[3].read_text(encoding="utf-8").replace("deadline: ", "deadline: 20x", 2)
    files[3].write_text(broken + "\nextra: [1\n", encoding="utf-8")
    files[7].write_text(
        files[7].read_text(encoding="utf-8").replace("    title: ", "    titel: x\n    title: ", 1),
        "utf-8",
    )
    (root / "cn" / "dup.yaml").write_text(files[9].read_text(encoding="utf-8"), "utf-8")
    when = date(2026, 1, 1)
    found = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("PLEDGES_JOBS", workers)
        found["load", workers] = lint(load(root), when)
        index = LedgerIndex.open(root, tmp_path / f"cache{workers}", schema_digest())
        assert index is not None
        try:
            index.refresh()
            found["index", workers] = lint_indexed(index, when, None).diagnostics
        finally:
            index.close()
    assert found["load", "1"]
    codes = {d.code for d in found["load", "1"]}
    assert codes >= {"PL002", "PL201", "PL203"} and any(c.startswith("PL1") for c in codes)
    assert len(set(map(tuple, found.values()))) == 1


def test_file_names_are_shown_as_the_loader_shows_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`display_names` (one `relpath` per ledger) gives `display_name` of every file,
    wherever the command runs: inside the root, above it, beside it, far from it."""
    from pledges.read.loader import display_names, ledger_files, ledger_rels
    from pledges.read.safe import display_name

    for folder in ("a/b/ledger/x", "a/b/ledger/..y", "a/c", "a/b/ledger/.hidden", "..z/q"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    for name in ("x/1.yaml", "..y/2.yml", "3.yaml", "jurisdictions.yaml", ".hidden/4.yaml"):
        (tmp_path / "a/b/ledger" / name).write_text("x", encoding="utf-8")
    (tmp_path / "..z/q/7.yaml").write_text("x", encoding="utf-8")
    places = ["", "a", "a/b", "a/b/ledger", "a/b/ledger/x", "a/b/ledger/..y", "a/c", "..z/q"]
    roots = ["a/b/ledger", "a/b/ledger/x", "", "..z", "a"]
    for place in [*(tmp_path / p for p in places), Path("/")]:
        monkeypatch.chdir(place)
        for where in roots:
            absolute = tmp_path / where
            for root in (absolute, Path(os.path.relpath(absolute)), absolute / "x" / ".."):
                rels = ledger_rels(root)
                assert [root / rel for rel in rels] == ledger_files(root)
                assert display_names(root, rels) == [display_name(root / r) for r in rels]


def test_a_changed_archive_is_checked_again(
    run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Findings that read an archived text are stored with it: when its bytes change (or
    it disappears), the quotes it holds are checked again."""
    shutil.copytree(ROOT / "ledger", tmp_path / "ledger")
    monkeypatch.chdir(tmp_path)
    archives = sorted((tmp_path / "ledger").rglob("sources/*.txt"))
    assert archives
    assert_same(three_ways(run, monkeypatch, "lint", "--as-of", "2025-06-30"))
    text = archives[0].read_text(encoding="utf-8")
    archives[0].write_text(text.replace("。", "；"), encoding="utf-8")
    changed = three_ways(run, monkeypatch, "lint", "--as-of", "2025-06-30")
    assert_same(changed)
    assert "PL262" in changed[0].stdout
    archives[0].unlink()
    gone = three_ways(run, monkeypatch, "lint", "--as-of", "2025-06-30")
    assert_same(gone)
    assert "PL263" in gone[0].stdout


@pytest.mark.parametrize(
    "args",
    [
        ("sql", "SELECT * FROM pledges ORDER BY id", "--format", "json"),
        ("sql", "SELECT * FROM observations", "--format", "csv"),
        ("export", "{out}", "--format", "csv"),
        ("export", "{out}/ledger.json", "--format", "json"),
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_publishing_reads_the_same(
    args: tuple[str, ...],
    run: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """`sql`, `export` and `site` read the ledger through the index as `list` does: the
    same tables, the same files written."""
    shutil.copytree(CASES, tmp_path / "ledger")
    monkeypatch.chdir(tmp_path)
    results, written = [], []
    for way in ("plain", "cold", "warm"):
        out = tmp_path / way
        out.mkdir()
        command = [a.replace("{out}", str(out)) for a in args]
        if way == "plain":
            monkeypatch.setenv("PLEDGES_NO_INDEX", "1")
        else:
            monkeypatch.delenv("PLEDGES_NO_INDEX", raising=False)
        with monkeypatch.context() as patch:
            if way != "plain":  # the index must answer: no loading the ledger
                patch.setattr("pledges.read.loader.load", _no_loading)
            result = run(*command, *AS_OF, "--ledger", "ledger")
        shown = [text.replace(str(out), "OUT") for text in (result.stdout, result.stderr)]
        results.append(Result(result.exit_code, *shown))
        written.append({str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*")})
    assert results[0].exit_code == 0
    assert_same(results)
    assert written[0] == written[1] == written[2]
    assert written[0] or args[0] == "sql"


def test_a_title_holding_nul_lists_the_same(
    ledger: Callable[..., Path],
    run: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
    chdir_tmp: Path,
) -> None:
    """YAML writes NUL as "\\0": the stored record of `list --format json` keeps the title
    and the file name apart, whatever the title holds."""
    body = '- {id: t/nul, title: "\\0", quote: 甲, deadline: 2024}\n'
    ledger({"a.yaml": pledges_file(body)})
    results = three_ways(run, monkeypatch, "list", "--format", "json", *AS_OF, "--ledger", "ledger")
    assert_same(results)
    (item,) = json.loads(results[0].stdout)
    assert (item["title"], item["file"]) == ("\x00", "ledger/a.yaml")
