"""Identity rules: ids are unique, also after normalisation."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from pledges.check.rules import Rule, RuleContext
from pledges.model.diagnostics import Diagnostic, Severity
from pledges.model.ledger import Pledge

DUPLICATE_ID = Rule("PL201", Severity.ERROR, "two pledges share an id")
CONFUSABLE_ID = Rule(
    "PL202", Severity.ERROR, "ids that differ only by case, width or invisible characters"
)
DUPLICATE_SOURCE = Rule("PL203", Severity.ERROR, "two files declare the same source id")
RULES = (DUPLICATE_ID, CONFUSABLE_ID, DUPLICATE_SOURCE)

_INVISIBLE = {"Cf", "Cc", "Zs"}


def normalize_id(value: str) -> str:
    """NFKC, case-folded, without format characters or spaces."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch) not in _INVISIBLE)


def check(ctx: RuleContext) -> Iterator[Diagnostic]:
    """`id: a/b` twice is PL201 at the second (naming the first); `id: A/b` beside
    `id: a/b` is PL202. Files are visited in sorted order, so "first" is stable."""
    seen: dict[str, Pledge] = {}
    for pledge in ctx.ledger.pledges:
        norm = normalize_id(pledge.id)
        earlier = seen.get(norm)
        if earlier is None:
            seen[norm] = pledge
            continue
        line, column = earlier.position("id")
        first = (earlier.file, line, column, earlier.id)
        where = f"{first[0]}:{first[1]}:{first[2]}"
        if first[3] == pledge.id:
            yield ctx.at(
                pledge,
                DUPLICATE_ID,
                f"pledge id '{pledge.id}' is already used at {where}",
                "id",
                hint="ids are unique across the ledger",
            )
        else:
            yield ctx.at(
                pledge,
                CONFUSABLE_ID,
                f"pledge id {pledge.id!r} is confusable with {first[3]!r} at {where}",
                "id",
                hint="ids must differ by more than case, width or invisible characters",
            )
    sources: dict[str, str] = {}
    for ledger_file in ctx.ledger.files:
        source = ledger_file.source
        if source is None or source.id is None:
            continue
        if source.id not in sources:
            sources[source.id] = ledger_file.doc.file
            continue
        line, column = ledger_file.doc.position(("source", "id"))
        if source.id in sources:
            yield Diagnostic(
                ledger_file.doc.file,
                line,
                column,
                DUPLICATE_SOURCE.code,
                DUPLICATE_SOURCE.severity,
                f"source id '{source.id}' is already declared in {sources[source.id]}",
                "one file per source document",
                "$.source.id",
            )
