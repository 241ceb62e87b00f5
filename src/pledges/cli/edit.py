"""Editing commands: `new`, `observe`, `assess` and `fmt`.

Every edit is computed, verified and written atomically by pledges.edit; a refusal
prints its diagnostics and exits 1 with the file untouched.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

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
    say,
)

if TYPE_CHECKING:
    from pledges.edit.session import Edit, Loaded
    from pledges.model.diagnostics import Diagnostic

QuoteOpt = Annotated[
    str, typer.Option("--quote", help="The evidence, verbatim in the source's language.")
]
SourceIdOpt = Annotated[
    str | None, typer.Option("--source", help="Evidence: id of a source in the ledger.")
]
UrlOpt = Annotated[
    str | None, typer.Option("--url", help="Evidence: an http(s) URL outside the ledger.")
]


def _refuse(diagnostics: Sequence[Diagnostic], code: int = EXIT_FINDINGS) -> NoReturn:
    from pledges.cli.common import stderr
    from pledges.present.formats import to_text

    console = stderr()
    for diagnostic in diagnostics:
        console.out(to_text(diagnostic), highlight=False)
    raise typer.Exit(code)


def _apply(
    path: Path, root: str, as_of: str | None, plan: Callable[[Loaded], Edit | list[Diagnostic]]
) -> None:
    """Open, plan, verify and write one edit; exit 1 with the reasons when refused."""
    from pledges.edit import atomic, session
    from pledges.present.escape.terminal import name
    from pledges.present.escape.terminal import text as clean

    loaded = session.open_for_edit(path, as_of_date(as_of), Path(root) if root else None)
    if isinstance(loaded, list):
        _refuse(loaded)
    edit = plan(loaded)
    if isinstance(edit, list):
        _refuse(edit)
    problem = atomic.write(edit)
    if problem is not None:
        _refuse([problem])
    say(f"{clean(edit.summary)}: written to {name(loaded.name)}:{edit.line}")


def _evidence(
    quote: str, source: str | None, url: str | None, title: str | None, when: str | None
) -> dict[str, Any]:
    from pledges.edit.emit import evidence

    if (source is None) == (url is None):
        fail("give the evidence as exactly one of --source and --url")
    if source is not None and (title is not None or when is not None):
        fail("--title and --date describe a --url; a --source needs neither")
    return evidence(quote, source=source, url=url, title=title, when=when)


def _pledge_file(result: Any, pledge_id: str) -> Path:
    from pledges.edit.session import find_pledge_file
    from pledges.model.diagnostics import Diagnostic

    found = find_pledge_file(result, pledge_id)
    if isinstance(found, Diagnostic):
        fail(found.message + (f"; {found.hint}" if found.hint else ""), EXIT_FINDINGS)
    return found


@app.command()
def observe(
    pledge_id: Annotated[str, typer.Argument(metavar="ID", help="The pledge id.")],
    period: Annotated[
        str, typer.Option("--period", help="Period of the figure, e.g. 2023 or 2016/2020.")
    ],
    value: Annotated[str, typer.Option("--value", help="The figure, a finite number.")],
    quote: QuoteOpt,
    source: SourceIdOpt = None,
    url: UrlOpt = None,
    title: Annotated[str | None, typer.Option("--title", help="Title of the --url page.")] = None,
    when: Annotated[str | None, typer.Option("--date", help="Date of the --url page.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Unit the source reports in.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note for editors.")] = None,
    outcome: Annotated[
        bool, typer.Option("--outcome", help="The source reports this as the final outcome.")
    ] = False,
    ledger: LedgerOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Append an observation, with its evidence, to a pledge's progress."""
    from pledges.edit import emit, splice

    figure = emit.number(value)
    if figure is None:
        fail(f"--value: '{value}' is not a finite number")
    item = emit.observation(
        period,
        figure,
        _evidence(quote, source, url, title, when),
        unit=unit,
        note=note,
        outcome=outcome,
    )
    result = load_ledger(ledger)
    path = _pledge_file(result, pledge_id)
    _apply(
        path,
        result.ledger.root,
        as_of,
        lambda loaded: splice.plan_observe(loaded, pledge_id, item),
    )


@app.command()
def assess(
    pledge_id: Annotated[str, typer.Argument(metavar="ID", help="The pledge id.")],
    status: Annotated[
        str,
        typer.Option("--status", help="achieved, missed, partly, on_track, at_risk or withdrawn."),
    ],
    rationale: Annotated[
        str, typer.Option("--rationale", help="The verdict's reason, one sentence.")
    ],
    assessed_as_of: Annotated[
        str, typer.Option("--as-of", help="The period the verdict applies from.")
    ],
    quote: QuoteOpt,
    source: SourceIdOpt = None,
    url: UrlOpt = None,
    ledger: LedgerOpt = None,
) -> None:
    """Record a pledge's editorial assessment, replacing any it has."""
    from pledges.edit import emit, splice

    as_of_date(assessed_as_of)  # a usage error when it is not a period
    item = emit.assessment(
        status, assessed_as_of, rationale, _evidence(quote, source, url, None, None)
    )
    result = load_ledger(ledger)
    path = _pledge_file(result, pledge_id)
    _apply(
        path, result.ledger.root, None, lambda loaded: splice.plan_assess(loaded, pledge_id, item)
    )


def _interactive() -> bool:
    return sys.stdin.isatty()


def _ask_missing(fields: dict[str, str | None]) -> dict[str, str]:
    """Prompt for missing required fields at a terminal; a usage error elsewhere."""
    missing = [name for name, value in fields.items() if not value]
    if missing and not _interactive():
        fail(
            "missing required option"
            + ("s" if len(missing) > 1 else "")
            + ": "
            + ", ".join(f"--{name}" for name in missing)
        )
    return {name: value or typer.prompt(name.capitalize()) for name, value in fields.items()}


