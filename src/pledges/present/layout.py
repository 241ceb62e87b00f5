"""Fixed-width text: display cells, truncation, wrapping, and styled lines.

Reports are laid out here rather than by rich's table engine: column widths are decided
once from the widths of the fixed columns, so a table costs time in proportion to its
rows, and ids, periods and numbers are never broken. Rich only supplies the cell widths
of characters and the escape codes of styles.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rich.cells import cell_len, get_character_cell_size
from rich.style import Style

ELLIPSIS = "…"
# characters that never start a line when text is wrapped (they close what came before)
_CLOSING = set("，。、；：！？）》」』”’%,.;:!?)]}")

# A styled line: (text, style) pairs; the text is already escaped for a terminal.
Span = tuple[str, str]
Line = list[Span]


@dataclass(frozen=True)
class Screen:
    """Where output goes: a terminal of `width` columns (with colour or not), or a pipe."""

    terminal: bool
    width: int = 80
    color_system: str | None = None

    @property
    def color(self) -> bool:
        return self.terminal and self.color_system is not None


def cells(text: str) -> int:
    """Columns the text takes in a terminal (CJK characters take two)."""
    return cell_len(text)


def truncate(text: str, width: int) -> str:
    """The text cut to `width` columns, ending in "…" when anything was cut."""
    if cell_len(text) <= width:
        return text
    if width <= 0:
        return ""
    kept: list[str] = []
    used = 0
    for ch in text:
        size = get_character_cell_size(ch)
        if used + size > width - 1:
            break
        kept.append(ch)
        used += size
    return "".join(kept).rstrip() + ELLIPSIS


def pad(text: str, width: int, *, right: bool = False) -> str:
    gap = " " * max(0, width - cell_len(text))
    return gap + text if right else text + gap


def cell(text: str, width: int, style: str = "", *, right: bool = False) -> list[Span]:
    """A table cell: the text in its style, padded to `width` columns outside the style."""
    gap = (" " * max(0, width - cell_len(text)), "")
    spans: list[Span] = [(text, style)]
    return [gap, *spans] if right else [*spans, gap]


def _units(text: str) -> list[tuple[bool, str]]:
    """(space before, unit) pairs: a unit is a run of narrow characters (a word, an id,
    a number) or one wide character; closing punctuation sticks to what it follows."""
    units: list[list[bool | str]] = []
    space = False
    in_word = False
    for ch in text:
        if ch == " ":
            space, in_word = True, False
            continue
        if ch in _CLOSING and units and not space:
            units[-1][1] = f"{units[-1][1]}{ch}"
            continue
        if get_character_cell_size(ch) == 2:
            units.append([space, ch])
            in_word = False
        elif in_word:
            units[-1][1] = f"{units[-1][1]}{ch}"
        else:
            units.append([space, ch])
            in_word = True
        space = False
    return [(bool(before), str(unit)) for before, unit in units]


def wrap(text: str, width: int, first: int | None = None) -> list[str]:
    """The text broken into lines of at most `width` columns (`first` for the first line),
    at spaces or between wide characters. A run of narrow characters (an id, a number, a
    path) is never broken: one longer than the line gets a line of its own, and overflows."""
    lines: list[str] = []
    current = ""
    used = 0
    room = max(1, width if first is None else first)
    for space, unit in _units(text):
        size = cell_len(unit)
        gap = 1 if space and current else 0
        if used + gap + size > room and (current or (not lines and first is not None)):
            lines.append(current)
            current, used = unit, size
            room = max(1, width)
        else:
            current += " " * gap + unit
            used += gap + size
    if current or not lines:
        lines.append(current)
    return lines


@lru_cache(maxsize=256)
def _codes(style: str, color_system: str) -> tuple[str, str]:
    from rich.console import COLOR_SYSTEMS

    rendered = Style.parse(style).render("\0", color_system=COLOR_SYSTEMS[color_system])
    before, _, after = rendered.partition("\0")
    return before, after


class Painter:
    """Turns styled lines into text: with escape codes for a colour terminal, else plain."""

    def __init__(self, screen: Screen) -> None:
        self.color_system = screen.color_system if screen.color else None

    def span(self, text: str, style: str) -> str:
        if not style or not text or self.color_system is None:
            return text
        before, after = _codes(style, self.color_system)
        return before + text + after

    def line(self, spans: Iterable[Span]) -> str:
        return "".join(self.span(text, style) for text, style in spans).rstrip()

    def lines(self, lines: Sequence[Line]) -> list[str]:
        return [self.line(line) for line in lines]
