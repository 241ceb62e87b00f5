"""The escaper of each output destination, one at a time."""

from __future__ import annotations

import io
import json as stdlib_json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from pledges.present.escape import csv, github, html, json, markdown, terminal
from pledges.present.escape.controls import HOSTILE, show, visible

ESC = "\x1b"
OSC8 = f"{ESC}]8;;https://evil.example/{ESC}\\click{ESC}]8;;{ESC}\\"
OSC52 = f"{ESC}]52;c;ZXZpbA==\a"


# controls


@pytest.mark.parametrize(
    ("char", "shown"),
    [
        ("\n", "\\n"),
        ("\r", "\\r"),
        ("\t", "\\t"),
        ("\x00", "\\x00"),
        (ESC, "\\x1b"),
        ("\x7f", "\\x7f"),
        ("\x85", "\\x85"),
        ("\x9b", "\\x9b"),
        ("\u061c", "\\u061c"),
        ("\u200f", "\\u200f"),
        ("\u202e", "\\u202e"),
        ("\u2066", "\\u2066"),
        ("\u2069", "\\u2069"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ],
)
def test_every_hostile_character_has_a_visible_form(char: str, shown: str) -> None:
    assert HOSTILE.fullmatch(char)
    assert visible(char) == shown
    assert show(f"a{char}b") == f"a{shown}b"


@pytest.mark.parametrize("char", [" ", "a", "é", "中", "\u200d", "\u00a0", "€", "\U0001f600"])
def test_ordinary_characters_are_not_hostile(char: str) -> None:
    assert show(char) == char


# terminal


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        (f"title {OSC8}", "title \\x1b]8;;https://evil.example/\\x1b\\click\\x1b]8;;\\x1b\\"),
        (f"copy {OSC52}", "copy \\x1b]52;c;ZXZpbA==\\x07"),
        (f"{ESC}[2J{ESC}[31mred", "\\x1b[2J\\x1b[31mred"),
        ("csi \x9b2J", "csi \\x9b2J"),
        ("exe.\u202egnp", "exe.\\u202egnp"),
        ("two\nlines\r\nand\ttab", "two lines  and tab"),
        ("[link=https://x]a[/link] [/]", "[link=https://x]a[/link] [/]"),
        ("增长5.0%", "增长5.0%"),
        (None, ""),
        (12.5, "12.5"),
    ],
)
def test_terminal_text(raw: object, escaped: str) -> None:
    assert terminal.text(raw) == escaped


def test_terminal_multi_line_text_keeps_line_breaks_only() -> None:
    assert terminal.text(f"a\r\nb\n{ESC}c\td", single_line=False) == "a\nb\n\\x1bc d"


def test_terminal_names_show_every_control() -> None:
    assert terminal.name("x\n::error::y\t.yaml") == "x\\n::error::y\\t.yaml"
    assert terminal.name("计划 2.yaml") == "计划 2.yaml"


def test_terminal_markup_renders_as_the_text_itself() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system="truecolor", width=200)
    hostile = f"[link=https://evil.example/]x[/link] [/] [bold]b {ESC}]8;;u{ESC}\\"
    console.print(f"[bold]{terminal.markup(hostile)}[/bold]", end="")
    assert "\x1b]8;" not in out.getvalue()
    assert Text.from_ansi(out.getvalue()).plain == terminal.text(hostile)


# github


def test_github_message_and_property_encoding() -> None:
    assert github.data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert github.data(f"a{OSC52}") == "a\\x1b]52;c;ZXZpbA==\\x07"
    assert github.data("%0A stays text") == "%250A stays text"
    assert github.prop("a,b::c%\n") == "a%2Cb%3A%3Ac%25%0A"


def test_github_command_line() -> None:
    line = github.command(
        "error", {"file": "x,y::z\n.yaml", "line": 3, "title": "PL1"}, "bad\n::warning::x"
    )
    assert line == "::error file=x%2Cy%3A%3Az%0A.yaml,line=3,title=PL1::bad%0A::warning::x"
    assert github.command("notice", {}, "hi") == "::notice::hi"


@pytest.mark.parametrize(
    ("line", "guarded"),
    [
        ("::error::x", "\\::error::x"),
        ("   ::add-mask::x", "   \\::add-mask::x"),
        ("\t\u3000\u00a0::stop-commands::t", "\t\u3000\u00a0\\::stop-commands::t"),
        ("##[warning]x", "\\##[warning]x"),
        ("  ##[group]x", "  \\##[group]x"),
        (f"{ESC}[1m::error::x{ESC}[0m", f"{ESC}[1m\\::error::x{ESC}[0m"),
        ("a ::error::x", "a ::error::x"),
        (":single colon", ":single colon"),
        ("## heading", "## heading"),
        ("", ""),
    ],
)
def test_guard_line(line: str, guarded: str) -> None:
    assert github.guard_line(line) == guarded


def test_guard_treats_every_line_break_as_one() -> None:
    text = "a\n::x\r::y\r\n##[z\u2028::w\x85::v"
    assert github.guard(text) == "a\n\\::x\r\\::y\r\n\\##[z\u2028\\::w\x85\\::v"


