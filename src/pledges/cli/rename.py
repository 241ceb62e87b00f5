"""`pledges rename`: change a pledge's id and every reference to it, in every file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from pledges.cli.common import (
    EXIT_FINDINGS,
    EXIT_USAGE,
    AsOfOpt,
    LedgerOpt,
    app,
    as_of_date,
    fail,
    lock_timeout,
    open_cache,
    say,
    say_waiting,
    stderr,
)


@app.command()
def rename(
    old: Annotated[str, typer.Argument(metavar="OLD", help="The pledge's id now.")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="Its new id.")],
    ledger: LedgerOpt = None,
    as_of: AsOfOpt = None,
) -> None:
    """Rename a pledge: its id and every reference to it (target.ref, related, ...).

    Every file that changes is verified like any other edit and the files are written
    together: all of them or none. Ids are permanent once published: `pledges lint
    --base` reports a pledge of the base revision whose id is gone (PL303).

    Example:

    \b
      pledges rename binjiang/2023/gdp-growth binjiang/2023/gdp
    """
    from pledges.cli.indexing import with_index
    from pledges.edit import atomic
    from pledges.edit.lock import acquire_all
    from pledges.edit.rename import check_new_id, plan_rename, plan_rename_indexed
    from pledges.model.diagnostics import Diagnostic
    from pledges.present.escape.terminal import name as shown
    from pledges.present.escape.terminal import text as clean
    from pledges.present.formats import to_text
    from pledges.read.cache import Cache
    from pledges.read.loader import LedgerNotFoundError, find_ledger, ledger_files
    from pledges.read.safe import display_name

    if old == new:
        fail("OLD and NEW are the same id")
    problem = check_new_id(new)
    if problem:
        fail(f"NEW: {problem}", EXIT_USAGE)
    when = as_of_date(as_of)
    try:
        root = find_ledger(ledger, Path.cwd())
    except LedgerNotFoundError as exc:
        fail(str(exc))
    cache = open_cache(no_cache=False)
    console = stderr()
    # one edit of the ledger at a time, from the first read to the last rename
    held = acquire_all(
        ledger_files(root), display_name(root), timeout=lock_timeout(), on_wait=say_waiting
    )
    if isinstance(held, Diagnostic):
        console.out(to_text(held), highlight=False)
        console.out("pledges: nothing was renamed; every file is as it was", highlight=False)
        raise typer.Exit(EXIT_FINDINGS)
    with held:  # through the index when it can serve the rename (docs/index.md)
        planned = with_index(root, [], lambda index, _: plan_rename_indexed(index, old, new, when))
        if planned is None:
            parse = cache if isinstance(cache, Cache) else None
            planned = plan_rename(root, old, new, when, parse)
        failure = None if isinstance(planned, list) else atomic.write_all(planned.edits)
    if isinstance(planned, list):
        for diagnostic in planned:
            console.out(to_text(diagnostic), highlight=False)
        console.out("pledges: nothing was renamed; every file is as it was", highlight=False)
        raise typer.Exit(EXIT_FINDINGS)
    if failure is not None:
        console.out(to_text(failure), highlight=False)
        raise typer.Exit(EXIT_FINDINGS)
    files = {r.file for r in planned.references}
    count = len(planned.references) - 1
    say(
        clean(
            f"renamed {old} to {new}: the id and {count} reference"
            f"{'' if count == 1 else 's'}, in {len(files)} file{'' if len(files) == 1 else 's'}"
        )
    )
    for reference in planned.references:
        where = f"{shown(reference.file)}:{reference.line}:{reference.column}"
        say(f"  {where} {clean(reference.field)}")
    for name, line in planned.mentions:
        say(f"  {shown(name)}:{line} still names {clean(old)} in free text (left as written)")
