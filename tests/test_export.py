"""`pledges export` and `pledges sql`: the same tables in every format, agreeing with
`pledges list`, documented in docs/exports.md."""

from __future__ import annotations

import csv
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pledges.judge.columns import TABLES
from tests.conftest import ROOT, Result, pledges_file

BUNDLED = ROOT / "ledger"
AS_OF = "2025-03-01"


def counts_from_list(run: Callable[..., Result], ledger: Path) -> Counter[str]:
    result = run("list", "--format", "json", "--ledger", str(ledger), "--as-of", AS_OF)
    assert result.exit_code == 0
    return Counter(item["status"] for item in json.loads(result.stdout))


def git_repo(folder: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "editor@example.org")
    git("config", "user.name", "Editor")
    git("add", "-A")
    git("commit", "-q", "-m", "ledger")


def head(folder: Path) -> str:
    done = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=folder, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def test_sqlite_export_and_sql_agree_with_list(run: Callable[..., Result], tmp_path: Path) -> None:
    expected = counts_from_list(run, BUNDLED)
    assert sum(expected.values()) > 100

    database = tmp_path / "ledger.sqlite"
    result = run(
        "export", str(database), "--format", "sqlite", "--ledger", str(BUNDLED), "--as-of", AS_OF
    )
    assert result.exit_code == 0, result.stderr
    connection = sqlite3.connect(database)
    try:
        stored = Counter(
            dict(connection.execute("SELECT status, count(*) FROM pledges GROUP BY status"))
        )
        meta = dict(connection.execute("SELECT key, value FROM metadata"))
        # the foreign keys hold: every reference resolves
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        listed = connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        indexes = {name for (name,) in listed}
    finally:
        connection.close()
    assert stored == expected
    assert meta["as_of"] == AS_OF
    assert "pledges_status" in indexes

    query = "SELECT status, count(*) AS n FROM pledges GROUP BY status ORDER BY status"
    result = run("sql", query, "--format", "json", "--ledger", str(BUNDLED), "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    answered = {item["status"]: item["n"] for item in json.loads(result.stdout)}
    assert answered == dict(expected)
    assert list(answered) == sorted(answered)


def test_sql_csv_and_table_output(run: Callable[..., Result]) -> None:
    ledger = str(ROOT / "tests" / "cases" / "ledger")
    query = (
        "SELECT id, status, latest_value, binding FROM pledges "
        "WHERE status IN ('achieved', 'missed') ORDER BY id"
    )
    result = run("sql", query, "--format", "csv", "--ledger", ledger, "--as-of", AS_OF)
    assert result.exit_code == 0
    rows = list(csv.reader(result.stdout.splitlines()))
    assert rows[0] == ["id", "status", "latest_value", "binding"]
    assert [r[1] for r in rows[1:]] == ["achieved", "achieved", "missed"]
    table = run("sql", "SELECT count(*) AS pledges FROM pledges", "--ledger", ledger)
    assert table.exit_code == 0
    assert table.stdout.split() == ["pledges", "6"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("DELETE FROM pledges", "pledges: sql: attempt to write a readonly database"),
        ("SELECT 1; SELECT 2", "pledges: sql: You can only execute one statement at a time."),
        ("SELECT nope FROM pledges", "pledges: sql: no such column: nope"),
    ],
)
def test_sql_errors_are_usage_errors(run: Callable[..., Result], query: str, message: str) -> None:
    result = run("sql", query, "--ledger", str(ROOT / "tests" / "cases" / "ledger"))
    assert result.exit_code == 2
    assert result.stderr.strip() == message
    assert "Traceback" not in result.stderr


