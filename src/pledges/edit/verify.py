"""Verification of a computed edit before it may be written: the new text re-parses
to the old data plus exactly the intended change, and adds no lint error.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pledges.edit.session import (
    EOL,
    UNVERIFIED,
    Edit,
    Loaded,
    Splice,
    apply_splice,
    refusal,
)
from pledges.model.diagnostics import Diagnostic, json_path, sort_diagnostics
from pledges.model.document import Document
from pledges.read.yamlread import read_document


def verify(
    loaded: Loaded,
    splice: Splice,
    expected: Any,
    summary: str,
    item: tuple[str | int, ...] = (),
) -> Edit | list[Diagnostic]:
    """Check a computed edit before it may be written.

    `item` is the path of the entry the edit writes; lint errors the edit would introduce
    come back at their positions in the file as it is on disk (see `on_disk`).
    """
    new_text = apply_splice(loaded, splice)
    fail = [
        refusal(
            loaded.name,
            UNVERIFIED,
            f"refusing to write: the computed edit did not verify ({summary})",
            "the file was left untouched; please report this with the file",
        )
    ]
    doc, found = read_document(loaded.name, new_text)
    if found or doc.data != expected or not _same_order(doc.data, expected):
        return fail
    first = splice.first
    head = loaded.starts[first - 1] if first <= loaded.line_count else len(loaded.text)
    tail_start = loaded.starts[splice.last] if splice.last < loaded.line_count else len(loaded.text)
    tail = loaded.text[tail_start:]
    inserted = new_text[head : len(new_text) - len(tail)]
    if (
        new_text[:head] != loaded.text[:head]
        or not new_text.endswith(tail)
        or len(new_text) - len(tail) < head
        or any(eol != loaded.eol for eol in EOL.findall(inserted))
    ):
        return fail
    introduced = _new_lint_errors(loaded, doc)
    if introduced:
        return on_disk(loaded, splice, introduced, item)
    skipped = next((i for i, line in enumerate(splice.lines) if line.strip()), 0)
    return Edit(loaded, new_text, summary, splice.first + skipped)


def on_disk(
    loaded: Loaded, splice: Splice, found: list[Diagnostic], item: tuple[str | int, ...] = ()
) -> list[Diagnostic]:
    """Diagnostics of the spliced text at their places in the file on disk, one each.

    A line before the splice keeps its number, a line after it moves back by the lines
    the splice added; a finding inside the new text is placed where that text would be
    written (the line it would go before, or the last line when it would be appended)
    and says which field of the new entry it is about.
    """
    added = len(splice.lines)
    removed = max(0, splice.last - splice.first + 1)
    at_line = min(splice.first, max(1, loaded.line_count))
    prefix = json_path(item) if item else None
    kind = _entry_kind(item)
    out: list[Diagnostic] = []
    for diagnostic in found:
        if diagnostic.file != loaded.name:
            out.append(diagnostic)
            continue
        line = diagnostic.line
        if line < splice.first:
            out.append(diagnostic)
        elif line >= splice.first + added:
            out.append(replace(diagnostic, line=line - added + removed))
        else:
            field = _relative(diagnostic.path, prefix)
            message = f"new {kind}" + (f", {field}" if field else "") + f": {diagnostic.message}"
            out.append(replace(diagnostic, line=at_line, column=1, message=message))
    return sort_diagnostics(out)


def _entry_kind(item: tuple[str | int, ...]) -> str:
    names = [part for part in item if isinstance(part, str)]
    last = names[-1] if names else ""
    return {"pledges": "pledge", "progress": "observation"}.get(last, last or "entry")


def _relative(path: str | None, prefix: str | None) -> str:
    if not path or not prefix or not path.startswith(prefix):
        return ""
    return path[len(prefix) :].lstrip(".")


def _same_order(left: Any, right: Any) -> bool:
    if isinstance(left, dict) and isinstance(right, dict):
        return list(left) == list(right) and all(_same_order(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return all(_same_order(a, b) for a, b in zip(left, right, strict=True))
    return True


def _new_lint_errors(loaded: Loaded, doc: Document) -> list[Diagnostic]:
    """Lint errors the new text would have, within its ledger (the file's own errors: the
    rules read the rest of the ledger only where they look across files)."""
    from pledges.check.lint import file_errors
    from pledges.model.ledger import build_file
    from pledges.model.registries import BUILTIN_UNITS
    from pledges.read.loader import add_registry
    from pledges.read.schema import validate

    old = loaded.result
    if loaded.kind == "jurisdictions":
        ledger = replace(old.ledger, jurisdictions={}, jurisdiction_docs=[])
        add_registry(ledger, doc, "jurisdictions")
    elif loaded.kind == "units":
        ledger = replace(old.ledger, units=dict(BUILTIN_UNITS), unit_docs=[])
        add_registry(ledger, doc, "units")
    else:
        files = [build_file(doc) if f.doc.file == loaded.name else f for f in old.ledger.files]
        ledger = replace(old.ledger, files=files)
    diagnostics = [d for d in old.diagnostics if d.file != loaded.name]
    diagnostics += validate(loaded.kind, doc)
    result = replace(old, ledger=ledger, diagnostics=diagnostics, selected={loaded.name})
    return file_errors(result, loaded.name, loaded.as_of)
