"""Editing commands: `new`, `observe`, `assess` and `fmt`.

Every edit is computed, verified and written atomically by pledges.edit; a refusal
prints its diagnostics and exits 1 with the file untouched.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from functools import partial
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
    ledger_root,
    load_ledger,
    lock_timeout,
    optional_date,
    parse_cache,
    say,
    say_waiting,
)
from pledges.cli.entries import (
    ApproxOpt,
    BaselineFlagOpt,
    BaselineOpt,
    BaselineQuoteOpt,
    BaselineSourceOpt,
    BaselineUrlOpt,
    BetterOpt,
    BoundOpt,
    DoneOpt,
    EveryOpt,
    KindOpt,
    NoteOpt,
    RelatedOpt,
    SameAsOpt,
    baseline_entry,
    before_period,
    check_file,
    check_op,
    evidence_option,
    figure_option,
    figure_options,
    ledger_dir,
    numbers,
    pledge_file,
    unit_option,
)
from pledges.cli.indexing import edit_through_index

if TYPE_CHECKING:
    from pledges.edit.session import Edit, Loaded
    from pledges.model.diagnostics import Diagnostic
    from pledges.read.loader import LoadResult

QuoteOpt = Annotated[
    str, typer.Option("--quote", help="The evidence, verbatim in the source's language.")
]
SourceIdOpt = Annotated[
    str | None, typer.Option("--source", help="Evidence: id of a source in the ledger.")
]
UrlOpt = Annotated[
    str | None, typer.Option("--url", help="Evidence: an http(s) URL outside the ledger.")
]
TitleOpt = Annotated[str | None, typer.Option("--title", help="Title of the --url page.")]
DateOpt = Annotated[
    str | None, typer.Option("--date", help="Date of the --url page.", metavar="DATE")
]


def _refuse(
    diagnostics: Sequence[Diagnostic], code: int = EXIT_FINDINGS, file: str | None = None
) -> NoReturn:
    """Print one line per reason (positions in the file as it is on disk) and exit."""
    from pledges.cli.common import stderr
    from pledges.present.escape.terminal import name
    from pledges.present.formats import to_text

    console = stderr()
    for diagnostic in diagnostics:
        console.out(to_text(diagnostic), highlight=False)
    if file is not None:
        console.out(f"pledges: nothing was written; {name(file)} is unchanged", highlight=False)
    raise typer.Exit(code)


def _apply(
    path: Path,
    root: str,
    as_of: str | None,
    plan: Callable[[Loaded], Edit | list[Diagnostic]],
    prior: LoadResult | Loaded | None = None,
) -> None:
    """Open, plan, verify and write one edit; exit 1 with the reasons when refused.
    `prior`, the ledger (or file) the command read already, is not read again."""
    from pledges.edit import atomic
    from pledges.present.escape.terminal import name as shown
    from pledges.present.escape.terminal import text as clean
    from pledges.read.safe import display_name

    when, at = as_of_date(as_of), Path(root) if root else None
    wait = lock_timeout()
    edit = atomic.apply_edit(path, when, plan, at, timeout=wait, on_wait=say_waiting, prior=prior)
    if isinstance(edit, list):
        _refuse(edit, file=display_name(path))
    say(f"{clean(edit.summary)}: written to {shown(edit.loaded.name)}:{edit.line}")


@app.command()
def observe(
    pledge_id: Annotated[str, typer.Argument(metavar="ID", help="The pledge id.")],
    period: Annotated[
        str, typer.Option("--period", help="Period of the figure, e.g. 2023 or 2016/2020.")
    ],
    quote: QuoteOpt,
    value: Annotated[
        str | None,
        typer.Option(
            "--value", help="The figure: a finite number, or a level of an ordinal unit (III)."
        ),
    ] = None,
    source: SourceIdOpt = None,
    url: UrlOpt = None,
    title: TitleOpt = None,
    when: DateOpt = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", help="Unit the source reports in (an alias names its unit)."),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note for editors.")] = None,
    outcome: Annotated[
        bool, typer.Option("--outcome", help="The source reports this as the final outcome.")
    ] = False,
    done: DoneOpt = None,
    bound: BoundOpt = None,
    approx: ApproxOpt = False,
    baseline: BaselineFlagOpt = False,
    ledger: LedgerOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Append an observation, with its evidence, to a pledge's progress.

    Waits up to $PLEDGES_LOCK_TIMEOUT seconds (default 30) for another edit.

    Example:

    \b
      pledges observe binjiang/2024/schools --period 2024 --value 5 \\
        --source binjiang-2025-plan-report --quote 投用学校5所
      pledges observe xiaoshan/2023/retail-sales --period 2023 --value 1000 \\
        --bound lower --source xiaoshan-2024-work-report --quote 突破1000亿元
      pledges observe binjiang/2024/power-facilities --period 2024-08 --done \\
        --source binjiang-2025-plan-report --quote 8月投入使用
    """
    from pledges.edit import emit, splice
    from pledges.model.periods import PeriodError, parse_period

    figure_options(value, done, bound, approx, baseline, outcome)
    try:
        when_period = parse_period(emit.period(period), allow_span=True)
    except PeriodError as exc:
        fail(f"--period: {exc}")
    proof = evidence_option(quote, source, url, title, when)

    def run(result: LoadResult) -> None:
        path = pledge_file(result, pledge_id)
        units = result.ledger.units
        reported = unit_option(units, unit)
        pledge = result.ledger.pledge_index()[pledge_id]
        metric_unit = units.get(pledge.metric.unit or "") if pledge.metric else None
        given = reported or metric_unit
        figure = figure_option(value, given, "--value") if value is not None else None
        shape: dict[str, Any] = {"unit": reported.id if reported else None, "note": note}
        shape |= {"bound": bound.value if bound else None, "approx": approx}
        if baseline:
            item = emit.observation(period, figure, proof, **shape)
            plan = partial(splice.plan_baseline, pledge_id=pledge_id, baseline=item)
            _apply(path, result.ledger.root, as_of, plan, result)
            return
        early = before_period(result, pledge_id, when_period)
        if early is not None:
            _refuse([early])
        item = emit.observation(period, figure, proof, outcome=outcome, done=done, **shape)
        plan = partial(splice.plan_observe, pledge_id=pledge_id, observation=item)
        _apply(path, result.ledger.root, as_of, plan, result)

    if not edit_through_index(ledger_root(ledger), run, pledge_id=pledge_id):
        run(load_ledger(ledger))


