"""Registry rules: jurisdictions form a tree; units are unique, with sane factors."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from pledges.check.rules import Rule, RuleContext
from pledges.model.diagnostics import Diagnostic, Severity, json_path
from pledges.model.document import Document
from pledges.model.registries import BUILTIN_UNITS, level_key

REGISTRY_TREE = Rule(
    "PL270", Severity.ERROR, "a jurisdiction whose parent is missing, or listed twice"
)
REGISTRY_UNIT = Rule(
    "PL271", Severity.ERROR, "a unit or alias listed twice or shadowing a built-in unit"
)
FACTOR_RANGE = Rule(
    "PL272", Severity.ERROR, "a unit factor outside 1e-12…1e12 (or not a finite number)"
)
RULES = (REGISTRY_TREE, REGISTRY_UNIT, FACTOR_RANGE)
# Factors within this range keep conversions of sane figures (PL232) far from overflow.
FACTOR_MIN, FACTOR_MAX = 1e-12, 1e12


def _entries(doc: Document, key: str) -> list[tuple[int, dict[str, Any]]]:
    items = doc.data.get(key) if isinstance(doc.data, dict) else None
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def _diag(
    doc: Document,
    rule: Rule,
    path: tuple[str | int, ...],
    message: str,
    hint: str | None = None,
) -> Diagnostic:
    line, column = doc.position(path)
    return Diagnostic(
        doc.file, line, column, rule.code, rule.severity, message, hint, json_path(path)
    )


def check(ctx: RuleContext) -> Iterator[Diagnostic]:
    """`id: cn/zhejiang/hangzhou` without `cn/zhejiang` listed is PL270; a units.yaml entry
    `id: MW` is PL271 (it would shadow the built-in unit); `factor: 1.0e+300` is PL272."""
    ids = set(ctx.ledger.jurisdictions)
    for doc in ctx.ledger.jurisdiction_docs:
        seen: set[str] = set()
        for index, item in _entries(doc, "jurisdictions"):
            jid = item.get("id")
            if not isinstance(jid, str):
                continue
            path = ("jurisdictions", index, "id")
            if jid in seen:
                yield _diag(doc, REGISTRY_TREE, path, f"jurisdiction '{jid}' is listed twice")
            seen.add(jid)
            parent = jid.rpartition("/")[0]
            if parent and parent not in ids:
                yield _diag(
                    doc,
                    REGISTRY_TREE,
                    path,
                    f"jurisdiction '{jid}' has no parent '{parent}' listed",
                )
    for doc in ctx.ledger.unit_docs:
        yield from _unit_names(doc)
        yield from _factors(doc)


def _factors(doc: Document) -> Iterator[Diagnostic]:
    for index, item in _entries(doc, "units"):
        why = _factor_problem(item.get("factor"))
        if why:
            hint = "define the unit against a base unit of its dimension closer in size"
            yield _diag(doc, FACTOR_RANGE, ("units", index, "factor"), f"factor {why}", hint)


def _factor_problem(factor: Any) -> str | None:
    if isinstance(factor, bool) or not isinstance(factor, int | float) or factor <= 0:
        return None  # the schema reports these
    if isinstance(factor, float) and not math.isfinite(factor):
        return "is not a finite number"
    if not FACTOR_MIN <= factor <= FACTOR_MAX:
        return f"{float(factor):.3g} is outside 1e-12…1e12"
    return None


def _unit_names(doc: Document) -> Iterator[Diagnostic]:
    """Unit ids and aliases name one unit each; an ordinal unit's levels are distinct."""
    seen: dict[str, str] = {}
    for index, item in _entries(doc, "units"):
        uid = item.get("id")
        if not isinstance(uid, str):
            continue
        aliases = item.get("aliases")
        names: list[tuple[tuple[str | int, ...], object]] = [(("units", index, "id"), uid)]
        if isinstance(aliases, list):
            names += [(("units", index, "aliases", i), a) for i, a in enumerate(aliases)]
        for path, name in names:
            if isinstance(name, str):
                message = _clash(uid, name, path[-1] == "id", seen)
                if message:
                    yield _diag(doc, REGISTRY_UNIT, path, message)
                seen.setdefault(name, uid)
        yield from _levels(doc, index, item)


def _clash(uid: str, name: str, is_id: bool, seen: dict[str, str]) -> str | None:
    what = f"unit '{uid}'" if is_id else f"alias '{name}' of unit '{uid}'"
    builtin = BUILTIN_UNITS.get(name)
    if builtin is not None:
        if is_id and builtin.id == name:
            return f"unit '{uid}' is built in; choose another id"
        return f"{what} already names the built-in unit '{builtin.id}'"
    if name in seen:
        return (
            f"{what} is listed twice"
            if is_id and seen[name] == uid
            else (f"{what} already names unit '{seen[name]}'")
        )
    return None


def _levels(doc: Document, index: int, item: dict[str, Any]) -> Iterator[Diagnostic]:
    levels = item.get("levels")
    if not isinstance(levels, list):
        return
    keys: dict[str, str] = {}
    for position, level in enumerate(levels):
        if not isinstance(level, str):
            continue
        key = level_key(level)
        if key in keys:
            yield _diag(
                doc,
                REGISTRY_UNIT,
                ("units", index, "levels", position),
                f"level '{level}' is the same as level '{keys[key]}'",
            )
        keys.setdefault(key, level)
