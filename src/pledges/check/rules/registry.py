"""Registry rules: jurisdictions form a tree; units are unique."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pledges.check.rules import Rule, RuleContext
from pledges.model.diagnostics import Diagnostic, Severity, json_path
from pledges.model.document import Document
from pledges.model.registries import BUILTIN_UNITS

REGISTRY_TREE = Rule(
    "PL270", Severity.ERROR, "a jurisdiction whose parent is missing, or listed twice"
)
REGISTRY_UNIT = Rule("PL271", Severity.ERROR, "a unit listed twice or shadowing a built-in unit")
RULES = (REGISTRY_TREE, REGISTRY_UNIT)


def _entries(doc: Document, key: str) -> list[tuple[int, dict[str, Any]]]:
    items = doc.data.get(key) if isinstance(doc.data, dict) else None
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def _diag(doc: Document, rule: Rule, path: tuple[str | int, ...], message: str) -> Diagnostic:
    line, column = doc.position(path)
    return Diagnostic(
        doc.file, line, column, rule.code, rule.severity, message, None, json_path(path)
    )


def check(ctx: RuleContext) -> Iterator[Diagnostic]:
    """`id: cn/zhejiang/hangzhou` without `cn/zhejiang` listed is PL270; a units.yaml entry
    `id: MW` is PL271 (it would shadow the built-in unit)."""
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
        seen = set()
        for index, item in _entries(doc, "units"):
            uid = item.get("id")
            if not isinstance(uid, str):
                continue
            path = ("units", index, "id")
            if uid in BUILTIN_UNITS:
                yield _diag(
                    doc, REGISTRY_UNIT, path, f"unit '{uid}' is built in; choose another id"
                )
            elif uid in seen:
                yield _diag(doc, REGISTRY_UNIT, path, f"unit '{uid}' is listed twice")
            seen.add(uid)
