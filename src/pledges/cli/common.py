"""The `pledges` command: parse options, call the core, render, exit.

Exit codes: 0 clean, 1 findings (warnings only with --strict), 2 usage, 3 unreadable
input. The core is imported inside commands so that `pledges --help` stays fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, NoReturn, cast

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from pledges.edit.lock import Waiting
    from pledges.judge.query import Filters, Row
    from pledges.model.diagnostics import Diagnostic
    from pledges.present.layout import Screen
    from pledges.present.progress import Reporter
    from pledges.read.cache import Cache
    from pledges.read.loader import LoadResult

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


class ReportFormat(StrEnum):
    table = "table"
    json = "json"


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
WideOpt = Annotated[
    bool,
    typer.Option("--wide", help="Full titles in a terminal, wrapped instead of cut with '…'."),
]
QuoteOpt = Annotated[
    bool, typer.Option("--quote", help="Also show each pledge's quote from its source.")
]
BindingOpt = Annotated[
    bool | None,
    typer.Option(
        "--binding/--expected", help="Only binding (约束性) or only expected (预期性) pledges."
    ),
]


# Piped output is not wrapped: a row stays one line for grep, and wrapping cannot carry
# data to the start of a line.
PIPED_WIDTH = 1_000_000


def _console(*, err: bool, commands: bool = False) -> Console:
    """A console on stdout or stderr whose lines cannot start a workflow command.

    `commands` is for `lint --format github` only: its own lines are workflow commands,
    built by pledges.present.escape.github, so they go out unguarded.
    """
    from rich.console import Console

    from pledges.present.escape.github import LineGuard

    stream = sys.stderr if err else sys.stdout
    file = stream if commands else cast("IO[str]", LineGuard(stream))
    console = Console(file=file, stderr=err, highlight=False)
    if not console.is_terminal:
        console = Console(file=file, stderr=err, highlight=False, width=PIPED_WIDTH)
    return console


def stderr() -> Console:
    return _console(err=True)


def stdout(*, commands: bool = False) -> Console:
    return _console(err=False, commands=commands)


def say(text: str, *, err: bool = False) -> None:
    """Write plain text and a newline, through the same guard as the consoles."""
    from pledges.present.escape.github import LineGuard

    stream = LineGuard(sys.stderr if err else sys.stdout)
    stream.write(text + "\n")
    stream.flush()


def screen() -> Screen:
    """Where stdout goes: a terminal and its width and colours, or a pipe."""
    from pledges.present.terminal import screen_of

    return screen_of(stdout())


def write_lines(lines: Iterable[str]) -> None:
    """Write lines to stdout as they come, in chunks, unwrapped, through the same guard
    as the consoles."""
    from pledges.present.escape.github import LineGuard

    stream = LineGuard(sys.stdout)
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= 512:
            stream.write("\n".join(chunk) + "\n")
            chunk = []
    if chunk:
        stream.write("\n".join(chunk) + "\n")
    stream.flush()


def reporter() -> Reporter:
    """The progress bar of a command (on stderr, only when stderr is a terminal)."""
    from pledges.present.progress import Reporter

    return Reporter()


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    stderr().out(f"pledges: {clean_text(message)}", highlight=False)
    raise typer.Exit(code)


def as_of_date(value: str | None) -> date:
    if value is None:
        return date.today()
    from pledges.model.periods import PeriodError, parse_date

    try:
        return parse_date(value)
    except PeriodError as exc:
        fail(f"--as-of: {exc}")


def optional_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    from pledges.model.periods import PeriodError, parse_date

    try:
        return parse_date(value)
    except PeriodError as exc:
        fail(f"{option}: {exc}")


NoCacheOpt = Annotated[
    bool,
    typer.Option("--no-cache", help="Parse every file it reads afresh, not from the parse cache."),
]


def parse_cache(no_cache: bool = False) -> Cache | None:
    """The parse cache, typed; None with --no-cache."""
    from pledges.read.cache import Cache

    cache = open_cache(no_cache)
    return cache if isinstance(cache, Cache) else None


def open_cache(no_cache: bool) -> object | None:
    if no_cache:
        return None
    from pledges.read.cache import Cache, default_cache_dir
    from pledges.read.schema import schema_digest

    return Cache(default_cache_dir(), schema_digest())


def root_for(paths: list[Path]) -> Path | None:
    from pledges.read.loader import JURISDICTIONS_FILE

    for path in paths[:1]:
        start = path.resolve() if path.is_dir() else path.resolve().parent
        for folder in (start, *start.parents):
            if (folder / JURISDICTIONS_FILE).is_file() or folder.name == "ledger":
                return folder
    return None


def ledger_root(ledger: str | None, paths: list[Path] | None = None) -> Path | None:
    """The ledger root a command works on (None: files outside any ledger)."""
    from pledges.read.loader import LedgerNotFoundError, find_ledger

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
        root = root_for(paths)
        if root is None:
            try:
                root = find_ledger(None, Path.cwd())
            except LedgerNotFoundError:
                root = None
    return root


def load_ledger(
    ledger: str | None,
    paths: list[Path] | None = None,
    *,
    no_cache: bool = False,
    progress: Reporter | None = None,
) -> LoadResult:
    return load_at(ledger_root(ledger, paths), paths or [], no_cache=no_cache, progress=progress)


def load_at(
    root: Path | None,
    paths: list[Path],
    *,
    no_cache: bool = False,
    progress: Reporter | None = None,
) -> LoadResult:
    from pledges.read.cache import Cache
    from pledges.read.loader import load

    cache = open_cache(no_cache)
    callback = progress.phase("reading files") if progress else None
    result = load(root, paths, cache=cache if isinstance(cache, Cache) else None, progress=callback)
    if progress:
        progress.sized(sum(len(f.pledges) for f in result.ledger.files))
    return result


def rows_for(
    result: LoadResult,
    as_of: date,
    filters: Filters,
    sort: str = "id",
    progress: Reporter | None = None,
    *,
    drafts: bool = False,
) -> list[Row]:
    from pledges.judge.query import evaluate_all, select, sort_rows

    callback = progress.phase("judging pledges") if progress else None
    return sort_rows(select(evaluate_all(result, as_of, callback, drafts=drafts), filters), sort)


def make_filters(
    status: list[str] | None,
    jurisdiction: str | None,
    tag: list[str] | None,
    source: str | None,
    due_before: str | None,
    due_after: str | None,
    search: str | None,
    binding: bool | None,
) -> Filters:
    from pledges.judge.query import Filters
    from pledges.judge.status import RENAMED, STATUSES

    for value in status or []:
        if value in RENAMED:
            fail(f"--status: '{value}' is now '{RENAMED[value]}'; use --status {RENAMED[value]}")
        if value not in STATUSES:
            fail(f"--status: '{value}' is not a status; choose from {', '.join(STATUSES)}")
    return Filters(
        statuses=tuple(status or ()),
        jurisdiction=jurisdiction,
        tags=tuple(tag or ()),
        source=source,
        due_before=optional_date(due_before, "--due-before"),
        due_after=optional_date(due_after, "--due-after"),
        search=search,
        binding=binding,
    )


def unloaded_message(file: str, diagnostic: Diagnostic) -> str:
    """What a file that could not be loaded means for a command's answer."""
    from pledges.read.loader import REGISTRY_FILES

    what = "entries" if Path(file).name in REGISTRY_FILES else "pledges"
    where = f"{diagnostic.line}:{diagnostic.column}: {diagnostic.code} {diagnostic.severity}"
    return f"{file} could not be loaded, so its {what} are left out ({where} {diagnostic.message})"