@app.command()
def new(
    file: Annotated[Path, typer.Option("--file", help="The ledger file to add the pledge to.")],
    pledge_id: Annotated[
        str | None, typer.Option("--id", help="The new id (default: proposed from the title).")
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="One-line English summary.")] = None,
    quote: Annotated[str | None, typer.Option("--quote", help="The commitment, verbatim.")] = None,
    deadline: Annotated[str | None, typer.Option("--deadline", help="The target's period.")] = None,
    made: Annotated[str | None, typer.Option("--made", help="When it was made.")] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="First period the target covers.")
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A tag (repeatable).")] = None,
    binding: Annotated[
        bool | None, typer.Option("--binding/--expected", help="Binding or expected.")
    ] = None,
    metric_name: Annotated[
        str | None, typer.Option("--metric-name", help="What is measured.")
    ] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="The metric's unit.")] = None,
    aggregate: Annotated[str | None, typer.Option("--aggregate", help="latest or sum.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="level or rate.")] = None,
    op: Annotated[str | None, typer.Option("--op", help=">=, >, <=, <, about or between.")] = None,
    value: Annotated[
        list[str] | None, typer.Option("--value", help="Target value (twice for between).")
    ] = None,
    stretch: Annotated[str | None, typer.Option("--stretch", help="The 力争 level.")] = None,
    tolerance: Annotated[
        str | None, typer.Option("--tolerance", help="Tolerance of about.")
    ] = None,
    ref: Annotated[
        str | None, typer.Option("--ref", help="Target: in step with this pledge.")
    ] = None,
    set_by_higher_level: Annotated[
        bool, typer.Option("--set-by-higher-level", help="Target set by the higher level.")
    ] = False,
    as_of: AsOfOpt = None,
) -> None:
    """Add a pledge to a ledger file (prompts for missing fields at a terminal)."""
    from pledges.edit import emit, session, splice
    from pledges.present.escape.terminal import text as clean

    if not file.exists() and not file.is_symlink():
        fail(f"{file}: no such file", EXIT_UNREADABLE)
    asked = _ask_missing({"title": title, "quote": quote, "deadline": deadline})
    numbers = _numbers(
        {
            "--value": value or [],
            "--stretch": [stretch] if stretch else [],
            "--tolerance": [tolerance] if tolerance else [],
        }
    )
    loaded = session.open_for_edit(file, as_of_date(as_of))
    if isinstance(loaded, list):
        _refuse(loaded)
    if not pledge_id:
        pledge_id = splice.propose_id(loaded, asked["title"])
        say(clean(f"proposed id: {pledge_id}"))
        if _interactive():
            pledge_id = typer.prompt("Id", default=pledge_id)
    entry = emit.pledge_entry(
        pledge_id,
        asked["title"],
        asked["quote"],
        asked["deadline"],
        made=made,
        start=start,
        binding=binding,
        tags=tag or [],
        metric={"name": metric_name, "unit": unit, "aggregate": aggregate, "kind": kind},
        target=emit.target_entry(
            op,
            numbers["--value"],
            numbers["--stretch"],
            numbers["--tolerance"],
            ref,
            set_by_higher_level,
        ),
    )
    _apply(file, "", as_of, lambda fresh: splice.plan_new(fresh, entry))


def _numbers(options: dict[str, list[str]]) -> dict[str, list[float | int]]:
    from pledges.edit.emit import number

    out: dict[str, list[float | int]] = {}
    for option, texts in options.items():
        out[option] = []
        for text in texts:
            parsed = number(text)
            if parsed is None:
                fail(f"{option}: '{text}' is not a finite number")
            out[option].append(parsed)
    return out


@app.command()
def fmt(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or directories (default: the whole ledger).")
    ] = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Write nothing; list files that would change, exit 1 if any."),
    ] = False,
    ledger: LedgerOpt = None,
) -> None:
    """Lay ledger files out canonically: key order, indentation, comments kept."""
    from pledges.edit import fmt
    from pledges.present.escape import terminal

    files = _fmt_targets(paths, ledger)
    changed, problems, unreadable = [], [], False
    for path in files:
        formatted = fmt.format_file(path)
        problems += formatted.diagnostics
        unreadable |= formatted.data is None and not formatted.raw
        if formatted.changed:
            problem = None if check else fmt.write_formatted(formatted)
            problems += [problem] if problem else []
            changed.append(formatted.name)
    for name in changed:
        say(f"{'would reformat' if check else 'reformatted'} {terminal.name(name)}")
    verb = "would be reformatted" if check else "reformatted"
    say(f"{len(changed)} of {len(files)} files {verb}")
    if problems:
        _refuse(problems, EXIT_UNREADABLE if unreadable else EXIT_FINDINGS)
    raise typer.Exit(EXIT_FINDINGS if check and changed else EXIT_OK)


def _fmt_targets(paths: list[Path] | None, ledger: str | None) -> list[Path]:
    from pledges.read.loader import REGISTRY_FILES, LedgerNotFoundError, expand, find_ledger

    if paths:
        missing = [p for p in paths if not p.exists() and not p.is_symlink()]
        if missing:
            fail(f"{missing[0]}: no such file or directory", EXIT_UNREADABLE)
        return expand(paths)
    try:
        root = find_ledger(ledger, Path.cwd())
    except LedgerNotFoundError as exc:
        fail(str(exc))
    registries = [root / name for name in REGISTRY_FILES if (root / name).exists()]
    return registries + expand([root])
