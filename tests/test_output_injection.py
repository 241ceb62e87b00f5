"""Ledger text and file names cannot inject into any output: each regression, end to end."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import JURISDICTIONS, SOURCE, Result, pledges_file

Run = Callable[..., Result]
Ledger = Callable[..., Path]

ESC = "\x1b"
OSC8 = f"{ESC}]8;;https://evil.example/{ESC}\\click{ESC}]8;;{ESC}\\"
OSC52 = f"{ESC}]52;c;ZXZpbA==\a"
CLEAR = f"{ESC}[2J"


def yaml_str(text: str) -> str:
    """A YAML double-quoted scalar holding `text` exactly."""
    return json.dumps(text, ensure_ascii=True)


def one_pledge(title: str = "A", quote: str = "甲", extra: str = "") -> str:
    return pledges_file(
        f"""\
- id: t/a
  title: {yaml_str(title)}
  quote: {yaml_str(quote)}
  deadline: 2023
"""
        + extra
    )


def command_lines(text: str) -> list[str]:
    """Lines a workflow runner would read as a command: `::` or `##[` after whitespace."""
    return [line for line in text.splitlines() if line.lstrip().startswith(("::", "##["))]


def test_fmt_check_escapes_a_file_name_with_newlines(ledger: Ledger, run: Run) -> None:
    name = "x\n::error file=README.md,line=1::owned\n##[warning]y.yaml"
    root = ledger({name: one_pledge()})
    path = root / name
    path.write_text(path.read_text(encoding="utf-8").replace("title:", "title:  "), "utf-8")
    result = run("fmt", "--check", "--ledger", str(root), cwd=root.parent)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "would reformat ledger/x\\n::error file=README.md,line=1::owned\\n##[warning]y.yaml",
        "1 of 2 files would be reformatted",
    ]
    assert command_lines(result.stdout + result.stderr) == []


def test_lint_text_never_starts_a_line_with_a_file_named_like_a_command(
    ledger: Ledger, run: Run
) -> None:
    root = ledger({"::stop-commands::tok.yaml": "a: 1\n", "##[group]x.yaml": "a: 1\n"})
    result = run("lint", cwd=root)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    message = "1:1: PL101 error unknown key 'a' (allowed: format, source, pledges)"
    assert lines[0] == f"./##[group]x.yaml:{message}"
    assert f"./::stop-commands::tok.yaml:{message}" in lines
    assert command_lines(result.stdout) == []


def test_lint_github_keeps_escape_sequences_out_of_annotations(ledger: Ledger, run: Run) -> None:
    units = f"""\
units:
  - id: {yaml_str("u" + OSC52)}
    name: n
    name_en: n
    dimension: count
    factor: 1
  - id: {yaml_str("u" + OSC52)}
    name: n
    name_en: n
    dimension: count
    factor: 1
"""
    extra = f"""\
  tags: [{yaml_str(CLEAR + "bad")}]
  metric: {{name: m, unit: {yaml_str(CLEAR + "u")}}}
  target: {{op: ">=", value: 5}}
  {yaml_str(OSC8)}: 1
- id: t/b
  title: B
  quote: 乙
  deadline: 2023
  {yaml_str(CLEAR + "k")}: 1
  {yaml_str(CLEAR + "k")}: 2
