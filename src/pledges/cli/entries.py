"""Ledger entries from the options of `new` and `observe`: the options they offer, the
combinations refused before anything is read or written, and figures and units as the
ledger writes them."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pledges.cli.common import EXIT_FINDINGS, fail, say

if TYPE_CHECKING:
    from pledges.model.diagnostics import Diagnostic
    from pledges.model.periods import Period
    from pledges.model.registries import Unit
    from pledges.read.loader import LoadResult


class Bound(StrEnum):
    LOWER = "lower"
    UPPER = "upper"


class Kind(StrEnum):
    LEVEL = "level"
    FLOW = "flow"
    RATE = "rate"


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class Every(StrEnum):
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"


# ---------------------------------------------------------------- options

DoneOpt = Annotated[
    bool | None,
    typer.Option(
        "--done/--not-done",
        help="A milestone (op: done) reported done, or not done, in --period.",
    ),
]


BoundOpt = Annotated[
    Bound | None,
    typer.Option(
        "--bound",
        help="The figure is a bound: lower (突破, 超, 以上) or upper (以内, 不超过).",
    ),
]


ApproxOpt = Annotated[bool, typer.Option("--approx", help="The figure is approximate (左右, 约).")]


KindOpt = Annotated[
    Kind | None,
    typer.Option("--kind", help="level (a standing figure), flow (an amount per period) or rate."),
]


BetterOpt = Annotated[Better | None, typer.Option("--better", help="Which direction is good.")]


EveryOpt = Annotated[
    Every | None,
    typer.Option("--every", help="A recurring target, met in each period from --start."),
]


BaselineQuoteOpt = Annotated[
    str | None, typer.Option("--baseline-quote", help="Evidence of the baseline, verbatim.")
]


BaselineSourceOpt = Annotated[
    str | None, typer.Option("--baseline-source", help="Source id of the baseline's quote.")
]


BaselineUrlOpt = Annotated[
    str | None, typer.Option("--baseline-url", help="URL of the baseline's quote.")
]


RelatedOpt = Annotated[
    list[str] | None, typer.Option("--related", help="A related pledge id (repeatable).")
]


SameAsOpt = Annotated[
    str | None, typer.Option("--same-as", help="This entry restates that pledge.")
]


BaselineFlagOpt = Annotated[
    bool,
    typer.Option(
        "--baseline",
        help="Record the figure as the pledge's baseline (needed for a figure from "
        "before the pledge's period).",
    ),
]


BaselineOpt = Annotated[
    str | None,
    typer.Option("--baseline", metavar="PERIOD=VALUE", help="The starting figure."),
]


NoteOpt = Annotated[str | None, typer.Option("--note", help="Why a reading was chosen, caveats.")]


# ---------------------------------------------------------------- checks


def figure_options(
    value: str | None,
    done: bool | None,
    bound: Bound | None,
    approx: bool,
    baseline: bool,
    outcome: bool,
) -> None:
    """Refuse the combinations of `observe` options that make no sense."""
    if done is not None:
        if value is not None or bound is not None or approx:
            fail("--done/--not-done reports a milestone; it takes no --value, --bound or --approx")
        if baseline:
            fail("a milestone has no baseline: --baseline takes a --value")
        return
    if value is None:
        fail("give the figure with --value, or --done/--not-done for a milestone")
    if bound is not None and approx:
        fail("a figure is either a bound (--bound) or approximate (--approx), not both")
    if baseline and outcome:
        fail("--outcome marks progress; a --baseline figure is never the outcome")


def before_period(result: LoadResult, pledge_id: str, period: Period) -> Diagnostic | None:
    """The refusal of a figure from before the pledge's period: it is a baseline."""
    from pledges.edit.session import REFUSED, refusal
    from pledges.judge.figures import period_start

    pledge = result.ledger.pledge_index().get(pledge_id)
    first = period_start(pledge) if pledge is not None else None
    if pledge is None or first is None or period.end >= first:
        return None
    line, column = pledge.position("id")
    since = pledge.start.text if pledge.start else first.isoformat()
    return refusal(
        pledge.file,
        REFUSED,
        f"the figure for {period.text} ends before the pledge's period (from {since}): it "
        "is a baseline, and never decides the status",
        "give --baseline to record it as the pledge's baseline",
        line,
        column,
    )


