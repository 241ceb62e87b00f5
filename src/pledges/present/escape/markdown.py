"""Inline Markdown (GitHub Flavored): text that renders as itself, one line, no markup.

Everything is escaped that GFM could read as markup inside a line or a table cell:
emphasis, code, links and images, strikethrough, math, headings and issue references,
backslashes and the cell separator `|`; `&`, `<` and `>` become entities, so no raw HTML
and no entity survives; line breaks and tabs become spaces, other controls visible
escapes. A cell escaped here never adds or removes a column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pledges.present.escape.controls import show

_SPECIAL = re.compile(r"([\\`*_\[\]#!|~$])")
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_BLANKS = str.maketrans({"\n": " ", "\r": " ", "\t": " "})


def text(value: object) -> str:
    """`value` as inline Markdown that renders as the text itself, on one line."""
    raw = "" if value is None else str(value)
    raw = show(raw.replace("\r\n", " ").translate(_BLANKS)).translate(_ENTITIES)
    return _SPECIAL.sub(r"\\\1", raw)


def row(cells: Iterable[str]) -> str:
    """A table row of cells already escaped with `text`."""
    return "| " + " | ".join(cells) + " |"
