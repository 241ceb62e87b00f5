"""`list` and `status` streamed from the ledger index print what they print without it.

Every format, sort key, grouping and filter, piped and in terminals of several widths, at
two `--as-of` dates, on the bundled ledger and on a generated one; then random
combinations of the options (hypothesis). Each command runs without the index, with a
new index and with the index warm (`three_ways`), and the index must answer without
loading the ledger.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, Result
from tests.test_index import assert_same, three_ways

DATES = ("2024-06-30", "2026-01-01")
SORTS = ("id", "deadline", "status", "progress", "jurisdiction", "file")
GROUPS = ("jurisdiction", "source", "tag", "year")
# (width, terminal): piped output, and terminals wide enough for one-line rows, narrow
# enough for two-line rows, and too narrow for the progress bars
NO_SEEDS = ("--seeds", "none")  # the generator's quotes without the source documents
SCREENS = ((80, False), (200, True), (80, True), (44, True))

FILTERS: list[tuple[str, ...]] = [
    ("--status", "unreported", "--status", "achieved"),
    ("--tag", "industry", "--tag", "economy"),
    ("--jurisdiction", "cn/zhejiang/hangzhou/binjiang"),
    ("--jurisdiction", "cn/zhejiang"),
    ("--source", "xiaoshan-2023-work-report"),
    ("--due-before", "2024-12-31", "--due-after", "2023-06-30"),
    ("--search", "GDP"),
    ("--binding",),
    ("--expected", "--status", "pending"),
    ("--status", "withdrawn"),  # nothing matches
]
# every sort key and format of `list`, every grouping of `status` in both formats
EVERY_OPTION: list[tuple[str, ...]] = [
    *(("list", "--sort", sort) for sort in SORTS),
    *(("list", "--format", fmt, "--sort", "status") for fmt in ("json", "csv", "markdown")),
    *(("status", "--by", by) for by in GROUPS),
    *(("status", "--by", by, "--format", "json") for by in GROUPS),
]
# what a filter can change: the rows of each format
FILTERED: list[tuple[str, ...]] = [
    ("list", "--sort", "status"),
    ("list", "--format", "csv", "--sort", "deadline"),
    ("status", "--by", "tag"),
    ("status", "--by", "source", "--format", "json"),
]
# what the screen changes: the tables
ON_SCREEN: list[tuple[str, ...]] = [
    ("list",),
    ("list", "--wide", "--quote", "--sort", "progress"),
    ("status",),
    ("status", "--by", "tag", "--wide", "--quote"),
    ("status", "--tag", "industry", "--by", "year"),
]


def two_ways(
    run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, *args: str
) -> list[Result]:
    """Without the index, then from the index (warm after a test's first command),
    which must answer without loading the ledger."""
    return three_ways(run, monkeypatch, *args)[:2]


def on_screen(monkeypatch: pytest.MonkeyPatch, width: int, terminal: bool) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.setenv("TTY_COMPATIBLE", "1" if terminal else "0")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generated") / "ledger"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "gen_ledger.py"), str(out), "1000", *NO_SEEDS],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture
def bundled_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "ledger", tmp_path / "ledger")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "ledger"


@pytest.mark.parametrize("as_of", DATES)
def test_every_option_reads_the_same_on_the_bundled_ledger(
    as_of: str, bundled_copy: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    on_screen(monkeypatch, 80, False)
    for args in EVERY_OPTION:
        results = three_ways(run, monkeypatch, *args, "--as-of", as_of, "--ledger", "ledger")
        assert_same(results)
        assert results[0].exit_code == 0, args
        assert results[0].stdout.count("\n") > 10, args


def test_every_filter_reads_the_same_on_the_bundled_ledger(
    bundled_copy: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    on_screen(monkeypatch, 80, False)
    for chosen in FILTERS:
        for args in FILTERED:
            when = ("--as-of", DATES[1], "--ledger", "ledger")
            assert_same(two_ways(run, monkeypatch, *args, *chosen, *when))


@pytest.mark.parametrize(("width", "terminal"), SCREENS[1:])
def test_tables_in_a_terminal_read_the_same(
    width: int,
    terminal: bool,
    bundled_copy: Path,
    run: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    on_screen(monkeypatch, width, terminal)
    for args in ON_SCREEN:
        when = ("--as-of", DATES[0], "--ledger", "ledger")
        results = two_ways(run, monkeypatch, *args, *when)
        assert_same(results)
        # laid out for a terminal: the list's header, the report's title
        assert results[0].stdout.startswith("pledge" if args[0] == "list" else "Pledges as of")


@pytest.mark.parametrize("as_of", DATES)
def test_a_generated_ledger_reads_the_same(
    as_of: str, generated: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(generated.parent)
    on_screen(monkeypatch, 80, True)
    chosen = ("--status", "missed", "--jurisdiction", "cn/zhejiang/ningbo")
    for args in [*ON_SCREEN[:3], *((*a, *chosen) for a in FILTERED)]:
        when = ("--as-of", as_of, "--ledger", "ledger")
        assert_same(two_ways(run, monkeypatch, *args, *when))


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundled") / "ledger"
    shutil.copytree(ROOT / "ledger", out)
    return out


_TAGS = ("industry", "innovation", "economy", "environment", "health", "no-such-tag")
_STATUSES = ("achieved", "missed", "partly", "on_track", "at_risk", "pending", "unreported")
_PLACES = ("cn", "cn/zhejiang/hangzhou/xiaoshan", "cn/zhejiang/hangzhou/binjiang", "cn/x")
_OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "--status": st.lists(st.sampled_from(_STATUSES), max_size=3),
        "--tag": st.lists(st.sampled_from(_TAGS), max_size=2),
        "--jurisdiction": st.sampled_from(_PLACES),
        "--source": st.sampled_from(("xiaoshan-14th-five-year-plan", "binjiang-2024-plan-report")),
        "--due-before": st.sampled_from(("2023-12-31", "2025-06-30", "2030-01-01")),
        "--due-after": st.sampled_from(("2022-12-31", "2024-06-30")),
        "--search": st.sampled_from(("gdp", "亿元", "率", "xiaoshan/2023")),
        "--binding": st.sampled_from(("--binding", "--expected")),
    },
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    options=_OPTIONS,
    command=st.sampled_from(
        [("list",), ("list", "--format", "csv"), ("status",), ("status", "--format", "json")]
    ),
    order=st.sampled_from(SORTS + GROUPS),
    as_of=st.sampled_from(DATES),
    terminal=st.booleans(),
)
def test_any_combination_of_options_reads_the_same(
    options: dict[str, object],
    command: tuple[str, ...],
    order: str,
    as_of: str,
    terminal: bool,
    bundled: Path,
    run: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args: list[str] = [*command]
    if command[0] == "list":
        args += ["--sort", order if order in SORTS else "id"]
    else:
        args += ["--by", order if order in GROUPS else "tag"]
    for option, value in options.items():
        if isinstance(value, list):
            for item in value:
                args += [option, item]
        elif option == "--binding":
            args.append(str(value))
        else:
            args += [option, str(value)]
    with monkeypatch.context() as patch:
        on_screen(patch, 100, terminal)
        patch.chdir(bundled.parent)
        assert_same(three_ways(run, patch, *args, "--as-of", as_of, "--ledger", "ledger"))
