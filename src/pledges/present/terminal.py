"""Status colours, the screen a console writes to, lint findings and the machine formats
of `list`.

The reports live beside this module: `tables` (list, the groups of status), `report`
(status), `pledge` (show), `progress` (the progress bar), all laid out by `layout`.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from pledges.judge.query import Row, record
from pledges.judge.status import format_number
from pledges.present.escape import csv as csv_out
from pledges.present.escape import json as json_out
from pledges.present.escape import markdown
from pledges.present.escape.terminal import text as clean
from pledges.present.layout import Screen

STYLES = {
    "achieved": "green",
    "missed": "red",
    "on_track": "cyan",
    "at_risk": "yellow",
    "pending": "blue",
    "unreported": "magenta",
    "partly": "yellow",
    "unrated": "dim",
    "withdrawn": "dim",
}


def status_text(status: str) -> Text:
    return Text(clean(status), style=STYLES.get(status, ""))


def screen_of(console: Console) -> Screen:
    """The screen a console writes to: a terminal (its width, at least 40 columns, and
    its colours unless NO_COLOR is set) or not."""
    if not console.is_terminal:
        return Screen(False)
    colors = None if console.no_color else console.color_system
    return Screen(True, max(40, console.width), colors)


def rows_as(rows: Sequence[Row], fmt: str) -> str:
    """list output in a machine format: json, csv or markdown."""
    records = [record(row) for row in rows]
    if fmt == "json":
        return json_out.dumps(records)
    return "\n".join(record_lines(records, fmt))


# the columns of `list` in CSV and Markdown
_FLAT_COLUMNS = (
    "id",
    "status",
    "deadline",
    "jurisdiction",
    "source",
    "latest",
    "target_value",
    "progress",
    "title",
)


def record_lines(records: Iterable[dict[str, Any]], fmt: str) -> Iterator[str]:
    """`list` records in CSV or Markdown, a line at a time (a CSV row whose text holds a
    line break is one item)."""
    columns = list(_FLAT_COLUMNS)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for item in records:
            writer.writerow({c: csv_out.cell(_flat(item[c])) for c in columns})
            yield from _drain(buffer)
        yield from _drain(buffer)
        return
    yield markdown.row(columns)
    yield "|" + "---|" * len(columns)
    for item in records:
        yield markdown.row(markdown.text(_flat(item[c])) for c in columns)


def _drain(buffer: io.StringIO) -> Iterator[str]:
    """What the CSV writer wrote since the last call, without its last line break."""
    text = buffer.getvalue()
    if text:
        buffer.seek(0)
        buffer.truncate()
        yield text[:-1] if text.endswith("\n") else text


# Stands for the file name in a rendered record. Ledger text can hold it too (YAML writes
# NUL as "\0"): the record is split where the `file` key itself holds it, a key and
# value no string value can contain, as JSON escapes every quote inside a string.
_FILE_MARK = "\x00"


def list_item(record: dict[str, Any]) -> tuple[str, str]:
    """One record as it appears in `list --format json`, split around its file name.

    The file name is shown relative to where the command runs, so the text is kept in
    two parts and joined with the name (`json_item`) when printed.
    """
    marked = dict(record, file=_FILE_MARK)
    text = json_out.dumps([marked])[2:-2]  # without the list's "[\n" and "\n]"
    key = json_out.dumps({"file": _FILE_MARK})[1:-1].strip()  # "file": "\u0000"
    head, mark, tail = text.partition(key)
    if not mark:
        raise ValueError("a list record without its file")
    return head + key.removesuffix(json_out.dumps(_FILE_MARK)), tail


def _flat(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict) and "value" in value:
        return f"{format_number(value['value'])} ({value.get('period')})"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def result_table(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> Table:
    """The rows of a SQL query as a table; NULL shows as an empty cell."""
    table = Table(box=None, pad_edge=False, header_style="bold")
    for name in names:
        table.add_column(Text(clean(name)), overflow="fold")
    for row in rows:
        cells = []
        for value in row:
            if value is None:
                cells.append(Text(""))
            elif isinstance(value, float):
                finite = math.isfinite(value)
                cells.append(Text(format_number(value) if finite else str(value)))
            elif isinstance(value, bytes):
                cells.append(Text(value.hex()))
            else:
                cells.append(Text(clean(value)))
        table.add_row(*cells)
    return table
