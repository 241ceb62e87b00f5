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


_MAYBE_NOT_TEXT = frozenset("0123456789+-.~nNtTfF")
# what `_Builder.place` returns for a value it dropped (a repeated key)
_DROPPED = ("?",)


class _Builder:
    """Events to data. Positions are recorded for paths of at most `depth` parts
    (None: all of them); deeper nodes cost no path building at all."""

    def __init__(self, file: str, depth: int | None = None) -> None:
        self.doc = Document(file)
        self.diagnostics: list[Diagnostic] = []
        self.depth = depth
        # frames: [container, path (None beyond depth), pending key or None, key mark,
        #          seen keys -> key mark, is a mapping]
        self.stack: list[list[Any]] = []
        self.documents = 0
        self.stopped = False

    def report(self, mark: Any, code: str, message: str, hint: str | None = None) -> None:
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        self.diagnostics.append(
            Diagnostic(self.doc.file, line, column, code, Severity.ERROR, message, hint)
        )

    def _path(self, parent: Path | None, part: str | int) -> Path | None:
        if parent is None or parent is _DROPPED:
            return None if parent is None else (*parent, part)
        path = (*parent, part)
        return path if self.depth is None or len(path) <= self.depth else None

    def place(self, value: Any, mark: Any) -> Path | None:
        """Put a finished node into its parent; its path (None: not recorded), or
        `_DROPPED` when the node was dropped."""
        if not self.stack:
            self.doc.data = value
            self.doc.marks[()] = (mark.line + 1, mark.column + 1)
            return ()
        frame = self.stack[-1]
        container = frame[0]
        if not frame[5]:
            path = self._path(frame[1], len(container))
            container.append(value)
            if path is not None:
                self.doc.marks[path] = (mark.line + 1, mark.column + 1)
            return path
        key, key_mark = frame[2], frame[3]
        frame[2] = None
        seen: dict[str, Any] = frame[4]
        first = seen.get(key)
        if first is not None:
            self.report(
                key_mark,
                "PL003",
                f"duplicate key '{key}': first defined at line {first.line + 1}, "
                f"column {first.column + 1}",
                "remove one of the two",
            )
            return _DROPPED
        seen[key] = key_mark
        container[key] = value
        path = self._path(frame[1], key)
        if path is not None:
            self.doc.marks[path] = (
                mark.line + 1,
                mark.column + 1,
                key_mark.line + 1,
                key_mark.column + 1,
            )
        return path

    def expecting_key(self) -> bool:
        return bool(self.stack) and self.stack[-1][5] and self.stack[-1][2] is None

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
        self.stack.append([container, path, None, None, {}, isinstance(container, dict)])
        return True

    def run(self, next_event: Any) -> None:
        """Consume events until the stream ends or the parse must stop.

        The common events (scalars, starts and ends of collections) are handled inline;
        the rest go through `handle`.
        """
        import yaml

        scalar_event, map_start = yaml.ScalarEvent, yaml.MappingStartEvent
        seq_start, map_end, seq_end = (
            yaml.SequenceStartEvent,
            yaml.MappingEndEvent,
            yaml.SequenceEndEvent,
        )
        stack = self.stack
        place = self.place
        while True:
            event = next_event()
            if event is None:
                return
            kind = type(event)
            if kind is scalar_event:
                if event.anchor is not None or event.tag is not None:
                    self.check_node(event)
                if stack:
                    frame = stack[-1]
                    if frame[5] and frame[2] is None:  # a key
                        if event.value == "<<" and event.implicit[0]:
                            self.report(
                                event.start_mark, "PL004", "merge keys ('<<') are not allowed"
                            )
                        frame[2] = event.value
                        frame[3] = event.start_mark
                        continue
                text = event.value
                if event.implicit[0] and (not text or text[0] in _MAYBE_NOT_TEXT):
                    place(resolve_plain(text), event.start_mark)
                else:
                    place(text, event.start_mark)
            elif kind is map_end or kind is seq_end:
                stack.pop()
            elif kind is map_start:
                if not self.open(event, {}):
                    return
            elif kind is seq_start:
                if not self.open(event, []):
                    return
            elif not self.handle(event):
                return

    def handle(self, event: Any) -> bool:
        """Consume one event that `run` does not handle inline; False stops the parse."""
        import yaml

        if isinstance(event, yaml.AliasEvent):
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

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        builder.run(loader.get_event)
    finally:
        loader.dispose()


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


def read_document(
    file: str, text: str, *, depth: int | None = None
) -> tuple[Document, list[Diagnostic]]:
    """Parse YAML text into a Document; syntax and subset problems become diagnostics.

    With `depth`, only nodes whose path has at most that many parts get their position
    at once (`depth=0`: only the root); the rest are found by parsing `text` again when
    one is first asked for.
    """

    builder = _Builder(file, depth)
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
    if depth is not None:
        builder.doc.load_marks = lambda: read_document(file, text)[0].marks
    return builder.doc, builder.diagnostics
