"""Archived source texts: read safely from the ledger, hashed, never raising.

A ledger keeps the text of each source document it quotes under `sources/`, one UTF-8
file per source; the source block records the file's path relative to the ledger root
(`archive`) and its SHA-256 (`sha256`). A source id is mapped to a file name by
percent-encoding every character outside `A-Z a-z 0-9 _ . - ~` (so `/` becomes `%2F`)
and a leading `.` (so no archive is a hidden file): the mapping is one-to-one.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from pledges.model.diagnostics import Diagnostic
from pledges.model.sourcetext import SourceText
from pledges.read.safe import display_name, read_raw

SOURCES_DIR = "sources"
ARCHIVE_SUFFIX = ".txt"
MAX_ARCHIVE_BYTES = 16 * 1024 * 1024


def archive_name(source_id: str) -> str:
    """The file name of a source's archive: `xiaoshan-2023` → `xiaoshan-2023.txt`,
    `cn/report` → `cn%2Freport.txt`."""
    from urllib.parse import quote

    name = quote(source_id, safe="")
    if name.startswith("."):
        name = "%2E" + name[1:]
    return name + ARCHIVE_SUFFIX


def archive_path(source_id: str) -> str:
    """Where `pledges source add` keeps a source's text, relative to the ledger root."""
    return f"{SOURCES_DIR}/{archive_name(source_id)}"


def path_problem(relative: str) -> str | None:
    """Why an `archive` value cannot name a file inside the ledger, or None."""
    if not relative:
        return "is empty"
    if "\\" in relative or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in relative):
        return "must use '/' between folders and no control characters"
    if relative.startswith("/") or (len(relative) > 1 and relative[1] == ":"):
        return "must be a path relative to the ledger directory"
    parts = relative.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "must not contain empty, '.' or '..' segments"
    if any(part.startswith(".") for part in parts):
        return "must not name a hidden file or folder"
    return None


class Archive(NamedTuple):
    """One archived source text as read from disk."""

    relative: str  # the `archive` value: path relative to the ledger root
    name: str  # display name of the file
    sha256: str  # of the bytes on disk
    text: SourceText


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _linked_folder(root: Path, relative: str) -> str | None:
    """The first folder on the way from the root to the file that is a symbolic link."""
    folder = root
    for part in PurePosixPath(relative).parts[:-1]:
        folder = folder / part
        try:
            if stat.S_ISLNK(os.lstat(folder).st_mode):
                return part
        except OSError:
            return None
    return None


def read_archive(root: Path, relative: str, name: str | None = None) -> Archive | str:
    """Read the archive `relative` of the ledger at `root`; a problem is a message
    (completing "the archive … ") instead of an exception."""
    problem = path_problem(relative)
    if problem:
        return f"'{relative}' {problem}"
    path = root.joinpath(*relative.split("/"))
    shown = name or display_name(path)
    linked = _linked_folder(root, relative)
    if linked is not None:
        return f"{shown}: the folder '{linked}' is a symbolic link; archives must lie in the ledger"
    raw = read_raw(path, shown, limit=MAX_ARCHIVE_BYTES, kind="archived source texts")
    if isinstance(raw, Diagnostic):
        return f"{shown} {raw.message}"
    return Archive(relative, shown, sha256_of(raw.data), SourceText(raw.text))


def read_archives(root: Path, relatives: Iterable[str]) -> dict[str, Archive | str]:
    """Each distinct archive once: relative path → archive or problem."""
    found: dict[str, Archive | str] = {}
    for relative in relatives:
        if relative not in found:
            found[relative] = read_archive(root, relative)
    return found


__all__ = [
    "ARCHIVE_SUFFIX",
    "MAX_ARCHIVE_BYTES",
    "SOURCES_DIR",
    "Archive",
    "archive_name",
    "archive_path",
    "path_problem",
    "read_archive",
    "read_archives",
    "sha256_of",
]
