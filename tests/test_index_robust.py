"""The ledger index survives: kill -9 mid-update, damaged and foreign databases, a cache
directory that cannot be written, a lock held elsewhere, and commands running at once.

Every case ends with the output the command gives without an index. The commands run as
separate processes, as a user runs them.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pledges import __version__
from pledges.read.indexdb import database_path
from tests.conftest import ROOT, Result

GENERATOR = ROOT / "benchmarks" / "gen_ledger.py"
AS_OF = "2026-01-01"
LINT = ("lint", "--as-of", AS_OF)
LIST = ("list", "--format", "json", "--sort", "status", "--as-of", AS_OF)


def env_for(cache: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, PLEDGES_CACHE_DIR=str(cache), NO_COLOR="1", **extra)
    env.pop("PLEDGES_LEDGER", None)
    env.pop("PLEDGES_NO_INDEX", None)
    return env


def pledges(root: Path, cache: Path, *args: str, **extra: str) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "pledges", *args, "--ledger", str(root)],
        env=env_for(cache, **extra),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    return done.returncode, done.stdout, done.stderr


def start(root: Path, cache: Path, *args: str, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pledges", *args, "--ledger", str(root)],
        env=env_for(cache, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("robust") / "ledger"
    subprocess.run(
        [sys.executable, str(GENERATOR), str(root), "600", "--files", "30", "--seeds", "none"],
        check=True,
        capture_output=True,
    )
    return root


class Edits:
    """Two versions of the ledger's files, and each command's expected output for each.

    `every` edits every file (an update that rewrites the whole index), else one file.
    """

    def __init__(self, root: Path, cache: Path, *, every: bool = False) -> None:
        self.root = root
        paths = sorted(root.rglob("*.yaml"))
        self.paths = [p for p in paths if p.parent != root] if every else [paths[5]]
        self.original = {p: p.read_text(encoding="utf-8") for p in self.paths}
        self.edited = {p: _edit(text) for p, text in self.original.items()}
        self.expected: dict[tuple[bool, tuple[str, ...]], tuple[int, str, str]] = {}
        for edited in (False, True):
            self.set(edited)
            for args in (LINT, LIST):
                self.expected[edited, args] = pledges(root, cache, *args, PLEDGES_NO_INDEX="1")
        self.set(False)

    def set(self, edited: bool) -> None:
        for path in self.paths:
            path.write_text((self.edited if edited else self.original)[path], encoding="utf-8")
        self.current = edited

    def check(self, cache: Path, **extra: str) -> None:
        for args in (LINT, LIST):
            assert pledges(self.root, cache, *args, **extra) == self.expected[self.current, args]


def _edit(text: str) -> str:
    edited = text.replace("    title: ", "    title: Edited: ", 3)
    edited = edited.replace("- id: ", "- id: x", 1)  # a pledge id changes too
    assert edited != text
    return edited


@pytest.fixture
def edits(generated: Path, tmp_path: Path) -> Iterator[Edits]:
    made = Edits(generated, tmp_path / "plain-cache")
    yield made
    made.set(False)


@pytest.fixture
def every_edit(generated: Path, tmp_path: Path) -> Iterator[Edits]:
    made = Edits(generated, tmp_path / "plain-cache", every=True)
    yield made
    made.set(False)


def db(cache: Path, root: Path) -> Path:
    return database_path(cache, root)


def _writing(path: Path) -> bool:
    """Whether some process holds the index's write lock right now."""
    try:
        probe = sqlite3.connect(path, timeout=0, isolation_level=None)
    except sqlite3.Error:
        return False
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc)
    finally:
        probe.close()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_kill_9_in_the_middle_of_an_update(every_edit: Edits, tmp_path: Path, workers: str) -> None:
    """Each round rewrites every file; the command is killed while it holds the write lock
    (or, in the last rounds, at fixed times), and the next command reads correctly."""
    cache = tmp_path / "cache"
    every_edit.check(cache)  # an index of the first version exists
    path = db(cache, every_edit.root)
    caught = 0
    for round_number in range(6):
        every_edit.set(round_number % 2 == 0)
        process = start(every_edit.root, cache, *LINT, PLEDGES_JOBS=workers)
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if round_number >= 4:
                time.sleep(0.3 * round_number - 1.0)
                break
            if _writing(path):
                caught += 1
                break
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)  # no worker outlives it holding the pipes
    assert caught >= 2  # most rounds ended inside the update
    every_edit.check(cache)
    every_edit.set(not every_edit.current)
    every_edit.check(cache)


