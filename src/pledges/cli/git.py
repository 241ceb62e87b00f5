"""Git-aware commands: `pledges diff` and `pledges history`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from pledges.cli.common import (
    EXIT_OK,
    EXIT_UNREADABLE,
    EXIT_USAGE,
    AsOfOpt,
    LedgerOpt,
    NoCacheOpt,
    app,
    as_of_date,
    clean_text,
    fail,
    parse_cache,
    say,
    stderr,
    stdout,
)


class DiffFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


def _ledger_root(ledger: str | None) -> Path:
    import os

    from pledges.read.loader import LedgerNotFoundError, find_ledger

    try:
        return find_ledger(ledger, Path(os.getcwd()))
    except LedgerNotFoundError as exc:
        fail(str(exc))


@app.command()
def diff(
    base: Annotated[
        str | None,
        typer.Argument(metavar="[BASE]", help="Base revision (default: where HEAD left main)."),
    ] = None,
    head: Annotated[
        str | None,
        typer.Argument(metavar="[HEAD]", help="Head revision (default: the working tree)."),
    ] = None,
    output_format: Annotated[DiffFormat, typer.Option("--format", help="Output format.")] = (
        DiffFormat.text
    ),
    as_of: AsOfOpt = None,
    ledger: LedgerOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """What changed between two revisions of the ledger, pledge by pledge.

    Only the files whose contents differ between the two revisions are read in full.

    Example:

    \b
      pledges diff origin/main HEAD --format markdown --as-of 2024-12-31
    """
    from pledges.history.compare import compare
    from pledges.history.revisions import WORK_TREE, GitError, find_repo, label, merge_base, resolve
    from pledges.history.semdiff import unreadable_text
    from pledges.present.diff import to_json, to_markdown, to_text

    when = as_of_date(as_of)
    root = _ledger_root(ledger)
    try:
        name = None
        if base is None:
            base, branch = merge_base(root, head)
            name = f"merge base with {branch}"
        repo = find_repo(root)
        base_sha = resolve(repo, base)
        base_label = label(repo, base_sha, base, name)
        head_sha = None if head is None else resolve(repo, head)
        head_label = WORK_TREE if head is None else label(repo, str(head_sha), head)
        result = compare(
            repo, root, base_sha, head_sha, when, base_label, head_label, parse_cache(no_cache)
        )
    except GitError as exc:
        fail(str(exc), EXIT_USAGE)
    render = {"text": to_text, "json": to_json, "markdown": to_markdown}[output_format.value]
    say(render(result))  # escaped for its format already; rich would only slow it down
    if result.unreadable:
        console = stderr()
        for item in result.unreadable:
            console.out(f"pledges: {clean_text(unreadable_text(item))}", highlight=False)
        raise typer.Exit(EXIT_UNREADABLE)
    raise typer.Exit(EXIT_OK)


@app.command()
def history(
    pledge_id: Annotated[str, typer.Argument(metavar="ID", help="The pledge id.")],
    ledger: LedgerOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """The life of a pledge from git: added, target changes, observations, statuses.

    Example:

    \b
      pledges history binjiang/2023/gdp-growth
    """
    from pledges.history.lifeline import pledge_history
    from pledges.history.revisions import GitError
    from pledges.present.escape.terminal import text as clean

    root = _ledger_root(ledger)
    try:
        events = pledge_history(root, pledge_id, parse_cache(no_cache))
    except GitError as exc:
        fail(str(exc), EXIT_USAGE)
    if events is None:
        fail(f"no pledge '{pledge_id}' in any commit of the ledger", EXIT_USAGE)
    console = stdout()
    title = f"history of {pledge_id} (statuses as of each commit's date)"
    console.out(clean(title), highlight=False)
    for event in events:
        commit = event.commit
        line = f"{commit.short}  {commit.day.isoformat()}  {commit.author}  {event.text}"
        console.out(clean(line), highlight=False)
