"""The ledger shipped in ledger/ is clean, and its quotes are verbatim when the seeds exist."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED, Result


def test_bundled_ledger_lints_clean(run: Callable[..., Result]) -> None:
    result = run("lint", "--strict", "--ledger", str(ROOT / "ledger"))
    assert (result.exit_code, result.stdout.strip()) == (0, "no problems found")


@pytest.mark.skipif(not (SHARED / "tools" / "check_quotes.py").is_file(), reason="../shared absent")
def test_every_quote_is_verbatim() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(SHARED / "tools" / "check_quotes.py"),
            str(ROOT / "ledger"),
            str(SHARED / "seeds"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    found = re.search(r"(\d+) of (\d+) quotes found verbatim", done.stdout)
    assert found and found[1] == found[2]


def test_schema_stage_agrees_with_check_jsonschema() -> None:
    beside = Path(sys.executable).parent / "check-jsonschema"
    executable = str(beside) if beside.exists() else shutil.which("check-jsonschema")
    if executable is None:
        pytest.skip("check-jsonschema is not installed")
    files = sorted(str(p) for p in (ROOT / "ledger").rglob("*.yaml") if p.parent != ROOT / "ledger")
    done = subprocess.run(
        [str(executable), "--schemafile", str(ROOT / "schema" / "ledger-file.schema.json"), *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