@pytest.mark.parametrize("keep", [0, 50, 1000, 4096 + 17, "half"])
def test_a_truncated_database_is_rebuilt(edits: Edits, tmp_path: Path, keep: int | str) -> None:
    cache = tmp_path / "cache"
    edits.check(cache)
    path = db(cache, edits.root)
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.truncate(size // 2 if keep == "half" else int(keep))
    edits.check(cache)
    edits.set(True)
    edits.check(cache)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_database_of_garbage_is_rebuilt(edits: Edits, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    edits.check(cache)
    path = db(cache, edits.root)
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(50_000))
    edits.check(cache)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE meta SET value = '0.0.0-other' WHERE key = 'tool'",
        "UPDATE meta SET value = 'another-schema' WHERE key = 'schema'",
        "PRAGMA user_version = 99",
        "DROP TABLE pledges",
        "UPDATE filedata SET data = '{not json'",
        "UPDATE files SET diagnostics = '[[1, 2]]'",
        "DELETE FROM files WHERE rowid % 2 = 0",
    ],
)
def test_a_database_from_another_version_or_tampered_with_is_not_trusted(
    edits: Edits, tmp_path: Path, statement: str
) -> None:
    cache = tmp_path / "cache"
    edits.check(cache)
    path = db(cache, edits.root)
    with sqlite3.connect(path) as conn:
        conn.execute(statement)
    edits.check(cache)
    edits.set(True)
    edits.check(cache)
    with sqlite3.connect(path) as conn:
        assert dict(conn.execute("SELECT key, value FROM meta"))["tool"] == __version__


def test_a_foreign_sqlite_database_is_replaced(edits: Edits, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    path = db(cache, edits.root)
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes(text TEXT)")
        conn.execute("INSERT INTO notes VALUES ('mine')")
    edits.check(cache)
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "notes" not in tables and "pledges" in tables


def test_a_cache_directory_that_is_a_file(edits: Edits, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x", encoding="utf-8")
    edits.check(blocker / "cache")


def test_a_database_path_that_cannot_be_opened(edits: Edits, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    db(cache, edits.root).mkdir(parents=True)
    edits.check(cache)


@pytest.mark.skipif(os.geteuid() == 0, reason="permissions do not bind the superuser")
def test_a_read_only_cache_directory(edits: Edits, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    edits.check(cache)  # an index exists, then the directory becomes read-only
    for folder in (cache, cache / "index"):
        folder.chmod(0o500)
    try:
        edits.set(True)
        edits.check(cache)
        fresh = tmp_path / "fresh"
        fresh.mkdir(mode=0o500)
        edits.check(fresh)
    finally:
        for folder in (cache, cache / "index"):
            folder.chmod(0o700)


def test_a_database_sqlite_can_only_read(
    edits: Edits, tmp_path: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a read-only cache directory does to SQLite, also under the superuser (whom
    file permissions do not bind): the database opens read-only (`mode=ro`), so every
    write fails, and a database that does not exist yet cannot be created."""
    cache = tmp_path / "cache"
    edits.check(cache)  # an index exists
    real_connect = sqlite3.connect

    def read_only(path: str | Path, timeout: float, isolation_level: None) -> sqlite3.Connection:
        uri = f"file:{path}?mode=ro"
        return real_connect(uri, timeout=timeout, isolation_level=isolation_level, uri=True)

    monkeypatch.setattr("pledges.read.indexdb.sqlite3.connect", read_only)
    edits.set(True)  # the index would need an update it cannot write
    for folder in (cache, tmp_path / "fresh"):
        monkeypatch.setenv("PLEDGES_CACHE_DIR", str(folder))
        for args in (LINT, LIST):
            result = run(*args, "--ledger", str(edits.root))
            expected = edits.expected[True, args]
            assert (result.exit_code, result.stdout, result.stderr) == expected


def test_a_lock_held_elsewhere(
    edits: Edits, tmp_path: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A command that must update the index but cannot get the lock reads without it."""
    cache = tmp_path / "cache"
    edits.check(cache)
    monkeypatch.setenv("PLEDGES_CACHE_DIR", str(cache))
    monkeypatch.setattr("pledges.read.indexdb.BUSY_SECONDS", 0.2)
    holder = sqlite3.connect(db(cache, edits.root), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        edits.set(True)
        for args in (LINT, LIST):
            result = run(*args, "--ledger", str(edits.root))
            expected = edits.expected[True, args]
            assert (result.exit_code, result.stdout, result.stderr) == expected
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_commands_running_at_once(edits: Edits, tmp_path: Path, workers: str) -> None:
    cache = tmp_path / "cache"
    for round_number in range(4):
        edits.set(round_number % 2 == 1)
        running = [
            (args, start(edits.root, cache, *args, PLEDGES_JOBS=workers))
            for args in (LINT, LIST, LINT, LIST)
        ]
        for args, process in running:
            stdout, stderr = process.communicate(timeout=300)
            assert (process.returncode, stdout, stderr) == edits.expected[edits.current, args]
