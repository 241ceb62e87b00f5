"""File names that are not UTF-8: every output shows them escaped, as valid UTF-8."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pledges.read.loader import load
from pledges.read.safe import display_name, printable
from tests.conftest import pledges_file

GOOD = """\
- id: t/gdp
  title: Grow GDP by 5%
  quote: 地区生产总值增长5%
  deadline: 2023
  tags: [economy]
  metric: {name: GDP growth, unit: percent, kind: rate}
  target: {op: ">=", value: 5}
"""
SHOWN = "ledger/r\\xe9port-\\xff.yaml"


@pytest.fixture
def odd_ledger(ledger: Callable[..., Path], chdir_tmp: Path) -> Path:
    """A ledger with one file named in Latin-1 bytes (not UTF-8), with an unknown key."""
    root = ledger({})
    name = os.fsencode(root) + b"/r\xe9port-\xff.yaml"
    try:
        with open(name, "wb") as handle:
            handle.write(pledges_file(GOOD + "  colour: red\n").encode("utf-8"))
    except OSError:
        pytest.skip("this file system refuses file names that are not UTF-8")
    return root


def _pledges(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "pledges", *args], capture_output=True, check=False
    )


def test_printable_escapes_undecodable_bytes() -> None:
    assert printable(os.fsdecode(b"a\xffb.yaml")) == "a\\xffb.yaml"
    assert printable("汇报.yaml") == "汇报.yaml"
    assert printable("\ud800.yaml") == "\\ud800.yaml"  # a surrogate no file name gives


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif", "markdown"])
def test_lint_shows_the_name_escaped_in_every_format(odd_ledger: Path, fmt: str) -> None:
    done = _pledges("lint", "--format", fmt, "--as-of", "2025-01-01")
    assert done.returncode == 1, done.stderr.decode("utf-8", "replace")
    out = done.stdout.decode("utf-8")  # strict: raises on invalid UTF-8
    assert done.stderr == b""
    # the test source keeps no archived text: its warning (PL261) is left out below
    if fmt == "json":
        (found,) = [d for d in json.loads(out)["diagnostics"] if d["code"] != "PL261"]
        assert (found["file"], found["code"]) == (SHOWN, "PL101")
    elif fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        (result,) = [r for r in results if r["ruleId"] != "PL261"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri == "ledger/r%5Cxe9port-%5Cxff.yaml"
    elif fmt == "text":
        assert out.splitlines()[1].startswith(f"{SHOWN}:16:5: PL101 error unknown key 'colour'")
    elif fmt == "github":
        assert out.splitlines()[1].startswith(f"::error file={SHOWN},line=16,col=5,title=PL101::")
    else:
        assert "r\\\\xe9port-\\\\xff.yaml" in out  # the Markdown escapes the backslash


def test_list_and_show_name_the_file_escaped(odd_ledger: Path) -> None:
    done = _pledges("list", "--format", "json", "--as-of", "2025-01-01")
    assert done.returncode == 0
    (row,) = json.loads(done.stdout.decode("utf-8"))
    assert row["file"] == SHOWN
    done = _pledges("show", "t/gdp", "--as-of", "2025-01-01")
    assert done.returncode == 0
    assert f"{SHOWN}:9:5" in done.stdout.decode("utf-8")


def test_edits_still_reach_the_file(odd_ledger: Path) -> None:
    result = load(odd_ledger)
    (name,) = result.paths
    assert name == SHOWN
    assert os.fsencode(result.paths[name]).endswith(b"/r\xe9port-\xff.yaml")
    assert display_name(result.paths[name]) == SHOWN
    real = result.paths[name]
    real.write_text(pledges_file(GOOD), encoding="utf-8")
    done = _pledges(
        "observe",
        "t/gdp",
        "--period",
        "2023",
        "--value",
        "6.1",
        "--quote",
        "增长6.1%",
        "--source",
        "test-report",
        "--as-of",
        "2025-01-01",
    )
    assert done.returncode == 0, done.stderr.decode("utf-8")
    assert done.stdout.decode("utf-8").endswith(f"written to {SHOWN}:16\n")
    assert "value: 6.1" in real.read_text(encoding="utf-8")


def test_a_missing_path_is_named_escaped(chdir_tmp: Path) -> None:
    done = _pledges("lint", os.fsdecode(b"nope-\xff.yaml"))
    assert (done.returncode, done.stderr.decode("utf-8")) == (
        3,
        "pledges: nope-\\xff.yaml: no such file or directory\n",
    )
