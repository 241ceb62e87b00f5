"""The ledger index's database: where it lives, its tables, and opening it safely.

The index is derived and disposable: one SQLite database (WAL journal) per ledger root in
the cache directory. A database that is damaged, truncated, from another format, another
release of pledges or another schema is never trusted: its tables are dropped (or the
file removed when SQLite cannot read it) and rebuilt. When the cache directory cannot be
written, or the database stays locked, `open_database` returns None and the command reads
the ledger without an index. The tables are documented in docs/index.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
from pathlib import Path

from pledges import __version__

# bump when the tables or what they hold change
FORMAT = 2
# how long a command waits for another one's write before reading without the index
BUSY_SECONDS = 30.0

TABLES = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(
    path TEXT PRIMARY KEY, kind TEXT NOT NULL, ord INTEGER NOT NULL,
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
    ino INTEGER NOT NULL, racy INTEGER NOT NULL, sha256 TEXT NOT NULL,
    tool TEXT NOT NULL, schema TEXT NOT NULL,
    unreadable INTEGER NOT NULL, errors INTEGER NOT NULL, diagnostics TEXT NOT NULL);
CREATE TABLE filedata(path TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE sources(
    file TEXT PRIMARY KEY, id TEXT, title TEXT, title_en TEXT, publisher TEXT,
    jurisdiction TEXT, date TEXT, url TEXT, archive TEXT, raw TEXT NOT NULL,
    id_line INTEGER NOT NULL, id_column INTEGER NOT NULL);
CREATE INDEX sources_id ON sources(id);
CREATE TABLE pledges(
    file TEXT NOT NULL, idx INTEGER NOT NULL, id TEXT NOT NULL, norm TEXT NOT NULL,
    line INTEGER NOT NULL, column INTEGER NOT NULL,
    id_line INTEGER NOT NULL, id_column INTEGER NOT NULL,
    title TEXT, quote TEXT, jurisdiction TEXT, source TEXT, made TEXT, deadline TEXT,
    deadline_end TEXT, binding INTEGER NOT NULL, metric_name TEXT, metric_unit TEXT,
    target_op TEXT, target_value REAL, target_ref TEXT,
    PRIMARY KEY(file, idx)) WITHOUT ROWID;
CREATE INDEX pledges_id ON pledges(id);
CREATE INDEX pledges_norm ON pledges(norm);
CREATE TABLE tags(file TEXT NOT NULL, idx INTEGER NOT NULL, tag TEXT NOT NULL);
CREATE INDEX tags_pledge ON tags(file, idx);
CREATE TABLE observations(
    file TEXT NOT NULL, idx INTEGER NOT NULL, kind TEXT NOT NULL, number INTEGER NOT NULL,
    period TEXT, period_start TEXT, period_end TEXT, value REAL, level TEXT, unit TEXT,
    outcome INTEGER NOT NULL, note TEXT);
CREATE INDEX observations_pledge ON observations(file, idx);
CREATE TABLE assessments(
    file TEXT NOT NULL, idx INTEGER NOT NULL, status TEXT, as_of TEXT, rationale TEXT);
CREATE INDEX assessments_pledge ON assessments(file, idx);
CREATE TABLE jurisdictions(
    file TEXT NOT NULL, number INTEGER NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL,
    name_en TEXT NOT NULL, level TEXT NOT NULL, code TEXT);
CREATE TABLE units(
    file TEXT NOT NULL, number INTEGER NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL,
    name_en TEXT NOT NULL, dimension TEXT NOT NULL, factor REAL NOT NULL,
    aliases TEXT NOT NULL, levels TEXT NOT NULL);
CREATE TABLE findings(
    file TEXT NOT NULL, env TEXT NOT NULL, as_of TEXT NOT NULL, sha256 TEXT NOT NULL,
    diagnostics TEXT NOT NULL, counts TEXT NOT NULL,
    PRIMARY KEY(file, env, as_of)) WITHOUT ROWID;
CREATE TABLE evalsets(
    file TEXT NOT NULL, env TEXT NOT NULL, as_of TEXT NOT NULL, sha256 TEXT NOT NULL,
    PRIMARY KEY(file, env, as_of)) WITHOUT ROWID;
CREATE TABLE evals(
    file TEXT NOT NULL, idx INTEGER NOT NULL, env TEXT NOT NULL, as_of TEXT NOT NULL,
    status TEXT NOT NULL, rank INTEGER NOT NULL, progress REAL, binding INTEGER NOT NULL,
    same_as TEXT, by_jurisdiction TEXT NOT NULL, by_source TEXT NOT NULL,
    by_year TEXT NOT NULL, w_id INTEGER NOT NULL, w_status INTEGER NOT NULL,
    w_progress INTEGER NOT NULL, w_due INTEGER NOT NULL, w_figure INTEGER NOT NULL,
    w_target INTEGER NOT NULL, due TEXT NOT NULL, figure TEXT NOT NULL,
    target TEXT NOT NULL, head TEXT NOT NULL, tail TEXT NOT NULL);
CREATE UNIQUE INDEX evals_key ON evals(env, as_of, file, idx);
CREATE INDEX evals_file ON evals(file);
CREATE TABLE deps(
    file TEXT NOT NULL, what TEXT NOT NULL, env TEXT NOT NULL, as_of TEXT NOT NULL,
    kind TEXT NOT NULL, key TEXT NOT NULL);
CREATE INDEX deps_key ON deps(kind, key);
CREATE INDEX deps_owner ON deps(file, what, env, as_of);
CREATE TABLE archives(path TEXT PRIMARY KEY, stat TEXT NOT NULL, racy INTEGER NOT NULL,
    sha256 TEXT NOT NULL);
CREATE TABLE results(key TEXT PRIMARY KEY, diagnostics TEXT NOT NULL);
CREATE TABLE recent(what TEXT NOT NULL, as_of TEXT NOT NULL, used INTEGER NOT NULL,
    PRIMARY KEY(what, as_of));
"""

