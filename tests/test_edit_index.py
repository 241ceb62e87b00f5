"""Edits through the ledger index: the edited file is checked in full and the rest of the
ledger through the index (`check.editview`), with the verdicts of an edit that loads the
whole ledger: the same findings, the same refusals, the same bytes written.
"""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pledges.check.editview import IndexView, edit_view
from pledges.check.lint import file_errors
from pledges.read.index import LedgerIndex, StaleIndexError
from pledges.read.loader import load
from pledges.read.safe import display_name
from pledges.read.schema import schema_digest
from tests.conftest import ROOT, Result
from tests.test_edit_once import IDS, random_ledger

AS_OF = date(2024, 6, 30)


def open_index(root: Path, cache: Path) -> LedgerIndex:
    index = LedgerIndex.open(root, cache, schema_digest())
    assert index is not None
    index.refresh()
    return index


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(0, 2**32 - 1))
def test_a_view_finds_the_errors_the_loaded_ledger_finds(
    tmp_path_factory: pytest.TempPathFactory, seed: int
) -> None:
    root = tmp_path_factory.mktemp("ledger")
    paths = random_ledger(root, seed)
    everything = load(root)
    index = open_index(root, tmp_path_factory.mktemp("cache"))
    try:
        for path in paths:
            name = display_name(path)
            view = edit_view(index, path=path)
            if view is None:  # a file that did not load: the edit loads the whole ledger
                assert name not in {f.doc.file for f in everything.ledger.files}
                continue
            assert isinstance(view.ledger, IndexView)
            assert [f.doc.file for f in view.ledger.files] == [name]
            assert file_errors(view, name, AS_OF) == file_errors(everything, name, AS_OF)
            ledger = everything.ledger
            assert view.ledger.taken_ids() == ledger.taken_ids()
            for norms in ({"p/one"}, {"p/two", "q/x"}, set()):
                got = [(p.file, p.id) for p in view.ledger.pledges_by_norm(norms)]
                assert got == [(p.file, p.id) for p in ledger.pledges_by_norm(norms)]
            wanted = ledger.pledge_index()
            found = view.ledger.pledge_index()
            assert list(found) == list(wanted)
            for key in [*IDS, "gone"]:
                assert (key in found) == (key in wanted)
                if key in wanted:
                    assert (found[key].file, found[key].path) == (
                        wanted[key].file,
                        wanted[key].path,
                    )
            assert list(view.ledger.source_index()) == list(ledger.source_index())
    finally:
        index.close()