@app.command()
def assess(
    pledge_id: Annotated[str, typer.Argument(metavar="ID", help="The pledge id.")],
    status: Annotated[
        str,
        typer.Option(
            "--status",
            help="achieved, missed, partly, on_track, at_risk, unreported or withdrawn.",
        ),
    ],
    rationale: Annotated[
        str, typer.Option("--rationale", help="The verdict's reason, one sentence.")
    ],
    quote: QuoteOpt,
    period: Annotated[
        str | None,
        typer.Option(
            "--period", help="The period the verdict applies from, e.g. 2023.", metavar="PERIOD"
        ),
    ] = None,
    source: SourceIdOpt = None,
    url: UrlOpt = None,
    title: TitleOpt = None,
    when: DateOpt = None,
    ledger: LedgerOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Record a pledge's editorial assessment, replacing any it has.

    Without --period, --as-of gives the verdict's period as it did before; that use is
    deprecated and prints a warning.

    Waits up to $PLEDGES_LOCK_TIMEOUT seconds (default 30) for another edit.

    Example:

    \b
      pledges assess xiaoshan/13th-fyp/energy-intensity --status achieved \\
        --period 2022 --rationale "The plan reports the target as met." \\
        --source xiaoshan-14th-five-year-plan --quote "万元 GDP 综合能耗( 吨标煤) | 完成"
    """
    from pledges.cli.common import stderr
    from pledges.edit import emit, splice

    if period is None:
        if as_of is None:
            fail("missing option '--period' (the period the verdict applies from)")
        stderr().out(
            "pledges: 'assess --as-of PERIOD' is deprecated; use '--period PERIOD' "
            "(--as-of will mean 'judge statuses as of', as on every other command)",
            highlight=False,
        )
        period, as_of = as_of, None
    optional_date(period, "--period")  # a usage error when it is not a period
    item = emit.assessment(
        status, period, rationale, evidence_option(quote, source, url, title, when)
    )
    plan = partial(splice.plan_assess, pledge_id=pledge_id, assessment=item)

    def run(result: LoadResult) -> None:
        _apply(pledge_file(result, pledge_id), result.ledger.root, as_of, plan, result)

    if not edit_through_index(ledger_root(ledger), run, pledge_id=pledge_id):
        run(load_ledger(ledger))


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
        str | None,
        typer.Option(
            "--id", help="The new id (default: proposed from the metric name or the title)."
        ),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="One-line English summary.")] = None,
    quote: Annotated[str | None, typer.Option("--quote", help="The commitment, verbatim.")] = None,
    deadline: Annotated[str | None, typer.Option("--deadline", help="The target's period.")] = None,
    made: Annotated[str | None, typer.Option("--made", help="When it was made.")] = None,
    start: Annotated[
        str | None,
        typer.Option("--start", help="First period the target covers (required with --every)."),
    ] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="A tag (repeatable).")] = None,
    binding: Annotated[
        bool | None, typer.Option("--binding/--expected", help="Binding or expected.")
    ] = None,
    metric_name: Annotated[
        str | None, typer.Option("--metric-name", help="What is measured.")
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="The metric's unit (an alias names its unit).")
    ] = None,
    aggregate: Annotated[str | None, typer.Option("--aggregate", help="latest or sum.")] = None,
    kind: KindOpt = None,
    better: BetterOpt = None,
    op: Annotated[
        str | None, typer.Option("--op", help=">=, >, <=, <, about, between, or done.")
    ] = None,
    value: Annotated[
        list[str] | None,
        typer.Option(
            "--value",
            help="Target value, a number or a level (twice for between; 'baseline' for "
            "relative to it).",
        ),
    ] = None,
    stretch: Annotated[str | None, typer.Option("--stretch", help="The 力争 level.")] = None,
    tolerance: Annotated[
        str | None, typer.Option("--tolerance", help="Tolerance of about.")
    ] = None,
    ref: Annotated[
        str | None, typer.Option("--ref", help="Target: in step with this pledge.")
    ] = None,
    every: EveryOpt = None,
    set_by_higher_level: Annotated[
        bool, typer.Option("--set-by-higher-level", help="Target set by the higher level.")
    ] = False,
    baseline: BaselineOpt = None,
    baseline_quote: BaselineQuoteOpt = None,
    baseline_source: BaselineSourceOpt = None,
    baseline_url: BaselineUrlOpt = None,
    related: RelatedOpt = None,
    same_as: SameAsOpt = None,
    note: NoteOpt = None,
    ledger: LedgerOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Add a pledge to a ledger file (prompts for missing fields at a terminal).

    Without --id, an id is proposed from the key words of --metric-name (else --title).

    Waits up to $PLEDGES_LOCK_TIMEOUT seconds (default 30) for another edit.

    Example:

    \b
      pledges new --file ledger/cn/zhejiang/hangzhou/binjiang/2024-plan-report.yaml \\
        --title "Open 5 schools in 2024" --quote 投用学校5所 --deadline 2024 \\
        --metric-name "Schools opened" --unit count --kind flow --op ">=" --value 5 \\
        --baseline 2023=11 --baseline-quote 全年新投用学校11所 \\
        --baseline-source binjiang-2024-plan-report --tag education
      pledges new --file ledger/cn/x/2024-plan.yaml --title "Open the hall by September" \\
        --quote 9月投入使用 --deadline 2024-09 --op done
      pledges new --file ledger/cn/x/14th-fyp.yaml --title "Three drills every year" \\
        --quote 每年不少于三次 --start 2021 --deadline 2025 --every year \\
        --metric-name Drills --unit count --op ">=" --value 3
    """
    from pledges.edit import emit, ids, session, splice
    from pledges.present.escape.terminal import text as clean

    check_file(file)
    check_op(op, value, set_by_higher_level)
    root = ledger_dir(ledger) if ledger else None
    asked = _ask_missing({"title": title, "quote": quote, "deadline": deadline})
    base = baseline_entry(baseline, baseline_quote, baseline_source, baseline_url)
    when = as_of_date(as_of)

    def run(prior: LoadResult | None) -> None:
        loaded = session.open_for_edit(file, when, root, cache=parse_cache(), prior=prior)
        if isinstance(loaded, list):
            _refuse(loaded)
        metric_unit = unit_option(loaded.result.ledger.units, unit)
        values: list[float | int | str] = [
            text if text == "baseline" else figure_option(text, metric_unit, "--value")
            for text in value or []
        ]
        stretches = [figure_option(stretch, metric_unit, "--stretch")] if stretch else []
        tolerances = numbers({"--tolerance": [tolerance] if tolerance else []})["--tolerance"]
        chosen = pledge_id
        if not chosen:
            chosen = ids.propose_id(loaded, asked["title"], metric_name)
            say(clean(f"proposed id: {chosen}"))
            if _interactive():
                chosen = typer.prompt("Id", default=chosen)
        entry = emit.pledge_entry(
            chosen,
            asked["title"],
            asked["quote"],
            asked["deadline"],
            made=made,
            start=start,
            binding=binding,
            tags=tag or [],
            metric={
                "name": metric_name,
                "unit": metric_unit.id if metric_unit else unit,
                "aggregate": aggregate,
                "kind": kind.value if kind else None,
                "better": better.value if better else None,
            },
            target=emit.target_entry(
                op,
                values,
                stretches,
                tolerances,
                ref,
                set_by_higher_level,
                every.value if every else None,
            ),
            baseline=base,
            related=related or [],
            same_as=same_as,
            note=note,
        )
        _apply(file, str(root or ""), as_of, lambda fresh: splice.plan_new(fresh, entry), loaded)

    if not edit_through_index(root or session.ledger_root(file), run, file=file):
        run(None)


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
    """Lay ledger files out canonically: key order, indentation, comments kept.

    Waits up to $PLEDGES_LOCK_TIMEOUT seconds (default 30) for another edit.

    Example:

    \b
      pledges fmt --check
    """
    from pledges.edit import fmt
    from pledges.present.escape import terminal

    files = _fmt_targets(paths, ledger)
    timeout = lock_timeout()
    changed, problems, unreadable, not_written = [], [], False, 0
    for path in files:
        formatted, problem = (
            (fmt.format_file(path), None)
            if check
            else fmt.reformat(path, timeout=timeout, on_wait=say_waiting)
        )
        problems += formatted.diagnostics
        unreadable |= formatted.unreadable
        if problem is not None:  # a file that was not written is never reported as reformatted
            problems.append(problem)
            not_written += 1
        elif formatted.changed:
            changed.append(formatted.name)
    for name in changed:
        say(f"{'would reformat' if check else 'reformatted'} {terminal.name(name)}")
    verb = "would be reformatted" if check else "reformatted"
    failed = f", {not_written} not written" if not_written else ""
    say(f"{len(changed)} of {len(files)} files {verb}{failed}")
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
