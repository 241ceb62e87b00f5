"""`list` and `status` over the ledger index.

Each pledge is judged as `judge.query.evaluate_all` judges it (drafts left out, by the
same status engine); its record and table cells, rendered once per `--as-of` date by the
caller, are stored in the index with its status, progress and the groups of the status
report, so filtering and sorting happen in SQL and the rows stream out without building
the model of the whole ledger (`judge/indexreport.py` queries them for tables and the
status report).
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from pledges.judge.indexed import IndexedLedger, Tracker
from pledges.judge.query import Filters, Row, found_in, to_judge
from pledges.judge.scoreboard import labels
from pledges.judge.status import STATUSES, evaluate
from pledges.model.registries import within
from pledges.read.index import FileState, LedgerIndex
from pledges.read.indexwrite import forget, store_deps
from pledges.read.loader import Progress

# A pledge rendered for output by the caller, one value per column of `RENDERED`: the
# display widths of its table row's id and fixed columns, the cells of that row that are
# not in `pledges`, and its `list --format json` record split around the file name
# (which depends on where the command runs). The long texts come last: a query that
# reads only the columns before them does not read their pages.
Render = Callable[[Row], tuple[Any, ...]]
RENDERED = (
    "w_id",
    "w_status",
    "w_progress",
    "w_due",
    "w_figure",
    "w_target",
    "due",
    "figure",
    "target",
    "head",
    "tail",
)
# what the status report groups by, stored per pledge (tags come from the `tags` table)
GROUPED = ("jurisdiction", "source", "year")

# files whose statuses are stored per transaction while priming
_BATCH_FILES = 100


def functions(conn: sqlite3.Connection) -> None:
    conn.create_function("pledges_within", 2, _within, deterministic=True)
    conn.create_function("pledges_found", 5, _found, deterministic=True)


def _within(jurisdiction: str | None, ancestor: str) -> int:
    return int(jurisdiction is not None and within(jurisdiction, ancestor))


def _found(needle: str, title: str | None, quote: str | None, pid: str, metric: str | None) -> int:
    return int(found_in(needle, title, quote, pid, metric))


def conditions(filters: Filters, *, statuses: bool) -> tuple[list[str], list[Any]]:
    """SQL conditions on `pledges p` (and `evals e` for statuses), as `query._matches`."""
    where: list[str] = []
    params: list[Any] = []
    if statuses and filters.statuses:
        where.append(f"e.status IN ({', '.join('?' * len(filters.statuses))})")
        params += filters.statuses
    if filters.jurisdiction is not None:
        where.append("pledges_within(p.jurisdiction, ?)")
        params.append(filters.jurisdiction)
    if filters.tags:
        marks = ", ".join("?" * len(filters.tags))
        where.append(
            "EXISTS (SELECT 1 FROM tags t WHERE t.file = p.file AND t.idx = p.idx "
            f"AND t.tag IN ({marks}))"
        )
        params += filters.tags
    if filters.source is not None:
        where.append("p.source = ?")
        params.append(filters.source)
    if filters.due_before is not None:
        where.append("p.deadline_end < ?")
        params.append(filters.due_before.isoformat())
    if filters.due_after is not None:
        where.append("p.deadline_end > ?")
        params.append(filters.due_after.isoformat())
    if filters.binding is not None:
        where.append("p.binding = ?")
        params.append(int(filters.binding))
    if filters.search is not None:
        where.append("pledges_found(?, p.title, p.quote, p.id, p.metric_name)")
        params.append(filters.search)
    return where, params


_DEADLINE = "coalesce(p.deadline_end, '9999-12-31')"
ORDER = {
    "id": "p.id",
    "deadline": f"{_DEADLINE}, p.id",
    "status": f"e.rank, {_DEADLINE}, p.id",
    "progress": "e.progress IS NULL, -coalesce(e.progress, 0.0), p.id",
    "jurisdiction": "coalesce(p.jurisdiction, ''), p.id",
    "file": "f.path, p.idx",
}


def prime(
    index: LedgerIndex, as_of: date, render: Render, progress: Progress | None = None
) -> bool:
    """Store every pledge's status and rendered record for `as_of`; False if that failed.

    `progress(done, total)` counts the pledges of the files judged, file by file.
    """
    env = index.env()
    when = as_of.isoformat()
    done = {
        (file, sha)
        for file, sha in index.conn.execute(
            "SELECT file, sha256 FROM evalsets WHERE env = ? AND as_of = ?", (env, when)
        )
    }
    missing = [s for s in index.files if s.special is None and (s.rel, s.sha256) not in done]
    if not missing:
        return True
    sizes: dict[str, int] = {}
    if progress is not None:
        sizes = dict(index.conn.execute("SELECT file, count(*) FROM pledges GROUP BY file"))
    total = sum(sizes.get(s.rel, 0) for s in missing)
    judged = 0
    if progress is not None:
        progress(judged, total)
    ledger = IndexedLedger(index)
    for start in range(0, len(missing), _BATCH_FILES):
        batch: list[_Judged | None] = []
        for state in missing[start : start + _BATCH_FILES]:
            batch.append(_judge_file(ledger, state, as_of, render))
            judged += sizes.get(state.rel, 0)
            if progress is not None:
                progress(judged, total)
        if any(item is None for item in batch):
            return False
        if not index.write(partial(_store, batch, env, when)):
            return False
    return True


_Judged = tuple[FileState, list[tuple[Any, ...]], Tracker]


def _judge_file(
    ledger: IndexedLedger, state: FileState, as_of: date, render: Render
) -> _Judged | None:
    tracker = Tracker()
    built = ledger.pin(state)
    context = ledger.context(tracker)
    found: list[tuple[Any, ...]] = []
    try:
        for pledge, verdict_on in to_judge(built.pledges if built is not None else ()):
            evaluation = evaluate(verdict_on, as_of, context)
            progress = evaluation.progress
            if progress is not None and not math.isfinite(progress):
                return None  # SQL would not sort it as Python does: not stored
            row = Row(pledge, evaluation)
            rank = STATUSES.index(evaluation.status)
            groups = [labels(pledge, by, ledger.registry)[0] for by in GROUPED]
            judged = (evaluation.status, rank, progress, int(pledge.binding), pledge.same_as)
            found.append((pledge.path[1], *judged, *groups, *render(row)))
    finally:
        ledger.unpin(state)
    return state, found, tracker


_COLUMNS = (
    "file",
    "idx",
    "env",
    "as_of",
    "status",
    "rank",
    "progress",
    "binding",
    "same_as",
    *(f"by_{by}" for by in GROUPED),
    *RENDERED,
)
_INSERT = f"INSERT INTO evals({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"


def _store(batch: list[_Judged | None], env: str, when: str, conn: sqlite3.Connection) -> None:
    for item in batch:
        assert item is not None
        state, found, tracker = item
        key = (state.rel, env, when)
        conn.execute("DELETE FROM evals WHERE file = ? AND env = ? AND as_of = ?", key)
        conn.executemany(_INSERT, [(state.rel, idx, env, when, *rest) for idx, *rest in found])
        conn.execute(
            "INSERT OR REPLACE INTO evalsets(file, env, as_of, sha256) VALUES (?, ?, ?, ?)",
            (*key, state.sha256),
        )
        store_deps(conn, (state.rel, "evals", env, when), tracker.rows())
    forget(conn, "evals", env, when)
