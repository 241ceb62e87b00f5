"""Writing the ledger index: one file's rows in and out, derived results dropped when
what they read changed, and the bookkeeping of stored results (dependencies, dates).

Called inside the write transactions of `read.index`; nothing here commits.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat as stat_module
from collections.abc import Sequence
from pathlib import Path

from pledges.read.indexdb import FILE_TABLES
from pledges.read.indexfile import FileEntry, Row, stat_of


def insert_entry(
    conn: sqlite3.Connection, entry: FileEntry, order: int, tool: tuple[str, str]
) -> None:
    conn.execute(
        "INSERT INTO files(path, kind, ord, size, mtime_ns, ctime_ns, ino, racy, sha256, tool, "
        "schema, unreadable, errors, diagnostics) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            entry.rel,
            entry.kind,
            order,
            *entry.stat,
            int(entry.racy),
            entry.sha256,
            *tool,
            int(entry.unreadable),
            entry.errors,
            json.dumps(entry.diagnostics, ensure_ascii=False),
        ),
    )
    if entry.data is not None:
        conn.execute("INSERT INTO filedata(path, data) VALUES (?, ?)", (entry.rel, entry.data))
    if entry.source is not None:
        conn.execute(
            "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", entry.source
        )
    insert_rows(conn, "pledges", 21, entry.pledges)
    insert_rows(conn, "tags", 3, entry.tags)
    insert_rows(conn, "observations", 12, entry.observations)
    insert_rows(conn, "assessments", 5, entry.assessments)
    if entry.kind == "jurisdictions":
        insert_rows(conn, "jurisdictions", 7, entry.registry)
    elif entry.kind == "units":
        insert_rows(conn, "units", 9, entry.registry)


def insert_rows(conn: sqlite3.Connection, table: str, width: int, rows: list[Row]) -> None:
    if rows:
        marks = ", ".join("?" * width)
        conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


def invalidate(
    conn: sqlite3.Connection,
    ids: set[str],
    sources: set[str],
    *,
    ids_moved: bool,
    sources_moved: bool,
) -> None:
    """Drop derived results that read an id or source whose rows changed."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS changed(kind TEXT, key TEXT)")
    conn.execute("DELETE FROM temp.changed")
    conn.executemany(
        "INSERT INTO temp.changed VALUES (?, ?)",
        [("pledge", k) for k in ids] + [("source", k) for k in sources],
    )
    if ids_moved:
        conn.execute("INSERT INTO temp.changed VALUES ('pledges', '')")
    if sources_moved:
        conn.execute("INSERT INTO temp.changed VALUES ('sources', '')")
    drop_dependents(conn)


def drop_dependents(conn: sqlite3.Connection) -> None:
    owners = conn.execute(
        "SELECT DISTINCT d.file, d.what, d.env, d.as_of FROM deps d "
        "JOIN temp.changed c ON c.kind = d.kind AND c.key = d.key"
    ).fetchall()
    for file, what, env, as_of in owners:
        key = (file, env, as_of)
        if what == "findings":
            conn.execute("DELETE FROM findings WHERE file = ? AND env = ? AND as_of = ?", key)
        else:
            conn.execute("DELETE FROM evalsets WHERE file = ? AND env = ? AND as_of = ?", key)
            conn.execute("DELETE FROM evals WHERE file = ? AND env = ? AND as_of = ?", key)
        conn.execute(
            "DELETE FROM deps WHERE file = ? AND what = ? AND env = ? AND as_of = ?",
            (file, what, env, as_of),
        )


def archive_stats(
    root: Path, relative: str, folders: dict[Path, tuple[int, int, int, int]] | None = None
) -> list[tuple[int, int, int, int]]:
    """lstat of an archive and of the folder holding it (a folder turned into a link
    changes what reading the archive finds); `folders` keeps the folders' within a run."""
    path = root.joinpath(*relative.split("/"))
    found = [_lstat(path)]
    if folders is None:
        found.append(_lstat(path.parent))
    else:
        if path.parent not in folders:
            folders[path.parent] = _lstat(path.parent)
        found.append(folders[path.parent])
    return found


