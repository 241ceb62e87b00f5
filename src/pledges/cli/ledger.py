"""Starting a ledger: `pledges init [DIR]` and `pledges jurisdiction add`."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from pledges.cli.common import (
    EXIT_FINDINGS,
    LedgerOpt,
    app,
    as_of_date,
    fail,
    load_ledger,
    lock_timeout,
    say,
    say_waiting,
    stderr,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pledges.model.diagnostics import Diagnostic

jurisdiction_app = typer.Typer(
    help="The ledger's jurisdictions (jurisdictions.yaml).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
app.add_typer(jurisdiction_app, name="jurisdiction")


class Level(StrEnum):
    country = "country"
    province = "province"
    prefecture = "prefecture"
    district = "district"
    county = "county"
    township = "township"


def _refuse(diagnostics: Sequence[Diagnostic], code: int = EXIT_FINDINGS) -> NoReturn:
    from pledges.present.formats import to_text

    console = stderr()
    for diagnostic in diagnostics:
        console.out(to_text(diagnostic), highlight=False)
    raise typer.Exit(code)


@app.command()
def init(
    directory: Annotated[
        Path, typer.Argument(help="Where to start the ledger repository (default: here).")
    ] = Path("."),
    install: Annotated[
        str | None,
        typer.Option(
            "--install",
            help="The pip requirement the workflow and the pre-commit hooks install pledges "
            "with (default: this version, pledges==VERSION).",
        ),
    ] = None,
) -> None:
    """Start a ledger repository: ledger/ with its registries and sources/, the pull-request
    workflow, a pre-commit configuration and a README for contributors.

    It lints clean at once and overwrites nothing.

    Example:

    \b
      pledges init my-ledger && cd my-ledger && pledges lint --strict
    """
    from pledges.edit.scaffold import DEFAULT_INSTALL, plan_init, write_init

    planned, problems = plan_init(directory, install or DEFAULT_INSTALL)
    if problems:
        _refuse(problems)
    problem = write_init(planned)
    if problem is not None:
        _refuse([problem])
    from pledges.present.escape.terminal import name
    from pledges.read.safe import display_name

    for path, _ in planned:
        say(f"created {name(display_name(path))}")
    say("next: pledges jurisdiction add ID --name … --level …, then pledges source add FILE …")


@jurisdiction_app.command("add")
def jurisdiction_add(
    jurisdiction_id: Annotated[
        str, typer.Argument(metavar="ID", help="A path of slugs: each prefix is the parent.")
    ],
    name: Annotated[str, typer.Option("--name", help="The name in the original language.")],
    level: Annotated[Level, typer.Option("--level", help="Its administrative level.")],
    name_en: Annotated[
        str | None,
        typer.Option("--name-en", help="English name (default: --name when that is ASCII)."),
    ] = None,
    code: Annotated[
        str | None, typer.Option("--code", help="Administrative division code, six digits.")
    ] = None,
    ledger: LedgerOpt = None,
) -> None:
    """Add a jurisdiction to jurisdictions.yaml (its parent must be listed already).

    Example:

    \b
      pledges jurisdiction add cn/zhejiang --name 浙江省 --name-en "Zhejiang Province" \\
        --level province --code 330000
    """
    from pledges.edit import atomic, blocks
    from pledges.read.loader import JURISDICTIONS_FILE

    if code is not None and not (len(code) == 6 and code.isascii() and code.isdigit()):
        fail(f"--code: '{code}' is not an administrative division code of six digits")
    english = name_en or (name if name.isascii() else None)
    if english is None:
        if not sys.stdin.isatty():
            fail("missing required option: --name-en (the name is not in English)")
        english = typer.prompt("English name")
    entry = {"id": jurisdiction_id, "name": name, "name_en": english, "level": level.value}
    if code is not None:
        entry["code"] = code
    result = load_ledger(ledger)
    root = Path(result.ledger.root)
    path = root / JURISDICTIONS_FILE
    if not path.exists() and not path.is_symlink():
        fail(f"{path}: no such file; 'pledges init' starts a ledger with one")
    missing = _missing_parents(jurisdiction_id, set(result.ledger.jurisdictions))
    if missing:
        first = missing[0]
        fail(
            f"cannot add '{jurisdiction_id}': its parent"
            + (" " if len(missing) == 1 else "s ")
            + ", ".join(f"'{m}'" for m in missing)
            + (" is" if len(missing) == 1 else " are")
            + f" not in {JURISDICTIONS_FILE}; add "
            + ("it" if len(missing) == 1 else "them, from the top,")
            + f" first: pledges jurisdiction add {first} --name … --level …",
            EXIT_FINDINGS,
        )
    edit = atomic.apply_edit(
        path,
        as_of_date(None),
        lambda loaded: blocks.plan_jurisdiction(loaded, entry),
        root,
        timeout=lock_timeout(),
        on_wait=say_waiting,
        kind="jurisdictions",
    )
    if isinstance(edit, list):
        _refuse(edit)
    from pledges.present.escape import terminal

    say(f"{terminal.text(edit.summary)}: written to {terminal.name(edit.loaded.name)}:{edit.line}")


def _missing_parents(jurisdiction_id: str, known: set[str]) -> list[str]:
    parts = jurisdiction_id.split("/")
    return [p for p in ("/".join(parts[:i]) for i in range(1, len(parts))) if p not in known]
