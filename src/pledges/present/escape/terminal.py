"""Text for a terminal or a log: nothing in it moves the cursor, sets a title, writes the
clipboard, opens a hyperlink or reorders what the reader sees.

In prose, tabs and line breaks become spaces (or, in multi-line text, line breaks stay);
in names (files, keys) they show as `\\t` and `\\n`. Every other control and bidi
character shows as a visible escape (`\\x1b`, `\\u202e`). The result is
plain text: give it to rich as a `Text`, or through `markup()` where a markup string is
unavoidable, never inside a markup string of its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pledges.present.escape.controls import HOSTILE, show, visible


def text(value: object, *, single_line: bool = True) -> str:
    """`value` as text safe to print: one line unless `single_line` is false."""
    raw = "" if value is None else str(value)
    if not single_line:
        raw = raw.replace("\r\n", "\n")

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        if char == "\n" and not single_line:
            return "\n"
        if char in "\t\n\r":
            return " "
        return visible(char)

    return HOSTILE.sub(replace, raw)


def lines(values: Sequence[str]) -> str:
    """Lines, each as `text` makes it, joined by line breaks; in one pass when none of
    them holds anything to escape."""
    if HOSTILE.search("".join(values)) is None:
        return "\n".join(values)
    return "\n".join(text(value) for value in values)


def name(value: object) -> str:
    """A file name or key: every control visible, tabs and line breaks too (`\\n`), so two
    different names never print the same."""
    return show("" if value is None else str(value))


def markup(value: object) -> str:
    """`value` for a rich markup string: escaped text with its brackets escaped too."""
    from rich.markup import escape

    return escape(text(value))
