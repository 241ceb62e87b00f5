"""The ledger's tables in SQLite: the `sqlite` export and `pledges sql`.

Column types follow docs/exports.md: strings and dates are TEXT (dates as YYYY-MM-DD),
integers INTEGER, numbers REAL, booleans INTEGER 0/1. Each table has its primary key,
foreign keys and indexes; a `metadata` table holds `as_of`, `commit` and the generator.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sqlite3
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pledges.judge.columns import TABLES, Table
from pledges.judge.tables import Dataset
from pledges.present.cells import csv_value, metadata
from pledges.present.escape import json as json_out

_SQL_TYPES = {
    "string": "TEXT",
    "integer": "INTEGER",
    "number": "REAL",
    "boolean": "INTEGER",
    "date": "TEXT",
}
RESULT_FORMATS = ("table", "csv", "json")


class QueryError(Exception):
    """SQLite refused the query; the message is SQLite's."""


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_statement(table: Table) -> str:
    lines = []
    for column in table.columns:
        line = f"  {quote_name(column.name)} {_SQL_TYPES[column.type]}"
        if column.required:
            line += " NOT NULL"
        if column.type == "boolean":
            line += f" CHECK ({quote_name(column.name)} IN (0, 1))"
        lines.append(line)
    lines.append(f"  PRIMARY KEY ({', '.join(map(quote_name, table.primary_key))})")
    for fk in table.foreign_keys:
        lines.append(
            f"  FOREIGN KEY ({', '.join(map(quote_name, fk.fields))}) "
            f"REFERENCES {quote_name(fk.table)} ({', '.join(map(quote_name, fk.reference))})"
        )
    return f"CREATE TABLE {quote_name(table.name)} (\n" + ",\n".join(lines) + "\n)"


def index_statements(table: Table) -> list[str]:
    return [
        f"CREATE INDEX {quote_name(table.name + '_' + '_'.join(columns))} "
        f"ON {quote_name(table.name)} ({', '.join(map(quote_name, columns))})"
        for columns in table.indexes
    ]


def _sql_value(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def fill(connection: sqlite3.Connection, dataset: Dataset) -> None:
    """Create the tables in `connection` and insert the dataset's rows."""
    connection.execute("PRAGMA foreign_keys = OFF")
    with connection:
        for table in TABLES:
            connection.execute(create_statement(table))
            marks = ", ".join("?" for _ in table.columns)
            connection.executemany(
                f"INSERT INTO {quote_name(table.name)} VALUES ({marks})",
                ([_sql_value(v) for v in row] for row in dataset.rows[table.name]),
            )
            for statement in index_statements(table):
                connection.execute(statement)
        connection.execute("CREATE TABLE metadata (key TEXT PRIMARY KEY, value TEXT)")
        info = metadata(dataset)
        connection.executemany(
            "INSERT INTO metadata VALUES (?, ?)",
            [(k, v if isinstance(v, str) or v is None else json.dumps(v)) for k, v in info.items()],
        )


def save(dataset: Dataset, path: Path) -> None:
    """Write the dataset as a new SQLite database file at `path` (replacing its content)."""
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    try:
        fill(connection, dataset)
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("VACUUM")
    finally:
        connection.close()


def query(dataset: Dataset, sql: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one read-only statement over the dataset in memory: (column names, rows)."""
    connection = sqlite3.connect(":memory:")
    try:
        fill(connection, dataset)
        connection.execute("PRAGMA query_only = ON")
        try:
            cursor = connection.execute(sql)
            rows = cursor.fetchall()
        except (sqlite3.Error, sqlite3.Warning) as exc:
            raise QueryError(str(exc)) from exc
        names = [d[0] for d in cursor.description or ()]
        return names, rows
    finally:
        connection.close()


def unique_names(names: Sequence[str]) -> list[str]:
    """Column names made unique for JSON keys: a repeated name gets _2, _3, ..."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        count = seen.get(name, 0) + 1
        seen[name] = count
        out.append(name if count == 1 else f"{name}_{count}")
    return out


def result_csv(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([_result_cell(v) for v in row])
    return buffer.getvalue()


def _result_cell(value: Any) -> str:
    if isinstance(value, bytes):
        return value.hex()
    return csv_value(value)


def _json_cell(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def result_json(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    keys = unique_names(names)
    records = [{k: _json_cell(v) for k, v in zip(keys, row, strict=True)} for row in rows]
    return json_out.dumps(records) + "\n"
