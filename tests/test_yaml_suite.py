"""The official YAML test suite as hostile ledger files: diagnostics only, documented exits."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import SHARED, Result

SUITE = SHARED / "corpora" / "yaml-test-suite"
CASES = sorted(SUITE.glob("*.yaml")) if SUITE.is_dir() else []


@pytest.mark.skipif(not CASES, reason="../shared/corpora/yaml-test-suite is not present")
@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_each_case_ends_in_diagnostics_and_a_documented_exit(
    case: Path, run: Callable[..., Result], ledger: Callable[..., Path], chdir_tmp: Path
) -> None:
    ledger({})
    result = run("lint", "--ledger", "ledger", "--format", "json", str(case))
    assert result.exit_code in {0, 1, 3}
    assert result.stdout.startswith("{")
    assert "Traceback" not in result.stdout + result.stderr
