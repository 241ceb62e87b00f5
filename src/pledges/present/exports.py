"""`pledges export`: the ledger's tables as CSV, JSON, JSON Lines, a Frictionless Data
Package, SQLite or Parquet (docs/exports.md).

Every export records where its data came from (`as_of`, the ledger's git commit) in
`metadata.json`, the package descriptor, a `metadata` table or the Parquet key-value
metadata. Files are written to a temporary name beside the target and renamed into place.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from pledges.judge.columns import TABLES, Table
from pledges.judge.tables import Dataset
from pledges.present.cells import csv_value, metadata
from pledges.present.escape import json as json_out

FORMATS = ("csv", "json", "jsonl", "datapackage", "sqlite", "parquet")
# Formats written as one file; the others fill a directory.
SINGLE_FILE = frozenset({"json", "sqlite"})
METADATA_FILE = "metadata.json"


class ExportError(Exception):
    """The export cannot be written; the message is fit to show a user."""


def json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def table_csv(table: Table, rows: list[tuple[Any, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.names)
    for row in rows:
        writer.writerow([csv_value(v) for v in row])
    return buffer.getvalue()


def table_jsonl(table: Table, rows: list[tuple[Any, ...]]) -> str:
    lines = [
        json_out.dumps(
            {name: json_value(v) for name, v in zip(table.names, row, strict=True)},
            indent=None,
            compact=True,
        )
        for row in rows
    ]
    return "".join(line + "\n" for line in lines)


def as_json(dataset: Dataset) -> str:
    document = {
        **metadata(dataset),
        "data": {
            t.name: [
                {name: json_value(v) for name, v in zip(t.names, row, strict=True)}
                for row in dataset.rows[t.name]
            ]
            for t in TABLES
        },
    }
    return json_out.dumps(document) + "\n"


def field_schema(table: Table) -> dict[str, Any]:
    """A Frictionless Table Schema for one table."""
    fields = []
    for column in table.columns:
        field: dict[str, Any] = {
            "name": column.name,
            "type": column.type,
            "description": column.description,
        }
        if column.required:
            field["constraints"] = {"required": True}
        fields.append(field)
    keys = [
        {
            "fields": list(fk.fields) if len(fk.fields) > 1 else fk.fields[0],
            "reference": {
                "resource": "" if fk.table == table.name else fk.table,
                "fields": list(fk.reference) if len(fk.reference) > 1 else fk.reference[0],
            },
        }
        for fk in table.foreign_keys
    ]
    schema: dict[str, Any] = {
        "fields": fields,
        "primaryKey": list(table.primary_key),
        "missingValues": [""],
    }
    if keys:
        schema["foreignKeys"] = keys
    return schema


def descriptor(dataset: Dataset) -> dict[str, Any]:
    """datapackage.json: one tabular resource per table, with keys and provenance."""
    info = metadata(dataset)
    return {
        "profile": "tabular-data-package",
        "name": "pledges-ledger",
        "title": "Pledges ledger",
        "description": (
            f"Pledges, observations, assessments, evidence, sources and jurisdictions, "
            f"statuses as of {info['as_of']}"
            + (f", from commit {dataset.commit}" if dataset.commit else "")
            + "."
        ),
        "version": info["as_of"],
        "pledges": info,
        "resources": [
            {
                "name": t.name,
                "path": f"{t.name}.csv",
                "profile": "tabular-data-resource",
                "description": t.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "doubleQuote": True, "lineTerminator": "\r\n"},
                "schema": field_schema(t),
            }
            for t in TABLES
        ],
    }


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary path beside `path`, renamed onto it when the block succeeds."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_text(path: Path, text: str) -> None:
    with replacing(path) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="")


def _directory(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise ExportError(f"'{out}' is a file; this format writes a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create '{out}': {exc.strerror or exc}") from exc
    return out


def _file(out: Path) -> Path:
    if out.is_dir():
        raise ExportError(f"'{out}' is a directory; this format writes one file")
    if not out.parent.is_dir():
        raise ExportError(f"'{out.parent}' does not exist")
    return out


def _write_metadata(folder: Path, dataset: Dataset) -> None:
    text = json_out.dumps(metadata(dataset)) + "\n"
    write_text(folder / METADATA_FILE, text)


def write_csv(dataset: Dataset, out: Path) -> list[Path]:
    folder = _directory(out)
    written = _write_tables(dataset, folder, "csv", table_csv)
    _write_metadata(folder, dataset)
    return [*written, folder / METADATA_FILE]


def write_jsonl(dataset: Dataset, out: Path) -> list[Path]:
    folder = _directory(out)
    written = _write_tables(dataset, folder, "jsonl", table_jsonl)
    _write_metadata(folder, dataset)
    return [*written, folder / METADATA_FILE]


def _write_tables(
    dataset: Dataset,
    folder: Path,
    suffix: str,
    render: Callable[[Table, list[tuple[Any, ...]]], str],
) -> list[Path]:
    """One file per table, `<table>.<suffix>`, in the tables' order."""
    written = []
    for table in TABLES:
        path = folder / f"{table.name}.{suffix}"
        write_text(path, render(table, dataset.rows[table.name]))
        written.append(path)
    return written


def write_json(dataset: Dataset, out: Path) -> list[Path]:
    path = _file(out)
    write_text(path, as_json(dataset))
    return [path]


def write_datapackage(dataset: Dataset, out: Path) -> list[Path]:
    folder = _directory(out)
    written = _write_tables(dataset, folder, "csv", table_csv)
    text = json_out.dumps(descriptor(dataset)) + "\n"
    write_text(folder / "datapackage.json", text)
    return [*written, folder / "datapackage.json"]


def write_sqlite(dataset: Dataset, out: Path) -> list[Path]:
    from pledges.present.sqldb import save

    path = _file(out)
    with replacing(path) as temporary:
        save(dataset, temporary)
    return [path]


def write_parquet(dataset: Dataset, out: Path) -> list[Path]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ExportError(
            "the parquet format needs pyarrow: pip install 'pledges[parquet]'"
        ) from exc
    types = {
        "string": pa.string(),
        "integer": pa.int64(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
    }
    info = {f"pledges.{k}": json.dumps(v) for k, v in metadata(dataset).items()}
    folder = _directory(out)
    written = []
    for table in TABLES:
        schema = pa.schema(
            [
                pa.field(
                    c.name,
                    types[c.type],
                    nullable=not c.required,
                    metadata={"description": c.description},
                )
                for c in table.columns
            ],
            metadata=info,
        )
        rows = dataset.rows[table.name]
        columns = [[row[i] for row in rows] for i in range(len(table.columns))]
        arrow = pa.Table.from_arrays(
            [pa.array(values, type=f.type) for values, f in zip(columns, schema, strict=True)],
            schema=schema,
        )
        path = folder / f"{table.name}.parquet"
        with replacing(path) as temporary:
            pq.write_table(arrow, str(temporary))
        written.append(path)
    _write_metadata(folder, dataset)
    return [*written, folder / METADATA_FILE]


WRITERS: dict[str, Callable[[Dataset, Path], list[Path]]] = {
    "csv": write_csv,
    "json": write_json,
    "jsonl": write_jsonl,
    "datapackage": write_datapackage,
    "sqlite": write_sqlite,
    "parquet": write_parquet,
}


def export(dataset: Dataset, out: Path, fmt: str) -> list[Path]:
    """Write `dataset` to `out` in `fmt`; the paths written. Raises ExportError."""
    try:
        return WRITERS[fmt](dataset, out)
    except OSError as exc:
        raise ExportError(f"cannot write '{out}': {exc.strerror or exc}") from exc
