"""The tables of `list` and the status report over the ledger index.

Every pledge's status, `list --format json` record, table cells and their widths, and the
groups it falls in are stored per `--as-of` date by `indexquery.prime` (the status
engine's output, rendered once). These queries filter and sort them in SQL, as
`query.select` and `query.sort_rows` do, and hand them out one by one: a table is laid
out from `widths` (aggregates over the width columns) and then streamed from `listed`;
the status report counts its scoreboards in SQL (`scoreboards`) and then streams its
groups from `grouped`, each group's pledges by deadline as `status` sorts them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any, NamedTuple

from pledges.judge.indexquery import ORDER, conditions, functions
from pledges.judge.query import Filters
from pledges.judge.scoreboard import GROUPINGS, UNTAGGED, Scoreboard, counted_board
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
    due: str  # the cells of its table row ("" when records were asked for)
    figure: str
    target: str
    head: str  # its `list --format json` record before the file name ("" for a table)
    tail: str  # and after it


_RECORD = "e.head, e.tail"
_CELLS = "e.due, e.figure, e.target"
# the status report sorts each group's pledges by deadline
_GROUP_SORT = "deadline"
# ids asked about in one query
_IDS_AT_ONCE = 500


def _label(by: str) -> tuple[str, str]:
    """(SQL of a pledge's group title under `by`, the join it needs)."""
    if by not in GROUPINGS:
        by = GROUPINGS[0]
    if by == "tag":
        join = "LEFT JOIN tags t ON t.file = e.file AND t.idx = e.idx "
        return "coalesce(t.tag, ?)", join
    return f"e.by_{by}", ""


def _query(
    index: LedgerIndex,
    as_of: date,
    filters: Filters,
    columns: str,
    by: str | None = None,
    *,
    more: tuple[str, list[Any]] = ("", []),
    rest: str = "",
    pledges: bool = False,
) -> Iterator[tuple[Any, ...]]:
    """SELECT (the group title or '', then) `columns` of the stored pledges `filters`
    select, one row per group a pledge falls in under `by`: `evals e`, with `pledges p`
    and `files f` joined when `pledges` (or a filter) asks for them. `more` adds a
    condition, `rest` the GROUP BY or ORDER BY."""
    functions(index.conn)
    where, params = conditions(filters, statuses=True)
    pledges = pledges or bool(conditions(filters, statuses=False)[0])
    if more[0]:
        where.append(more[0])
        params += more[1]
    label, join, head = "''", "", []
    if by is not None:
        label, join = _label(by)
        if join:
            head = [UNTAGGED]
    if pledges:
        join = (
            "JOIN pledges p ON p.file = e.file AND p.idx = e.idx "
            "JOIN files f ON f.path = e.file " + join
        )
    condition = "".join(f"AND {c} " for c in where)
    query = (
        f"SELECT {label}, {columns} FROM evals e {join}"
        f"WHERE e.env = ? AND e.as_of = ? {condition}{rest}"
    )
    yield from index.conn.execute(query, [*head, index.env(), as_of.isoformat(), *params])


def _sorted(sort: str) -> str:
    return f"{ORDER.get(sort, ORDER['id'])}, f.ord, p.idx"


def widths(
    index: LedgerIndex, as_of: date, filters: Filters
) -> tuple[dict[int, int], tuple[int, ...]]:
    """How many selected pledges have each id width, and the widest status, progress,
    due, figure and target cells among them (0 without any)."""
    ids = {
        width: count
        for _, width, count in _query(
            index, as_of, filters, "e.w_id, count(*)", rest="GROUP BY e.w_id"
        )
    }
    columns = "max(e.w_status), max(e.w_progress), max(e.w_due), max(e.w_figure), max(e.w_target)"
    _, *widest = next(_query(index, as_of, filters, columns))
    return ids, tuple(width or 0 for width in widest)


def _listed(
    index: LedgerIndex, as_of: date, filters: Filters, by: str | None, order: str, fmt: str
) -> Iterator[Listed]:
    names = {s.rel: s.name for s in index.files}
    record = fmt != "table"
    columns = (
        "p.file, p.id, p.title, p.quote, e.status, e.progress, "
        + ("'', '', ''" if record else _CELLS)
        + ", "
        + (_RECORD if record else "'', ''")
    )
    for label, file, *rest in _query(index, as_of, filters, columns, by, rest=order, pledges=True):
        yield Listed(label, names[file], *rest)


def listed(
    index: LedgerIndex, as_of: date, filters: Filters, sort: str, fmt: str = "json"
) -> Iterator[Listed]:
    """The pledges `filters` select, sorted by `sort` (`query.SORT_KEYS`): their table
    cells for `fmt` "table", else their records."""
    return _listed(index, as_of, filters, None, f"ORDER BY {_sorted(sort)}", fmt)


def grouped(
    index: LedgerIndex, as_of: date, filters: Filters, by: str, fmt: str = "json"
) -> Iterator[Listed]:
    """Each selected pledge once per group it falls in under `by`: groups in the order of
    their titles, the pledges of a group by deadline."""
    order = f"ORDER BY 1, {_sorted(_GROUP_SORT)}"
    return _listed(index, as_of, filters, by, order, fmt)


def scoreboards(
    index: LedgerIndex, as_of: date, filters: Filters, by: str
) -> tuple[Scoreboard, list[tuple[str, Scoreboard]]]:
    """The scoreboard of the selected pledges, then each group's title and scoreboard in
    the order of the titles, as `scoreboard.report` counts them: counted in SQL, less the
    restatements of a pledge in the same group (or selection)."""
    whole = _boards(index, as_of, filters, None)
    groups = _boards(index, as_of, filters, by)
    return whole.get("", counted_board({}, 0)), sorted(groups.items())


def _boards(
    index: LedgerIndex, as_of: date, filters: Filters, by: str | None
) -> dict[str, Scoreboard]:
    kept: dict[str, Counter[tuple[str, bool]]] = {}
    restating: list[tuple[str, str, str, bool, int]] = []
    columns = "e.status, e.binding, e.same_as, count(*)"
    for label, status, binding, same_as, count in _query(
        index, as_of, filters, columns, by, rest="GROUP BY 1, 2, 3, 4"
    ):
        kept.setdefault(label, Counter())[(status, bool(binding))] += count
        if same_as is not None:
            restating.append((label, same_as, status, bool(binding), count))
    restated = Counter[str]()
    if restating:
        present = _present(index, as_of, filters, by, {row[1] for row in restating})
        for label, same_as, status, binding, count in restating:
            if (label, same_as) in present:
                kept[label][(status, binding)] -= count
                restated[label] += count
    return {label: counted_board(counts, restated[label]) for label, counts in kept.items()}


def _present(
    index: LedgerIndex, as_of: date, filters: Filters, by: str | None, ids: set[str]
) -> set[tuple[str, str]]:
    """(group title, id) of the selected pledges whose id is one of `ids`."""
    found: set[tuple[str, str]] = set()
    wanted = sorted(ids)
    for start in range(0, len(wanted), _IDS_AT_ONCE):
        chunk = wanted[start : start + _IDS_AT_ONCE]
        condition = f"p.id IN ({', '.join('?' * len(chunk))})"
        for label, pid in _query(
            index, as_of, filters, "p.id", by, more=(condition, chunk), pledges=True
        ):
            found.add((label, pid))
    return found