def test_renewing_a_view_after_a_change_elsewhere_raises(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    paths = random_ledger(root, 7)
    index = open_index(root, tmp_path / "cache")
    try:
        view = edit_view(index, path=paths[0])
        assert view is not None and view.renew is not None
        assert view.renew() is view  # nothing changed: the same view
        paths[1].write_text(paths[1].read_text(encoding="utf-8") + "\n", encoding="utf-8")
        with pytest.raises(StaleIndexError):
            view.renew()
    finally:
        index.close()


def test_no_view_for_an_unknown_pledge_or_file(tmp_path: Path) -> None:
    root = tmp_path / "ledger"
    random_ledger(root, 3)
    index = open_index(root, tmp_path / "cache")
    try:
        assert edit_view(index, pledge_id="no/such") is None
        assert edit_view(index, path=root / "missing.yaml") is None
    finally:
        index.close()


# ---------------------------------------------------------------- the commands


BUNDLED = ROOT / "ledger"
BINJIANG = "cn/zhejiang/hangzhou/binjiang/2024-plan-report.yaml"

EDITS: list[tuple[str, ...]] = [
    # written
    ("observe", "binjiang/2024/gdp-growth", "--period", "2024", "--value", "5.6",
     "--source", "binjiang-2024-plan-report", "--quote", "地区生产总值增长6.0%"),
    ("assess", "binjiang/2024/gdp-growth", "--status", "achieved", "--period", "2024",
     "--rationale", "Reported as met.", "--source", "binjiang-2024-plan-report",
     "--quote", "地区生产总值增长6.0%"),
    ("new", "--file", f"ledger/{BINJIANG}", "--title", "Grow GDP", "--quote",
     "地区生产总值增长6.0%", "--deadline", "2024", "--metric-name", "GDP growth",
     "--unit", "percent", "--kind", "rate", "--op", ">=", "--value", "5.5"),
    ("new", "--file", f"ledger/{BINJIANG}", "--id", "binjiang/2024/in-step",
     "--title", "In step", "--quote", "地区生产总值增长6.0%", "--deadline", "2024",
     "--metric-name", "GDP growth", "--unit", "percent", "--kind", "rate",
     "--op", "about", "--ref", "xiaoshan/2023/gdp-growth"),
    ("rename", "binjiang/2023/gdp-growth", "binjiang/2023/gdp-growth-rate"),
    # refused
    ("observe", "binjiang/2024/gdp-growth", "--period", "2024", "--value", "5",
     "--source", "binjiang-2024-plan-report", "--quote", "not in the archive"),
    ("observe", "binjiang/2024/gdp-growth", "--period", "2024", "--value", "5",
     "--source", "binjiang-2025-plan-report", "--quote", "地区生产总值增长6.0%"),
    ("observe", "binjiang/2024/gdp-grwoth", "--period", "2024", "--value", "5",
     "--source", "binjiang-2024-plan-report", "--quote", "地区生产总值增长6.0%"),
    ("new", "--file", f"ledger/{BINJIANG}", "--id", "xiaoshan/2023/gdp-growth",
     "--title", "Taken", "--quote", "地区生产总值增长6.0%", "--deadline", "2024",
     "--op", "done"),
    ("new", "--file", f"ledger/{BINJIANG}", "--id", "XIAOSHAN/2023/GDP-growth",
     "--title", "Confusable", "--quote", "地区生产总值增长6.0%", "--deadline", "2024",
     "--op", "done"),
    ("new", "--file", f"ledger/{BINJIANG}", "--id", "binjiang/2024/bad-ref",
     "--title", "Bad ref", "--quote", "地区生产总值增长6.0%", "--deadline", "2024",
     "--metric-name", "GDP growth", "--unit", "percent", "--kind", "rate",
     "--op", "about", "--ref", "no/such-pledge"),
    ("rename", "binjiang/2023/gdp-growth", "binjiang/2024/gdp-growth"),
    ("rename", "binjiang/2023/gdp-grwoth", "binjiang/2023/gdp"),
]  # fmt: skip


@pytest.fixture
def in_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Callable[..., Result]
) -> Callable[[str, tuple[str, ...]], tuple[Result, dict[str, bytes]]]:
    """Run one edit in a fresh copy of the bundled ledger, with or without the index; the
    result and every file's bytes afterwards."""

    def edit(kind: str, args: tuple[str, ...]) -> tuple[Result, dict[str, bytes]]:
        top = tmp_path / kind
        shutil.rmtree(top, ignore_errors=True)
        shutil.copytree(BUNDLED, top / "ledger")
        monkeypatch.chdir(top)
        monkeypatch.setenv("PLEDGES_CACHE_DIR", str(tmp_path / f"cache-{kind}"))
        if kind == "loaded":
            monkeypatch.setenv("PLEDGES_NO_INDEX", "1")
        else:
            monkeypatch.delenv("PLEDGES_NO_INDEX", raising=False)
            if kind == "warm":
                assert run("lint", "--ledger", "ledger").exit_code == 0
        result = run(*args, "--ledger", "ledger", "--as-of", "2025-01-01")
        files = {str(p.relative_to(top)): p.read_bytes() for p in _files(top / "ledger")}
        return result, files

    return edit


def _files(root: Path) -> Iterator[Path]:
    for folder, _, names in os.walk(root):
        for name in sorted(names):
            yield Path(folder) / name


