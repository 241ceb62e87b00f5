"""`pledges source add|list|check`: archive a source document's text and create its ledger
file; list the sources; re-hash every archive."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from pledges.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_UNREADABLE,
    AsOfOpt,
    LedgerOpt,
    app,
    as_of_date,
    fail,
    load_ledger,
    lock_timeout,
    say,
    say_waiting,
    stderr,
    stdout,
)

if TYPE_CHECKING:
    from pledges.model.diagnostics import Diagnostic

source_app = typer.Typer(
    help="Source documents: archive a new one, list them, re-check their archived texts.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(source_app, name="source")


class DocumentType(StrEnum):
    text = "text"
    html = "html"
    pdf = "pdf"


class TableFormat(StrEnum):
    table = "table"
    json = "json"


_PROMPTS = {"--title-en": "English title", "--publisher": "Publisher"}


def _required(values: dict[str, str | None]) -> dict[str, str]:
    """Prompt for missing required options at a terminal; a usage error elsewhere."""
    missing = [option for option, value in values.items() if not value]
    if missing and not sys.stdin.isatty():
        fail(
            "missing required option"
            + ("s" if len(missing) > 1 else "")
            + ": "
            + ", ".join(missing)
        )
    return {
        option: value or typer.prompt(_PROMPTS.get(option, option.removeprefix("--")))
        for option, value in values.items()
    }


@source_app.command("add")
def add(
    file: Annotated[Path, typer.Argument(help="The document: a plain-text, HTML or PDF file.")],
    source_id: Annotated[
        str, typer.Option("--id", help="The source id, e.g. xiaoshan-2024-work-report.")
    ],
    title: Annotated[str, typer.Option("--title", help="The title in the original language.")],
    jurisdiction: Annotated[
        str, typer.Option("--jurisdiction", help="Its jurisdiction id (in jurisdictions.yaml).")
    ],
    when: Annotated[
        str, typer.Option("--date", help="Publication date, as precise as known: 2024-01-25.")
    ],
    title_en: Annotated[
        str | None,
        typer.Option("--title-en", help="English title (default: the title, for --language en)."),
    ] = None,
    publisher: Annotated[
        str | None, typer.Option("--publisher", help="Who published it, as the document says.")
    ] = None,
    url: Annotated[str | None, typer.Option("--url", help="Where it was published.")] = None,
    archive_url: Annotated[
        str | None, typer.Option("--archive-url", help="A web-archive copy of it.")
    ] = None,
    language: Annotated[
        str,
        typer.Option("--language", help="BCP 47 tag of its text: zh-Hans, zh-Hant, en, ..."),
    ] = "zh-Hans",
    retrieved: Annotated[
        str | None,
        typer.Option(
            "--retrieved", help="When the file was downloaded (default: today).", metavar="DATE"
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note for editors.")] = None,
    document_type: Annotated[
        DocumentType | None,
        typer.Option("--type", help="How to read the file (default: from its content and name)."),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding", help="Its text encoding when not UTF-8 or declared, e.g. gb18030."
        ),
    ] = None,
    ledger: LedgerOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Archive a document's text under sources/ and create its ledger file.

    The text is kept as extracted (HTML through an HTML parser, PDF through pypdf) in
    sources/<id>.txt with its SHA-256; the ledger file gets the source block and an empty
    pledges list, in the folder of the jurisdiction.

    Example:

    \b
      pledges source add report.html --id xiaoshan-2024-work-report \\
        --title 2024年政府工作报告 --title-en "Xiaoshan District Work Report 2024" \\
        --publisher 杭州市萧山区人民政府 --jurisdiction cn/zhejiang/hangzhou/xiaoshan \\
        --date 2024-01 --url https://www.xiaoshan.gov.cn/art/2024/1/1/art_1.html
    """
    from pledges.edit.source import SourceFields, option_problems, plan_source, write_source
    from pledges.model.diagnostics import Diagnostic as Found
    from pledges.read.extract import extract
    from pledges.read.safe import display_name

    if not file.exists() and not file.is_symlink():
        fail(f"{file}: no such file", EXIT_UNREADABLE)
    when_judged = as_of_date(as_of)
    english = language.lower().startswith("en")
    asked = _required(
        {"--title-en": title_en or (title if english else None), "--publisher": publisher}
    )
    fields = SourceFields(
        id=source_id,
        title=title,
        title_en=asked["--title-en"],
        publisher=asked["--publisher"],
        jurisdiction=jurisdiction,
        date=when,
        retrieved=retrieved or date.today().isoformat(),
        url=url,
        archive_url=archive_url,
        language=language,
        note=note,
    )
    problems = option_problems(fields)
    if problems:
        fail("; ".join(problems))
    result = load_ledger(ledger)
    extracted = extract(
        file, display_name(file), document_type.value if document_type else None, encoding
    )
    if isinstance(extracted, Found):
        _refuse([extracted], EXIT_UNREADABLE)
    new = plan_source(result, fields, extracted.data, when_judged)
    if isinstance(new, list):
        _refuse(new)
    problem = write_source(new)
    if problem is not None:
        _refuse([problem])
    from pledges.present.escape.terminal import name, text

    characters = len(extracted.data.decode("utf-8-sig"))
    say(
        f"archived {name(new.archive_name)} ({extracted.kind}, {characters:,} characters, "
        f"sha256 {new.sha256[:12]}…)"
    )
    say(f"created {name(new.ledger_name)} with source '{text(source_id)}'; add its pledges with")
    say(f"  pledges new --file {name(new.ledger_name)} --title … --quote … --deadline …")


