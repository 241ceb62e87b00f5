"""The fast read path: YAML events from libyaml, built into plain data with positions.

The reader accepts the YAML subset of ledger files (docs/ledger-format.md): no
directives, anchors, aliases, tags or merge keys, one document, bounded nesting.
Plain scalars resolve as in the YAML 1.2 core schema, except that dates stay strings.
It never raises on bad input: problems come back as diagnostics.
"""

from __future__ import annotations

import contextlib
import re
import sys
from typing import Any

from pledges.model.diagnostics import Diagnostic, Severity
from pledges.model.document import Document, Path

MAX_DEPTH = 64

_INT = re.compile(r"^[-+]?[0-9]+$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(inf|Inf|INF)$")
_NAN = re.compile(r"^\.(nan|NaN|NAN)$")
_FLOAT_MAX = int(sys.float_info.max)  # the largest integer a float holds
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUES = frozenset({"true", "True", "TRUE"})
_FALSES = frozenset({"false", "False", "FALSE"})


def resolve_plain(text: str) -> Any:
    """Resolve a plain scalar by the YAML 1.2 core schema, dates left as text."""
    if text in _NULLS:
        return None
    if text in _TRUES:
        return True
    if text in _FALSES:
        return False
    number: int | None = None
    try:
        if _INT.match(text):
            number = int(text)
        elif _OCT.match(text):
            number = int(text[2:], 8)
        elif _HEX.match(text):
            number = int(text[2:], 16)
    except ValueError:  # more digits than Python converts: an absurd number all the same
        return float("inf") if not text.startswith("-") else float("-inf")
    if number is not None:
        # beyond the range of a float it is absurd as well, and no arithmetic could use it
        if abs(number) <= _FLOAT_MAX:
            return number
        return float("inf") if number > 0 else float("-inf")
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.match(text):
        return float("nan")
    return text


class _Builder:
    def __init__(self, file: str) -> None:
        self.doc = Document(file)
        self.diagnostics: list[Diagnostic] = []
        # frames: [container, path, pending key or None, key mark, seen keys]
        self.stack: list[list[Any]] = []
        self.documents = 0
        self.stopped = False

    def report(self, mark: Any, code: str, message: str, hint: str | None = None) -> None:
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        self.diagnostics.append(
            Diagnostic(self.doc.file, line, column, code, Severity.ERROR, message, hint)
        )

    def place(self, value: Any, mark: Any) -> Path | None:
        """Put a finished node into its parent; return its path (None when dropped)."""
        pos = (mark.line + 1, mark.column + 1)
        if not self.stack:
            self.doc.data = value
            self.doc.marks[()] = pos
            return ()
        frame = self.stack[-1]
        container = frame[0]
        if isinstance(container, list):
            path = (*frame[1], len(container))
            container.append(value)
            self.doc.marks[path] = pos
            return path
        key, key_mark = frame[2], frame[3]
        frame[2] = None
        path = (*frame[1], key)
        seen: dict[str, tuple[int, int]] = frame[4]
        if key in seen:
            first = seen[key]
            self.report(
                key_mark,
                "PL003",
                f"duplicate key '{key}': first defined at line {first[0]}, column {first[1]}",
                "remove one of the two",
            )
            return None
        seen[key] = (key_mark.line + 1, key_mark.column + 1)
        container[key] = value
        self.doc.marks[path] = (*pos, key_mark.line + 1, key_mark.column + 1)
        return path

    def expecting_key(self) -> bool:
        return (
            bool(self.stack) and isinstance(self.stack[-1][0], dict) and self.stack[-1][2] is None
        )

    def check_node(self, event: Any) -> None:
        if getattr(event, "anchor", None) is not None:
            self.report(
                event.start_mark,
                "PL004",
                f"anchor '&{event.anchor}' is not allowed in a ledger",
                "write the value out in full",
            )
        if getattr(event, "tag", None) is not None:
            self.report(
                event.start_mark,
                "PL004",
                f"explicit tag '{event.tag}' is not allowed in a ledger",
                "remove the tag; values are typed by the schema",
            )

    def open(self, event: Any, container: Any) -> bool:
        self.check_node(event)
        if self.expecting_key():
            self.report(event.start_mark, "PL004", "a mapping key must be a plain value")
            self.stopped = True
            return False
        if len(self.stack) >= MAX_DEPTH:
            self.report(
                event.start_mark,
                "PL005",
                f"nesting deeper than {MAX_DEPTH} levels",
                "a ledger entry needs a handful of levels",
            )
            self.stopped = True
            return False
        path = self.place(container, event.start_mark)
        self.stack.append([container, path if path is not None else ("?",), None, None, {}])
        return True

    def scalar(self, event: Any) -> None:
        self.check_node(event)
        if self.expecting_key():
            if event.value == "<<" and event.implicit[0]:
                self.report(event.start_mark, "PL004", "merge keys ('<<') are not allowed")
            self.stack[-1][2] = event.value
            self.stack[-1][3] = event.start_mark
            return
        value = resolve_plain(event.value) if event.implicit[0] else event.value
        self.place(value, event.start_mark)

    def handle(self, event: Any) -> bool:
        """Consume one event; False stops the parse."""
        import yaml

        if isinstance(event, yaml.ScalarEvent):
            self.scalar(event)
        elif isinstance(event, yaml.MappingStartEvent):
            return self.open(event, {})
        elif isinstance(event, yaml.SequenceStartEvent):
            return self.open(event, [])
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            self.stack.pop()
        elif isinstance(event, yaml.AliasEvent):
            self.report(
                event.start_mark,
                "PL004",
                f"alias '*{event.anchor}' is not allowed in a ledger",
                "write the value out in full",
            )
            if self.expecting_key():
                self.stack[-1][2] = f"*{event.anchor}"
                self.stack[-1][3] = event.start_mark
            else:
                self.place(None, event.start_mark)
        elif isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self.report(
                    event.start_mark,
                    "PL004",
                    "a ledger file holds one YAML document; this is a second one",
                    "split it into another file",
                )
                return False
            if event.version is not None or event.tags:
                self.report(
                    event.start_mark,
                    "PL004",
                    "YAML directives (%YAML, %TAG) are not allowed in a ledger",
                    "delete the directive line",
                )
        return True


