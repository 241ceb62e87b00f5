"""The `pledges` command: parse options, call the core, render, exit.

Exit codes: 0 clean, 1 findings (warnings only with --strict), 2 usage, 3 unreadable
input. The core is imported inside commands so that `pledges --help` stays fast.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from pledges.loader import LoadResult
    from pledges.query import Filters, Row

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNREADABLE = 0, 1, 2, 3

app = typer.Typer(
    help="Track government pledges in a YAML ledger: lint it, query it, report on it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class LintFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"
    markdown = "markdown"


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class GroupBy(StrEnum):
    jurisdiction = "jurisdiction"
    source = "source"
    tag = "tag"
    year = "year"


class SortKey(StrEnum):
    id = "id"
    deadline = "deadline"
    status = "status"
    progress = "progress"
    jurisdiction = "jurisdiction"
    file = "file"


LedgerOpt = Annotated[
    str | None,
    typer.Option(
        "--ledger",
        help="Ledger directory (default: $PLEDGES_LEDGER, else the nearest ledger/ upward).",
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="Judge statuses as of this date or period (default: today).", metavar="DATE"
    ),
]
StatusOpt = Annotated[
    list[str] | None, typer.Option("--status", help="Only these statuses (repeatable).")
]
JurisdictionOpt = Annotated[
    str | None, typer.Option("--jurisdiction", help="Only this jurisdiction and its descendants.")
]
TagOpt = Annotated[
    list[str] | None, typer.Option("--tag", help="Only pledges with this tag (repeatable).")
]
SourceOpt = Annotated[str | None, typer.Option("--source", help="Only pledges of this source id.")]
DueBeforeOpt = Annotated[
    str | None, typer.Option("--due-before", help="Deadline before this date.", metavar="DATE")
]
DueAfterOpt = Annotated[
    str | None, typer.Option("--due-after", help="Deadline after this date.", metavar="DATE")
]
SearchOpt = Annotated[
    str | None, typer.Option("--search", help="Text in the title, quote, id or metric name.")
]
BindingOpt = Annotated[
    bool | None,
    typer.Option(
        "--binding/--expected", help="Only binding (约束性) or only expected (预期性) pledges."
    ),
]


def _stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _stdout() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    from pledges.render import clean

    _stderr().out(f"pledges: {clean(message)}", highlight=False)
    raise typer.Exit(code)


def _as_of(value: str | None) -> date:
    if value is None:
        return date.today()
    from pledges.periods import PeriodError, parse_date

    try:
        return parse_date(value)
    except PeriodError as exc:
        fail(f"--as-of: {exc}")


def _optional_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    from pledges.periods import PeriodError, parse_date

    try:
        return parse_date(value)
    except PeriodError as exc:
        fail(f"{option}: {exc}")


def _cache(no_cache: bool) -> object | None:
    if no_cache:
        return None
    from pledges.cache import Cache, default_cache_dir
    from pledges.schema import schema_digest

    return Cache(default_cache_dir(), schema_digest())


def _root_for(paths: list[Path]) -> Path | None:
    from pledges.loader import JURISDICTIONS_FILE

    for path in paths[:1]:
        start = path.resolve() if path.is_dir() else path.resolve().parent
        for folder in (start, *start.parents):
            if (folder / JURISDICTIONS_FILE).is_file() or folder.name == "ledger":
                return folder
    return None


def _load(
    ledger: str | None, paths: list[Path] | None = None, *, no_cache: bool = False
) -> LoadResult:
    from pledges.cache import Cache
    from pledges.loader import LedgerNotFoundError, find_ledger, load

    paths = paths or []
    missing = [p for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        fail(f"{missing[0]}: no such file or directory", EXIT_UNREADABLE)
    root: Path | None = None
    if ledger or os.environ.get("PLEDGES_LEDGER") or not paths:
        try:
            root = find_ledger(ledger, Path.cwd())
        except LedgerNotFoundError as exc:
            fail(str(exc))
    else:
        root = _root_for(paths)
        if root is None:
            try:
                root = find_ledger(None, Path.cwd())
            except LedgerNotFoundError:
                root = None
    cache = _cache(no_cache)
    return load(root, paths, cache=cache if isinstance(cache, Cache) else None)


def _rows(result: LoadResult, as_of: date, filters: Filters, sort: str = "id") -> list[Row]:
    from pledges.query import evaluate_all, select, sort_rows

    return sort_rows(select(evaluate_all(result, as_of), filters), sort)


def _filters(
    status: list[str] | None,
    jurisdiction: str | None,
    tag: list[str] | None,
    source: str | None,
    due_before: str | None,
    due_after: str | None,
    search: str | None,
    binding: bool | None,
) -> Filters:
    from pledges.query import Filters
    from pledges.status import STATUSES

    for value in status or []:
        if value not in STATUSES:
            fail(f"--status: '{value}' is not a status; choose from {', '.join(STATUSES)}")
    return Filters(
        statuses=tuple(status or ()),
        jurisdiction=jurisdiction,
        tags=tuple(tag or ()),
        source=source,
        due_before=_optional_date(due_before, "--due-before"),
        due_after=_optional_date(due_after, "--due-after"),
        search=search,
        binding=binding,
    )


def _warn_if_broken(result: LoadResult) -> None:
    errors = sum(1 for d in result.diagnostics if d.severity == "error")
    if errors:
        _stderr().out(
            f"pledges: the ledger has {errors} load errors; run 'pledges lint' for details",
            highlight=False,
        )


@app.command()
def lint(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or directories (default: the whole ledger).")
    ] = None,
    output_format: Annotated[
        LintFormat, typer.Option("--format", help="Output format.")
    ] = LintFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings also fail (exit 1).")] = False,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Parse and validate every file afresh.")
    ] = False,
    ledger: LedgerOpt = None,
    as_of: AsOfOpt = None,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="REV",
            help="Also apply the pull-request rules (PL301-PL303) against this git revision.",
        ),
    ] = None,
) -> None:
    """Check ledger files: YAML, schema and the semantic rules across the whole ledger."""
    from pledges.lint import lint as run_lint
    from pledges.render import print_diagnostics

    result = _load(ledger, paths, no_cache=no_cache)
    diagnostics = run_lint(result, _as_of(as_of))
    if base is not None:
        from pledges.revisions import GitError
        from pledges.rules_pr import pr_lint

        try:
            diagnostics = pr_lint(base, result, diagnostics)
        except GitError as exc:
            fail(str(exc))
    print_diagnostics(_stdout(), diagnostics, output_format.value)
    if result.unreadable:
        raise typer.Exit(EXIT_UNREADABLE)
    failing = [d for d in diagnostics if strict or d.severity == "error"]
    raise typer.Exit(EXIT_FINDINGS if failing else EXIT_OK)


@app.command("list")
def list_pledges(
    status: StatusOpt = None,
    jurisdiction: JurisdictionOpt = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    due_before: DueBeforeOpt = None,
    due_after: DueAfterOpt = None,
    search: SearchOpt = None,
    binding: BindingOpt = None,
    sort: Annotated[SortKey, typer.Option("--sort", help="Sort key.")] = SortKey.id,
    output_format: Annotated[
        ListFormat, typer.Option("--format", help="Output format.")
    ] = ListFormat.table,
    ledger: LedgerOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """List pledges with their computed status, filtered and sorted."""
    from pledges.render import list_table, rows_as

    result = _load(ledger)
    filters = _filters(status, jurisdiction, tag, source, due_before, due_after, search, binding)
    rows = _rows(result, _as_of(as_of), filters, sort.value)
    console = _stdout()
    if output_format is ListFormat.table:
        console.print(list_table(rows))
    else:
        # plain text of any size: straight to stdout, not through rich's line wrapping
        sys.stdout.write(rows_as(rows, output_format.value) + "\n")
    _warn_if_broken(result)


@app.command()
def status(
    by: Annotated[
        GroupBy, typer.Option("--by", help="Group the tables by this key.")
    ] = GroupBy.jurisdiction,
    status: StatusOpt = None,
    jurisdiction: JurisdictionOpt = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    due_before: DueBeforeOpt = None,
    due_after: DueAfterOpt = None,
    search: SearchOpt = None,
    binding: BindingOpt = None,
    ledger: LedgerOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """The status report: a scoreboard, then pledges grouped with progress bars."""
    from pledges.render import print_status

    result = _load(ledger)
    when = _as_of(as_of)
    filters = _filters(status, jurisdiction, tag, source, due_before, due_after, search, binding)
    rows = _rows(result, when, filters, "deadline")
    print_status(_stdout(), rows, by.value, result.ledger, when.isoformat())
    _warn_if_broken(result)


@app.command()
def show(
    pledge_id: Annotated[str, typer.Argument(metavar="ID", help="The pledge id.")],
    ledger: LedgerOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """One pledge in full: quote, source, target, timeline with evidence, status and why."""
    from pledges.query import Filters
    from pledges.render import print_pledge
    from pledges.rules.references import did_you_mean

    result = _load(ledger)
    rows = [r for r in _rows(result, _as_of(as_of), Filters()) if r.pledge.id == pledge_id]
    if not rows:
        hint = did_you_mean(pledge_id, result.ledger.pledge_index())
        fail(f"no pledge '{pledge_id}' in the ledger" + (f"; {hint}" if hint else ""))
    print_pledge(_stdout(), rows[0])


@app.command()
def units(ledger: LedgerOpt = None) -> None:
    """List the unit registry: built-in units and the ledger's units.yaml."""
    from rich.table import Table
    from rich.text import Text

    from pledges.render import clean

    result = _load(ledger)
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("id", "name", "name_en", "dimension", "factor"):
        table.add_column(column)
    for unit in result.ledger.units.values():
        table.add_row(
            *(
                Text(clean(v))
                for v in (unit.id, unit.name, unit.name_en, unit.dimension, f"{unit.factor:g}")
            )
        )
    _stdout().print(table)


@app.command()
def rules() -> None:
    """List the lint rules with their codes and default severities."""
    from pledges.rules import all_rules

    console = _stdout()
    for rule in all_rules().values():
        console.out(f"{rule.code}  {rule.severity.value:<7}  {rule.summary}", highlight=False)


def main() -> None:
    import gc

    # A short-lived process that builds many small objects: skip the cyclic collector.
    gc.disable()
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


# Command modules register themselves on `app` when imported.
from pledges import cli_edit, cli_git  # noqa: E402, F401
