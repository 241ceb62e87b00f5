"""The tables of `list` and the status report over the ledger index.

Every pledge's status, `list --format json` record, table cells and their widths, and the
groups it falls in are stored per `--as-of` date by `indexquery.prime` (the status
engine's output, rendered once). These queries filter and sort them in SQL, as
`query.select` and `query.sort_rows` do, and hand them out one by one: a table is laid
out from `widths` (a first pass over narrow columns) and then streamed from `listed`; the
status report counts its scoreboards from `tallied` and then streams its groups from
`grouped`, each group's pledges by deadline as `status` sorts them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, NamedTuple

from pledges.judge.indexquery import ORDER, conditions, functions
from pledges.judge.query import Filters
from pledges.judge.scoreboard import GROUPINGS, UNTAGGED, Tallied
from pledges.read.index import LedgerIndex


class Listed(NamedTuple):
    """One pledge as its stored rendering gives it back, in the order asked for."""

    group: str  # the title of the group it is listed under ("" outside `grouped`)
    file: str  # its file's display name
    id: str
    title: str | None
    quote: str | None
    status: str
    progress: float | None
    due: str
    figure: str
    target: str
    head: str  # its `list --format json` record before the file name
    tail: str  # and after it


_LISTED = (
    "p.file, p.id, p.title, p.quote, e.status, e.progress, e.due, e.figure, e.target, "
    "e.head, e.tail"
)
_WIDTHS = "e.w_id, e.w_status, e.w_progress, e.w_due, e.w_figure, e.w_target"
_FROM = (
    "FROM pledges p JOIN files f ON f.path = p.file "
    "JOIN evals e ON e.file = p.file AND e.idx = p.idx AND e.env = ? AND e.as_of = ? "
)
# the status report sorts each group's pledges by deadline
_GROUP_SORT = "deadline"


def _label(by: str) -> tuple[str, str]:
    """(SQL of a pledge's group title under `by`, the join it needs)."""
    if by not in GROUPINGS:
        by = GROUPINGS[0]
    if by == "tag":
        join = "LEFT JOIN tags t ON t.file = p.file AND t.idx = p.idx "
        return "coalesce(t.tag, ?)", join
    return f"e.by_{by}", ""


def _query(
    index: LedgerIndex, as_of: date, filters: Filters, columns: str, by: str | None, order: str
) -> Iterator[tuple[Any, ...]]:
    functions(index.conn)
    where, params = conditions(filters, statuses=True)
    condition = f"WHERE {' AND '.join(where)}" if where else ""
    label, join, head = "''", "", [index.env(), as_of.isoformat()]
    if by is not None:
        label, join = _label(by)
        if join:
            head = [UNTAGGED, *head]
    query = f"SELECT {label}, {columns} {_FROM}{join}{condition}"
    if order:
        query += f" ORDER BY {order}"
    yield from index.conn.execute(query, [*head, *params])


def _sorted(sort: str) -> str:
    return f"{ORDER.get(sort, ORDER['id'])}, f.ord, p.idx"


def widths(index: LedgerIndex, as_of: date, filters: Filters) -> Iterator[tuple[int, ...]]:
    """The display widths of each listed pledge's id and fixed columns, in no order."""
    for _, *found in _query(index, as_of, filters, _WIDTHS, None, ""):
        yield tuple(found)


def listed(index: LedgerIndex, as_of: date, filters: Filters, sort: str) -> Iterator[Listed]:
    """The pledges `filters` select, sorted by `sort` (`query.SORT_KEYS`)."""
    names = {s.rel: s.name for s in index.files}
    for label, file, *rest in _query(index, as_of, filters, _LISTED, None, _sorted(sort)):
        yield Listed(label, names[file], *rest)


class Counted(NamedTuple):
    """One pledge in one group, as a scoreboard counts it and a table measures it."""

    group: str
    key: tuple[str, int]  # (file, idx): a pledge listed under several groups is one pledge
    tallied: Tallied
    widths: tuple[int, ...]


def tallied(index: LedgerIndex, as_of: date, filters: Filters, by: str) -> Iterator[Counted]:
    """Each selected pledge once per group it falls in under `by`, in no order."""
    columns = f"p.file, p.idx, p.id, e.same_as, e.status, p.binding, {_WIDTHS}"
    for label, file, idx, pid, same_as, status, binding, *found in _query(
        index, as_of, filters, columns, by, ""
    ):
        item = Tallied(pid, same_as, status, bool(binding))
        yield Counted(label, (file, idx), item, tuple(found))


def grouped(index: LedgerIndex, as_of: date, filters: Filters, by: str) -> Iterator[Listed]:
    """Each selected pledge once per group it falls in under `by`: groups in the order of
    their titles, the pledges of a group by deadline."""
    names = {s.rel: s.name for s in index.files}
    order = f"1, {_sorted(_GROUP_SORT)}"
    for label, file, *rest in _query(index, as_of, filters, _LISTED, by, order):
        yield Listed(label, names[file], *rest)