def _syntax_diagnostic(file: str, text: str, exc: Exception) -> Diagnostic:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    index = getattr(mark, "index", -1)
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    if problem:
        message = f"YAML syntax error: {problem}"
        if context:
            message += f" ({context})"
    else:
        message = f"YAML could not be read: {type(exc).__name__}"
    hint = None
    if 0 <= index < len(text) and text[index] == "\t":
        hint = "YAML does not allow tabs for indentation; use spaces"
    return Diagnostic(file, line, column, "PL002", Severity.ERROR, message, hint)


def _feed(builder: _Builder, text: str) -> None:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for event in yaml.parse(text, Loader=loader):
        if not builder.handle(event):
            break


def _too_deep(exc: Exception) -> bool:
    """Whether the parser gave up at a nesting limit of its own (libyaml >= 0.2.5 has one)."""
    return "nesting depth" in str(getattr(exc, "problem", "") or "")


def _stop_at_our_depth(file: str, text: str, exc: Exception, builder: _Builder) -> bool:
    """Report PL005 where our own limit is crossed, whatever limit the parser has.

    Some libyaml builds scan far ahead in flow collections and stop at their own
    depth limit before emitting the events that reach ours. The text up to the
    parser's stopping point holds more than MAX_DEPTH openings, so reading just that
    prefix reaches our limit at the same node as a parser without a limit would.
    """
    mark = getattr(exc, "problem_mark", None)
    index = getattr(mark, "index", -1)
    if not 0 < index <= len(text):
        return False
    probe = _Builder(file)
    with contextlib.suppress(Exception):  # the prefix is unfinished YAML by construction
        _feed(probe, text[:index])
    if not probe.stopped or not probe.diagnostics or probe.diagnostics[-1].code != "PL005":
        return False
    builder.diagnostics.extend(probe.diagnostics)
    builder.stopped = True
    return True


def read_document(file: str, text: str) -> tuple[Document, list[Diagnostic]]:
    """Parse YAML text into a Document; syntax and subset problems become diagnostics."""

    builder = _Builder(file)
    try:
        _feed(builder, text)
    except Exception as exc:  # the parser raises assorted types on bad input
        if not _too_deep(exc) or not _stop_at_our_depth(file, text, exc, builder):
            builder.diagnostics.append(_syntax_diagnostic(file, text, exc))
        builder.doc.data = None
    else:
        if builder.doc.data is None and not builder.diagnostics:
            builder.diagnostics.append(
                Diagnostic(
                    file,
                    1,
                    1,
                    "PL007",
                    Severity.ERROR,
                    "the file is empty: a ledger file needs a 'source' and 'pledges'",
                )
            )
    if builder.stopped:
        builder.doc.data = None
    return builder.doc, builder.diagnostics
