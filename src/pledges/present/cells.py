"""The cells and the provenance every export format writes alike: CSV values as
documented (spreadsheet-safe text) and the metadata of where the data came from."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from pledges import __version__
from pledges.judge.columns import TABLES
from pledges.judge.tables import Dataset
from pledges.present.escape import csv as csv_out


def metadata(dataset: Dataset) -> dict[str, Any]:
    """Where the data came from: the same keys in every format."""
    return {
        "generator": f"pledges {__version__}",
        "as_of": dataset.as_of.isoformat(),
        "commit": dataset.commit,
        "dirty": dataset.dirty,
        "tables": {t.name: len(dataset.rows[t.name]) for t in TABLES},
    }


def csv_value(value: Any) -> str:
    """One CSV cell: numbers, booleans and dates as documented, text spreadsheet-safe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return _text_cell(str(value))


@functools.lru_cache(maxsize=1 << 16)
def _text_cell(text: str) -> str:
    # Tables repeat most of their text (statuses, ids, units): escape each text once.
    return csv_out.cell(text)