def test_datapackage_passes_frictionless_validate(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    frictionless = Path(sys.executable).parent / "frictionless"
    if not frictionless.exists():
        pytest.skip("frictionless is not installed (pip install -e '.[test]')")
    out = tmp_path / "package"
    result = run(
        "export", str(out), "--format", "datapackage", "--ledger", str(BUNDLED), "--as-of", AS_OF
    )
    assert result.exit_code == 0, result.stderr
    descriptor = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in descriptor["resources"]] == [t.name for t in TABLES]
    assert descriptor["pledges"]["as_of"] == AS_OF
    done = subprocess.run(
        [str(frictionless), "validate", "datapackage.json"],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    # and it would catch a broken reference
    pledges_csv = out / "pledges.csv"
    text = pledges_csv.read_text(encoding="utf-8")
    first = text.splitlines()[1].split(",")
    source = first[5]
    pledges_csv.write_text(text.replace(f",{source},", ",no-such-source,", 1), encoding="utf-8")
    done = subprocess.run(
        [str(frictionless), "validate", "datapackage.json"],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "foreign-key" in done.stdout


def _normal(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def test_parquet_round_trip(run: Callable[..., Result], tmp_path: Path) -> None:
    pq = pytest.importorskip(
        "pyarrow.parquet", reason="pyarrow is not installed (pip install 'pledges[parquet]')"
    )
    out = tmp_path / "parquet"
    args = ("--ledger", str(BUNDLED), "--as-of", AS_OF)
    assert run("export", str(out), "--format", "parquet", *args).exit_code == 0
    assert run("export", str(tmp_path / "all.json"), "--format", "json", *args).exit_code == 0
    reference = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    for table in TABLES:
        read = pq.read_table(out / f"{table.name}.parquet")
        assert read.column_names == table.names
        rows = [{k: _normal(v) for k, v in r.items()} for r in read.to_pylist()]
        assert rows == reference["data"][table.name], table.name
        info = {k.decode(): v.decode() for k, v in (read.schema.metadata or {}).items()}
        assert json.loads(info["pledges.as_of"]) == AS_OF
    types = {f.name: str(f.type) for f in pq.read_schema(out / "pledges.parquet")}
    assert (types["line"], types["binding"], types["deadline_date"], types["goal"]) == (
        "int64",
        "bool",
        "date32[day]",
        "double",
    )


def test_every_format_records_commit_and_as_of(run: Callable[..., Result], tmp_path: Path) -> None:
    ledger = tmp_path / "repo" / "ledger"
    shutil.copytree(ROOT / "tests" / "cases" / "ledger", ledger)
    args = ("--ledger", str(ledger), "--as-of", AS_OF)
    outside = tmp_path / "outside.json"
    assert run("export", str(outside), "--format", "json", *args).exit_code == 0
    assert json.loads(outside.read_text(encoding="utf-8"))["commit"] is None

    git_repo(tmp_path / "repo")
    commit = head(tmp_path / "repo")
    for fmt in ("csv", "jsonl", "datapackage", "parquet", "json", "sqlite"):
        if fmt == "parquet" and not _has_pyarrow():
            continue
        out = tmp_path / fmt
        result = run("export", str(out), "--format", fmt, *args)
        assert result.exit_code == 0, result.stderr
        assert result.stdout.startswith(f"exported 6 pledges as {fmt} to {out}")
        if fmt == "json":
            meta = json.loads(out.read_text(encoding="utf-8"))
        elif fmt == "sqlite":
            connection = sqlite3.connect(out)
            meta = dict(connection.execute("SELECT key, value FROM metadata"))
            connection.close()
            meta["dirty"] = json.loads(meta["dirty"])
        elif fmt == "datapackage":
            meta = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))["pledges"]
        else:
            meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
        assert (meta["commit"], meta["as_of"], meta["dirty"]) == (commit, AS_OF, False), fmt

    (ledger / "cn" / "sample.yaml").write_text(
        (ledger / "cn" / "sample.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    assert run("export", str(outside), "--format", "json", *args).exit_code == 0
    assert json.loads(outside.read_text(encoding="utf-8"))["dirty"] is True


def _has_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def test_csv_cells_that_start_a_formula_are_neutralised(
    run: Callable[..., Result], ledger: Callable[..., Path], tmp_path: Path
) -> None:
    root = ledger(
        {
            "a.yaml": pledges_file(
                """\
                - id: test/formula
                  title: =HYPERLINK("http://example.org","click")
                  quote: "@SUM(1+1)"
                  deadline: 2023
                  metric: {name: Growth, unit: percent, kind: rate}
                  target: {op: ">=", value: -5}
                """
            )
        }
    )
    out = tmp_path / "csv"
    assert run("export", str(out), "--ledger", str(root), "--as-of", AS_OF).exit_code == 0
    with (out / "pledges.csv").open(encoding="utf-8", newline="") as handle:
        row = next(csv.DictReader(handle))
    assert row["title"] == '\'=HYPERLINK("http://example.org","click")'
    assert row["quote"] == "'@SUM(1+1)"
    assert row["target_value"] == "-5.0"  # numbers are never altered
    document = tmp_path / "a.json"
    assert run("export", str(document), "--format", "json", "--ledger", str(root)).exit_code == 0
    pledge = json.loads(document.read_text(encoding="utf-8"))["data"]["pledges"][0]
    assert pledge["title"].startswith("=HYPERLINK")


def test_directory_formats_refuse_a_file_and_file_formats_a_directory(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    ledger = str(ROOT / "tests" / "cases" / "ledger")
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    result = run("export", str(a_file), "--format", "csv", "--ledger", ledger)
    assert (result.exit_code, result.stderr.strip()) == (
        2,
        f"pledges: '{a_file}' is a file; this format writes a directory",
    )
    result = run("export", str(tmp_path), "--format", "sqlite", "--ledger", ledger)
    assert (result.exit_code, result.stderr.strip()) == (
        2,
        f"pledges: '{tmp_path}' is a directory; this format writes one file",
    )
    assert a_file.read_text(encoding="utf-8") == "x"


def test_csv_and_jsonl_hold_the_same_rows(run: Callable[..., Result], tmp_path: Path) -> None:
    args = ("--ledger", str(BUNDLED), "--as-of", AS_OF)
    assert run("export", str(tmp_path / "c"), *args).exit_code == 0
    assert run("export", str(tmp_path / "j"), "--format", "jsonl", *args).exit_code == 0
    for table in TABLES:
        with (tmp_path / "c" / f"{table.name}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        lines = (tmp_path / "j" / f"{table.name}.jsonl").read_text(encoding="utf-8").splitlines()
        assert rows[0] == table.names
        assert len(rows) - 1 == len(lines)
        assert [json.loads(line)[table.primary_key[0]] for line in lines] == [
            r[0] for r in rows[1:]
        ]


def test_docs_describe_every_column() -> None:
    text = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    for table in TABLES:
        section = re.search(rf"^### `{table.name}`\n(.*?)(?=^### |\Z)", text, re.S | re.M)
        assert section, f"docs/exports.md has no section for {table.name}"
        documented = re.findall(r"^\| `([a-z0-9_]+)` \| (\w+) \|", section.group(1), re.M)
        assert documented == [(c.name, c.type) for c in table.columns], table.name


def test_the_readme_sql_examples_run(run: Callable[..., Result]) -> None:
    import shlex

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"^(pledges sql \".*?\"(?: --format \w+)?)$", readme, re.M | re.S)
    assert len(examples) >= 2
    for example in examples:
        args = shlex.split(example)[1:]
        result = run(*args, "--ledger", str(BUNDLED), "--as-of", AS_OF)
        assert result.exit_code == 0, (example, result.stderr)
        assert result.stdout.strip()


def test_a_file_that_cannot_be_loaded_is_named_and_exits_3(
    run: Callable[..., Result], ledger: Callable[..., Path], tmp_path: Path
) -> None:
    body = "- id: t/a\n  title: T\n  quote: 据\n  deadline: 2023\n"
    root = ledger({"a.yaml": pledges_file(body), "b.yaml": "pledges: [\n"})
    out = tmp_path / "a.json"
    result = run("export", str(out), "--format", "json", "--ledger", str(root))
    assert result.exit_code == 3
    assert "b.yaml could not be loaded, so its pledges are left out" in result.stderr
    assert [p["id"] for p in json.loads(out.read_text("utf-8"))["data"]["pledges"]] == ["t/a"]