def check_file(file: Path) -> None:
    """A usage error for a ledger file that does not exist, naming the `pledges source
    add` that creates it."""
    if not file.exists() and not file.is_symlink():
        from pledges.cli.common import EXIT_USAGE
        from pledges.edit.source import missing_file_hint

        fail(missing_file_hint(file), EXIT_USAGE)


def check_op(op: str | None, values: list[str] | None, set_by: bool) -> None:
    from pledges.model.ledger import OPS

    if op is not None and op not in OPS:
        fail(f"--op: '{op}' is not an op; choose from {', '.join(OPS)}")
    if op == "done" and values:
        fail("--op done is a milestone: it takes no --value")
    if set_by and op is not None:
        fail("--set-by-higher-level stands alone: it takes no --op")


def baseline_entry(
    text: str | None, quote: str | None, source: str | None, url: str | None
) -> dict[str, Any] | None:
    """`--baseline 2023=28` with its optional evidence, as a baseline mapping."""
    from pledges.edit.emit import evidence, number, observation
    from pledges.model.periods import PeriodError, parse_period

    if text is None:
        if quote or source or url:
            fail("--baseline-quote, --baseline-source and --baseline-url need --baseline")
        return None
    when, sep, figure = text.partition("=")
    parsed = number(figure) if sep else None
    if parsed is None:
        fail(f"--baseline: '{text}' is not PERIOD=VALUE with a finite number, e.g. 2023=28")
    try:
        parse_period(when.strip(), allow_span=True)
    except PeriodError as exc:
        fail(f"--baseline: {exc}")
    proof = None
    if quote is not None:
        if (source is None) == (url is None):
            fail(
                "give the baseline's evidence as exactly one of --baseline-source and "
                "--baseline-url"
            )
        proof = evidence(quote, source=source, url=url)
    elif source or url:
        fail("--baseline-source and --baseline-url cite --baseline-quote; give the quote")
    return observation(when.strip(), parsed, proof)


# ---------------------------------------------------------------- values


def unit_option(units: Mapping[str, Unit], name: str | None, option: str = "--unit") -> Unit | None:
    """The unit an option names (an alias names its unit); a usage error when unknown."""
    from pledges.model.registries import suggest_unit

    if name is None:
        return None
    unit = units.get(name)
    if unit is None:
        close = suggest_unit(name, units)
        hint = f"did you mean '{close}'?" if close else "add it to units.yaml"
        fail(f"{option}: unknown unit '{name}' ({hint})")
    if unit.id != name:
        from pledges.present.escape.terminal import text as clean

        say(clean(f"unit '{name}' is written as '{unit.id}'"))
    return unit


def figure_option(text: str, unit: Unit | None, option: str) -> float | int | str:
    from pledges.edit.emit import figure

    value = figure(text, unit)
    if value is None:
        if unit is not None and unit.ordinal:
            levels = ", ".join(unit.levels)
            fail(f"{option}: '{text}' is not a level of unit '{unit.id}' ({levels})")
        fail(f"{option}: '{text}' is not a finite number")
    return value


def ledger_dir(ledger: str) -> Path:
    from pledges.read.loader import LedgerNotFoundError, find_ledger

    try:
        return find_ledger(ledger, Path.cwd())
    except LedgerNotFoundError as exc:
        fail(str(exc))


def numbers(options: dict[str, list[str]]) -> dict[str, list[float | int]]:
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


def evidence_option(
    quote: str, source: str | None, url: str | None, title: str | None, when: str | None
) -> dict[str, Any]:
    """The evidence entry of --quote with --source, or with --url (--title, --date)."""
    from pledges.edit.emit import evidence

    if (source is None) == (url is None):
        fail("give the evidence as exactly one of --source and --url")
    if source is not None and (title is not None or when is not None):
        fail("--title and --date describe a --url; a --source needs neither")
    return evidence(quote, source=source, url=url, title=title, when=when)


def pledge_file(result: Any, pledge_id: str) -> Path:
    """The file that holds a pledge; exit 1 with a did-you-mean when there is none."""
    from pledges.edit.session import find_pledge_file
    from pledges.model.diagnostics import Diagnostic

    found = find_pledge_file(result, pledge_id)
    if isinstance(found, Diagnostic):
        fail(found.message + (f"; {found.hint}" if found.hint else ""), EXIT_FINDINGS)
    return found
