"""One writer at a time per ledger: an advisory lock held from reading a file to replacing it.

The lock is `fcntl.flock` on `.pledges.lock` in the ledger root (the nearest folder with
`jurisdictions.yaml` or named `ledger`; a file outside any ledger locks its own folder).
The holder writes its process id into the file and deletes the file when it is done, so
a ledger at rest has no lock file. A holder that dies (even by `kill -9`) releases the
lock with its last descriptor; the file it leaves is taken over and deleted by the next
writer. A waiter that wins the lock on a file its previous holder has already deleted
starts again on the current one, so two writers never hold different files at once.
The file is a dot file that is not YAML: lint, fmt and the loader never read it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from pledges.edit.session import WRITE_FAILED, ledger_root, refusal
from pledges.model.diagnostics import Diagnostic
from pledges.read.safe import display_name

LOCK_NAME = ".pledges.lock"
DEFAULT_TIMEOUT = 30.0  # seconds a writer waits for another before it gives up
LOCKED = "PL906"  # another edit of the ledger held the lock for longer than the timeout

_POLL = 0.05  # seconds between attempts while waiting


@dataclass(frozen=True)
class Waiting:
    """What a writer is waiting for: the lock file, its holder and how long it will wait."""

    lock: str  # display name of the lock file
    holder: int | None  # process id written by the holder, when readable
    timeout: float


def lock_path(path: Path) -> Path:
    """The lock file that serialises writers of `path`'s ledger."""
    root = ledger_root(path)
    return (root if root is not None else path.resolve().parent) / LOCK_NAME


class LedgerLock:
    """A held lock; `release()` (or leaving the `with` block) deletes the file and frees it."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):  # deleted before it is freed: see the module doc
            os.unlink(self.path)
        os.close(self._fd)  # closing the last descriptor frees the flock
        self._fd = None

    def __enter__(self) -> LedgerLock:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


class LedgerLocks:
    """Several held locks, released together (in reverse order)."""

    def __init__(self, locks: list[LedgerLock]) -> None:
        self.locks = locks

    def release(self) -> None:
        for held in reversed(self.locks):
            held.release()

    def __enter__(self) -> LedgerLocks:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


def acquire_all(
    paths: Sequence[Path],
    name: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    on_wait: Callable[[Waiting], None] | None = None,
) -> LedgerLocks | Diagnostic:
    """The locks of every ledger `paths` belong to (usually one), taken in a fixed order.

    For an edit of several files at once; all are held, or none.
    """
    wanted = sorted({lock_path(path): path for path in paths}.items())
    held: list[LedgerLock] = []
    for _, path in wanted:
        lock = acquire(path, name, timeout=timeout, on_wait=on_wait)
        if isinstance(lock, Diagnostic):
            LedgerLocks(held).release()
            return lock
        held.append(lock)
    return LedgerLocks(held)


def acquire(
    path: Path,
    name: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    on_wait: Callable[[Waiting], None] | None = None,
) -> LedgerLock | Diagnostic:
    """Take the lock of `path`'s ledger, waiting up to `timeout` seconds for a holder.

    `on_wait` is called once, when the lock is found held. `name` is the edited file's
    display name, for the refusal when the lock cannot be taken.
    """
    where = lock_path(path)
    shown = display_name(where)
    deadline = time.monotonic() + max(timeout, 0.0)
    waiting: Waiting | None = None
    while True:
        fd = _open(where)
        if isinstance(fd, str):
            return refusal(
                name,
                WRITE_FAILED,
                f"refusing to edit: cannot lock the ledger for writing: {shown} {fd}",
            )
        held = _try_lock(fd)
        while not held:
            if waiting is None:
                waiting = Waiting(shown, _holder(fd), timeout)
                if on_wait is not None:
                    on_wait(waiting)
            if time.monotonic() >= deadline:
                holder = _holder(fd) or waiting.holder
                os.close(fd)
                by = f" by process {holder}" if holder else ""
                return refusal(
                    name,
                    LOCKED,
                    f"refusing to edit: another edit of this ledger held {shown}{by} "
                    f"for {timeout:g} s",
                    "run the command again when it has finished ($PLEDGES_LOCK_TIMEOUT "
                    "sets how many seconds to wait)",
                )
            time.sleep(_POLL)
            held = _try_lock(fd)
        if _same_file(fd, where):
            _write_pid(fd)
            return LedgerLock(where, fd)
        os.close(fd)  # the holder deleted it before we got it: lock the current file


def _open(where: Path) -> int | str:
    """A descriptor of the lock file (created when missing), or why it cannot be had."""
    flags = os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        try:
            fd = os.open(where, flags | os.O_RDWR, 0o644)
        except PermissionError:  # someone else's lock file: flock needs no write access
            fd = os.open(where, flags | os.O_RDONLY)
    except OSError as exc:
        return f"({exc.strerror or exc})"
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        return "(it is not a regular file)"
    return fd


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _same_file(fd: int, where: Path) -> bool:
    try:
        now = os.stat(where, follow_symlinks=False)
    except OSError:
        return False
    held = os.fstat(fd)
    return (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino)


def _write_pid(fd: int) -> None:
    with contextlib.suppress(OSError):  # opened read-only: the waiters go without a pid
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)


def _holder(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None
