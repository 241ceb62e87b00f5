"""Golden outputs of the read commands on tests/cases/ledger, at 80 columns, no colour.

Refresh with `PLEDGES_UPDATE_GOLDENS=1 python -m pytest tests/test_cli_golden.py`.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from tests.conftest import ROOT, Result

CASES_DIR = ROOT / "tests" / "cases"
AS_OF = ("--as-of", "2025-03-01")
CASES: dict[str, tuple[tuple[str, ...], int]] = {
    "lint-clean": (("lint",), 0),
    "status": (("status", *AS_OF), 0),
    "status-by-tag": (("status", "--by", "tag", *AS_OF), 0),
    "list": (("list", *AS_OF), 0),
    "list-json": (("list", "--format", "json", "--status", "on_track", *AS_OF), 0),
    "list-csv": (("list", "--format", "csv", "--sort", "progress", *AS_OF), 0),
    "list-markdown": (("list", "--format", "markdown", "--tag", "economy", *AS_OF), 0),
    "show": (("show", "binjiang/2024/gdp", *AS_OF), 0),
    "show-ref": (("show", "binjiang/2023/urban-income-growth", *AS_OF), 0),
    "status-json": (("status", "--format", "json", "--by", "year", *AS_OF), 0),
    "show-json": (("show", "binjiang/2023/new-talent", "--format", "json", *AS_OF), 0),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    args, exit_code = CASES[name]
    result = run(*args, "--ledger", "tests/cases/ledger")
    golden = CASES_DIR / "golden" / f"{name}.txt"
    if os.environ.get("PLEDGES_UPDATE_GOLDENS"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.exit_code == exit_code
    assert result.stdout == golden.read_text(encoding="utf-8")


def test_unknown_id_suggests_the_nearest(
    run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    result = run("show", "binjiang/2024/gpd", "--ledger", "tests/cases/ledger")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "pledges: no pledge 'binjiang/2024/gpd' in the ledger; did you mean 'binjiang/2024/gdp'?"
    )


def test_bad_status_filter_is_a_usage_error(
    run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    result = run("list", "--status", "done", "--ledger", "tests/cases/ledger")
    assert result.exit_code == 2
    assert "'done' is not a status" in result.stderr


def test_every_command_has_help_and_a_readme_section(run: Callable[..., Result]) -> None:
    from pledges.cli.common import app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    assert names
    for name in names:
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert f"pledges {name}" in readme, f"README has no section for `pledges {name}`"