def _refuse(diagnostics: Sequence[Diagnostic], code: int = EXIT_FINDINGS) -> NoReturn:
    from pledges.present.formats import to_text

    console = stderr()
    for diagnostic in diagnostics:
        console.out(to_text(diagnostic), highlight=False)
    raise typer.Exit(code)


@source_app.command("archive")
def archive(
    file: Annotated[Path, typer.Argument(help="The document: a plain-text, HTML or PDF file.")],
    source_id: Annotated[
        str, typer.Option("--id", help="The id of a source of the ledger without an archive.")
    ],
    retrieved: Annotated[
        str | None,
        typer.Option(
            "--retrieved", help="When the file was downloaded (default: today).", metavar="DATE"
        ),
    ] = None,
    document_type: Annotated[
        DocumentType | None,
        typer.Option("--type", help="How to read the file (default: from its content and name)."),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding", help="Its text encoding when not UTF-8 or declared, e.g. gb18030."
        ),
    ] = None,
    ledger: LedgerOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Archive the text of a source the ledger already has (one PL261 warns about).

    The text goes to sources/<id>.txt as `source add` extracts it, and the source block
    gets its `archive`, `sha256` and `retrieved`; every quote citing the source must be in
    the text, or nothing is written.

    Example:

    \b
      pledges source archive work-report-2023.html --id xiaoshan-2023-work-report
    """
    from pledges.edit.source import archive_existing
    from pledges.model.diagnostics import Diagnostic as Found
    from pledges.present.escape.terminal import name
    from pledges.read.extract import extract
    from pledges.read.safe import display_name

    when_judged = as_of_date(as_of)
    if not file.exists() and not file.is_symlink():
        fail(f"{file}: no such file", EXIT_UNREADABLE)
    result = load_ledger(ledger)
    extracted = extract(
        file, display_name(file), document_type.value if document_type else None, encoding
    )
    if isinstance(extracted, Found):
        _refuse([extracted], EXIT_UNREADABLE)
    done = archive_existing(
        result,
        source_id,
        extracted.data,
        retrieved or date.today().isoformat(),
        when_judged,
        timeout=lock_timeout(),
        on_wait=say_waiting,
    )
    if isinstance(done, list):
        _refuse(done)
    characters = len(extracted.data.decode("utf-8-sig"))
    say(
        f"archived {name(done.archive_name)} ({extracted.kind}, {characters:,} characters, "
        f"sha256 {done.sha256[:12]}…)"
    )
    say(f"recorded archive, sha256, retrieved: written to {name(done.ledger_name)}:{done.line}")


@source_app.command("list")
def list_sources(
    output_format: Annotated[
        TableFormat, typer.Option("--format", help="Output format.")
    ] = TableFormat.table,
    ledger: LedgerOpt = None,
) -> None:
    """List the ledger's sources with the state of their archived texts.

    Example:

    \b
      pledges source list --format json
    """
    from pledges.check.sources import source_states
    from pledges.present.sources import source_records, source_table

    states = source_states(load_ledger(ledger))
    if output_format is TableFormat.json:
        from pledges.present.escape import json as json_out

        say(json_out.dumps(source_records(states)))
        return
    stdout().print(source_table(states))


@source_app.command("check")
def check_sources(ledger: LedgerOpt = None) -> None:
    """Re-hash every archived source text against the sha256 its source records.

    Exits 1 if an archive has changed, cannot be read, or has no sha256 recorded.

    Example:

    \b
      pledges source check --ledger ledger
    """
    from pledges.check.sources import FAILING, source_states
    from pledges.present.escape.terminal import name, text

    states = source_states(load_ledger(ledger))
    console = stdout()
    for state in states:
        where = name(state.source.archive) if state.source.archive else "—"
        detail = f": {text(state.detail)}" if state.status == "unreadable" else ""
        console.out(f"{state.status:<12} {text(state.source.id)}  {where}{detail}", highlight=False)
    failing = [s for s in states if s.status in FAILING]
    archived = [s for s in states if s.source.archive]
    if failing:
        console.out(f"{len(failing)} of {len(archived)} archives do not match", highlight=False)
        raise typer.Exit(EXIT_FINDINGS)
    console.out(
        (
            "1 archive matches its sha256"
            if len(archived) == 1
            else f"{len(archived)} archives match their sha256"
        )
        + (
            f"; {len(states) - len(archived)} sources not archived"
            if len(states) > len(archived)
            else ""
        ),
        highlight=False,
    )
    raise typer.Exit(EXIT_OK)
