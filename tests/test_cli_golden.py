"""Golden outputs of the read commands on tests/cases/ledger.

`CASES` run piped (not a terminal: one line per row, no colour); `TERMINAL_CASES` run in a
terminal-like console at 80 and 120 columns, with colour and with NO_COLOR. The README's
examples are these goldens (`test_readme_examples_are_goldens`).

Refresh with `PLEDGES_UPDATE_GOLDENS=1 python -m pytest tests/test_cli_golden.py` (the
README's examples too).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable

import pytest
from rich.cells import cell_len

from pledges.model.periods import parse_period
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
    "show-json-baseline": (("show", "binjiang/2024/gdp", "--format", "json", *AS_OF), 0),
    "list-quote": (("list", "--quote", "--sort", "deadline", *AS_OF), 0),
}
TERMINAL_CASES: dict[str, tuple[str, ...]] = {
    "status": ("status", *AS_OF),
    "list": ("list", *AS_OF),
    "list-wide-quote": ("list", "--wide", "--quote", *AS_OF),
    "show": ("show", "binjiang/2024/gdp", *AS_OF),
    "show-ref": ("show", "binjiang/2023/urban-income-growth", *AS_OF),
}
WIDTHS = (80, 120)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
IDS = (
    "binjiang/2023/gdp-growth",
    "binjiang/2023/new-talent",
    "binjiang/2023/urban-income-growth",
    "binjiang/2024/dayu-cauldron",
    "binjiang/2024/gdp",
    "binjiang/2024/schools",
)


def terminal(monkeypatch: pytest.MonkeyPatch, width: int, color: bool) -> None:
    """Make stdout a terminal-like console of `width` columns, with colour or NO_COLOR."""
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("COLUMNS", str(width))
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("COLORTERM", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    if color:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", "1")


def golden_name(name: str, width: int, color: bool) -> str:
    return f"{name}.term{width}{'.color' if color else ''}"


def check_golden(name: str, output: str) -> None:
    golden = CASES_DIR / "golden" / f"{name}.txt"
    if os.environ.get("PLEDGES_UPDATE_GOLDENS"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    args, exit_code = CASES[name]
    result = run(*args, "--ledger", "tests/cases/ledger")
    assert result.exit_code == exit_code
    check_golden(name, result.stdout)


@pytest.mark.parametrize("color", [False, True], ids=["no-color", "color"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(TERMINAL_CASES))
def test_terminal_golden(
    name: str,
    width: int,
    color: bool,
    run: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    terminal(monkeypatch, width, color)
    result = run(*TERMINAL_CASES[name], "--ledger", "tests/cases/ledger")
    assert result.exit_code == 0
    assert ("\x1b[" in result.stdout) is color
    check_golden(golden_name(name, width, color), result.stdout)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(TERMINAL_CASES))
def test_terminal_lines_fit_and_never_break_an_id(name: str, width: int) -> None:
    """Every line of a terminal golden fits its width; every id of a table is whole."""
    for color in (False, True):
        text = (CASES_DIR / "golden" / f"{golden_name(name, width, color)}.txt").read_text(
            encoding="utf-8"
        )
        lines = ANSI.sub("", text).splitlines()
        assert lines
        assert [line for line in lines if cell_len(line) > width] == []
        if name.startswith(("list", "status")):
            for pledge_id in IDS:
                starts = [line for line in lines if line.split(" ", 1)[0] == pledge_id]
                assert len(starts) == 1, pledge_id
            fragments = [line.split(" ", 1)[0] for line in lines if line.startswith("binjiang")]
            assert sorted(fragments) == sorted(IDS)


@pytest.mark.parametrize("name", ["status", "list", "show", "show-ref"])
def test_piped_output_is_the_same_at_any_width_and_colour(
    name: str, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    args, _ = CASES[name]
    expected = (CASES_DIR / "golden" / f"{name}.txt").read_text(encoding="utf-8")
    for width, no_color in ((40, "1"), (120, ""), (200, "1")):
        monkeypatch.setenv("COLUMNS", str(width))
        monkeypatch.setenv("NO_COLOR", no_color)
        assert run(*args, "--ledger", "tests/cases/ledger").stdout == expected


@pytest.mark.parametrize("ledger_dir", ["tests/cases/ledger", "ledger"])
def test_piped_list_is_one_line_per_pledge(
    ledger_dir: str, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    records = json.loads(run("list", "--format", "json", "--ledger", ledger_dir, *AS_OF).stdout)
    lines = run("list", "--ledger", ledger_dir, *AS_OF).stdout.splitlines()
    assert len(lines) == len(records) > 0
    for line, item in zip(lines, records, strict=True):
        fields = line.split("\t")
        assert len(fields) == 7
        assert fields[0] == item["id"]
        assert fields[1] == item["status"]
        assert parse_period(fields[3]).end.isoformat() == item["deadline"]
        assert fields[6] == (item["title"] or "—")
    quoted = run("list", "--quote", "--ledger", ledger_dir, *AS_OF).stdout.splitlines()
    assert len(quoted) == len(records)
    assert [line.split("\t")[7] for line in quoted] == [r["quote"] or "" for r in records]


def test_status_at_80_columns_tells_what_was_promised_and_where_it_stands(
    run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each pledge of the bundled ledger: its id and the start of its title on one line,
    then its status, progress, due period, figure and target in words on the next."""
    monkeypatch.chdir(ROOT)
    terminal(monkeypatch, 80, color=False)
    records = json.loads(run("list", "--format", "json", "--ledger", "ledger", *AS_OF).stdout)
    monkeypatch.setenv("TTY_COMPATIBLE", "0")
    piped = run("list", "--ledger", "ledger", *AS_OF).stdout.splitlines()
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    fields = {line.split("\t")[0]: line.split("\t") for line in piped}
    lines = run("status", "--ledger", "ledger", *AS_OF).stdout.splitlines()
    assert all(cell_len(line) <= 80 for line in lines)
    where = {line.split(" ", 1)[0]: i for i, line in enumerate(lines) if line[:1].isalpha()}
    for item in records:
        index = where[item["id"]]
        title = lines[index][len(item["id"]) :].strip()
        assert len(title) >= 20 or title == item["title"], item["id"]
        assert item["title"].startswith(title.removesuffix("…")), item["id"]
        _, status, progress, due, figure, target, _ = fields[item["id"]]
        assert lines[index + 1].split()[:1] == [status]
        detail = " ".join(lines[index + 1].split())
        for text in (progress if progress != "—" else "", due, figure, target):
            assert text in detail, (item["id"], text)


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


def test_readme_examples_are_goldens() -> None:
    """Each README example marked `<!-- golden: NAME -->` is exactly that golden's output
    (`PLEDGES_UPDATE_GOLDENS=1` rewrites the examples from the goldens)."""
    path = ROOT / "README.md"
    readme = path.read_text(encoding="utf-8")
    if os.environ.get("PLEDGES_UPDATE_GOLDENS"):

        def fresh(match: re.Match[str]) -> str:
            text = (CASES_DIR / "golden" / f"{match[1]}.txt").read_text(encoding="utf-8")
            return f"<!-- golden: {match[1]} -->\n```text\n{text}```\n"

        readme = re.sub(
            r"<!-- golden: ([\w.-]+) -->\n```text\n(.*?)```\n", fresh, readme, flags=re.DOTALL
        )
        path.write_text(readme, encoding="utf-8")
    examples = re.findall(r"<!-- golden: ([\w.-]+) -->\n```text\n(.*?)```\n", readme, re.DOTALL)
    assert {name for name, _ in examples} >= {"list.term80", "status.term80", "show.term80"}
    for name, text in examples:
        assert text == (CASES_DIR / "golden" / f"{name}.txt").read_text(encoding="utf-8"), name
