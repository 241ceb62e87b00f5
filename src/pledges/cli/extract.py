"""`pledges extract`: candidate pledges and outcomes from a source document."""

from __future__ import annotations

from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from pledges.cli.common import (
    EXIT_FINDINGS,
    EXIT_UNREADABLE,
    LedgerOpt,
    app,
    fail,
    load_ledger,
    lock_timeout,
    parse_cache,
    say,
    say_waiting,
    stdout,
)

if TYPE_CHECKING:
    from pledges.model.diagnostics import Diagnostic
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
    write: Annotated[
        bool,
        typer.Option(
            "--write",
            help="Append the candidates to the source's ledger file as drafts "
            "(review: draft), verified like every edit.",
        ),
    ] = False,
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
      pledges extract xiaoshan-2023-work-report --write

    With --write, candidates go into the ledger marked `review: draft` (outcomes: the
    figures matched to a pledge); `pledges list --drafts` shows them, and `pledges
    accept ID` or `pledges reject ID` finishes the review.
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
    if write and result is not None and document.ledger_file is not None:
        if outcomes:
            _write_outcomes(result, [i for i in items if i.get("pledge")])
        else:
            _write_pledges(Path(document.ledger_file), items)
        return
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


def _write_pledges(path: Path, items: list[dict[str, Any]]) -> None:
    from datetime import date

    from pledges.cli.indexing import edit_through_index
    from pledges.edit import atomic, ids, splice
    from pledges.edit.session import Loaded, ledger_root

    if not items:
        say("no candidates: nothing written")
        return
    found = [(item, item.pop("confidence")) for item in items]

    def plan(loaded: Loaded) -> Any:  # ids are proposed from the file as read under the lock
        drafts: list[tuple[dict[str, Any], str]] = []
        taken: set[str] = set()
        for item, confidence in found:
            pledge_id = ids.propose_id(loaded, item["title"], item["metric"].get("name"))
            base, n = pledge_id, 2
            while pledge_id in taken:
                pledge_id, n = f"{base}-{n}", n + 1
            taken.add(pledge_id)
            comment = (
                f"extracted from line {confidence['line']} by rule {confidence['rule']}"
                f" (confidence {confidence['score']})"
            )
            drafts.append(({"id": pledge_id, "review": "draft", **item}, comment))
        return splice.plan_new_drafts(loaded, drafts)

    def write(prior: LoadResult | None) -> None:
        edit = atomic.apply_edit(
            path,
            date.today(),
            plan,
            timeout=lock_timeout(),
            on_wait=say_waiting,
            cache=parse_cache(),
            prior=prior,
        )
        if isinstance(edit, list):
            _refuse(edit)
        say(
            f"{len(found)} draft pledge{'s' if len(found) != 1 else ''} written to "
            f"{shown_name(edit.loaded.name)}: review with 'pledges list --drafts'"
        )

    if not edit_through_index(ledger_root(path), write, file=path):
        write(None)


def _write_outcomes(result: LoadResult, items: list[dict[str, Any]]) -> None:
    from datetime import date

    from pledges.edit import atomic, session, splice

    written = 0
    for item in items:
        pledge_id = item.pop("pledge")
        file = session.find_pledge_file(result, pledge_id)
        if not isinstance(file, Path):
            _refuse([file])
        observation: dict[str, Any] = {
            key: item[key] for key in ("period", "value", "unit", "bound", "approx") if key in item
        }
        observation["evidence"] = item["evidence"]
        observation["review"] = "draft"
        edit = atomic.apply_edit(
            file,
            date.today(),
            partial(splice.plan_observe, pledge_id=pledge_id, observation=observation),
            timeout=lock_timeout(),
            on_wait=say_waiting,
            cache=parse_cache(),
            prior=result,
        )
        if isinstance(edit, list):
            _refuse(edit)
        written += 1
    say(
        f"{written} draft observation{'s' if written != 1 else ''} written: "
        "review with 'pledges list --drafts'"
    )


def _refuse(diagnostics: list[Diagnostic]) -> NoReturn:
    from pledges.cli.common import stderr
    from pledges.present.formats import to_text

    console = stderr()
    for diagnostic in diagnostics:
        console.out(to_text(diagnostic), highlight=False)
    console.out("pledges: nothing more was written", highlight=False)
    raise typer.Exit(EXIT_FINDINGS)


def shown_name(name: str) -> str:
    from pledges.present.escape.terminal import name as shown

    return shown(name)


def _review(pledge_ids: list[str], ledger: str | None, accept: bool) -> None:
    from datetime import date

    from pledges.edit import atomic, session, splice

    result = load_ledger(ledger)
    plan = splice.plan_accept if accept else splice.plan_reject
    for pledge_id in pledge_ids:
        file = session.find_pledge_file(result, pledge_id)
        if not isinstance(file, Path):
            _refuse([file])
        edit = atomic.apply_edit(
            file,
            date.today(),
            partial(plan, pledge_id=pledge_id),
            timeout=lock_timeout(),
            on_wait=say_waiting,
            cache=parse_cache(),
            prior=result,
        )
        if isinstance(edit, list):
            _refuse(edit)
        say(f"{clean_text(edit.summary)}: written to {shown_name(edit.loaded.name)}")


def clean_text(text: str) -> str:
    from pledges.present.escape.terminal import text as clean

    return clean(text)


IdsArg = Annotated[list[str], typer.Argument(metavar="ID...", help="Pledge ids.")]


@app.command()
def accept(pledge_ids: IdsArg, ledger: LedgerOpt = None) -> None:
    """Accept drafts: a draft pledge, or a pledge's draft observations, lose `review: draft`.

    Example:

    \b
      pledges accept xiaoshan/2023/solar-capacity xiaoshan/2023/gdp-growth
    """
    _review(pledge_ids, ledger, accept=True)


@app.command()
def reject(pledge_ids: IdsArg, ledger: LedgerOpt = None) -> None:
    """Reject drafts: a draft pledge is removed; so are a pledge's draft observations.

    Every other byte of the file stays as it was.

    Example:

    \b
      pledges reject xiaoshan/2023/solar-capacity
    """
    _review(pledge_ids, ledger, accept=False)


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
