"""The text of a source document, and finding quotes in it.

The one normalisation: both sides are Unicode NFC, and a run of white space in the quote
matches any run of white space, or none, in the source (so a quote may join table cells
or lines). Nothing else is folded: not simplified and traditional characters, not
full-width and half-width punctuation, not case. White space is what `str.isspace`
calls white space (it includes the ideographic space U+3000 and no-break spaces).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from typing import NamedTuple

_WS = re.compile(r"\s+")
_NON_WS = re.compile(r"\S+")
# the closest passage shown as a hint is cut to this many characters
HINT_CHARS = 120
# below this rapidfuzz score (0-100) no passage is offered as the closest
HINT_MIN_SCORE = 50.0


def nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def quote_chunks(quote: str) -> list[str]:
    """The quote's text between its runs of white space (NFC)."""
    return [chunk for chunk in _WS.split(nfc(quote)) if chunk]


def collapse(text: str) -> str:
    """White space runs as one space, trimmed: how a passage is shown on one line."""
    return " ".join(_WS.split(text.strip()))


class Span(NamedTuple):
    """Where a passage is in a source text: offsets into the NFC text, 1-based lines."""

    start: int
    end: int
    line: int
    end_line: int


class Closest(NamedTuple):
    """The passage of a source most like a quote that is not in it."""

    span: Span
    passage: str  # on one line, cut to HINT_CHARS
    score: float
    # the quote is there if white space of the source inside it is ignored
    only_whitespace_differs: bool


class SourceText:
    """A source document's text (NFC) with line numbers and quote search."""

    def __init__(self, text: str) -> None:
        self.text = nfc(text)
        self._line_starts: list[int] | None = None
        self._stripped: tuple[str, list[int]] | None = None

    @property
    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            starts = [0]
            position = self.text.find("\n")
            while position != -1:
                starts.append(position + 1)
                position = self.text.find("\n", position + 1)
            self._line_starts = starts
        return self._line_starts

    @property
    def line_count(self) -> int:
        return len(self.line_starts)

    def line_of(self, offset: int) -> int:
        """1-based line of a character offset (lines end at '\\n')."""
        return bisect.bisect_right(self.line_starts, offset)

    def line(self, number: int) -> str:
        """Line `number` (1-based) without its line ending."""
        starts = self.line_starts
        start = starts[number - 1]
        end = starts[number] - 1 if number < len(starts) else len(self.text)
        return self.text[start:end].rstrip("\r")

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.line_of(start), self.line_of(max(start, end - 1)))

    def find(self, quote: str) -> Span | None:
        """The first place the quote occurs under the normalisation rule, or None."""
        chunks = quote_chunks(quote)
        if not chunks:
            return None
        text, first = self.text, chunks[0]
        start = text.find(first)
        while start >= 0:
            end = self._rest(start + len(first), chunks)
            if end is not None:
                return self.span(start, end)
            start = text.find(first, start + 1)
        return None

    def _rest(self, position: int, chunks: list[str]) -> int | None:
        """Where the quote ends if its chunks after the first follow from `position`,
        each after a run of white space or none."""
        text = self.text
        for chunk in chunks[1:]:
            gap = _WS.match(text, position)
            if gap is not None:
                position = gap.end()
            if not text.startswith(chunk, position):
                return None
            position += len(chunk)
        return position

    def _whitespace_free(self) -> tuple[str, list[int]]:
        """The text without white space, and the offset in the text of each character."""
        if self._stripped is None:
            parts: list[str] = []
            offsets: list[int] = []
            for match in _NON_WS.finditer(self.text):
                parts.append(match.group())
                offsets.extend(range(match.start(), match.end()))
            self._stripped = ("".join(parts), offsets)
        return self._stripped

    def closest(self, quote: str) -> Closest | None:
        """The passage most like the quote (rapidfuzz's best partial alignment, compared
        without white space), or None when nothing scores at least HINT_MIN_SCORE."""
        needle = "".join(quote_chunks(quote))
        stripped, offsets = self._whitespace_free()
        if not needle or not stripped:
            return None
        exact = stripped.find(needle)
        if exact >= 0:
            start, end, score = exact, exact + len(needle), 100.0
        else:
            from rapidfuzz import fuzz

            found = fuzz.partial_ratio_alignment(needle, stripped)
            if found is None or found.score < HINT_MIN_SCORE or found.dest_end <= found.dest_start:
                return None
            start, end, score = found.dest_start, found.dest_end, found.score
        span = self.span(offsets[start], offsets[end - 1] + 1)
        passage = collapse(self.text[span.start : span.end])
        if len(passage) > HINT_CHARS:
            passage = passage[: HINT_CHARS - 1] + "…"
        return Closest(span, passage, score, exact >= 0)


__all__ = ["Closest", "SourceText", "Span", "collapse", "nfc", "quote_chunks"]