"""
    root = ledger({"units.yaml": units, "a.yaml": one_pledge(extra=extra)})
    result = run("lint", "--ledger", str(root), "--format", "github", cwd=root.parent)
    assert result.exit_code == 1
    for control in (ESC, "\a", "\x9b"):
        assert control not in result.stdout
    # the ledger keeps no archived source text: that warning (PL261) is beside the point
    lines = [line for line in result.stdout.splitlines() if "title=PL261::" not in line]
    assert all(line.startswith("::error file=ledger/") for line in lines), lines
    expected = [
        "title=PL214::unknown tag '\\x1b[2Jbad'",
        "title=PL213::unknown unit '\\x1b[2Ju'",
        "title=PL101::unknown key '\\x1b]8;;https://evil.example/\\x1b\\click\\x1b]8;;\\x1b\\'",
        "title=PL003::duplicate key '\\x1b[2Jk': first defined at line 21",
        "title=PL271::unit 'u\\x1b]52;c;ZXZpbA==\\x07' is listed twice",
    ]
    for fragment in expected:
        assert any(fragment in line for line in lines), fragment


@pytest.mark.parametrize(
    ("by", "hostile"),
    [
        ("source", "Report [/] of [link=https://evil.example/]the year[/link]"),
        ("jurisdiction", "Binjiang [/] [link=https://evil.example/]District[/link]"),
    ],
)
def test_status_group_titles_are_not_markup(
    ledger: Ledger, run: Run, by: str, hostile: str
) -> None:
    jurisdictions = JURISDICTIONS.replace("name_en: Binjiang District", f"name_en: {hostile!r}")
    text = one_pledge().replace("title_en: Test report", f"title_en: {hostile!r}")
    root = ledger({"a.yaml": text}, jurisdictions=jurisdictions)
    assert run("lint", "--ledger", str(root)).exit_code == 0
    result = run("status", "--by", by, "--ledger", str(root), "--as-of", "2024-01-01")
    assert result.exit_code == 0
    assert hostile in result.stdout


def test_status_titles_make_no_live_link_in_a_terminal(ledger: Ledger) -> None:
    from pledges.judge.query import Filters, evaluate_all, select
    from pledges.present.layout import Screen
    from pledges.present.report import status_report
    from pledges.read.loader import load

    hostile = "Report [link=https://evil.example/]click[/link]"
    text = one_pledge().replace("title_en: Test report", f"title_en: {hostile!r}")
    result = load(ledger({"a.yaml": text}), [])
    rows = select(evaluate_all(result, date(2024, 1, 1)), Filters())
    screen = Screen(True, 200, "truecolor")
    out = "\n".join(status_report(rows, "source", result.ledger, "2024-01-01", screen))
    assert f"{ESC}[1m" in out  # styled: a colour terminal
    assert f"{ESC}]8;" not in out
    assert "[link=https://evil.example/]click[/link]" in out


LONG = "Build " + "a very long road " * 5


@pytest.mark.parametrize("command", ["show", "status"])
def test_piped_output_does_not_wrap_data_to_a_line_start(
    ledger: Ledger, run: Run, command: str
) -> None:
    title = LONG + "::error::X " + LONG
    text = one_pledge(title=title, quote=title)
    text = text.replace("title_en: Test report", f"title_en: {title!r}")
    root = ledger({"a.yaml": text})
    args = ["show", "t/a"] if command == "show" else ["status", "--by", "source"]
    result = run(*args, "--ledger", str(root), "--as-of", "2024-01-01")
    assert result.exit_code == 0
    assert command_lines(result.stdout) == []
    assert title in result.stdout


def test_piped_table_rows_cannot_start_with_a_command(ledger: Ledger, run: Run) -> None:
    # a file the schema rejects is still listed; its id cell starts the row
    root = ledger({"a.yaml": one_pledge().replace("id: t/a", "id: '::error::X'")})
    result = run("list", "--ledger", str(root), "--as-of", "2024-01-01")
    assert result.exit_code == 0
    assert command_lines(result.stdout) == []
    assert "\\::error::X" in result.stdout or "::error::X" in result.stdout


def test_list_csv_neutralises_formulas_and_control_bytes(ledger: Ledger, run: Run) -> None:
    titles = {
        "t/a": '=HYPERLINK("http://evil","x")',
        "t/b": "+1+2",
        "t/c": "-2+3",
        "t/d": "@SUM(A1)",
        "t/e": "\tcmd",
        "t/f": "\r=1",
        "t/g": f"a{ESC}[2Jb\x00c\x85d",
        "t/h": " =1+1",
    }
    items = "".join(
        f"- id: {pid}\n  title: {yaml_str(title)}\n  quote: 甲\n  deadline: 2023\n"
        f"  metric: {{name: m, unit: percent}}\n  target: {{op: '>=', value: -5}}\n"
        for pid, title in titles.items()
    )
    root = ledger({"a.yaml": pledges_file(items)})
    result = run("list", "--format", "csv", "--ledger", str(root), "--as-of", "2024-01-01")
    assert result.exit_code == 0
    assert ESC not in result.stdout and "\x00" not in result.stdout
    assert "\x85" not in result.stdout
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {row["id"]: row["title"] for row in rows} == {
        "t/a": '\'=HYPERLINK("http://evil","x")',
        "t/b": "'+1+2",
        "t/c": "'-2+3",
        "t/d": "'@SUM(A1)",
        "t/e": "' cmd",
        "t/f": "' =1",
        "t/g": "a\\x1b[2Jb\\x00c\\x85d",
        "t/h": "' =1+1",
    }
    # a number stays a number
    assert {row["target_value"] for row in rows} == {"-5"}


def test_list_markdown_escapes_html_links_images_and_columns(ledger: Ledger, run: Run) -> None:
    title = "<img src=x onerror=alert(1)> ![i](http://e/i.png) [l](http://e) a | b **c** &amp;"
    root = ledger({"a.yaml": one_pledge(title=title)})
    result = run("list", "--format", "markdown", "--ledger", str(root), "--as-of", "2024-01-01")
    assert result.exit_code == 0
    row = result.stdout.splitlines()[2]
    assert row.endswith(
        "| &lt;img src=x onerror=alert(1)&gt; \\!\\[i\\](http://e/i.png) \\[l\\](http://e) "
        "a \\| b \\*\\*c\\*\\* &amp;amp; |"
    )
    assert row.startswith("| t/a | unrated | 2023-12-31 | cn/zhejiang/hangzhou/binjiang |")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_diff_json_keeps_bidi_characters_in_values(
    ledger: Ledger, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_semdiff import git

    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    root = ledger({"a.yaml": SOURCE + "pledges: []\n"})
    repo = root.parent
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    title = "abc \u202egnp.exe\u202c \u2066x\u2069 \u200f\x85 \u2028 end"
    (root / "a.yaml").write_text(one_pledge(title=title), "utf-8")
    result = run("diff", "HEAD", "--format", "json", "--as-of", "2024-01-01", cwd=repo)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["added"][0]["title"] == title
    for raw in ("\u202e", "\u2066", "\x85", "\u2028"):
        assert raw not in result.stdout
