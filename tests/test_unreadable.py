"""A ledger file that cannot be loaded: status, list and show say so and exit 3."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result, pledges_file

Run = Callable[..., Result]
AS_OF = "2025-01-01"

ONE = """\
- id: t/one
  title: Open one school
  quote: 新建学校1所
  deadline: 2023
  metric: {name: Schools, unit: count}
  target: {op: ">=", value: 1}
"""
TWO = ONE.replace("t/one", "t/two").replace("test-report", "other-report")
LEFT_OUT = "pledges: ledger/b.yaml could not be loaded, so its pledges are left out"


@pytest.fixture
def broken(ledger: Callable[..., Path], chdir_tmp: Path) -> Callable[[bytes], Path]:
    def make(content: bytes) -> Path:
        root = ledger({"a.yaml": pledges_file(ONE)})
        (root / "b.yaml").write_bytes(content)
        return root

    return make


NOT_UTF8 = pledges_file(TWO).replace("test-report", "other-report").encode("utf-8") + b"\xff\n"
BAD_YAML = pledges_file(TWO).replace("test-report", "other-report").encode("utf-8") + b"  - [\n"


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (NOT_UTF8, "(15:1: PL001 error is not valid UTF-8 (byte 0xff); save it as UTF-8)"),
        (
            BAD_YAML,
            "(16:1: PL002 error YAML syntax error: did not find expected node content "
            "(while parsing a flow node))",
        ),
    ],
    ids=["not-utf8", "yaml-error"],
)
def test_status_list_and_show_exit_3_and_name_the_file(
    broken: Callable[[bytes], Path], run: Run, content: bytes, why: str
) -> None:
    broken(content)
    message = f"{LEFT_OUT} {why}\n"
    status = run("status", "--as-of", AS_OF)
    assert (status.exit_code, status.stderr) == (3, message)
    assert "t/one" in status.stdout
    listed = run("list", "--format", "json", "--as-of", AS_OF)
    assert (listed.exit_code, listed.stderr) == (3, message)
    assert [row["id"] for row in json.loads(listed.stdout)] == ["t/one"]
    for fmt in ("table", "csv", "markdown"):
        assert run("list", "--format", fmt, "--as-of", AS_OF).exit_code == 3
    shown = run("show", "t/one", "--as-of", AS_OF)
    assert (shown.exit_code, shown.stderr) == (3, message)
    assert "Open one school" in shown.stdout
    missing = run("show", "t/two", "--as-of", AS_OF)
    assert (missing.exit_code, missing.stdout) == (3, "")
    assert missing.stderr == (
        "pledges: no pledge 't/two' in the loaded ledger; ledger/b.yaml could not be loaded, "
        f"so its pledges are left out {why}\n"
    )


def test_a_broken_registry_is_named_too(
    ledger: Callable[..., Path], chdir_tmp: Path, run: Run
) -> None:
    ledger({"a.yaml": pledges_file(ONE), "units.yaml": "units: [\n"})
    result = run("list", "--as-of", AS_OF)
    assert result.exit_code == 3
    assert result.stderr.startswith(
        "pledges: ledger/units.yaml could not be loaded, so its entries are left out (2:1: PL002"
    )


def test_schema_errors_and_empty_files_lose_nothing(
    broken: Callable[[bytes], Path], run: Run
) -> None:
    root = broken(pledges_file(TWO + "  colour: red\n").encode("utf-8"))
    (root / "c.yaml").write_bytes(b"")
    result = run("list", "--format", "json", "--as-of", AS_OF)
    assert result.exit_code == 0
    assert [row["id"] for row in json.loads(result.stdout)] == ["t/one", "t/two"]
    assert result.stderr == (
        "pledges: the ledger has 2 load errors; run 'pledges lint' for details\n"
    )