def _lstat(target: Path) -> tuple[int, int, int, int]:
    try:
        info = os.lstat(target)
        size, mtime, ctime, inode = stat_of(info)
    except (OSError, ValueError):
        return (-1, 0, 0, 0)
    return (size, mtime, ctime, inode ^ (info.st_mode << 32))


def archive_stat(
    root: Path, relative: str, folders: dict[Path, tuple[int, int, int, int]] | None = None
) -> str:
    return json.dumps(archive_stats(root, relative, folders))


def archive_hash(root: Path, relative: str) -> str:
    path = root.joinpath(*relative.split("/"))
    try:
        if not stat_module.S_ISREG(os.lstat(path).st_mode):
            return "not a file"
        with path.open("rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except (OSError, ValueError):
        return "unreadable"


def invalidate_keys(conn: sqlite3.Connection, keys: Sequence[tuple[str, str]]) -> None:
    """Drop the derived results that read any of these (kind, key) pairs."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS changed(kind TEXT, key TEXT)")
    conn.execute("DELETE FROM temp.changed")
    conn.executemany("INSERT INTO temp.changed VALUES (?, ?)", keys)
    drop_dependents(conn)


def drop_file(
    conn: sqlite3.Connection,
    rel: str,
    old_ids: dict[str, list[str]],
    old_sources: dict[str, list[str]],
) -> None:
    """Delete every row of one file, noting the ids and source ids it held."""
    old_ids[rel] = [
        r[0] for r in conn.execute("SELECT id FROM pledges WHERE file = ? ORDER BY idx", (rel,))
    ]
    old_sources[rel] = [
        r[0]
        for r in conn.execute("SELECT id FROM sources WHERE file = ? AND id IS NOT NULL", (rel,))
    ]
    for table, column in FILE_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (rel,))


# how many --as-of dates keep their derived results (findings that read the date, statuses)
KEEP_DATES = 4


def forget(conn: sqlite3.Connection, what: str, env: str, as_of: str) -> None:
    """Note that results for `as_of` were just stored; drop results of other registries
    and of all but the most recent dates."""
    conn.execute(
        "INSERT OR REPLACE INTO recent(what, as_of, used) "
        "VALUES (?, ?, (SELECT coalesce(max(used), 0) + 1 FROM recent))",
        (what, as_of),
    )
    stale = [
        r[0]
        for r in conn.execute(
            "SELECT as_of FROM recent WHERE what = ? AND as_of != '' "
            "ORDER BY used DESC LIMIT -1 OFFSET ?",
            (what, KEEP_DATES),
        )
    ]
    tables = ("findings",) if what == "findings" else ("evalsets", "evals")
    for table in tables:
        conn.execute(f"DELETE FROM {table} WHERE env != ?", (env,))
        conn.executemany(f"DELETE FROM {table} WHERE as_of = ?", [(d,) for d in stale])
    conn.execute("DELETE FROM deps WHERE what = ? AND env != ?", (what, env))
    conn.executemany("DELETE FROM deps WHERE what = ? AND as_of = ?", [(what, d) for d in stale])
    conn.executemany("DELETE FROM recent WHERE what = ? AND as_of = ?", [(what, d) for d in stale])


def store_deps(
    conn: sqlite3.Connection,
    owner: tuple[str, str, str, str],
    deps: Sequence[tuple[str, str]],
) -> None:
    """Record what a derived result of one file read: (file, what, env, as_of) -> keys."""
    conn.execute("DELETE FROM deps WHERE file = ? AND what = ? AND env = ? AND as_of = ?", owner)
    conn.executemany(
        "INSERT INTO deps(file, what, env, as_of, kind, key) VALUES (?, ?, ?, ?, ?, ?)",
        [(*owner, kind, key) for kind, key in deps],
    )
