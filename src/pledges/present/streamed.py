"""`list` and `status` rendered row by row from what the ledger index stores.

`stored` renders a judged pledge once per `--as-of` date for the index (its `list
--format json` record and its table cells with their widths); the functions below turn
the stored pieces back into the same text `tables.list_report`, `terminal.rows_as`,
`report.status_report` and `reports.as_json` give, one row at a time, the layout decided
once from the widths.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import groupby
from typing import Any

from pledges.judge.indexreport import Listed
from pledges.judge.query import Row, record
from pledges.judge.scoreboard import REPORT_VERSION, Scoreboard
from pledges.present.escape import json as json_out
from pledges.present.escape.terminal import text as clean
from pledges.present.layout import Screen
from pledges.present.report import status_lines
from pledges.present.tables import Cells, Widths, cell_widths, list_lines, row_cells
from pledges.present.terminal import list_item, record_lines


def stored(row: Row) -> tuple[Any, ...]:
    """What the index stores of a judged pledge for one `--as-of` date, in the order of
    `judge.indexquery.RENDERED`."""
    head, tail = list_item(record(row))
    item = row_cells(row)
    return (*cell_widths(item), item.due, item.figure, item.target, head, tail)


def cells_of(item: Listed) -> Cells:
    """The table cells of a stored pledge, as `tables.row_cells` makes them."""
    return Cells(
        id=clean(item.id),
        status=item.status,
        progress=item.progress,
        due=item.due,
        figure=item.figure,
        target=item.target,
        title=clean(item.title) if item.title else "—",
        quote=clean(item.quote) if item.quote else "",
    )


@lru_cache(maxsize=4096)
def _quoted(name: str) -> str:
    """A file name as a JSON string (the same for every pledge of the file)."""
    return json_out.dumps(name)


def record_text(item: Listed, depth: int = 1) -> str:
    """The pledge's `list --format json` record as it appears `depth` levels down in a
    JSON document indented by two spaces (1: an item of a top-level list)."""
    text = item.head + _quoted(item.file) + item.tail
    if depth == 1:
        return text
    pad = "  " * (depth - 1)  # JSON text holds no raw line break but those of its layout
    return pad + text.replace("\n", "\n" + pad)


def json_list(items: Iterable[Listed]) -> Iterator[str]:
    """`pledges list --format json` (`terminal.rows_as`) in pieces, without the last line
    break."""
    first = True
    for item in items:
        yield ("[\n" if first else ",\n") + record_text(item)
        first = False
    yield "[]" if first else "\n]"


def list_table(
    items: Iterable[Listed],
    measured: Widths,
    screen: Screen,
    *,
    wide: bool = False,
    quote: bool = False,
) -> Iterator[str]:
    """`pledges list` as a table (`tables.list_report`), laid out from `measured`."""
    return list_lines((cells_of(item) for item in items), measured, screen, wide=wide, quote=quote)


def list_records(items: Iterable[Listed], fmt: str) -> Iterator[str]:
    """`pledges list` in CSV or Markdown (`terminal.rows_as`), line by line."""
    return record_lines((json.loads(record_text(item)) for item in items), fmt)


def status_table(
    board: Scoreboard,
    groups: Sequence[tuple[str, Scoreboard]],
    items: Iterable[Listed],
    as_of: str,
    measured: Widths,
    screen: Screen,
    *,
    wide: bool = False,
    quote: bool = False,
) -> Iterator[str]:
    """`pledges status` (`report.status_report`): the scoreboards counted beforehand,
    the pledges of the groups streamed in group order."""
    cells = ((item.group, cells_of(item)) for item in items)
    return status_lines(board, groups, cells, as_of, measured, screen, wide=wide, quote=quote)


# Stands for a group's list of pledges in the report's skeleton: NUL cannot occur in
# ledger text.
_PLEDGES_MARK = "\x00"
# how deep a pledge's record sits: the report, its groups, a group, its pledges
_RECORD_DEPTH = 4


def status_json(
    board: Scoreboard,
    groups: Sequence[tuple[str, Scoreboard]],
    items: Iterable[Listed],
    by: str,
    as_of: str,
) -> Iterator[str]:
    """`pledges status --format json` (`scoreboard.report` as JSON) in pieces: the
    skeleton of the report with each group's pledges streamed into it."""
    skeleton = {
        "version": REPORT_VERSION,
        "as_of": as_of,
        "by": by,
        "scoreboard": board.as_dict(),
        "groups": [
            {"title": title, "scoreboard": counted.as_dict(), "pledges": _PLEDGES_MARK}
            for title, counted in groups
        ],
    }
    pieces = json_out.dumps(skeleton).split(json_out.dumps(_PLEDGES_MARK))
    yield pieces[0]
    close = "\n" + "  " * (_RECORD_DEPTH - 1) + "]"
    members = groupby(items, key=lambda item: item.group)
    for piece, (_, found) in zip(pieces[1:], members, strict=True):
        opening = "[\n"
        for item in found:
            yield opening + record_text(item, _RECORD_DEPTH)
            opening = ",\n"
        yield close
        yield piece
