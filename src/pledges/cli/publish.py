"""Publishing commands: `pledges export`, `pledges sql` and `pledges site`."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pledges.cli.common import (
    AsOfOpt,
    LedgerOpt,
    app,
    as_of_date,
    fail,
    ledger_root,
    reporter,
    stdout,
    warn_if_broken,
)
from pledges.cli.indexing import read_ledger

if TYPE_CHECKING:
    from pledges.judge.query import Row
    from pledges.judge.tables import Dataset
    from pledges.read.loader import LoadResult


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    datapackage = "datapackage"
    sqlite = "sqlite"
    parquet = "parquet"


class SqlFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def evaluated(ledger: str | None, as_of: str | None) -> tuple[LoadResult, list[Row], date]:
    from pledges.judge.query import evaluate_all

    when = as_of_date(as_of)
    with reporter() as progress:  # a bar on stderr for large ledgers, in a terminal only
        # through the ledger index, as list and status read it: unchanged files unparsed
        result = read_ledger(ledger_root(ledger), progress=progress)
        rows = evaluate_all(result, when, progress.phase("judging pledges"))
    return result, rows, when


def dataset_for(result: LoadResult, rows: list[Row], when: date) -> Dataset:
    from pledges.history.revisions import provenance
    from pledges.judge.tables import build

    root = result.ledger.root
    origin = provenance(Path(root)) if root else None
    return build(
        result.ledger,
        rows,
        when,
        origin.commit if origin else None,
        dirty=origin.dirty if origin else False,
    )


@app.command()
def export(
    out: Annotated[
        Path,
        typer.Argument(
            metavar="OUT",
            help="Where to write: a directory (csv, jsonl, datapackage, parquet) or a file "
            "(json, sqlite).",
        ),
    ],
    output_format: Annotated[
        ExportFormat, typer.Option("--format", help="Export format.")
    ] = ExportFormat.csv,
    ledger: LedgerOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Export the ledger as related tables: pledges, observations, assessments, evidence,
    sources and jurisdictions (columns in docs/exports.md).

    Example:

    \b
      pledges export data --format datapackage --as-of 2024-12-31
      pledges export pledges.sqlite --format sqlite
    """
    from pledges.present.exports import ExportError
    from pledges.present.exports import export as write_export

    result, rows, when = evaluated(ledger, as_of)
    dataset = dataset_for(result, rows, when)
    try:
        written = write_export(dataset, out, output_format.value)
    except ExportError as exc:
        fail(str(exc))
    count = len(dataset.rows["pledges"])
    origin = f", commit {dataset.commit[:12]}" if dataset.commit else ""
    stdout().out(
        f"exported {count} pledges as {output_format.value} to {out} "
        f"({len(written)} files, as of {when.isoformat()}{origin})",
        highlight=False,
    )
    warn_if_broken(result)


@app.command()
def sql(
    statement: Annotated[
        str, typer.Argument(metavar="QUERY", help="One SQL statement (SQLite dialect).")
    ],
    output_format: Annotated[
        SqlFormat, typer.Option("--format", help="Output format.")
    ] = SqlFormat.table,
    ledger: LedgerOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Query the ledger's tables with SQL, in an in-memory SQLite database (read only).

    The tables are those of `pledges export` (docs/exports.md).

    Example:

    \b
      pledges sql "SELECT status, count(*) AS n FROM pledges GROUP BY status"
      pledges sql "SELECT id, title FROM pledges WHERE status = 'missed'" --format csv
    """
    from pledges.present.sqldb import QueryError, query, result_csv, result_json

    result, rows, when = evaluated(ledger, as_of)
    dataset = dataset_for(result, rows, when)
    try:
        names, found = query(dataset, statement)
    except QueryError as exc:
        fail(f"sql: {exc}")
    if output_format is SqlFormat.table:
        from pledges.present.terminal import result_table

        stdout().print(result_table(names, found))
    elif output_format is SqlFormat.csv:
        sys.stdout.write(result_csv(names, found))
    else:
        sys.stdout.write(result_json(names, found))
    warn_if_broken(result)


@app.command()
def site(
    out: Annotated[
        Path,
        typer.Argument(
            metavar="OUT",
            help="Directory to build the site in: new, empty, or a site built before.",
        ),
    ],
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            metavar="URL",
            help="Where the site will be published (absolute links in feeds, canonical "
            "links); without it, every link is relative.",
        ),
    ] = None,
    title: Annotated[str, typer.Option("--title", help="The site's title.")] = "Pledge tracker",
    ledger: LedgerOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Build a static report site: a scoreboard and filterable table, a page per pledge,
    jurisdiction and source, Atom feeds and data downloads. It works opened from disk
    and on any static host, and requests nothing from other hosts.

    Example:

    \b
      pledges site public --base-url https://pledges.example.org/ --as-of 2024-12-31
    """
    from pledges.history.revisions import GitError
    from pledges.history.timeline import ledger_changes
    from pledges.present.site import SiteError, SiteInput, build_site
    from pledges.present.siteviews import safe_href

    if base_url is not None and safe_href(base_url) is None:
        fail(f"--base-url: '{base_url}' is not an http(s) URL with a host")
    result, rows, when = evaluated(ledger, as_of)
    dataset = dataset_for(result, rows, when)
    root = Path(result.ledger.root) if result.ledger.root else None
    changes = None
    if root is not None and dataset.commit is not None:
        try:
            changes = ledger_changes(root)
        except GitError as exc:
            fail(str(exc))
    inputs = SiteInput(
        result.ledger, rows, when, dataset, root, changes, base_url=base_url, title=title
    )
    try:
        summary = build_site(out, inputs)
    except SiteError as exc:
        fail(str(exc))
    history = "no git history" if changes is None else f"{len(changes)} changes in the history"
    stdout().out(
        f"built {summary.pages} pages, {summary.feeds} feeds and {summary.archives} archived "
        f"texts in {out} (as of {when.isoformat()}; {history})",
        highlight=False,
    )
    warn_if_broken(result)
