"""The import rules of the package layout (docs/architecture.md), checked on source.

Stages, top to bottom; a module may import its own stage and the stages below it,
never above, and never a sibling of the same rank:

    cli -> present | edit -> check -> history -> judge | extract -> read -> model

Only `cli` imports typer; only `cli` and `present` import rich. No module imports a
private name (one starting with `_`) from another module.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

RANKS: dict[str, int] = {
    "cli": 6,
    "present": 5,
    "edit": 5,
    "check": 4,
    "history": 3,
    "judge": 2,
    "extract": 2,
    "read": 1,
    "model": 0,
}
ALLOWED_THIRD_PARTY: dict[str, frozenset[str]] = {
    "typer": frozenset({"cli"}),
    "click": frozenset({"cli"}),
    "rich": frozenset({"cli", "present"}),
}


@dataclass(frozen=True, order=True)
class Violation:
    file: str
    line: int
    message: str


def _stage(module: str) -> str | None:
    """The stage a module belongs to; None for the package's own top level."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "pledges" or parts[1].startswith("__"):
        return None
    return parts[1]


def _module_name(root: Path, file: Path) -> str:
    rel = file.relative_to(root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(tree: ast.AST, package: str) -> list[tuple[int, str, list[str]]]:
    found: list[tuple[int, str, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name, []) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base, [alias.name for alias in node.names]))
    return found


def check(root: Path) -> list[Violation]:
    """Every violation of the import rules in the package at `root` (a `pledges` folder)."""
    violations: list[Violation] = []
    for file in sorted(root.rglob("*.py")):
        module = _module_name(root, file)
        is_package = file.name == "__init__.py"
        package = module if is_package else module.rpartition(".")[0]
        stage = _stage(module)
        shown = file.relative_to(root.parent).as_posix()
        tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
        for line, target, names in _imports(tree, package):
            top = target.split(".")[0]
            if top in ALLOWED_THIRD_PARTY and (stage or "") not in ALLOWED_THIRD_PARTY[top]:
                violations.append(Violation(shown, line, f"{module} imports {top}"))
            if top != "pledges":
                continue
            # `from pledges import x` names the stage x itself
            targets = [target] + [f"{target}.{name}" for name in names if target == "pledges"]
            for full in targets:
                other = _stage(full)
                if stage is None or other is None or other == stage:
                    continue
                if other not in RANKS or stage not in RANKS:
                    violations.append(
                        Violation(shown, line, f"{module} imports {full}: not a known stage")
                    )
                elif RANKS[other] >= RANKS[stage]:
                    violations.append(
                        Violation(shown, line, f"{module} ({stage}) imports {full} ({other})")
                    )
            if target != module:
                for name in names:
                    if name.startswith("_") and not name.startswith("__"):
                        violations.append(
                            Violation(shown, line, f"{module} imports private {target}.{name}")
                        )
    return sorted(violations)
