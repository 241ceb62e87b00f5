"""`pledges source list`: the ledger's sources and the state of their archives."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table
from rich.text import Text

from pledges.check.sources import FAILING, OK, SourceState
from pledges.present.escape.terminal import name
from pledges.present.escape.terminal import text as clean

_STYLE = {OK: "green", **dict.fromkeys(FAILING, "red")}


def source_records(states: Sequence[SourceState]) -> list[dict[str, Any]]:
    """One JSON object per source: its fields, its file and line, its archive's state."""
    out = []
    for state in states:
        source = state.source
        out.append(
            {
                "id": source.id,
                "title": source.title,
                "title_en": source.title_en,
                "publisher": source.publisher,
                "jurisdiction": source.jurisdiction,
                "date": source.date.text if source.date else None,
                "url": source.url,
                "archive_url": source.archive_url,
                "archive": source.archive,
                "sha256": source.sha256,
                "retrieved": source.retrieved.text if source.retrieved else None,
                "language": source.language,
                "file": state.file,
                "line": state.line,
                "archive_status": state.status,
                "archive_sha256": state.detail if state.archive is not None else None,
            }
        )
    return out


def source_table(states: Sequence[SourceState]) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("id", overflow="fold")
    table.add_column("date", no_wrap=True)
    table.add_column("archive", no_wrap=True)
    table.add_column("file", overflow="fold")
    for state in states:
        source = state.source
        table.add_row(
            Text(clean(source.id)),
            source.date.text if source.date else "—",
            Text(state.status, style=_STYLE.get(state.status, "dim")),
            Text(name(state.file)),
        )
    return table
