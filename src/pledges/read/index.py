"""The incremental ledger index: the files of a ledger as rows, kept up to date by hash.

`LedgerIndex.refresh` walks the ledger, compares each file's size, times and inode with
its row (the first filter; a file changed within the last seconds is hashed again) and
its SHA-256 (the truth), and re-reads only files whose bytes changed; their rows are
replaced in one transaction, and results derived from what they held (a file's lint
findings, cached statuses) are dropped where the dependencies recorded with those results
say they read it. After a refresh the command reads one consistent snapshot.

Anything that goes wrong with the database raises `IndexUnavailableError` (the command then
reads the ledger without the index) or `StaleIndexError` (the ledger changed under the
command: it starts again). Neither is about user data.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import stat as stat_module
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pledges.model.diagnostics import Diagnostic, Severity
from pledges.model.document import Marks
from pledges.read.indexdb import (
    IndexUnavailableError,
    NotIndexableError,
    database_path,
    open_database,
    remove,
)
from pledges.read.indexfile import FileEntry, digest, index_file, is_racy, stat_of
from pledges.read.indexwrite import (
    archive_hash,
    archive_stat,
    archive_stats,
    drop_file,
    insert_entry,
    invalidate,
    invalidate_keys,
)
from pledges.read.loader import JURISDICTIONS_FILE, UNITS_FILE, display_names, ledger_rels
from pledges.read.parallel import each, jobs
from pledges.read.safe import MAX_FILE_BYTES, display_name, read_raw

__all__ = ["FileState", "IndexUnavailableError", "LedgerIndex", "StaleIndexError"]


class StaleIndexError(Exception):
    """The ledger changed while the command read it: refresh and start again."""


@dataclass(frozen=True)
class FileState:
    """One file of the snapshot: where it is, its hash and what loading it found."""

    rel: str
    kind: str
    ord: int
    path: Path
    name: str
    sha256: str
    unreadable: bool
    errors: int
    special: Diagnostic | None = None  # a link, FIFO, huge file...: never stored


class LedgerIndex:
    """The index of the ledger at `root`, open on its database."""

    def __init__(self, conn: sqlite3.Connection, root: Path, location: Path) -> None:
        self.conn = conn
        self.root = root
        self.location = location
        self.files: list[FileState] = []
        self.registries: list[FileState] = []
        self.generation = -1
        self.by_rel: dict[str, FileState] = {}

    @classmethod
    def open(cls, root: Path, cache_dir: Path, schema: str) -> LedgerIndex | None:
        location = database_path(cache_dir, root)
        conn = open_database(location, schema)
        return cls(conn, root, location) if conn is not None else None

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()

    def discard(self) -> None:
        """Close and delete a database that failed: the next command builds a new one."""
        self.close()
        remove(self.location)

    # -- refreshing -------------------------------------------------------------------

    def listing(self) -> list[tuple[str, str, int, Path, str]]:
        """(rel, kind, order, path, display name) of every file, registries last.

        A file name that is not UTF-8 cannot be a key of the database: such a ledger is
        read without the index.
        """
        found = [(rel, "ledger-file", n) for n, rel in enumerate(ledger_rels(self.root))]
        try:
            for rel, _, _ in found:
                rel.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise NotIndexableError("a file name is not UTF-8") from exc
        for order, (name, kind) in enumerate(
            ((JURISDICTIONS_FILE, "jurisdictions"), (UNITS_FILE, "units")), start=1
        ):
            path = self.root / name
            if path.exists() or path.is_symlink():
                found.append((name, kind, -order))
        names = display_names(self.root, [rel for rel, _, _ in found])
        return [
            (rel, kind, order, self.root / rel, name)
            for (rel, kind, order), name in zip(found, names, strict=True)
        ]

    def refresh(self, parallel: int | None = None, *, archives: bool = True) -> None:
        """Bring the rows up to date with the files, then open a read snapshot.

        Without `archives`, the rows of the archived texts are not checked: for a command
        that reads the texts it needs itself and uses no result derived from them (`show`).
        The next command that checks them drops what a change made out of date."""
        try:
            self._refresh(jobs() if parallel is None else parallel, archives)
        except sqlite3.Error as exc:
            raise IndexUnavailableError(str(exc)) from exc

    def _refresh(self, parallel: int, archives: bool = True) -> None:
        conn = self.conn
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        listing = self.listing()
        conn.execute("BEGIN")  # a snapshot: if nothing changed, it is the one to read
        rows = {
            r[0]: r
            for r in conn.execute(
                "SELECT path, kind, size, mtime_ns, ctime_ns, ino, racy, sha256, ord, "
                "unreadable, errors FROM files"
            )
        }
        specials: dict[str, Diagnostic] = {}
        stat_only: list[tuple[Any, ...]] = []
        to_parse: list[tuple[str, str, str]] = []
        for rel, kind, _, path, name in listing:
            try:
                info = os.lstat(path)
            except OSError:
                info = None
            if (
                info is None
                or not stat_module.S_ISREG(info.st_mode)
                or info.st_size > MAX_FILE_BYTES
            ):
                problem = read_raw(path, name)
                if isinstance(problem, Diagnostic):
                    specials[rel] = problem
                    continue
            row = rows.get(rel)
            if info is None:  # it became a plain file just now: read it afresh
                to_parse.append((str(path), rel, kind))
                continue
            current = stat_of(info)
            if row is not None and row[1] == kind and tuple(row[2:6]) == current and not row[6]:
                continue
            if row is not None and row[1] == kind and row[7]:
                sha = _hash(path)
                if sha == row[7]:
                    stat_only.append((*current, int(is_racy(current)), rel, sha))
                    continue
            to_parse.append((str(path), rel, kind))
        listed = {item[0] for item in listing}
        removed = [rel for rel in rows if rel not in listed or rel in specials]
        orders = [
            (order, rel)
            for rel, _, order, _, _ in listing
            if rel in rows and rel not in specials and rows[rel][8] != order
        ]
        if to_parse or removed or stat_only or orders:
            conn.execute("COMMIT")
            order_of = {rel: order for rel, _, order, _, _ in listing}
            self._write(_entries(to_parse, parallel), order_of, removed, stat_only, orders)
            conn.execute("BEGIN")
            rows = {
                r[0]: r
                for r in conn.execute(
                    "SELECT path, kind, size, mtime_ns, ctime_ns, ino, racy, sha256, ord, "
                    "unreadable, errors FROM files"
                )
            }
        self._snapshot(listing, specials, rows)
        if archives and self._archives_changed():
            conn.execute("COMMIT")
            self._snapshot(listing, specials, rows)

    def _archives_changed(self) -> bool:
        """Bring the rows of the archived texts the sources name up to date (stat first,
        then the hash), dropping results that read one that changed. Called in a read
        snapshot; True when it wrote (the caller takes a new snapshot)."""
        conn = self.conn
        named = [
            r[0]
            for r in conn.execute("SELECT DISTINCT archive FROM sources WHERE archive IS NOT NULL")
        ]
        rows = {
            r[0]: (r[1], r[2], r[3])
            for r in conn.execute("SELECT path, stat, racy, sha256 FROM archives")
        }
        changed: list[tuple[str, str, int, str]] = []
        folders: dict[Path, tuple[int, int, int, int]] = {}  # most archives share one
        for relative in named:
            key = archive_stat(self.root, relative, folders)
            row = rows.get(relative)
            if row is not None and row[0] == key and not row[1]:
                continue
            sha = archive_hash(self.root, relative)
            racy = int(any(is_racy(stat) for stat in archive_stats(self.root, relative)))
            if row is None or (row[0], row[1], row[2]) != (key, racy, sha):
                changed.append((relative, key, racy, sha))
        listed = set(named)
        gone = [relative for relative in rows if relative not in listed]
        if not changed and not gone:
            return False
        conn.execute("COMMIT")
        conn.execute("BEGIN IMMEDIATE")
        try:
            content = {r for r, _, _, sha in changed if rows.get(r, ("", 0, None))[2] != sha}
            conn.executemany(
                "INSERT OR REPLACE INTO archives(path, stat, racy, sha256) VALUES (?, ?, ?, ?)",
                changed,
            )
            conn.executemany("DELETE FROM archives WHERE path = ?", [(r,) for r in gone])
            invalidate_keys(conn, [("archive", r) for r in content | set(gone)])
            if content or gone:
                conn.execute(
                    "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'"
                )
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        conn.execute("BEGIN")
        return True

    def _write(
        self,
        entries: Iterable[FileEntry],
        order_of: dict[str, int],
        removed: Sequence[str],
        stat_only: Sequence[tuple[Any, ...]],
        orders: Sequence[tuple[int, str]],
    ) -> None:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            tool = self._tool()
            old_ids: dict[str, list[str]] = {}
            new_ids: dict[str, list[str]] = {}
            old_sources: dict[str, list[str]] = {}
            new_sources: dict[str, list[str]] = {}
            for rel in removed:
                drop_file(conn, rel, old_ids, old_sources)
            for entry in entries:
                drop_file(conn, entry.rel, old_ids, old_sources)
                insert_entry(conn, entry, order_of.get(entry.rel, 0), tool)
                new_ids[entry.rel] = [p[2] for p in entry.pledges]
                source = entry.source[1] if entry.source is not None else None
                new_sources[entry.rel] = [source] if source is not None else []
            conn.executemany(
                "UPDATE files SET size = ?, mtime_ns = ?, ctime_ns = ?, ino = ?, racy = ? "
                "WHERE path = ? AND sha256 = ?",
                stat_only,
            )
            conn.executemany("UPDATE files SET ord = ? WHERE path = ?", orders)
            changed = set(old_ids) | set(new_ids)
            invalidate(
                conn,
                {i for ids in (*old_ids.values(), *new_ids.values()) for i in ids},
                {i for ids in (*old_sources.values(), *new_sources.values()) for i in ids},
                ids_moved=any(old_ids.get(r, []) != new_ids.get(r, []) for r in changed),
                sources_moved=any(
                    old_sources.get(r, []) != new_sources.get(r, []) for r in changed
                ),
            )
            conn.execute(
                "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'"
            )
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise

    def _tool(self) -> tuple[str, str]:
        meta = dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
        return meta.get("tool", ""), meta.get("schema", "")

    def _snapshot(
        self,
        listing: list[tuple[str, str, int, Path, str]],
        specials: dict[str, Diagnostic],
        rows: dict[str, tuple[Any, ...]],
    ) -> None:
        conn = self.conn
        self.generation = int(
            conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0]
        )
        self.files, self.registries = [], []
        for rel, kind, order, path, name in listing:
            special = specials.get(rel)
            if special is not None:
                state = FileState(rel, kind, order, path, name, "", True, 1, special)
            else:
                row = rows.get(rel)
                if row is None or row[1] != kind:
                    raise StaleIndexError(f"{rel} is not in the index")
                state = FileState(rel, kind, order, path, name, row[7], bool(row[9]), row[10])
            (self.files if kind == "ledger-file" else self.registries).append(state)
        self.by_rel = {s.rel: s for s in (*self.files, *self.registries)}

    # -- reading the snapshot -----------------------------------------------------------

    def check_generation(self) -> None:
        """Raise StaleIndexError when another command changed the rows since the snapshot."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        if row is None or int(row[0]) != self.generation:
            raise StaleIndexError("the index changed while it was read")

    def env(self) -> str:
        """What results derived from a file may depend on beyond it: the registries, and
        where the command runs (messages name archived texts relative to it)."""
        parts = [
            f"{s.rel}:{s.sha256}:{s.special.message if s.special else ''}" for s in self.registries
        ]
        parts.append(display_name(self.root))
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]

    def unreadable(self) -> bool:
        return any(s.unreadable for s in (*self.files, *self.registries))

    def load_errors(self) -> int:
        return sum(s.errors for s in (*self.files, *self.registries))

    def load_diagnostics(self) -> list[Diagnostic]:
        """What reading, parsing and schema-checking every file found (the loader's part)."""
        found: list[Diagnostic] = []
        states = (*self.files, *self.registries)
        stored = {
            r[0]: r[1]
            for r in self.conn.execute(
                "SELECT path, diagnostics FROM files WHERE errors > 0 OR diagnostics != '[]'"
            )
        }
        for state in states:
            if state.special is not None:
                found.append(state.special)
            elif state.rel in stored:
                found += diagnostics_from(state.name, stored[state.rel])
        return found

    def data(self, rel: str) -> Any:
        """The parsed data of one file (None when it did not parse)."""
        row = self.conn.execute("SELECT data FROM filedata WHERE path = ?", (rel,)).fetchone()
        if row is None:
            if rel not in self.by_rel:
                raise StaleIndexError(f"{rel} left the index")
            return None
        return decode(row[0])

    def marks_loader(self, state: FileState) -> Callable[[], Marks]:
        """Positions of every node of a file, read again from disk when first needed."""

        def load() -> Marks:
            from pledges.read.safe import RawFile
            from pledges.read.yamlread import read_document

            raw = read_raw(state.path, state.name)
            if not isinstance(raw, RawFile) or digest(raw.data) != state.sha256:
                raise StaleIndexError(f"{state.name} changed while it was read")
            return read_document(state.name, raw.text)[0].marks

        return load

    def write(self, fill: Callable[[sqlite3.Connection], None]) -> bool:
        """Store derived results in one transaction, unless the snapshot is out of date.

        Returns False (nothing stored) when another command changed the rows meanwhile or
        the database cannot be written; the snapshot is open again afterwards either way.
        """
        conn = self.conn
        stored = False
        try:
            if conn.in_transaction:
                conn.execute("COMMIT")
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
                if row is not None and int(row[0]) == self.generation:
                    fill(conn)
                    stored = True
                conn.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError:
            stored = False
        try:
            conn.execute("BEGIN")
            self.check_generation()
        except sqlite3.Error as exc:
            raise IndexUnavailableError(str(exc)) from exc
        return stored


def decode(text: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError) as exc:
        raise IndexUnavailableError("the index holds data it cannot read") from exc


def diagnostics_from(name: str, text: str) -> list[Diagnostic]:
    items = decode(text)
    try:
        return [
            Diagnostic(name, line, column, code, Severity(severity), message, hint, path)
            for line, column, code, severity, message, hint, path in items
        ]
    except (TypeError, ValueError) as exc:
        raise IndexUnavailableError("the index holds diagnostics it cannot read") from exc


def _hash(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            return hashlib.sha256(handle.read(MAX_FILE_BYTES + 1)).hexdigest()
    except OSError:
        return ""


def _index_star(item: tuple[str, str, str]) -> FileEntry:
    return index_file(*item)


def _entries(items: list[tuple[str, str, str]], parallel: int) -> Iterator[FileEntry]:
    """Each file indexed, in order; over worker processes when many files changed."""
    return each(_index_star, items, workers=parallel)
