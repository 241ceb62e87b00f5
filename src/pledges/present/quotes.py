"""A quote shown in its source: the archived line(s) around it, the quote highlighted, and
the line numbers of the archive. Highlighting is a style on a colour terminal and plain
`[[ ]]` markers elsewhere (piped output, NO_COLOR).
"""

from __future__ import annotations

from collections.abc import Mapping

from pledges.model.ledger import Source
from pledges.model.sourcetext import SourceText, Span
from pledges.present.escape.terminal import name, text
from pledges.present.layout import Line, cells
from pledges.read.archive import Archive

HIGHLIGHT = "bold reverse"
MARK_OPEN, MARK_CLOSE = "[[", "]]"
# characters of a long line kept on each side of the quote, and of a neighbouring line
AROUND = 30
NEIGHBOUR = 40


def _neighbour(source: SourceText, number: int, step: int) -> int | None:
    """The nearest line with content before (step -1) or after (step 1) line `number`."""
    number += step
    while 1 <= number <= source.line_count:
        if source.line(number).strip():
            return number
        number += step
    return None


def _quoted_line(source: SourceText, number: int, span: Span, marks: bool) -> Line:
    """Line `number` clipped around the quote, the quoted part highlighted or marked."""
    start = source.line_starts[number - 1]
    line = source.line(number)
    low = max(span.start - start, 0)
    high = min(span.end - start, len(line))
    left = max(low - AROUND, 0) if number == span.line else 0
    right = min(high + AROUND, len(line)) if number == span.end_line else len(line)
    head = "…" if left > 0 else ""
    tail = "…" if right < len(line) else ""
    quote = text(line[low:high])
    out: Line = [(head + text(line[left:low]), "")]
    out += [(MARK_OPEN + quote + MARK_CLOSE, "")] if marks else [(quote, HIGHLIGHT)]
    out.append((text(line[high:right]) + tail, ""))
    return [span_ for span_ in out if span_[0]]


def context_lines(archive: Archive, span: Span, marks: bool, indent: int) -> list[Line]:
    """The archive's name and line, then the quote's lines with one line of content before
    and after, each numbered."""
    source = archive.text
    before = _neighbour(source, span.line, -1)
    after = _neighbour(source, span.end_line, 1)
    width = len(str(after or span.end_line))
    pad = " " * indent

    def gutter(number: int) -> Line:
        return [(f"{pad}{number:>{width}} │ ", "dim")]

    lines: list[Line] = [[(f"{pad}{name(archive.name)}:{span.line}", "dim")]]
    if before is not None:
        line = source.line(before)
        clipped = ("…" + line[-NEIGHBOUR:]) if len(line) > NEIGHBOUR else line
        lines.append([*gutter(before), (text(clipped), "dim")])
    for number in range(span.line, span.end_line + 1):
        lines.append([*gutter(number), *_quoted_line(source, number, span, marks)])
    if after is not None:
        line = source.line(after)
        clipped = (line[:NEIGHBOUR] + "…") if len(line) > NEIGHBOUR else line
        lines.append([*gutter(after), (text(clipped), "dim")])
    return lines


def quote_context(
    quote: str | None,
    source: Source | None,
    archives: Mapping[str, Archive | str],
    marks: bool,
    indent: int,
) -> list[Line]:
    """The context block of one quote (the quote between `[[ ]]` with `marks`, else in
    the highlight style); nothing when its source keeps no readable archive."""
    if quote is None or source is None or not source.archive:
        return []
    archive = archives.get(source.archive)
    if not isinstance(archive, Archive):
        return []
    span = archive.text.find(quote)
    if span is None:
        message = f"not found in {name(archive.name)} ('pledges lint' shows the closest passage)"
        return [[(" " * indent + message, "red")]]
    return context_lines(archive, span, marks, indent)


def wrap_line(line: Line, width: int, hang: int) -> list[Line]:
    """A styled line broken at `width` columns, continuation lines indented by `hang`."""
    out: list[Line] = [[]]
    used = 0
    for chunk, style in line:
        piece = ""
        for ch in chunk:
            size = cells(ch)
            if used + size > width and used > hang:
                if piece:
                    out[-1].append((piece, style))
                out.append([(" " * hang, "")])
                piece, used = "", hang
            piece += ch
            used += size
        if piece:
            out[-1].append((piece, style))
    return out


__all__ = ["HIGHLIGHT", "context_lines", "quote_context", "wrap_line"]