# the tables that hold rows of one file, by the column naming the file
FILE_TABLES = (
    ("files", "path"),
    ("filedata", "path"),
    ("sources", "file"),
    ("pledges", "file"),
    ("tags", "file"),
    ("observations", "file"),
    ("assessments", "file"),
    ("jurisdictions", "file"),
    ("units", "file"),
    ("findings", "file"),
    ("evalsets", "file"),
    ("evals", "file"),
    ("deps", "file"),
)


class IndexUnavailableError(Exception):
    """The index cannot be used for this run; the command reads the ledger without it."""


class NotIndexableError(IndexUnavailableError):
    """This ledger cannot be kept in the index (e.g. a file name that is not UTF-8); the
    database is fine and stays."""


def database_path(cache_dir: Path, root: Path) -> Path:
    key = hashlib.sha256(os.fsencode(os.path.realpath(root))).hexdigest()[:32]
    return cache_dir / "index" / f"{key}.sqlite3"


def stamp(schema: str) -> dict[str, str]:
    """What a database must say about itself to be trusted by this release."""
    return {"format": str(FORMAT), "tool": __version__, "schema": schema}


def _damaged(path: Path) -> bool:
    """A file SQLite would reject or misread: not a database, or cut short of its pages.

    Only checked when no write-ahead log is beside it (with one, the log holds pages the
    file does not have yet, and SQLite itself reports damage).
    """
    try:
        size = path.stat().st_size
    except OSError:
        return False
    if size == 0:
        return False
    wal = Path(f"{path}-wal")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
        if wal.exists() and wal.stat().st_size > 0:
            return len(header) < 100 or not header.startswith(b"SQLite format 3\x00")
    except OSError:
        return True
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return True
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512:
        return True
    pages = int.from_bytes(header[28:32], "big")
    counted = header[24:28] == header[92:96]
    return size % page_size != 0 or (counted and size < pages * page_size)


def remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
    try:
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()
        if not mode or str(mode[0]).lower() != "wal":
            raise IndexUnavailableError("the index database cannot use a write-ahead log")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA cache_size=-16000")
    except BaseException:
        conn.close()
        raise
    return conn


def _current(conn: sqlite3.Connection, wanted: dict[str, str]) -> bool:
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version != FORMAT:
            return False
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as exc:
        if "no such table" in str(exc):
            return False
        raise
    if not all(meta.get(k) == v for k, v in wanted.items()):
        return False
    names = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    return names == _TABLE_NAMES


_TABLE_NAMES = frozenset(re.findall(r"CREATE TABLE (\w+)", TABLES))


def schema_error(exc: BaseException) -> bool:
    """Whether SQLite refused a query because the tables are not the ones it names."""
    text = str(exc)
    return text.startswith(("no such table", "no such column")) or "has no column" in text


def _reset(conn: sqlite3.Connection, wanted: dict[str, str]) -> None:
    """Drop whatever the database holds and create empty tables, in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        if _current(conn, wanted):  # another command got there first
            conn.execute("COMMIT")
            return
        names = conn.execute(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchall()
        for kind, name in names:
            if kind in ("table", "view"):
                quoted = '"' + str(name).replace('"', '""') + '"'
                conn.execute(f"DROP {kind.upper()} IF EXISTS {quoted}")
        for statement in TABLES.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.executemany(
            "INSERT INTO meta(key, value) VALUES (?, ?)", [*wanted.items(), ("generation", "0")]
        )
        conn.execute(f"PRAGMA user_version={FORMAT}")
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise


def open_database(path: Path, schema: str) -> sqlite3.Connection | None:
    """The index database at `path`, current and usable, or None to go without it."""
    wanted = stamp(schema)
    for attempt in range(2):
        conn = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if _damaged(path):
                remove(path)
            conn = _connect(path)
            if not _current(conn, wanted):
                _reset(conn, wanted)
            return conn
        except (OSError, IndexUnavailableError):
            pass
        except sqlite3.DatabaseError as exc:
            if not isinstance(exc, sqlite3.OperationalError) and not attempt:
                if conn is not None:
                    conn.close()
                remove(path)  # not a database SQLite can read: start again
                continue
        except sqlite3.Error:
            pass
        if conn is not None:  # locked, read-only, out of space: go without it this time
            conn.close()
        return None
    return None