@pytest.mark.parametrize(
    "writes",
    [
        ["::error::x\nok\n"],
        [":", ":error::x\nok\n"],
        ["  ", "  ", ":", ":error::x\n", "ok\n"],
        ["#", "#", "[group]", "x\nok\n"],
        [f"{ESC}", "[1m", "::error::x\nok\n"],
        ["ok ::not-a-command\n::error::x", "\nok\n"],
    ],
)
def test_line_guard_sees_lines_split_across_writes(writes: list[str]) -> None:
    out = io.StringIO()
    stream = github.LineGuard(out)
    for chunk in writes:
        assert stream.write(chunk) == len(chunk)
    stream.flush()
    expected = github.guard("".join(writes))
    assert out.getvalue() == expected
    assert [line for line in out.getvalue().splitlines() if re.match(r"\s*(::|##\[)", line)] == []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(alphabet=[":", "#", "[", " ", "\t", "x", "\n", "\r", "\u2028", ESC, "1", "m"]),
        max_size=8,
    )
)
def test_line_guard_is_the_same_however_the_text_is_split(writes: list[str]) -> None:
    out = io.StringIO()
    stream = github.LineGuard(out)
    for chunk in writes:
        stream.write(chunk)
    stream.flush()
    assert out.getvalue() == github.guard("".join(writes))


def test_line_guard_flush_writes_a_held_back_start() -> None:
    out = io.StringIO()
    stream = github.LineGuard(out)
    stream.write("done\n  ")
    assert out.getvalue() == "done\n"
    stream.flush()
    assert out.getvalue() == "done\n  "
    assert stream.writable() and not stream.isatty()


# markdown


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a|b", "a\\|b"),
        ("**bold** _it_ `code` ~~del~~", "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~del\\~\\~"),
        ("[link](javascript:x) ![img](u)", "\\[link\\](javascript:x) \\!\\[img\\](u)"),
        ("<script>&amp;</script>", "&lt;script&gt;&amp;amp;&lt;/script&gt;"),
        ("two\nlines\r\tend", "two lines  end"),
        ("a\r\nb", "a b"),
        (f"bell\a esc{ESC}[31m rtl\u202e", "bell\\\\x07 esc\\\\x1b\\[31m rtl\\\\u202e"),
        ("$x$ #12 back\\slash", "\\$x\\$ \\#12 back\\\\slash"),
        ("增长5.0%", "增长5.0%"),
        (None, ""),
    ],
)
def test_markdown_text(raw: str | None, escaped: str) -> None:
    assert markdown.text(raw) == escaped


def gfm_cells(row: str) -> list[str]:
    """Split a GFM table row the way GitHub does: on pipes that are not backslash-escaped."""
    cells, cell, i = [], "", 0
    body = row.strip()
    body = body[1:] if body.startswith("|") else body
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            cell += body[i : i + 2]
            i += 2
            continue
        if body[i] == "|":
            cells.append(cell)
            cell = ""
        else:
            cell += body[i]
        i += 1
    if cell.strip():
        cells.append(cell)
    return cells


@pytest.mark.parametrize("raw", ["a | b", "x\\|y", "\\", "|||", "a\n| c | d |", "end\\"])
def test_markdown_cell_keeps_the_column_count(raw: str) -> None:
    row = markdown.row([markdown.text(raw), "2", markdown.text(raw + "|")])
    assert len(gfm_cells(row)) == 3, row


# csv


@pytest.mark.parametrize(
    ("raw", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "' =1"),
        ("\r=1", "' =1"),
        ("  =1", "'  =1"),
        ("::error::x", "'::error::x"),
        ("##[group]", "'##[group]"),
        ("-5", "-5"),
        ("+1.5e3", "+1.5e3"),
        ("-.5", "-.5"),
        ("0.6215", "0.6215"),
        ("-3 (2023)", "'-3 (2023)"),
        (f"a{ESC}[2J\x00\x85", "a\\x1b[2J\\x00\\x85"),
        ("two\nlines", "two lines"),
        ("\n@=", "' @="),
        ("\u3000=1", "'\u3000=1"),
        ('a,b "c"', 'a,b "c"'),
        ("", ""),
        (None, ""),
    ],
)
def test_csv_cell(raw: str | None, cell: str) -> None:
    assert csv.cell(raw) == cell


# html


def test_html_text() -> None:
    assert html.text("<script>alert('x')</script> & \"q\"") == (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;q&quot;"
    )
    assert html.text(f"line\nbreak\t{ESC}[31m\u202e") == "line\nbreak\t\\x1b[31m\\u202e"
    assert html.text(None) == ""


# json


def test_json_keeps_every_character_and_prints_none_raw() -> None:
    value = "".join(chr(c) for c in range(0xA0)) + "\u061c\u200e\u202e\u2066\u2069\u2028\u2029"
    text = json.dumps({"v": value, "k\u202e": [1, 2.5, None]})
    assert stdlib_json.loads(text) == {"v": value, "k\u202e": [1, 2.5, None]}
    assert HOSTILE.search(text.replace("\n", "")) is None
    assert "\\u202e" in text and "\\u0085" in text


def test_json_compact_and_refuses_non_finite_numbers() -> None:
    assert json.dumps({"a": [1, "é"]}, indent=None, compact=True) == '{"a":[1,"é"]}'
    with pytest.raises(ValueError, match="not JSON compliant"):
        json.dumps({"a": float("nan")})
