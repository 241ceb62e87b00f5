"""Identity rules: ids are unique, also after normalisation.

These are the cross-file rules: they read every pledge id and source id of the ledger.
They run on light entries (an id, where it is, its normal form), so the ledger index can
feed them only the ids that repeat instead of every pledge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial

from pledges.check.rules import Rule, RuleContext
from pledges.model.diagnostics import Diagnostic, Severity, json_path
from pledges.model.ledger import Ledger, normalize_id

DUPLICATE_ID = Rule("PL201", Severity.ERROR, "two pledges share an id")
CONFUSABLE_ID = Rule(
    "PL202", Severity.ERROR, "ids that differ only by case, width or invisible characters"
)
DUPLICATE_SOURCE = Rule("PL203", Severity.ERROR, "two files declare the same source id")
RULES = (DUPLICATE_ID, CONFUSABLE_ID, DUPLICATE_SOURCE)

__all__ = ["RULES", "IdEntry", "check", "duplicate_ids", "duplicate_sources", "normalize_id"]


@dataclass(frozen=True)
class IdEntry:
    """An id where it is written: its file, JSON path, and how to find the line and column
    of the value (asked only for ids that repeat: positions may need the file re-read)."""

    id: str
    norm: str
    file: str
    path: str
    locate: Callable[[], tuple[int, int]]


def duplicate_ids(entries: Iterable[IdEntry]) -> Iterator[Diagnostic]:
    """PL201/PL202 over pledge ids in ledger order (the first of a kind is not reported)."""
    seen: dict[str, IdEntry] = {}
    for entry in entries:
        earlier = seen.get(entry.norm)
        if earlier is None:
            seen[entry.norm] = entry
            continue
        line, column = earlier.locate()
        where = f"{earlier.file}:{line}:{column}"
        if earlier.id == entry.id:
            rule, hint = DUPLICATE_ID, "ids are unique across the ledger"
            message = f"pledge id '{entry.id}' is already used at {where}"
        else:
            rule = CONFUSABLE_ID
            hint = "ids must differ by more than case, width or invisible characters"
            message = f"pledge id {entry.id!r} is confusable with {earlier.id!r} at {where}"
        line, column = entry.locate()
        yield Diagnostic(
            entry.file, line, column, rule.code, rule.severity, message, hint, entry.path
        )


def duplicate_sources(entries: Iterable[IdEntry]) -> Iterator[Diagnostic]:
    """PL203 over the source ids of the ledger's files, in ledger order."""
    sources: dict[str, str] = {}
    for entry in entries:
        if entry.id not in sources:
            sources[entry.id] = entry.file
            continue
        line, column = entry.locate()
        yield Diagnostic(
            entry.file,
            line,
            column,
            DUPLICATE_SOURCE.code,
            DUPLICATE_SOURCE.severity,
            f"source id '{entry.id}' is already declared in {sources[entry.id]}",
            "one file per source document",
            "$.source.id",
        )


def pledge_entries(ledger: Ledger) -> Iterator[IdEntry]:
    for pledge in ledger.pledges:
        path = json_path((*pledge.path, "id"))
        yield IdEntry(
            pledge.id, normalize_id(pledge.id), pledge.file, path, partial(pledge.position, "id")
        )


def source_entries(ledger: Ledger) -> Iterator[IdEntry]:
    for ledger_file in ledger.files:
        source = ledger_file.source
        if source is None or source.id is None:
            continue
        locate = partial(ledger_file.doc.position, ("source", "id"))
        yield IdEntry(source.id, source.id, ledger_file.doc.file, "$.source.id", locate)


def check(ctx: RuleContext) -> Iterator[Diagnostic]:
    """`id: a/b` twice is PL201 at the second (naming the first); `id: A/b` beside
    `id: a/b` is PL202. Files are visited in sorted order, so "first" is stable."""
    yield from duplicate_ids(pledge_entries(ctx.ledger))
    yield from duplicate_sources(source_entries(ctx.ledger))
