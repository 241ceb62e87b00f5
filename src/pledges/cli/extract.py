"""`pledges extract`: candidate pledges and outcomes from a source document."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pledges.cli.common import EXIT_UNREADABLE, LedgerOpt, app, fail, load_ledger, stdout

if TYPE_CHECKING:
    from pledges.read.loader import LoadResult


class ExtractFormat(StrEnum):
    yaml = "yaml"
    json = "json"


@app.command()
def extract(
    source: Annotated[
        str,
        typer.Argument(metavar="SOURCE", help="A source id with an archived text, or a text file."),
    ],
    outcomes: Annotated[
        bool,
        typer.Option(
            "--outcomes", help="Reported figures matched to pledges, instead of new pledges."
        ),
    ] = False,
    output: Annotated[
        ExtractFormat, typer.Option("--format", help="yaml (ledger entries) or json (an array).")
    ] = ExtractFormat.yaml,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            min=1949,
            max=2100,
            help="The year the document's targets are for (default: read from the text).",
        ),
    ] = None,
    ledger: LedgerOpt = None,
) -> None:
    """Draft pledges (or outcomes) from a document, each with the rule that read it.

    SOURCE is a ledger source with an archived text, or a text file. Candidates are for
    review: every quote is verbatim from the text (line breaks read as spaces), and each
    entry's `confidence` names the rule that produced it and the line it came from.

    Example:

    \b
      pledges extract xiaoshan-2023-work-report
      pledges extract report.txt --format json --year 2024
      pledges extract binjiang-2024-plan-report --outcomes
    """
    from pledges.extract.match import match
    from pledges.extract.outcomes import extract_outcomes
    from pledges.extract.pledges import extract_pledges
    from pledges.extract.sources import SourceDocument, open_source, open_text
    from pledges.model.registries import BUILTIN_UNITS

    path = Path(source)
    result = None
    if path.is_file() or (not outcomes and path.suffix):
        document = open_text(path)
    else:
        result = load_ledger(ledger)
        document = open_source(result.ledger, source)
    if not isinstance(document, SourceDocument):
        fail(f"{document.file}: {document.message}", EXIT_UNREADABLE)
    units = dict(BUILTIN_UNITS)
    if result is not None:
        units.update(result.ledger.units)
    items: list[dict[str, Any]]
    if outcomes:
        if result is None:
            result = load_ledger(ledger)
            units.update(result.ledger.units)
        found = match(
            extract_outcomes(document.text, year=year, units=units),
            result.ledger.pledges,
            units,
            document.jurisdiction,
        )
        items = [_outcome_entry(o.entry(), document.source_id) for o in found]
    else:
        _, candidates = extract_pledges(document.text, year=year, units=units)
        items = [c.entry() for c in candidates]
    _print(items, output, "outcomes" if outcomes else "pledges")


def _ledger_for(ledger: str | None, *, needed: bool) -> LoadResult | None:
    """The ledger (for source ids, units and pledges): required for a source id or
    --outcomes, else used when one is found."""
    import os

    from pledges.read.loader import LedgerNotFoundError, find_ledger

    if needed or ledger or os.environ.get("PLEDGES_LEDGER"):
        return load_ledger(ledger)
    try:
        find_ledger(None, Path.cwd())
    except LedgerNotFoundError:
        return None
    return load_ledger(None)


def _outcome_entry(item: dict[str, Any], source_id: str | None) -> dict[str, Any]:
    evidence: dict[str, Any] = {"quote": item.pop("quote")}
    if source_id:
        evidence = {"source": source_id, **evidence}
    line = item.pop("line")
    return {**item, "evidence": [evidence], "line": line}


def _print(items: list[dict[str, Any]], output: ExtractFormat, key: str) -> None:
    console = stdout()
    if output is ExtractFormat.json:
        from pledges.present.escape.json import dumps

        console.out(dumps(items, indent=2), highlight=False)
        return
    from pledges.edit.emit import mapping_lines

    text = "\n".join(mapping_lines({key: items}, 0)) if items else f"{key}: []"
    console.out(text, highlight=False)
