"""Spreadsheet-safe CSV cells.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and some also after a tab
or CR) as a formula. A text cell that starts with one of them, after any leading whitespace,
gets a `'` in front, which spreadsheets read as "this is text"; a cell that is a number
(`-5`, `+1.5e3`) stays a number. Tabs and line breaks become spaces, so a record is one
line; other controls show as visible escapes. A cell that would start a line with `::`
or `##[` (a workflow command) is prefixed the same way.
"""

from __future__ import annotations

import re

from pledges.present.escape.controls import show

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\Z")
_NEUTRALISED = (*FORMULA_STARTS, "::", "##[")
_BLANKS = str.maketrans({"\n": " ", "\r": " ", "\t": " "})


def cell(value: object) -> str:
    """`value` as the text of one CSV cell (the writer still quotes it)."""
    if value is None:
        return ""
    raw = str(value)
    if _NUMBER.match(raw):
        return raw
    text = show(raw.replace("\r\n", " ").translate(_BLANKS))
    if raw.startswith(FORMULA_STARTS) or text.lstrip().startswith(_NEUTRALISED):
        return "'" + text
    return text
