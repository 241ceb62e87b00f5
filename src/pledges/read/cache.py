"""A content-addressed cache of parsed and schema-checked files.

An entry is a small JSON file: a header that binds it to the cache format, the package
version, the schema files, the kind of file, the SHA-256 of the file's bytes and the
part of the result it holds, and the value. The file name is the hash of that header,
and a read checks the header again, so an entry for other content, another release or
another schema is never used, wherever it sits.

Reading never follows a link and never blocks on a FIFO or device (`O_NOFOLLOW`,
`O_NONBLOCK`, then `fstat` must show a regular file of at most MAX_ENTRY_BYTES); it
trusts only entries, and entry folders, that belong to the current user and that no
one else can write. JSON cannot run code or crash the interpreter when damaged; the
caller checks the shape of every value it gets. Writes go through a temporary file
renamed into place. Anything unexpected is a miss: the cache is an optimisation, and
a failure to read or write it is silent and never changes an answer.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import stat
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pledges import __version__

# bump when the shape of cached entries changes
FORMAT = 3
MAX_ENTRY_BYTES = 64 * 1024 * 1024
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_READ_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0)
_DIR_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_DIRECTORY", 0)


def default_cache_dir() -> Path:
    configured = os.environ.get("PLEDGES_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pledges"


@dataclass(frozen=True)
class Key:
    """What an entry is for: a kind of file, the SHA-256 of its bytes, a part of its result."""

    kind: str
    sha256: str
    part: str = "parse"

    def with_part(self, part: str) -> Key:
        return replace(self, part=part)


class Cache:
    def __init__(self, directory: Path, schema: str) -> None:
        self.directory = directory
        self.schema = schema  # digest of the schema files the entries were checked with

    def key(self, kind: str, data: bytes) -> Key:
        return Key(kind, hashlib.sha256(data).hexdigest())

    def header(self, key: Key) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": __version__,
            "schema": self.schema,
            "kind": key.kind,
            "sha256": key.sha256,
            "part": key.part,
        }

    def path(self, key: Key) -> Path:
        """Where the entry for `key` lives: the hash of its header names it."""
        name = hashlib.sha256(_dump(self.header(key))).hexdigest()
        return self.directory / name[:2] / f"{name}.json"

    def get(self, key: Key) -> Any:
        """The value stored for `key`, or None: missing, damaged or untrusted is a miss."""
        try:
            stored = json.loads(_read(self.path(key)))
        except Exception:  # a missing, special, foreign, huge or damaged entry
            return None
        if not isinstance(stored, dict) or stored.keys() != {"header", "value"}:
            return None
        if stored["header"] != self.header(key):
            return None
        return stored["value"]

    def put(self, key: Key, value: Any) -> None:
        """Store a JSON-able value for `key`; silently nothing when that cannot be done."""
        path = self.path(key)
        with contextlib.suppress(Exception):  # no cache is better than a failed command
            data = _dump({"header": self.header(key), "value": value})
            if len(data) <= MAX_ENTRY_BYTES:
                _write(path, data)


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def _trusted(info: os.stat_result) -> bool:
    """Owned by the current user, and writable by no one else."""
    return info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _open_folder(folder: Path, *, repair: bool = False) -> int:
    """A descriptor of an entry folder that only its owner, the current user, can write.

    With `repair`, a folder of the user's that others could write (made under a lax
    umask) is closed to them first: what others put there is not the user's, and is
    never read.
    """
    fd = os.open(folder, _DIR_FLAGS)
    try:
        info = os.fstat(fd)
        if repair and info.st_uid == os.geteuid() and not _trusted(info):
            os.fchmod(fd, 0o700)
            info = os.fstat(fd)
        if not _trusted(info):
            raise PermissionError(f"{folder} can be written by others")
    except BaseException:
        os.close(fd)
        raise
    return fd


def _read(path: Path) -> bytes:
    folder = _open_folder(path.parent)
    try:
        fd = os.open(path.name, _READ_FLAGS, dir_fd=folder)
    finally:
        os.close(folder)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or not _trusted(info):
            raise PermissionError(f"{path} is not a regular file of this user's")
        if info.st_size > MAX_ENTRY_BYTES:
            raise ValueError(f"{path} is too large")
        data = handle.read(MAX_ENTRY_BYTES + 1)
    if len(data) > MAX_ENTRY_BYTES:
        raise ValueError(f"{path} is too large")
    return data


def _write(path: Path, data: bytes) -> None:
    path.parent.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        path.parent.mkdir(mode=0o700)
    folder = _open_folder(path.parent, repair=True)
    temp = f".tmp-{secrets.token_hex(8)}"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600, dir_fd=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temp, path.name, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp, dir_fd=folder)
            raise
    finally:
        os.close(folder)