@pytest.mark.skipif(not BUNDLED.is_dir(), reason="the bundled ledger is not in this checkout")
@pytest.mark.parametrize("args", EDITS, ids=lambda a: " ".join(a[:2]))
def test_an_edit_through_the_index_is_the_edit_of_the_loaded_ledger(
    in_copy: Callable[[str, tuple[str, ...]], tuple[Result, dict[str, bytes]]],
    args: tuple[str, ...],
) -> None:
    expected, written = in_copy("loaded", args)
    for kind in ("cold", "warm"):
        result, files = in_copy(kind, args)
        assert result == expected, kind
        assert files == written, kind


@pytest.mark.skipif(not BUNDLED.is_dir(), reason="the bundled ledger is not in this checkout")
def test_the_edits_write_and_refuse_as_they_say(
    in_copy: Callable[[str, tuple[str, ...]], tuple[Result, dict[str, bytes]]],
) -> None:
    """The cases above do what they are for: five written, the others refused."""
    codes = [in_copy("warm", args)[0].exit_code for args in EDITS]
    assert codes == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]


@pytest.mark.skipif(not BUNDLED.is_dir(), reason="the bundled ledger is not in this checkout")
def test_consecutive_edits_through_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Callable[..., Result]
) -> None:
    """Each edit sees the one before: a second pledge with the id the first added is
    refused, and lint stays clean."""
    shutil.copytree(BUNDLED, tmp_path / "ledger")
    monkeypatch.chdir(tmp_path)
    new = EDITS[3]
    assert run(*new, "--ledger", "ledger").exit_code == 0
    again = run(*new, "--ledger", "ledger")
    assert again.exit_code == 1
    assert "PL902" in again.stdout + again.stderr
    assert run("lint", "--ledger", "ledger", "--strict").exit_code == 0


def test_random_ids_for_new(tmp_path: Path) -> None:
    """`new` proposes ids new to the ledger, through a view as through the loaded ledger."""
    from pledges.edit import ids, session

    root = tmp_path / "ledger"
    paths = random_ledger(root, random.Random(5).randint(0, 1000))
    index = open_index(root, tmp_path / "cache")
    try:
        for path in paths:
            view = edit_view(index, path=path)
            loaded = session.open_for_edit(path, AS_OF, root)
            if view is None or isinstance(loaded, list):
                continue
            through = session.open_for_edit(path, AS_OF, root, prior=view)
            assert not isinstance(through, list)
            assert ids.propose_id(through, "One", "One") == ids.propose_id(loaded, "One", "One")
    finally:
        index.close()


@pytest.mark.skipif(not BUNDLED.is_dir(), reason="the bundled ledger is not in this checkout")
def test_a_change_before_the_lock_makes_the_edit_plan_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Callable[..., Result]
) -> None:
    """Another writer adds the same id to another file between the edit's first look
    and its lock: the edit plans again on the new state and refuses the id."""
    from pledges.edit import atomic, lock

    shutil.copytree(BUNDLED, tmp_path / "ledger")
    monkeypatch.chdir(tmp_path)
    assert run("lint", "--ledger", "ledger").exit_code == 0  # a warm index
    other = tmp_path / "ledger" / "cn/zhejiang/hangzhou/xiaoshan/2023-work-report.yaml"
    entry = (
        "\n  - id: binjiang/2024/in-step\n    title: Elsewhere first\n"
        "    quote: 地区生产总值增长5.5%以上\n    deadline: 2024\n"
    )
    real = lock.acquire
    calls: list[int] = []

    def acquire_after_a_change(*args: object, **kwargs: object) -> object:
        if not calls:
            other.write_text(other.read_text(encoding="utf-8") + entry, encoding="utf-8")
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(atomic, "acquire", acquire_after_a_change)
    result = run(*EDITS[3], "--ledger", "ledger")
    assert len(calls) == 2  # planned twice
    assert result.exit_code == 1
    assert "PL902" in result.stderr
    assert "xiaoshan/2023-work-report.yaml" in result.stderr
