"""`list` and `status` answered from the ledger index (docs/index.md).

Each body runs inside `with_index`: it stores the statuses of `--as-of` if they are
missing (`judge.indexquery.prime`), then streams the answer from SQL. It returns what
`warn_if_broken` needs, or None when the statuses could not be stored (nothing was
printed; the command judges the loaded ledger instead).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import TYPE_CHECKING

from pledges.cli.common import reporter, screen
from pledges.cli.indexing import PrintingFailedError

if TYPE_CHECKING:
    from datetime import date

    from pledges.judge.query import Filters
    from pledges.read.index import LedgerIndex
    from pledges.read.loader import LoadResult

# pieces of text written to stdout at once
_CHUNK = 512


def _emit(pieces: Iterable[str]) -> None:
    """Write text as it comes, through the guard of the consoles. A database error after
    the first piece was written cannot be answered by reading again: it is reported."""
    import sqlite3
    import sys

    from pledges.present.escape.github import LineGuard

    out = LineGuard(sys.stdout)
    written = False
    held: list[str] = []
    try:
        for piece in pieces:
            held.append(piece)
            if len(held) >= _CHUNK:
                out.write("".join(held))
                held = []
                written = True
    except sqlite3.Error as exc:
        if not written:
            raise
        raise PrintingFailedError(str(exc)) from exc
    out.write("".join(held))
    out.flush()


def _lines(lines: Iterable[str]) -> Iterable[str]:
    """Lines as text."""
    for line in lines:
        yield line + "\n"


def _primed(index: LedgerIndex, when: date) -> bool:
    """The statuses of `when` stored, with a progress bar on a terminal's stderr while
    pledges are judged (closed before anything is printed)."""
    from pledges.judge.indexquery import prime
    from pledges.present.streamed import stored

    with reporter() as progress:
        return prime(index, when, stored, progress.phase("judging pledges"))


def _summary(index: LedgerIndex) -> LoadResult:
    from pledges.judge.indexed import IndexedLedger

    return IndexedLedger(index).load_summary()


def list_indexed(
    index: LedgerIndex,
    when: date,
    filters: Filters,
    sort: str,
    fmt: str,
    *,
    wide: bool = False,
    quote: bool = False,
) -> LoadResult | None:
    """Print `pledges list` in any format from the statuses stored in the index."""
    from pledges.judge.indexreport import listed, widths
    from pledges.present.streamed import json_list, list_records, list_table
    from pledges.present.tables import Widths

    if not _primed(index, when):
        return None
    items = listed(index, when, filters, sort, fmt)
    if fmt == "json":
        _emit(chain(json_list(items), "\n"))
    elif fmt == "table":
        where = screen()
        measured = Widths()
        if where.terminal:  # piped, rows are laid out alone
            measured.merge(*widths(index, when, filters))
        _emit(_lines(list_table(items, measured, where, wide=wide, quote=quote)))
    else:
        _emit(_lines(list_records(items, fmt)))
    return _summary(index)


def status_indexed(
    index: LedgerIndex,
    when: date,
    filters: Filters,
    by: str,
    fmt: str,
    *,
    wide: bool = False,
    quote: bool = False,
) -> LoadResult | None:
    """Print `pledges status` (table or JSON) from the statuses stored in the index: the
    scoreboards are counted in SQL, then the groups stream."""
    from pledges.judge.indexreport import grouped, scoreboards, widths
    from pledges.present.streamed import status_json, status_table
    from pledges.present.tables import Widths

    if not _primed(index, when):
        return None
    board, groups = scoreboards(index, when, filters, by)
    items = grouped(index, when, filters, by, fmt)
    as_of = when.isoformat()
    if fmt == "json":
        _emit(chain(status_json(board, groups, items, by, as_of), "\n"))
    else:
        where = screen()
        measured = Widths()
        if where.terminal:
            measured.merge(*widths(index, when, filters))
        lines = status_table(board, groups, items, as_of, measured, where, wide=wide, quote=quote)
        _emit(_lines(lines))
    return _summary(index)