def warn_if_broken(result: LoadResult) -> None:
    """Name the files that could not be loaded and exit 3; else note other load errors.

    Called after a command printed its answer, so stdout stays valid for its format.
    """
    unloaded = result.unloaded()
    if unloaded:
        console = stderr()
        for file, diagnostic in unloaded.items():
            message = unloaded_message(file, diagnostic)
            console.out(f"pledges: {clean_text(message)}", highlight=False)
        raise typer.Exit(EXIT_UNREADABLE)
    errors = sum(1 for d in result.diagnostics if d.severity == "error")
    if errors:
        stderr().out(
            f"pledges: the ledger has {errors} load errors; run 'pledges lint' for details",
            highlight=False,
        )


def clean_text(message: str) -> str:
    """A message fit for the terminal: printable file names, no control characters."""
    from pledges.present.escape.terminal import text
    from pledges.read.safe import printable

    return text(printable(message))


def lock_timeout() -> float:
    """Seconds to wait for another edit of the ledger: $PLEDGES_LOCK_TIMEOUT, default 30."""
    import math

    from pledges.edit.lock import DEFAULT_TIMEOUT

    text = os.environ.get("PLEDGES_LOCK_TIMEOUT", "").strip()
    if not text:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds >= 0):
        fail(f"$PLEDGES_LOCK_TIMEOUT: '{text}' is not a number of seconds (0 or more)")
    return seconds


def say_waiting(waiting: Waiting) -> None:
    """Tell the user, on stderr, that an edit waits for another edit of the ledger."""
    from pledges.present.escape.terminal import name

    held = f" is held by process {waiting.holder}" if waiting.holder else ""
    stderr().out(
        f"pledges: waiting for another edit of this ledger to finish ({name(waiting.lock)}"
        f"{held}); giving up after {waiting.timeout:g} s",
        highlight=False,
    )
