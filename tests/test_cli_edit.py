"""The editing commands end to end: outputs, exit codes, files on disk."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pledges.cli import edit as cli_edit
from tests.test_editing import FILE, make_ledger

ROOT = Path(__file__).resolve().parents[1]

Run = Callable[..., Any]


def test_observe_writes_and_reports_where(run: Run, tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    result = run(
        "observe",
        "t/2023/jobs",
        "--period",
        "2023",
        "--value",
        "110",
        "--source",
        "src-a",
        "--quote",
        "新增就业110人",
        cwd=tmp_path,
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "observation 2023 of t/2023/jobs: written to ledger/a.yaml:32\n"
    assert "      - period: 2023\n        value: 110\n" in path.read_text(encoding="utf-8")


def test_observe_usage_errors(run: Run, tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    both = run(
        "observe",
        "t/2023/jobs",
        "--period",
        "2023",
        "--value",
        "1",
        "--source",
        "src-a",
        "--url",
        "https://example.org",
        "--quote",
        "q",
        cwd=tmp_path,
    )
    assert both.exit_code == 2
    assert both.stderr == "pledges: give the evidence as exactly one of --source and --url\n"
    nan = run(
        "observe",
        "t/2023/jobs",
        "--period",
        "2023",
        "--value",
        ".nan",
        "--source",
        "src-a",
        "--quote",
        "q",
        cwd=tmp_path,
    )
    assert nan.exit_code == 2
    assert nan.stderr == "pledges: --value: '.nan' is not a finite number\n"
    assert path.read_text(encoding="utf-8") == FILE


def test_observe_unknown_pledge_exits_1(run: Run, tmp_path: Path) -> None:
    make_ledger(tmp_path)
    result = run(
        "observe",
        "t/2023/job",
        "--period",
        "2023",
        "--value",
        "1",
        "--source",
        "src-a",
        "--quote",
        "q",
        cwd=tmp_path,
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "pledges: no pledge 't/2023/job' in the ledger; did you mean 't/2023/jobs'?\n"
    )


def test_observe_refuses_a_file_with_lint_errors(run: Run, tmp_path: Path) -> None:
    broken = FILE.replace("unit: persons", "unit: nonsense")
    path = make_ledger(tmp_path, broken)
    result = run(
        "observe",
        "t/2023/gdp",
        "--period",
        "2023",
        "--value",
        "5",
        "--source",
        "src-a",
        "--quote",
        "q",
        cwd=tmp_path,
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "ledger/a.yaml:1:1: PL900 error refusing to edit: the file has 1 lint error "
        "(fix them first ('pledges lint' lists them))"
    )
    assert path.read_text(encoding="utf-8") == broken


def test_assess(run: Run, tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    result = run(
        "assess",
        "t/2023/gdp",
        "--status",
        "achieved",
        "--period",
        "2023",
        "--rationale",
        "Grew 6%.",
        "--url",
        "https://example.org/b",
        "--title",
        "Statistical bulletin",
        "--date",
        "2024-03",
        "--quote",
        "增长6%",
        cwd=tmp_path,
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == "assessment of t/2023/gdp: written to ledger/a.yaml:18\n"
    assert path.read_text(encoding="utf-8") == FILE.replace(
        "    note: 'kept in single quotes'\n",
        "    assessment:\n      status: achieved\n      as_of: 2023\n      rationale: Grew 6%.\n"
        "      evidence:\n        - url: https://example.org/b\n"
        "          title: Statistical bulletin\n          date: 2024-03\n          quote: 增长6%\n"
        "    note: 'kept in single quotes'\n",
    )
    bad = run(
        "assess",
        "t/2023/gdp",
        "--status",
        "done",
        "--period",
        "2023",
        "--rationale",
        "x",
        "--source",
        "src-a",
        "--quote",
        "q",
        cwd=tmp_path,
    )
    assert bad.exit_code == 1
    assert bad.stderr == (
        "ledger/a.yaml:18:1: PL104 error new assessment, status: 'status' must be one of "
        "achieved, missed, partly, on_track, at_risk, unreported, withdrawn; got 'done'\n"
        "pledges: nothing was written; ledger/a.yaml is unchanged\n"
    )


ASSESS = ["--status", "achieved", "--rationale", "Grew 6%.", "--source", "src-a", "--quote", "q"]


def test_assess_as_of_still_names_the_period_with_a_warning(run: Run, tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    old = run("assess", "t/2023/gdp", *ASSESS, "--as-of", "2023", cwd=tmp_path)
    assert old.exit_code == 0, old.stderr
    assert old.stderr == (
        "pledges: 'assess --as-of PERIOD' is deprecated; use '--period PERIOD' "
        "(--as-of will mean 'judge statuses as of', as on every other command)\n"
    )
    written = path.read_text(encoding="utf-8")
    assert "    assessment:\n      status: achieved\n      as_of: 2023\n" in written
    path.write_text(FILE, encoding="utf-8")
    new = run("assess", "t/2023/gdp", *ASSESS, "--period", "2023", cwd=tmp_path)
    assert (new.exit_code, new.stderr) == (0, "")
    assert path.read_text(encoding="utf-8") == written


def test_assess_period_with_as_of_judges_as_of(run: Run, tmp_path: Path) -> None:
    """With --period, --as-of is the date statuses are judged at, as everywhere."""
    path = make_ledger(tmp_path)
    early = run(
        "assess", "t/2023/gdp", *ASSESS, "--period", "2023", "--as-of", "2023-05", cwd=tmp_path
    )
    assert early.exit_code == 0, early.stderr
    assert early.stderr == ""
    assert "      as_of: 2023\n" in path.read_text(encoding="utf-8")
    bad = run(
        "assess", "t/2023/gdp", *ASSESS, "--period", "2023", "--as-of", "someday", cwd=tmp_path
    )
    assert bad.exit_code == 2
    assert bad.stderr.startswith("pledges: --as-of: ")


def test_assess_usage_errors(run: Run, tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    missing = run("assess", "t/2023/gdp", *ASSESS, cwd=tmp_path)
    assert missing.exit_code == 2
    assert missing.stderr == (
        "pledges: missing option '--period' (the period the verdict applies from)\n"
    )
    bad = run("assess", "t/2023/gdp", *ASSESS, "--period", "2023-13", cwd=tmp_path)
    assert bad.exit_code == 2
    assert bad.stderr.startswith("pledges: --period: ")
    title = run("assess", "t/2023/gdp", *ASSESS, "--period", "2023", "--title", "T", cwd=tmp_path)
    assert title.exit_code == 2
    assert (
        title.stderr == "pledges: --title and --date describe a --url; a --source needs neither\n"
    )
    assert path.read_text(encoding="utf-8") == FILE


def test_new_without_a_terminal_names_the_missing_fields(run: Run, tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    result = run("new", "--file", str(path), "--title", "Plant trees", cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr == "pledges: missing required options: --quote, --deadline\n"


def test_new_proposes_an_id(run: Run, tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    result = run(
        "new",
        "--file",
        "ledger/a.yaml",
        "--title",
        "Plant 100 trees",
        "--quote",
        "植树100棵",
        "--deadline",
        "2024",
        "--tag",
        "environment",
        "--metric-name",
        "Trees planted",
        "--unit",
        "count",
        "--op",
        ">=",
        "--value",
        "100",
        "--stretch",
        "120",
        "--expected",
        cwd=tmp_path,
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "proposed id: t/2023/trees-planted\n"
        "new pledge t/2023/trees-planted: written to ledger/a.yaml:33\n"
    )
    assert path.read_text(encoding="utf-8").endswith(
        "            quote: 新增就业60人\n\n"
        "  - id: t/2023/trees-planted\n    title: Plant 100 trees\n    quote: 植树100棵\n"
        "    deadline: 2024\n    binding: false\n    tags: [environment]\n"
        "    metric: {name: Trees planted, unit: count}\n"
        '    target: {op: ">=", value: 100, stretch: 120}\n  # trailing comment\n'
    )


def test_new_prompts_at_a_terminal(
    run: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = make_ledger(tmp_path)
    monkeypatch.setattr(cli_edit, "_interactive", lambda: True)
    monkeypatch.setattr("typer.prompt", _answers(["Hold a fair", "举办展会", "2023", "t/fair"]))
    result = run("new", "--file", str(path), cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "  - id: t/fair\n    title: Hold a fair\n    quote: 举办展会\n    deadline: 2023\n" in (
        path.read_text(encoding="utf-8")
    )


def _answers(answers: list[str]) -> Callable[..., str]:
    pending = list(answers)

    def prompt(text: str, default: str | None = None, **_: Any) -> str:
        return pending.pop(0)

    return prompt


def test_new_refuses_an_existing_id(run: Run, tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    result = run(
        "new",
        "--file",
        str(path),
        "--id",
        "t/2023/GDP",
        "--title",
        "x",
        "--quote",
        "y",
        "--deadline",
        "2023",
        cwd=tmp_path,
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "ledger/a.yaml:12:9: PL902 error pledge id 't/2023/gdp' already "
        "exists here (choose another id)\n"
        "pledges: nothing was written; ledger/a.yaml is unchanged\n"
    )
    assert path.read_text(encoding="utf-8") == FILE


def test_new_refuses_a_symlink(run: Run, tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    link = path.parent / "link.yaml"
    link.symlink_to(path)
    result = run(
        "new",
        "--file",
        str(link),
        "--id",
        "t/x",
        "--title",
        "x",
        "--quote",
        "y",
        "--deadline",
        "2023",
        cwd=tmp_path,
    )
    assert result.exit_code == 1
    assert "PL900 error refusing to edit: the file is a symbolic link" in result.stderr
    assert path.read_text(encoding="utf-8") == FILE


def test_fmt_check_then_fmt(run: Run, tmp_path: Path) -> None:
    messy = FILE.replace(
        "    title: Create 100 jobs\n    quote: 新增就业100人\n",
        "    quote: 新增就业100人\n    title: Create 100 jobs\n",
    )
    path = make_ledger(tmp_path, messy)
    check = run("fmt", "--check", cwd=tmp_path)
    assert check.exit_code == 1
    assert check.stdout == "would reformat ledger/a.yaml\n1 of 2 files would be reformatted\n"
    assert path.read_text(encoding="utf-8") == messy
    done = run("fmt", cwd=tmp_path)
    assert done.exit_code == 0
    assert done.stdout == "reformatted ledger/a.yaml\n1 of 2 files reformatted\n"
    assert path.read_text(encoding="utf-8") == FILE
    again = run("fmt", "--check", "ledger/a.yaml", cwd=tmp_path)
    assert again.exit_code == 0
    assert again.stdout == "0 of 1 files would be reformatted\n"


def test_fmt_on_a_file_with_syntax_errors(run: Run, tmp_path: Path) -> None:
    make_ledger(tmp_path, "source: [unclosed\n")
    result = run("fmt", "--check", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.startswith("ledger/a.yaml:2:1: PL002 error YAML syntax error")


def test_fmt_leaves_the_bundled_ledger_as_it_is(run: Run, tmp_path: Path) -> None:
    if not (ROOT / "ledger").is_dir():
        pytest.skip("no bundled ledger")
    shutil.copytree(ROOT / "ledger", tmp_path / "ledger")
    result = run("fmt", "--check", cwd=tmp_path)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.startswith("0 of ")
