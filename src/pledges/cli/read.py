"""Commands that read the ledger: lint, list, status, show, units, rules."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pledges.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_UNREADABLE,
    AsOfOpt,
    BindingOpt,
    DueAfterOpt,
    DueBeforeOpt,
    GroupBy,
    JurisdictionOpt,
    LedgerOpt,
    LintFormat,
    ListFormat,
    QuoteOpt,
    ReportFormat,
    SearchOpt,
    SortKey,
    SourceOpt,
    StatusOpt,
    TagOpt,
    WideOpt,
    app,
    as_of_date,
    fail,
    ledger_root,
    load_at,
    load_ledger,
    make_filters,
    reporter,
    rows_for,
    say,
    screen,
    stdout,
    warn_if_broken,
    write_lines,
)
from pledges.cli.indexing import PrintingFailedError, read_ledger, with_index

if TYPE_CHECKING:
    from datetime import date

    from pledges.check.lint import LintReport
    from pledges.cli.showing import ShowOutput
    from pledges.read.index import LedgerIndex


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
    """Check ledger files: YAML, schema and the semantic rules across the whole ledger.

    Example:

    \b
      pledges lint --strict
      pledges lint ledger/cn/zhejiang --format json --as-of 2024-12-31
    """
    from pledges.check.lint import lint_report
    from pledges.present.findings import print_diagnostics

    when = as_of_date(as_of)
    paths = paths or []
    root = ledger_root(ledger, paths)
    indexed = None
    if base is None:  # the pull-request rules compare two loaded ledgers
        indexed = with_index(
            root, paths, lambda index, chosen: _lint_indexed(index, when, chosen), no_cache=no_cache
        )
    if indexed is not None:
        report, unreadable = indexed
    else:
        with reporter() as progress:
            result = read_ledger(root, paths, no_cache=no_cache, progress=progress)
            report = lint_report(result, when, progress.phase("checking rules"))
        unreadable = result.unreadable
    diagnostics = report.diagnostics
    if base is not None:
        from pledges.check.pr import pr_lint
        from pledges.history.revisions import GitError

        try:
            diagnostics = pr_lint(base, result, diagnostics)
        except GitError as exc:
            fail(str(exc))
    github = output_format is LintFormat.github
    print_diagnostics(stdout(commands=github), diagnostics, output_format.value, report.counts)
    if unreadable:
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
    drafts: Annotated[
        bool,
        typer.Option(
            "--drafts",
            help="Only the pledges that hold a draft awaiting review (pledges accept/reject).",
        ),
    ] = False,
    wide: WideOpt = False,
    quote: QuoteOpt = False,
    ledger: LedgerOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """List pledges with their computed status, filtered and sorted.

    Each row: id, status, progress, due period, the figure and the target with their
    unit, and the title. In a terminal the table fits its width (titles end in "…"
    unless --wide); piped, each pledge is one line of tab-separated fields. Drafts
    (entries `pledges extract --write` proposed) are left out until accepted; `--drafts`
    lists only them.

    Example:

    \b
      pledges list --status missed --tag energy --sort deadline --as-of 2024-12-31
      pledges list --drafts
      pledges list --quote --wide
    """
    from pledges.cli.indexread import list_indexed
    from pledges.present.tables import list_report
    from pledges.present.terminal import rows_as

    filters = make_filters(
        status, jurisdiction, tag, source, due_before, due_after, search, binding
    )
    when = as_of_date(as_of)
    root = ledger_root(ledger)
    fmt = output_format.value
    if not drafts:  # drafts are judged with their draft figures: not stored
        try:
            listed = with_index(
                root,
                [],
                lambda index, _: list_indexed(
                    index, when, filters, sort.value, fmt, wide=wide, quote=quote
                ),
            )
        except PrintingFailedError as exc:
            fail(f"the ledger index failed while listing ({exc}); run it again", EXIT_UNREADABLE)
        if listed is not None:
            warn_if_broken(listed)
            return
    with reporter() as progress:
        result = read_ledger(root, progress=progress)
        rows = rows_for(result, when, filters, sort.value, progress, drafts=drafts)
    if output_format is ListFormat.table:
        write_lines(list_report(rows, screen(), wide=wide, quote=quote))
    else:
        # plain text of any size: straight to stdout, not through rich's line wrapping
        say(rows_as(rows, output_format.value))
    warn_if_broken(result)


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
    wide: WideOpt = False,
    quote: QuoteOpt = False,
    output_format: Annotated[
        ReportFormat,
        typer.Option("--format", help="table, or json: the scoreboard and groups as data."),
    ] = ReportFormat.table,
    ledger: LedgerOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """The status report: the delivery rate over pledges with a verdict, a scoreboard
    with the pledges of no verdict yet apart, then the pledges by group.

    Each pledge shows what was promised (title, figure and target with units, due
    period) and where it stands (status, progress).

    Example:

    \b
      pledges status --by source --as-of 2024-12-31
      pledges status --format json --as-of 2024-12-31
    """
    from pledges.cli.indexread import status_indexed

    when = as_of_date(as_of)
    filters = make_filters(
        status, jurisdiction, tag, source, due_before, due_after, search, binding
    )
    root = ledger_root(ledger)
    fmt = output_format.value
    try:
        reported = with_index(
            root,
            [],
            lambda index, _: status_indexed(
                index, when, filters, by.value, fmt, wide=wide, quote=quote
            ),
        )
    except PrintingFailedError as exc:
        fail(f"the ledger index failed while reporting ({exc}); run it again", EXIT_UNREADABLE)
    if reported is not None:
        warn_if_broken(reported)
        return
    with reporter() as progress:
        result = read_ledger(root, progress=progress)
        rows = rows_for(result, when, filters, "deadline", progress)
    if output_format is ReportFormat.json:
        from pledges.judge.scoreboard import report
        from pledges.present.reports import as_json

        say(as_json(report(rows, by.value, result.ledger, when.isoformat())))
    else:
        from pledges.present.report import status_report

        lines = status_report(
            rows, by.value, result.ledger, when.isoformat(), screen(), wide=wide, quote=quote
        )
        write_lines(lines)
    warn_if_broken(result)


@app.command()
def show(
    pledge_id: Annotated[str, typer.Argument(metavar="ID", help="The pledge id.")],
    output_format: Annotated[
        ReportFormat,
        typer.Option("--format", help="table, or json: the same as data."),
    ] = ReportFormat.table,
    ledger: LedgerOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """One pledge in full: quote, source, target, note, baseline, the timeline with its
    evidence, the occurrences of a recurring target, a chart of the figures against the
    target, related pledges, the assessment, the status and why.

    Example:

    \b
      pledges show binjiang/2023/gdp-growth --as-of 2024-12-31
      pledges show binjiang/2023/gdp-growth --format json
    """
    from pledges.cli.showing import show_output
    from pledges.judge.indexshow import shown_in_index, shown_in_ledger

    when = as_of_date(as_of)
    root = ledger_root(ledger)

    def from_index(index: LedgerIndex, _: set[str] | None) -> ShowOutput:
        from pledges.judge.indexed import IndexedLedger

        return show_output(shown_in_index(IndexedLedger(index), pledge_id, when), output_format)

    # Read through the index: the pledge, the pledges it names and their files, nothing
    # else. The whole ledger is loaded only when the index cannot be used (see
    # `with_index`: $PLEDGES_NO_INDEX, an unwritable cache, a database that stays locked);
    # the output is the same either way. The archived texts are read from the ledger as
    # the pledge's quotes need them, so the index need not check the others.
    out = with_index(root, [], from_index, archives=False)
    if out is None:
        with reporter() as progress:
            result = load_at(root, [], progress=progress)
        out = show_output(shown_in_ledger(result, pledge_id, when), output_format)
    if out.failure is not None:
        fail(*out.failure)
    if out.json is not None:
        say(out.json)
        return
    write_lines(out.lines)
    warn_if_broken(out.summary)


@app.command()
def units(ledger: LedgerOpt = None) -> None:
    """List the unit registry: built-in units and the ledger's units.yaml.

    Each unit is listed once with its aliases (other spellings a ledger may use); an
    ordinal unit lists its levels in order instead of a conversion factor.

    Example:

    \b
      pledges units --ledger ledger
    """
    from rich.table import Table
    from rich.text import Text

    from pledges.model.registries import unit_ids
    from pledges.present.escape.terminal import text as clean

    result = load_ledger(ledger)
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("id", "name", "name_en", "dimension", "factor or levels", "aliases"):
        table.add_column(column)
    for unit in unit_ids(result.ledger.units):
        factor = f"levels {', '.join(unit.levels)}" if unit.ordinal else f"{unit.factor:g}"
        cells = (unit.id, unit.name, unit.name_en, unit.dimension, factor, " ".join(unit.aliases))
        table.add_row(*(Text(clean(v)) for v in cells))
    stdout().print(table)


@app.command()
def rules() -> None:
    """List the lint rules with their codes and default severities.

    Example:

    \b
      pledges rules
    """
    from pledges.check.catalog import all_rules

    console = stdout()
    for rule in all_rules().values():
        console.out(f"{rule.code}  {rule.severity.value:<7}  {rule.summary}", highlight=False)


def _lint_indexed(
    index: LedgerIndex, when: date, selected: set[str] | None
) -> tuple[LintReport, bool]:
    from pledges.check.incremental import lint_indexed

    return lint_indexed(index, when, selected), index.unreadable()
