"""`pledges rename`: the id and every reference, across files, all files or none."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pledges.edit import atomic
from pledges.edit.rename import Renaming, id_fields, id_fields_in, plan_rename
from pledges.read.schema import load_schema
from tests.conftest import Result
from tests.test_editing import JURISDICTIONS

Run = Callable[..., Result]
AS_OF = date(2024, 6, 30)

A = """\
source:
  id: src-a
  title: 报告甲
  title_en: Report A
  publisher: 甲区人民政府
  jurisdiction: cn
  date: 2023-01

pledges:
  - id: t/2023/gdp
    title: Grow GDP by 5%
    quote: 地区生产总值增长5%
    deadline: 2023
    metric: {name: GDP growth, unit: percent, kind: rate}
    target: {op: ">=", value: 5}

  - id: t/2023/income
    title: Grow income in step with GDP
    quote: 居民收入与经济增长同步
    deadline: 2023
    metric: {name: Income growth, unit: percent, kind: rate}
    target: {op: about, ref: t/2023/gdp}  # in step
    related: [t/2023/gdp]
"""

B = """\
source:
  id: src-b
  title: 报告乙
  title_en: Report B
  publisher: 乙区人民政府
  jurisdiction: cn
  date: 2024-01

pledges:
  # refines last year's pledge
  - id: u/2024/gdp
    title: Grow GDP by 6%
    quote: 地区生产总值增长6%
    deadline: 2024
    metric: {name: GDP growth, unit: percent, kind: rate}
    target: {op: ">=", value: 6}
    related:
      - 't/2023/gdp'
      - t/2023/income
    note: follows t/2023/gdp
