"""GitHub Actions workflow commands, and text that must never be read as one.

A runner reads any line of a step's output that starts, after leading whitespace, with
`::` as a command (`::error`, `::add-mask::`, `::stop-commands::`) and a line starting
`##[` as log markup. Inside a command the message is percent-encoded (`%`, CR, LF) and
property values also encode `:` and `,`; other controls show as visible escapes so an
annotation cannot carry terminal sequences into the log viewer.

Everything else pledges prints goes through `guard_line` (via `LineGuard` on the CLI's
streams): a line that would start with `::` or `##[` gets a backslash in front of it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import IO

from pledges.present.escape.controls import LINE_BREAKS, show

COMMAND_STARTS = ("::", "##[")
# Leading whitespace and the SGR/CSI sequences rich writes for styles, which a log viewer
# hides: what is left is where a runner starts reading.
_LEAD = re.compile(r"(?:\s|\x1b\[[0-9;:?]*[ -/]*[@-~])*")
_PARTIAL_CSI = re.compile(r"\x1b(?:\[[0-9;:?]*[ -/]*)?\Z")


def data(value: object) -> str:
    """A command's message: `%`, CR and LF percent-encoded, other controls visible."""
    text = str(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return show(text)


def prop(value: object) -> str:
    """A command's property value: as `data`, with `:` and `,` encoded too."""
    return data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: Mapping[str, object], message: object) -> str:
    """One workflow command line: `::name key=value,...::message`."""
    props = ",".join(f"{key}={prop(value)}" for key, value in properties.items())
    return f"::{name} {props}::{data(message)}" if props else f"::{name}::{data(message)}"


def guard_line(line: str) -> str:
    """`line` (without its line break), unable to start a workflow command."""
    lead = _LEAD.match(line)
    start = lead.end() if lead else 0
    if line.startswith(COMMAND_STARTS, start):
        return line[:start] + "\\" + line[start:]
    return line


def guard(text: str) -> str:
    """Every line of `text` through `guard_line`, line breaks kept."""
    return "".join(_guard_ended(line) for line in text.splitlines(keepends=True))


def _guard_ended(line: str) -> str:
    body = line.rstrip(LINE_BREAKS)
    return guard_line(body) + line[len(body) :]


def _undecided(start: str) -> bool:
    """Whether the start of a line could still become a command with more text."""
    lead = _LEAD.match(start)
    rest = start[lead.end() if lead else 0 :]
    if _PARTIAL_CSI.match(rest):
        return True
    return any(prefix.startswith(rest) and prefix != rest for prefix in COMMAND_STARTS)


class LineGuard(io.TextIOBase):
    """A text stream that passes writes through `guard_line`, line by line.

    Writes may split a line anywhere: the start of a line is held back only while it
    could still turn into `::` or `##[`, and written on the next write or flush.
    """

    def __init__(self, stream: IO[str]) -> None:
        super().__init__()
        self._stream = stream
        self._pending = ""
        self._mid_line = False

    def write(self, text: str) -> int:
        out: list[str] = []
        chunk = self._pending + text
        self._pending = ""
        if "::" not in chunk and "##[" not in chunk:
            self._write_plain(chunk)
            return len(text)
        for line in chunk.splitlines(keepends=True):
            body = line.rstrip(LINE_BREAKS)
            ended = len(body) < len(line)
            if self._mid_line:
                out.append(line)
            elif not ended and _undecided(body):
                self._pending = body
            else:
                out.append(guard_line(body) + line[len(body) :])
            self._mid_line = not ended and not self._pending
        self._stream.write("".join(out))
        return len(text)

    def _write_plain(self, chunk: str) -> None:
        """`write` for text in which no line can start a command: only the unfinished
        last line (which the next write may continue) needs looking at."""
        cut = max(chunk.rfind(c) for c in LINE_BREAKS) + 1
        last = chunk[cut:]
        if not chunk:
            return
        if not last:
            self._mid_line = False
        elif not (cut == 0 and self._mid_line):
            if _undecided(last):
                self._pending = last
                chunk = chunk[:cut]
            self._mid_line = not self._pending
        self._stream.write(chunk)

    def flush(self) -> None:
        if self._pending:
            self._stream.write(self._pending)
            self._pending = ""
            self._mid_line = True
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", None) or "utf-8"

    def writable(self) -> bool:
        return True
