"""Flags mean the same on every command: --ledger wherever the ledger is read, --as-of
always "judge statuses as of"; every command's --help shows an example."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer

import pledges.cli
from pledges.cli.common import app
from tests.conftest import Result
from tests.test_editing import FILE, make_ledger

Run = Callable[..., Result]

# Every command, and whether it reads the ledger / judges statuses. A new command must be
# added here, so the test decides for it too.
READS_LEDGER = {
    "lint",
    "list",
    "status",
    "show",
    "units",
    "diff",
    "history",
    "fmt",
    "new",
    "observe",
    "assess",
    "rename",
    "extract",
    "accept",
    "reject",
    "export",
    "sql",
    "site",
    "source add",
    "source archive",
    "source list",
    "source check",
    "jurisdiction add",
}
NO_LEDGER = {"rules", "init"}
# history judges each commit as of that commit's own date: --as-of does not apply.
JUDGES_STATUSES = READS_LEDGER - {
    "units",
    "history",
    "fmt",
    "extract",
    "accept",
    "reject",
    "source list",
    "source check",
    "jurisdiction add",
}
AS_OF_HELP = "Judge statuses as of this date or period (default: today)."

# Arguments that get each command past its own checks to the point of reading the ledger.
ARGS = {
    "show": ["t/2023/gdp"],
    "history": ["t/2023/gdp"],
    "observe": ["t/2023/gdp", "--period", "2023", "--value", "1", "--source", "s", "--quote", "q"],
    "assess": [
        *["t/2023/gdp", "--status", "achieved", "--period", "2023", "--rationale", "r"],
        *["--source", "s", "--quote", "q"],
    ],
    "rename": ["t/2023/gdp", "t/2023/growth"],
    "extract": ["s"],
    "accept": ["t/2023/gdp"],
    "reject": ["t/2023/gdp"],
    "export": ["out"],
    "sql": ["SELECT 1"],
    "site": ["public"],
    "new": ["--file", "ledger/a.yaml", "--title", "t", "--quote", "q", "--deadline", "2023"],
    "source add": [
        *["ledger/a.yaml", "--id", "t-x", "--title", "t", "--title-en", "t"],
        *["--publisher", "p", "--jurisdiction", "cn", "--date", "2023"],
    ],
    "jurisdiction add": ["cn/x", "--name", "X", "--level", "district"],
    "source archive": ["ledger/a.yaml", "--id", "s"],
}


def _commands() -> dict[str, Any]:
    """Every command by the words that invoke it: `lint`, `source add`."""
    assert pledges.cli.app is app
    group: Any = typer.main.get_command(app)
    found: dict[str, Any] = {}
    for name, command in group.commands.items():
        for sub, inner in getattr(command, "commands", {}).items():
            found[f"{name} {sub}"] = inner
        if not hasattr(command, "commands"):
            found[name] = command
    return found


def _options(command: Any) -> dict[str, Any]:
    return {
        name: param
        for param in command.params
        if param.param_type_name == "option"
        for name in param.opts
    }


def test_every_command_is_classified() -> None:
    assert set(_commands()) == READS_LEDGER | NO_LEDGER


@pytest.mark.parametrize("name", sorted(READS_LEDGER | NO_LEDGER))
def test_ledger_and_as_of_flags(name: str) -> None:
    options = _options(_commands()[name])
    assert ("--ledger" in options) == (name in READS_LEDGER)
    assert ("--as-of" in options) == (name in JUDGES_STATUSES)
    if "--as-of" in options:
        assert options["--as-of"].help == AS_OF_HELP


@pytest.mark.parametrize("name", sorted(READS_LEDGER))
def test_ledger_flag_is_honoured(name: str, run: Run, tmp_path: Path) -> None:
    make_ledger(tmp_path)
    missing = str(tmp_path / "nowhere")
    result = run(*name.split(), *ARGS.get(name, []), "--ledger", missing, cwd=tmp_path)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr == f"pledges: ledger directory '{missing}' does not exist\n"
    assert (tmp_path / "ledger" / "a.yaml").read_text(encoding="utf-8") == FILE


@pytest.mark.parametrize("name", sorted(READS_LEDGER | NO_LEDGER))
def test_help_shows_an_example(name: str, run: Run) -> None:
    result = run(*name.split(), "--help")
    assert result.exit_code == 0
    text = result.stdout
    assert "Example:" in text, name
    example = text[text.index("Example:") :].splitlines()[1:]
    assert any(line.strip().startswith(f"pledges {name}") for line in example), text


@pytest.mark.parametrize("name", sorted(JUDGES_STATUSES))
def test_as_of_is_checked_as_a_date(name: str, run: Run, tmp_path: Path) -> None:
    make_ledger(tmp_path)
    result = run(*name.split(), *ARGS.get(name, []), "--as-of", "2023-02-30", cwd=tmp_path)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith("pledges: --as-of: ")
    assert (tmp_path / "ledger" / "a.yaml").read_text(encoding="utf-8") == FILE
