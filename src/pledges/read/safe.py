"""Reading ledger files from disk safely: no links, no devices, bounded size, UTF-8."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from pledges.model.diagnostics import Diagnostic, Severity

MAX_FILE_BYTES = 8 * 1024 * 1024
BOM = b"\xef\xbb\xbf"
_CONFLICT_PREFIXES = ("<<<<<<< ", ">>>>>>> ", "||||||| ")


@dataclass(frozen=True)
class RawFile:
    """A ledger file's bytes and decoded text (BOM removed)."""

    name: str
    data: bytes
    text: str


def _unreadable(name: str, message: str, line: int = 1, column: int = 1) -> Diagnostic:
    return Diagnostic(name, line, column, "PL001", Severity.ERROR, message)


def read_bytes(
    path: Path, name: str, *, limit: int = MAX_FILE_BYTES, kind: str = "ledger files"
) -> bytes | Diagnostic:
    """A regular file's bytes, at most `limit` of them; links and devices are refused."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        return _unreadable(name, f"cannot be read: {exc.strerror or exc}")
    if stat.S_ISLNK(info.st_mode):
        return _unreadable(name, f"is a symbolic link; {kind} must be regular files")
    if not stat.S_ISREG(info.st_mode):
        return _unreadable(name, "is not a regular file (a directory, FIFO or device)")
    cap = f"{limit / (1024 * 1024):g} MiB"
    if info.st_size > limit:
        size = info.st_size / (1024 * 1024)
        return _unreadable(name, f"is {size:.1f} MiB; {kind} are limited to {cap}")
    try:
        fd = os.open(
            path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        )
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        return _unreadable(name, f"cannot be read: {exc.strerror or exc}")
    if len(data) > limit:
        return _unreadable(name, f"is larger than {cap}; {kind} are limited to {cap}")
    return data


def read_raw(
    path: Path, name: str, *, limit: int = MAX_FILE_BYTES, kind: str = "ledger files"
) -> RawFile | Diagnostic:
    """Read a file's bytes, refusing what is not a plain text file of at most `limit` bytes."""
    data = read_bytes(path, name, limit=limit, kind=kind)
    if isinstance(data, Diagnostic):
        return data
    return decode(name, data, text="YAML text" if kind == "ledger files" else "text")


def decode(name: str, data: bytes, *, text: str = "YAML text") -> RawFile | Diagnostic:
    if b"\x00" in data:
        return _unreadable(name, f"is a binary file (it contains NUL bytes), not {text}")
    body = data[len(BOM) :] if data.startswith(BOM) else data
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = body[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        return _unreadable(
            name,
            f"is not valid UTF-8 (byte 0x{body[exc.start]:02x}); save it as UTF-8",
            line,
            column,
        )
    return RawFile(name, data, decoded)


def conflict_markers_in(name: str, text: str) -> list[Diagnostic]:
    """Merge-conflict markers left in a file, found before the YAML parser sees them."""
    found: list[Diagnostic] = []
    if "<<<<<<<" not in text and "=======" not in text and ">>>>>>>" not in text:
        return found
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(_CONFLICT_PREFIXES) or line.rstrip("\r") == "=======":
            found.append(
                Diagnostic(
                    name,
                    number,
                    1,
                    "PL006",
                    Severity.ERROR,
                    "merge-conflict marker left in the file",
                    "resolve the conflict and delete the marker lines",
                )
            )
    return found


def conflict_markers(raw: RawFile) -> list[Diagnostic]:
    return conflict_markers_in(raw.name, raw.text)


def printable(name: str) -> str:
    """A file name fit to show: bytes that are not UTF-8 become `\\xNN` escapes.

    File names are bytes; Python keeps the undecodable ones as lone surrogates, which no
    output (UTF-8 text, JSON, SARIF) can carry.
    """
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that no file name decodes to
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def display_name(path: Path) -> str:
    """The name diagnostics and outputs use for a file: relative when near, printable."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return printable(str(path))
    return printable(str(path) if relative.startswith(".." + os.sep + "..") else relative)
