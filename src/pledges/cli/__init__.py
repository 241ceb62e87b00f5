"""The `pledges` command: one module per command family, all on one typer app.

`common` holds what every command module shares (the app, option types, exit codes,
loading and error printing); importing a command module registers its commands.
"""

from __future__ import annotations

import sys

from pledges.cli import edit, extract, git, ledger, publish, read, rename, source
from pledges.cli.common import app

__all__ = [
    "app",
    "edit",
    "extract",
    "git",
    "ledger",
    "main",
    "publish",
    "read",
    "rename",
    "source",
]


def main() -> None:
    import gc

    # A short-lived process that builds many small objects: skip the cyclic collector.
    gc.disable()
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
