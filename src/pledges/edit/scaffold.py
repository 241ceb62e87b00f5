"""`pledges init`: a new ledger repository that lints clean at once.

It holds `ledger/jurisdictions.yaml` and `ledger/units.yaml` (empty lists), `ledger/sources/`
(with a note on what it keeps), the pull-request workflow, a pre-commit configuration
running pledges' own hooks, and a README for contributors. The workflow and the hooks
install pledges by a pip requirement (`@INSTALL@` in the templates). Nothing existing is
overwritten: if any of the files exists, nothing is written.
"""

from __future__ import annotations

import contextlib
import os
import re
from importlib import resources
from pathlib import Path

from pledges import __version__
from pledges.edit.session import EXISTS, REFUSED, refusal
from pledges.model.diagnostics import Diagnostic
from pledges.read.safe import display_name

# file in the new repository -> template in pledges/edit/templates
FILES = {
    "ledger/jurisdictions.yaml": "jurisdictions.yaml",
    "ledger/units.yaml": "units.yaml",
    "ledger/sources/README.md": "sources-README.md",
    ".github/workflows/ledger.yml": "ledger.yml",
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
    "README.md": "README.md",
}
DEFAULT_INSTALL = f"pledges=={__version__}"
# a pip requirement for pledges, without anything a shell or YAML string would interpret
_REQUIREMENT = re.compile(
    r"^pledges(\[[A-Za-z0-9_,-]+\])?( *(==|>=|<=|~=|!=|<|>)[A-Za-z0-9.*+!_-]+"
    r"( *, *(==|>=|<=|~=|!=|<|>)[A-Za-z0-9.*+!_-]+)*| *@ *[A-Za-z0-9+.:/@#%=&?_~-]+)?$"
)


def template(name: str) -> str:
    return resources.files("pledges.edit").joinpath("templates", name).read_text(encoding="utf-8")


def install_problem(install: str) -> str | None:
    if _REQUIREMENT.match(install):
        return None
    return (
        f"'{install}' is not a pip requirement for pledges: e.g. pledges==0.1.0 or "
        "'pledges @ git+https://example.org/pledges.git@v0.1.0'"
    )


Planned = list[tuple[Path, bytes]]


def plan_init(target: Path, install: str = DEFAULT_INSTALL) -> tuple[Planned, list[Diagnostic]]:
    """The files of a new ledger repository in `target` (path, bytes), or why they cannot
    be written."""
    problem = install_problem(install)
    if problem:
        return [], [refusal("pledges init", REFUSED, f"--install: {problem}")]
    if target.exists() and not target.is_dir():
        return [], [refusal(display_name(target), REFUSED, "is not a directory")]
    planned = [
        (target / relative, template(name).replace("@INSTALL@", install).encode("utf-8"))
        for relative, name in FILES.items()
    ]
    taken = [
        refusal(display_name(path), EXISTS, "already exists; refusing to overwrite it")
        for path, _ in planned
        if path.exists() or path.is_symlink()
    ]
    return ([], taken) if taken else (planned, [])


def write_init(files: Planned) -> Diagnostic | None:
    """Create every file (and its folders), each atomically; on a failure remove the files
    created so far."""
    from pledges.edit.atomic import create

    written: list[Path] = []
    for path, data in files:
        name = display_name(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            problem: Diagnostic | None = refusal(
                name, REFUSED, f"cannot create its folder: {exc.strerror or exc}"
            )
        else:
            problem = create(path, name, data)
        if problem is not None:
            for done in written:
                with contextlib.suppress(OSError):
                    os.unlink(done)
            return problem
        written.append(path)
    return None


__all__ = [
    "DEFAULT_INSTALL",
    "FILES",
    "Planned",
    "install_problem",
    "plan_init",
    "template",
    "write_init",
]