"""


def make(tmp_path: Path, b: str = B, *, crlf: bool = False) -> tuple[Path, Path]:
    root = tmp_path / "ledger"
    root.mkdir()
    (root / "jurisdictions.yaml").write_text(JURISDICTIONS, encoding="utf-8")
    a, b_path = root / "a.yaml", root / "b.yaml"
    a.write_bytes(A.encode())
    b_path.write_bytes((b.replace("\n", "\r\n") if crlf else b).encode())
    return a, b_path


def renamed(text: str) -> str:
    return (
        text.replace("id: t/2023/gdp\n", "id: t/2023/gdp-growth\n")
        .replace("ref: t/2023/gdp}", "ref: t/2023/gdp-growth}")
        .replace("[t/2023/gdp]", "[t/2023/gdp-growth]")
        .replace("'t/2023/gdp'", "'t/2023/gdp-growth'")
    )


def test_rename_across_files(run: Run, tmp_path: Path) -> None:
    a, b = make(tmp_path, crlf=True)
    result = run("rename", "t/2023/gdp", "t/2023/gdp-growth", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "renamed t/2023/gdp to t/2023/gdp-growth: the id and 3 references, in 2 files\n"
        "  ledger/a.yaml:10:9 id\n"
        "  ledger/a.yaml:22:30 target.ref\n"
        "  ledger/a.yaml:23:15 related\n"
        "  ledger/b.yaml:18:9 related\n"
        "  ledger/b.yaml:20 still names t/2023/gdp in free text (left as written)\n"
    )
    assert a.read_bytes() == renamed(A).encode()
    assert b.read_bytes() == renamed(B).replace("\n", "\r\n").encode()
    assert run("lint", cwd=tmp_path).exit_code == 0
    shown = run("show", "t/2023/income", "--as-of", "2024-06-30", cwd=tmp_path)
    assert "about t/2023/gdp-growth" in shown.stdout


def test_a_failure_half_way_leaves_every_file_as_it_was(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = make(tmp_path)
    real_replace = os.replace
    calls: list[str] = []

    def flaky(source: Any, target: Any) -> None:
        if Path(target).resolve().parent != a.parent.resolve():  # the cache writes elsewhere
            return real_replace(source, target)
        calls.append(str(target))
        if len(calls) == 2:  # a.yaml is replaced, then b.yaml fails
            raise OSError(28, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", flaky)
    result = run("rename", "t/2023/gdp", "t/2023/gdp-growth", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr == (
        "ledger/b.yaml:1:1: PL905 error the edit was not written: No space left on device; "
        "every file is as it was\n"
    )
    assert [Path(c).name for c in calls] == ["a.yaml", "b.yaml", "a.yaml"]  # a.yaml restored
    assert a.read_bytes() == A.encode()
    assert b.read_bytes() == B.encode()
    assert sorted(p.name for p in a.parent.iterdir()) == ["a.yaml", "b.yaml", "jurisdictions.yaml"]


def test_a_restore_that_fails_too_keeps_the_original_and_says_where(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = make(tmp_path)
    real_replace = os.replace
    calls: list[str] = []

    def flaky(source: Any, target: Any) -> None:
        if Path(target).resolve().parent != a.parent.resolve():  # the cache writes elsewhere
            return real_replace(source, target)
        calls.append(str(source))
        if len(calls) >= 2:
            raise OSError(5, "Input/output error")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", flaky)
    result = run("rename", "t/2023/gdp", "t/2023/gdp-growth", cwd=tmp_path)
    assert result.exit_code == 1
    kept = Path(calls[2])
    assert result.stderr == (
        "ledger/b.yaml:1:1: PL905 error the edit was not written: Input/output error; "
        f"could not restore ledger/a.yaml (its original is kept in {kept}) "
        "(move each original back by hand)\n"
    )
    assert kept.read_bytes() == A.encode()
    assert a.read_bytes() == renamed(A).encode()
    assert b.read_bytes() == B.encode()


def test_a_file_changed_before_the_write_stops_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    a, b = make(tmp_path)
    planned = plan_rename(Path("ledger"), "t/2023/gdp", "t/2023/gdp-growth", AS_OF)
    assert isinstance(planned, Renaming)
    b.write_bytes(B.replace("Grow GDP by 6%", "Grow GDP by 7%").encode())
    problem = atomic.write_all(planned.edits)
    assert problem is not None
    assert (problem.file, problem.code) == ("ledger/b.yaml", "PL904")
    assert a.read_bytes() == A.encode()
    assert b.read_bytes() == B.replace("Grow GDP by 6%", "Grow GDP by 7%").encode()
    assert sorted(p.name for p in a.parent.iterdir()) == ["a.yaml", "b.yaml", "jurisdictions.yaml"]


@pytest.mark.parametrize(
    ("args", "code", "stderr"),
    [
        (
            ["t/2023/gdp", "t/2023/income"],
            1,
            "ledger/a.yaml:17:9: PL902 error pledge id 't/2023/income' already exists here "
            "(choose another id)\n",
        ),
        (
            ["t/2023/gpd", "t/2023/x"],
            1,
            "ledger:1:1: PL901 error no pledge 't/2023/gpd' in the ledger "
            "(did you mean 't/2023/gdp'?)\n",
        ),
        (
            ["t/2023/gdp", "T/2023/GDP growth"],
            2,
            "pledges: NEW: 'T/2023/GDP growth' is not a valid id: lowercase ASCII slugs joined "
            "by '/', e.g. xiaoshan/2023/gdp-growth\n",
        ),
        (["t/2023/gdp", "t/2023/gdp"], 2, "pledges: OLD and NEW are the same id\n"),
    ],
)
def test_refusals_change_nothing(
    run: Run, tmp_path: Path, args: list[str], code: int, stderr: str
) -> None:
    a, b = make(tmp_path)
    result = run("rename", *args, cwd=tmp_path)
    assert result.exit_code == code
    if code == 1:
        stderr += "pledges: nothing was renamed; every file is as it was\n"
    assert result.stderr == stderr
    assert (a.read_bytes(), b.read_bytes()) == (A.encode(), B.encode())


def test_a_referring_file_with_lint_errors_is_refused(run: Run, tmp_path: Path) -> None:
    broken = B.replace("kind: rate}", "kind: rate}\n    tags: [enviroment]")
    a, b = make(tmp_path, broken)
    result = run("rename", "t/2023/gdp", "t/2023/gdp-growth", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr == (
        "ledger/b.yaml:1:1: PL900 error refusing to edit: the file has 1 lint error "
        "(fix them first ('pledges lint' lists them))\n"
        "ledger/b.yaml:16:12: PL214 error unknown tag 'enviroment' "
        "(did you mean 'environment'?)\n"
        "pledges: nothing was renamed; every file is as it was\n"
    )
    assert (a.read_bytes(), b.read_bytes()) == (A.encode(), broken.encode())


def test_an_id_that_would_not_read_as_text_is_quoted(run: Run, tmp_path: Path) -> None:
    a, b = make(tmp_path)
    result = run("rename", "t/2023/gdp", "1e3", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    text = a.read_text(encoding="utf-8")
    assert '  - id: "1e3"\n' in text
    assert 'target: {op: about, ref: "1e3"}' in text
    assert "      - '1e3'\n" in b.read_text(encoding="utf-8")


def test_reference_fields_come_from_the_schema() -> None:
    assert set(id_fields()) >= {
        ("pledges", None, "related", None),
        ("pledges", None, "target", "ref"),
    }
    schema = copy.deepcopy(load_schema("ledger-file"))
    pledge = schema["$defs"]["pledge"]["properties"]
    pledge["same_as"] = {"$ref": "#/$defs/pledgeId"}
    pledge["supersedes"] = {"type": "array", "items": {"anyOf": [{"$ref": "#/$defs/pledgeId"}]}}
    found = set(id_fields_in(schema))
    assert {("pledges", None, "same_as"), ("pledges", None, "supersedes", None)} <= found
    assert ("pledges", None, "id") not in found


@given(st.from_regex(r"[a-z0-9][a-z0-9._-]{0,12}(/[a-z0-9][a-z0-9._-]{0,12}){0,2}", fullmatch=True))
@settings(max_examples=80, deadline=None)
def test_every_valid_id_is_written_so_it_reads_back(new: str) -> None:
    from pledges.edit.rename import _written
    from pledges.read.yamlread import read_document

    layouts: list[tuple[str, Callable[[Any], Any]]] = [
        ("id: {}\n", lambda d: d["id"]),
        ("target: {{op: about, ref: {}}}\n", lambda d: d["target"]["ref"]),
        ("related: [{}, x]\n", lambda d: d["related"][0]),
    ]
    for quote in ("", "'", '"'):
        for layout, value in layouts:
            doc, found = read_document("t.yaml", layout.format(_written(new, quote)))
            assert found == []
            assert value(doc.data) == new


@given(st.from_regex(r"[a-z][a-z0-9-]{0,10}/[a-z0-9][a-z0-9._-]{0,10}", fullmatch=True))
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_renames_verify_and_lint_clean(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, new: str
) -> None:
    if new in {"t/2023/income", "u/2024/gdp", "t/2023/gdp"}:
        return
    base = tmp_path_factory.mktemp("rename")
    monkeypatch.chdir(base)
    a, b = make(base)
    planned = plan_rename(Path("ledger"), "t/2023/gdp", new, AS_OF)
    assert isinstance(planned, Renaming), planned
    assert atomic.write_all(planned.edits) is None
    assert a.read_text(encoding="utf-8") == A.replace("t/2023/gdp\n", f"{new}\n").replace(
        "t/2023/gdp}", f"{new}}}"
    ).replace("[t/2023/gdp]", f"[{new}]")
    assert f"      - '{new}'\n" in b.read_text(encoding="utf-8")


def test_findings_in_renamed_text_are_placed_on_disk() -> None:
    from pledges.edit.rename import Reference, on_disk
    from pledges.model.diagnostics import Diagnostic, Severity

    # line 7 on disk: `    related: [t/a, t/a]` -> `    related: [t/abcd, t/abcd]`
    refs = [
        Reference("f.yaml", ("pledges", 0, "related", 0), 7, 15, 3, 3),
        Reference("f.yaml", ("pledges", 0, "related", 1), 7, 20, 3, 3),
    ]

    def at(line: int, column: int, file: str = "f.yaml") -> tuple[str, int, int]:
        found = on_disk(Diagnostic(file, line, column, "PL999", Severity.ERROR, "m"), refs)
        return found.file, found.line, found.column

    assert at(7, 3) == ("f.yaml", 7, 3)  # before the first id
    assert at(7, 15) == ("f.yaml", 7, 15)  # the first id
    assert at(7, 18) == ("f.yaml", 7, 15)  # inside it
    assert at(7, 23) == ("f.yaml", 7, 20)  # the second id, moved by 3
    assert at(7, 30) == ("f.yaml", 7, 24)  # after both
    assert at(8, 30) == ("f.yaml", 8, 30)  # another line
    assert at(7, 30, "g.yaml") == ("g.yaml", 7, 30)  # another file
