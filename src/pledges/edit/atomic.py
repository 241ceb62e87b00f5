"""Atomic writes: a temporary file in the same directory replaces the original only if
the original has not changed since it was read.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from pledges.edit.session import CHANGED, WRITE_FAILED, Edit, refusal
from pledges.model.diagnostics import Diagnostic

# ---------------------------------------------------------------- writing


def write(edit: Edit) -> Diagnostic | None:
    """Write an edit atomically; refuse if the file changed on disk since it was read."""
    loaded = edit.loaded
    return write_bytes(loaded.path, loaded.name, loaded.raw, edit.data, loaded.mode)


def write_bytes(
    path: Path, name: str, original: bytes, data: bytes, mode: int
) -> Diagnostic | None:
    """Replace a file's bytes through a synced temporary file in the same directory.

    A crash at any point leaves either the original or the complete new file; the
    original is replaced only if it still holds the bytes the edit was computed from.
    """
    folder = path.parent
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        return refusal(name, WRITE_FAILED, f"cannot write next to the file: {exc.strerror}")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        if _current_bytes(path) != original:
            _unlink_quietly(temp)
            return refusal(
                name,
                CHANGED,
                "refusing to write: the file changed on disk since it was read",
                "run the command again",
            )
        os.replace(temp, path)
    except OSError as exc:
        _unlink_quietly(temp)
        return refusal(
            name,
            WRITE_FAILED,
            f"the edit was not written: {exc.strerror or exc}; the file is unchanged",
        )
    except BaseException:
        _unlink_quietly(temp)
        raise
    _fsync_dir(folder)
    return None


def _current_bytes(path: Path) -> bytes | None:
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
