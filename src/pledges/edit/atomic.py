"""Atomic writes: a temporary file in the same directory replaces the original only if
the original has not changed since it was read, with the ledger's lock held from the
read to the rename (pledges.edit.lock) so that two writers never both succeed on the
same bytes.

Temporary files are named `.<file name>.<8 random characters>.tmp`: dot files that are
not YAML, so the loader, lint and fmt never read them. One left behind by a writer that
died (`kill -9`, power loss) is deleted by the next write of the same file. Copies of
originals kept by a multi-file write (`.<file name>.original-<random>.tmp`) are not.
A new file is created whole or not at all (`create`), never over an existing one.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from pledges.edit.lock import DEFAULT_TIMEOUT, Waiting, acquire
from pledges.edit.session import (
    CHANGED,
    EXISTS,
    REFUSED,
    WRITE_FAILED,
    Edit,
    Loaded,
    open_for_edit,
    refusal,
)
from pledges.model.diagnostics import Diagnostic
from pledges.read.cache import Cache
from pledges.read.loader import LoadResult
from pledges.read.safe import MAX_FILE_BYTES, display_name

Plan = Callable[[Loaded], Edit | list[Diagnostic]]
TEMP_SUFFIX = ".tmp"
_TEMP_RANDOM = r"[a-z0-9_]{8}"  # what tempfile.mkstemp puts between prefix and suffix
# copies of originals kept while several files are replaced: never cleaned as stale, as
# one may be the only copy left of a file a failed roll-back could not restore
ORIGINAL = "original-"

# ---------------------------------------------------------------- editing


def apply_edit(
    path: Path,
    as_of: date,
    plan: Plan,
    root: Path | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    on_wait: Callable[[Waiting], None] | None = None,
    kind: str = "ledger-file",
    cache: Cache | None = None,
    prior: LoadResult | Loaded | None = None,
) -> Edit | list[Diagnostic]:
    """Open a file for editing, plan the edit on what was read, verify and write it.

    The ledger's lock is held from the read to the rename; a writer that finds it held
    waits up to `timeout` seconds (`on_wait` is told once) and is then refused.
    Returns the written edit, or the diagnostics that refused it (the file unchanged).
    `kind` is the file's kind: a ledger file, or a registry ("jurisdictions", "units").
    `prior` (what the caller read before the lock) is used only if no file changed since
    (`session.open_for_edit`); `cache` is the parse cache for anything read again.
    """
    held = acquire(path, display_name(path), timeout=timeout, on_wait=on_wait)
    if isinstance(held, Diagnostic):
        return [held]
    with held:
        loaded = open_for_edit(path, as_of, root, kind, cache=cache, prior=prior)
        if isinstance(loaded, list):
            return loaded
        edit = plan(loaded)
        if isinstance(edit, list):
            return edit
        problem = write(edit)
    return [problem] if problem is not None else edit


# ---------------------------------------------------------------- writing


def write(edit: Edit) -> Diagnostic | None:
    """Write an edit atomically; refuse if the file changed on disk since it was read.

    The caller holds the ledger's lock (apply_edit does): the check and the rename are
    atomic together only against writers that take it too.
    """
    loaded = edit.loaded
    return write_bytes(loaded.path, loaded.name, loaded.raw, edit.data, loaded.mode)


def write_bytes(
    path: Path, name: str, original: bytes, data: bytes, mode: int
) -> Diagnostic | None:
    """Replace a file's bytes through a synced temporary file in the same directory.

    A crash at any point leaves either the original or the complete new file; the
    original is replaced only if it still holds the bytes the edit was computed from,
    is writable, and the new bytes stay within the reader's size limit.
    """
    folder = path.parent
    problem = _unwritable(path, name, data)
    if problem is not None:
        return problem
    _remove_stale_temps(path)
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=folder)
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


def write_all(edits: Sequence[Edit]) -> Diagnostic | None:
    """Write edits to several files as one: every file is replaced, or none is.

    New texts and copies of the originals are written and synced next to each file
    first; the files are replaced only if each still holds the bytes its edit was
    computed from. If a replacement fails part-way, the files already replaced get
    their original bytes back by renaming the copies over them. The caller holds the
    lock of the files' ledger (pledges.edit.lock), as for `write`.
    """
    for edit in edits:
        problem = _unwritable(edit.loaded.path, edit.loaded.name, edit.data)
        if problem is not None:
            return problem
    for edit in edits:
        _remove_stale_temps(edit.loaded.path)
    staged: list[tuple[Edit, str, str]] = []  # edit, temporary new text, copy of the original
    try:
        for edit in edits:
            loaded = edit.loaded
            fresh = _stage(loaded.path, edit.data, loaded.mode)
            staged.append((edit, fresh, ""))
            copy = _stage(loaded.path, loaded.raw, loaded.mode, ORIGINAL)
            staged[-1] = (edit, fresh, copy)
    except OSError as exc:
        _discard(staged)
        name = edits[len(staged) - 1 if staged else 0].loaded.name
        return refusal(name, WRITE_FAILED, f"cannot write next to the file: {exc.strerror}")
    for edit, _, _ in staged:
        if _current_bytes(edit.loaded.path) != edit.loaded.raw:
            _discard(staged)
            return refusal(
                edit.loaded.name,
                CHANGED,
                "refusing to write: the file changed on disk since it was read; "
                "no file was changed",
                "run the command again",
            )
    done: list[tuple[Edit, str, str]] = []
    for item in staged:
        edit, fresh, _ = item
        try:
            os.replace(fresh, edit.loaded.path)
        except OSError as exc:
            return _roll_back(edit, exc, done, staged)
        done.append(item)
    _discard([(e, "", copy) for e, _, copy in staged])
    for folder in {edit.loaded.path.parent for edit in edits}:
        _fsync_dir(folder)
    return None


def _stage(path: Path, data: bytes, mode: int, kind: str = "") -> str:
    prefix = f".{path.name}.{kind}"
    fd, temp = tempfile.mkstemp(prefix=prefix, suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
    except BaseException:
        _unlink_quietly(temp)
        raise
    return temp


def _discard(staged: Sequence[tuple[Edit, str, str]]) -> None:
    for _, fresh, copy in staged:
        for temp in (fresh, copy):
            if temp:
                _unlink_quietly(temp)


def _roll_back(
    failed: Edit,
    exc: OSError,
    done: Sequence[tuple[Edit, str, str]],
    staged: Sequence[tuple[Edit, str, str]],
) -> Diagnostic:
    """Put back the originals of the files already replaced; report what happened."""
    stuck: list[str] = []
    kept: set[str] = set()
    for edit, _, copy in reversed(done):
        try:
            os.replace(copy, edit.loaded.path)
        except OSError:
            stuck.append(f"{edit.loaded.name} (its original is kept in {copy})")
            kept.add(copy)
    for _, fresh, copy in staged:  # temporaries already renamed are gone: unlinking is a no-op
        _unlink_quietly(fresh)
        if copy not in kept:
            _unlink_quietly(copy)
    message = f"the edit was not written: {exc.strerror or exc}"
    if stuck:
        return refusal(
            failed.loaded.name,
            WRITE_FAILED,
            f"{message}; could not restore " + ", ".join(stuck),
            "move each original back by hand",
        )
    return refusal(failed.loaded.name, WRITE_FAILED, f"{message}; every file is as it was")


def _unwritable(path: Path, name: str, data: bytes) -> Diagnostic | None:
    """Refuse what the next read would reject, and a file its owner made read-only."""
    if len(data) > MAX_FILE_BYTES:
        return refusal(
            name,
            REFUSED,
            f"refusing to write: the edited file would be {len(data)} bytes, over the 8 MiB "
            f"({MAX_FILE_BYTES} bytes) ledger files are limited to",
            "split it: one source document per file",
        )
    try:
        mode = stat.S_IMODE(os.lstat(path).st_mode)
    except OSError:
        return None  # the changed-on-disk check reports it
    if not mode & 0o222 or not os.access(path, os.W_OK, follow_symlinks=False):
        return refusal(
            name,
            REFUSED,
            f"refusing to write: the file is read-only (mode {mode:04o})",
            "make it writable first if it should be edited",
        )
    return None


def temp_pattern(path: Path) -> re.Pattern[str]:
    """The names of the temporary files written next to `path`."""
    return re.compile(re.escape(f".{path.name}.") + _TEMP_RANDOM + re.escape(TEMP_SUFFIX))


def _remove_stale_temps(path: Path) -> None:
    """Delete temporary files of `path` left by writers that died before their rename.

    Writers hold the ledger's lock, so no live writer has one of these files open.
    """
    pattern = temp_pattern(path)
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return
    for entry in entries:
        if pattern.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
            _unlink_quietly(entry.path)


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


def create(path: Path, name: str, data: bytes, mode: int = 0o666) -> Diagnostic | None:
    """Create a new file atomically, never replacing one: the complete file appears under
    its name at once (a hard link of a synced temporary file), or nothing does."""
    folder = path.parent
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        return refusal(name, WRITE_FAILED, f"cannot write in its folder: {exc.strerror}")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode & ~_umask())
            os.fsync(handle.fileno())
        os.link(temp, path)
    except FileExistsError:
        return refusal(name, EXISTS, "already exists; refusing to overwrite it")
    except OSError as exc:
        return refusal(name, WRITE_FAILED, f"was not written: {exc.strerror or exc}")
    finally:
        _unlink_quietly(temp)
    _fsync_dir(folder)
    return None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
