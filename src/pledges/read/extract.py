"""The text of a source document for its archive: plain text as it is, HTML through an HTML
parser into readable text, PDF through pypdf. Never raises: a problem is a message.

HTML becomes lines: a block element (paragraph, heading, list item, div, ...) starts a
new line and a paragraph-like one leaves a blank line around it; a table row is one line
whose cells are separated by a tab, so a quote may join cells with a space; `<br>` breaks
the line; white space inside text collapses as a browser shows it, except in `<pre>`;
scripts, styles, forms' hidden parts and the `<head>` are dropped; entities are decoded.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from pledges.model.diagnostics import Diagnostic
from pledges.read.safe import BOM, read_bytes

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
KINDS = ("text", "html", "pdf")

_SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".htm": "html",
    ".html": "html",
    ".xhtml": "html",
    ".shtml": "html",
    ".pdf": "pdf",
}
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# codecs a page may name for a superset it really uses
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs"}


@dataclass(frozen=True)
class Extracted:
    kind: str  # text, html or pdf
    data: bytes  # the archive's bytes: UTF-8 text


def guess_kind(path: Path, head: bytes) -> str:
    """text, html or pdf: by the file's first bytes, else by its suffix, else text."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    start = head[:1024].lstrip(BOM + b" \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")) or b"<html" in start[:512]:
        return "html"
    return _SUFFIXES.get(path.suffix.lower(), "text")


def decode_text(data: bytes, encoding: str | None, declared: str | None = None) -> str | None:
    """Bytes as text: the given encoding, else a BOM's, else the declared one, else UTF-8.
    None when that fails."""
    if encoding is None:
        if data.startswith(BOM):
            encoding, data = "utf-8", data[len(BOM) :]
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        else:
            encoding = declared or "utf-8"
    encoding = _WIDER.get(encoding.lower(), encoding)
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _clean_controls(text: str) -> str:
    """No control characters but tab and line feed (a PDF's text may hold any)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        ch for ch in text if ch in "\t\n" or unicodedata.category(ch) not in ("Cc", "Cs")
    )


def tidy_lines(text: str) -> str:
    """White space trimmed at line ends, runs of blank lines as one, one final newline."""
    lines = [line.strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n" if out else ""


# ---------------------------------------------------------------- HTML

_SKIP = {"script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object"}
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}
_PARAGRAPH = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "dl",
    "figure",
    "hr",
    "address",
    "fieldset",
}
_BLOCK = {
    "div",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "li",
    "dt",
    "dd",
    "tr",
    "caption",
    "figcaption",
    "form",
    "thead",
    "tbody",
    "tfoot",
    "body",
    "center",
    "details",
    "summary",
    "option",
    "legend",
}
_CELL = {"td", "th"}
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_LINE, _PARA, _CELL_GAP = "\n", "\n\n", "\t"
# a line break in the page's source between two wide (CJK) characters shows as nothing
# (CSS Text 3, segment break transformation), elsewhere as a space
_SEGMENT_BREAK = re.compile(r"(\S)[ \t]*[\r\n][ \t\r\n]*(?=(\S))")


def _join_wide(match: re.Match[str]) -> str:
    wide = ("W", "F")
    before, after = match.group(1), match.group(2)
    if unicodedata.east_asian_width(before) in wide and unicodedata.east_asian_width(after) in wide:
        return before
    return before + " "


class _TextParser(HTMLParser):
    """Collects the readable text of a page as pieces and breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping: list[str] = []  # open elements whose content is dropped
        self.pre = 0
        self.row_has_cell = False

    def _break(self, kind: str) -> None:
        self.out.append(kind)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping:
            if tag == self.skipping[-1] and tag not in _VOID:
                self.skipping.append(tag)
            return
        if tag in _SKIP or ("hidden" in dict(attrs) and tag not in _VOID):
            self.skipping.append(tag)
            return
        if tag == "br":
            self._break(_LINE)
        elif tag in _PARAGRAPH:
            self._break(_PARA)
            if tag == "pre":
                self.pre += 1
        elif tag in _BLOCK:
            self._break(_LINE)
            if tag == "tr":
                self.row_has_cell = False
        elif tag in _CELL:
            if self.row_has_cell:
                self._break(_CELL_GAP)
            self.row_has_cell = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in _PARAGRAPH:
            self._break(_PARA)
            if tag == "pre" and self.pre:
                self.pre -= 1
        elif tag in _BLOCK:
            self._break(_LINE)

    def handle_data(self, data: str) -> None:
        if self.skipping or not data:
            return
        if not self.pre:
            data = _HTML_SPACE.sub(" ", _SEGMENT_BREAK.sub(_join_wide, data))
        self.out.append(data)

    def text(self) -> str:
        """Pieces joined: the strongest of adjacent breaks wins; a cell gap within a line."""
        parts: list[str] = []
        pending = ""
        for piece in self.out:
            if piece in (_LINE, _PARA, _CELL_GAP):
                if (
                    piece == _PARA
                    or (piece == _LINE and pending != _PARA)
                    or (piece == _CELL_GAP and not pending)
                ):
                    pending = piece
                continue
            if pending and not piece.strip():
                continue  # white space beside a break shows as nothing
            if pending:
                parts.append(pending)
                pending = ""
            parts.append(piece)
        return "".join(parts)


