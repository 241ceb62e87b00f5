"""The ledger index after edits: each state of the files reads as if loaded afresh.

A property test writes a sequence of ledger states (files added, changed, broken and
removed; ids and source ids that repeat, references across files, assessments judged as
of two dates) and, after each, compares lint findings and `list --format json` from the
index, kept across the states, with those of the loaded ledger.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pledges.check.incremental import lint_indexed
from pledges.check.lint import lint
from pledges.judge.indexquery import prime
from pledges.judge.indexreport import listed
from pledges.judge.query import Filters, evaluate_all, select, sort_rows
from pledges.present.streamed import json_list, stored
from pledges.present.terminal import rows_as
from pledges.read import index as index_module
from pledges.read import indexfile
from pledges.read.index import LedgerIndex
from pledges.read.indexfile import FileEntry
from pledges.read.loader import load
from pledges.read.schema import schema_digest
from tests.conftest import JURISDICTIONS

IDS = ["x/a", "x/b", "x/c", "X/a"]
SOURCES = ["s1", "s2", "s3"]
FILES = ["a.yaml", "sub/b.yaml", "c.yaml"]
DATES = [date(2023, 6, 30), date(2025, 1, 1)]
SORTS = ["id", "deadline", "status", "progress", "jurisdiction", "file"]


@st.composite
def pledge(draw: st.DrawFn) -> str:
    pid = draw(st.sampled_from(IDS))
    lines = [
        f"  - id: {pid}",
        f"    title: Pledge {draw(st.sampled_from(['one', 'two', 'GDP']))}",
        "    quote: 承诺",
        f"    deadline: {draw(st.sampled_from(['2023', '2024', '2023-H1']))}",
        f"    tags: [{draw(st.sampled_from(['economy', 'income', 'enviroment']))}]",
        "    metric: {name: Growth, unit: percent}",
    ]
    if draw(st.booleans()):
        lines.append(f"    target: {{op: about, ref: {draw(st.sampled_from([*IDS, 'x/zz']))}}}")
    else:
        lines.append(f"    target: {{op: '>=', value: {draw(st.integers(3, 7))}}}")
    if draw(st.booleans()):
        lines.append(f"    related: [{draw(st.sampled_from([*IDS, 'x/q']))}]")
    if draw(st.booleans()):
        lines += [
            "    progress:",
            "      - period: 2023",
            f"        value: {draw(st.integers(2, 8))}",
            "        evidence:",
            f"          - source: {draw(st.sampled_from([*SOURCES, 's9']))}",
            "            quote: 数字",
        ]
    if draw(st.booleans()):
        lines += [
            "    assessment:",
            f"      status: {draw(st.sampled_from(['achieved', 'missed']))}",
            "      as_of: 2023-06",
            "      rationale: 判断",
            "      evidence:",
            "        - source: s1",
            "          quote: 依据",
        ]
    return "\n".join(lines) + "\n"


@st.composite
def ledger_file(draw: st.DrawFn) -> str | None:
    kind = draw(st.sampled_from(["absent", "file", "file", "file", "broken"]))
    if kind == "absent":
        return None
    if kind == "broken":
        return "source: [unclosed\n"
    source = draw(st.sampled_from(SOURCES))
    body = "".join(draw(st.lists(pledge(), max_size=3)))
    head = (
        f"source:\n  id: {source}\n  title: 报告\n  title_en: Report\n  publisher: 政府\n"
        "  jurisdiction: cn/zhejiang/hangzhou/binjiang\n  date: 2023-01\n"
    )
    return head + ("pledges:\n" + body if body else "pledges: []\n")


def write_state(root: Path, state: list[str | None]) -> None:
    for name, text in zip(FILES, state, strict=True):
        path = root / name
        if text is None:
            if path.exists():
                path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def from_index(root: Path, cache: Path, as_of: date, sort: str) -> tuple[list[object], str]:
    index = LedgerIndex.open(root, cache, schema_digest())
    assert index is not None
    try:
        index.refresh(parallel=1)
        found = lint_indexed(index, as_of, None).diagnostics
        assert prime(index, as_of, stored)
        text = "".join(json_list(listed(index, as_of, Filters(), sort)))
        return list(found), text
    finally:
        index.close()


def from_files(root: Path, as_of: date, sort: str) -> tuple[list[object], str]:
    result = load(root)
    rows = sort_rows(select(evaluate_all(result, as_of), Filters()), sort)
    return list(lint(result, as_of)), rows_as(rows, "json")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    states=st.lists(st.lists(ledger_file(), min_size=3, max_size=3), min_size=2, max_size=4),
    dates=st.lists(st.sampled_from(DATES), min_size=4, max_size=4),
    sorts=st.lists(st.sampled_from(SORTS), min_size=4, max_size=4),
)
def test_every_state_reads_as_if_loaded_afresh(
    states: list[list[str | None]], dates: list[date], sorts: list[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "ledger"
        root.mkdir()
        (root / "jurisdictions.yaml").write_text(JURISDICTIONS, encoding="utf-8")
        cache = Path(folder) / "cache"
        cwd = os.getcwd()
        os.chdir(folder)
        try:
            for state, when, sort in zip(states, dates, sorts, strict=False):
                write_state(root, state)
                relative = Path("ledger")
                assert from_index(relative, cache, when, sort) == from_files(relative, when, sort)
        finally:
            os.chdir(cwd)


FILE = """\
source:
  id: s{0}
  title: 报告
  title_en: Report
  publisher: 政府
  jurisdiction: cn/zhejiang/hangzhou/binjiang
  date: 2023-01
pledges:
  - id: x/p{0}
    title: P
    quote: 承诺
    deadline: 2024
"""


def test_an_edit_rereads_only_the_file_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ledger"
    root.mkdir()
    (root / "jurisdictions.yaml").write_text(JURISDICTIONS, encoding="utf-8")
    for number in range(5):
        (root / f"f{number}.yaml").write_text(FILE.format(number), encoding="utf-8")
    cache = tmp_path / "cache"
    read: list[str] = []
    original = indexfile.index_file

    def counting(path: str, rel: str, kind: str) -> FileEntry:
        read.append(rel)
        return original(path, rel, kind)

    monkeypatch.setattr(index_module, "index_file", counting)
    first = from_index(root, cache, DATES[0], "id")
    assert sorted(read) == [*(f"f{n}.yaml" for n in range(5)), "jurisdictions.yaml"]
    read.clear()
    assert from_index(root, cache, DATES[0], "id") == first
    assert read == []
    path = root / "f3.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: P", "title: Q"), "utf-8")
    assert from_index(root, cache, DATES[0], "id") == from_files(root, DATES[0], "id")
    assert read == ["f3.yaml"]