def html_text(page: str) -> str:
    parser = _TextParser()
    parser.feed(page)
    parser.close()
    text = _clean_controls(parser.text())
    # a cell gap must not be trimmed away with the white space around it
    lines = []
    for line in text.split("\n"):
        cells = [cell.strip(" ") for cell in line.split("\t")]
        lines.append("\t".join(cell for cell in cells if cell))
    return tidy_lines("\n".join(lines))


# ---------------------------------------------------------------- PDF


def pdf_text(data: bytes) -> str | None:
    """The text of every page, pages separated by a blank line; None if pypdf cannot."""
    import logging
    import warnings

    from pypdf import PdfReader

    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                return None
            pages = [page.extract_text() or "" for page in reader.pages]
    except Exception:  # pypdf raises many kinds of errors on damaged files
        return None
    finally:
        logger.setLevel(level)
    return tidy_lines("\n\n".join(_clean_controls(page) for page in pages))


# ---------------------------------------------------------------- any document


def extract(
    path: Path, name: str, kind: str | None = None, encoding: str | None = None
) -> Extracted | Diagnostic:
    """The archive text of the document at `path`, or why there is none."""
    data = read_bytes(path, name, limit=MAX_DOCUMENT_BYTES, kind="source documents")
    if isinstance(data, Diagnostic):
        return data
    kind = kind or guess_kind(path, data[:2048])
    if kind == "pdf":
        text = pdf_text(data)
        if text is None:
            return _problem(name, "is not a PDF pypdf can read (damaged or encrypted)")
        if not text.strip():
            return _problem(
                name, "holds no text layer (a scanned PDF?); archive a text version of it"
            )
        return Extracted(kind, text.encode("utf-8"))
    if kind == "html":
        declared = _META_CHARSET.search(data[:4096])
        page = decode_text(data, encoding, declared.group(1).decode("ascii") if declared else None)
        if page is None:
            return _problem(name, _encoding_problem(encoding))
        text = html_text(page)
        if not text.strip():
            return _problem(name, "holds no readable text")
        return Extracted(kind, text.encode("utf-8"))
    if encoding is None and b"\x00" not in data and decode_text(data, "utf-8") is not None:
        return Extracted("text", data)  # UTF-8 plain text is archived byte for byte
    text = decode_text(data, encoding)
    if text is None or "\x00" in text:
        return _problem(name, _encoding_problem(encoding))
    return Extracted("text", text.encode("utf-8"))


def _encoding_problem(encoding: str | None) -> str:
    if encoding:
        return f"cannot be read as {encoding}"
    return "is not UTF-8 text; name its encoding with --encoding (e.g. gb18030)"


def _problem(name: str, message: str) -> Diagnostic:
    from pledges.model.diagnostics import Severity

    return Diagnostic(name, 1, 1, "PL001", Severity.ERROR, message)


__all__ = ["KINDS", "MAX_DOCUMENT_BYTES", "Extracted", "decode_text", "extract", "guess_kind"]
