"""Where an extraction's text comes from: a text file, or a ledger source's archive."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pledges.model.diagnostics import Diagnostic, Severity
from pledges.model.ledger import Ledger
from pledges.read.safe import RawFile, read_raw

EXTRACT_FAILED = "PL950"


@dataclass(frozen=True)
class SourceDocument:
    text: str
    name: str  # as shown to the user
    source_id: str | None = None
    jurisdiction: str | None = None
    date: str | None = None
    ledger_file: str | None = None  # the ledger file that holds this source's pledges


def _problem(name: str, message: str) -> Diagnostic:
    return Diagnostic(name, 1, 1, EXTRACT_FAILED, Severity.ERROR, message)


def open_text(path: Path) -> SourceDocument | Diagnostic:
    raw = read_raw(path, str(path))
    if not isinstance(raw, RawFile):
        return raw
    return SourceDocument(raw.text, str(path))


def open_source(ledger: Ledger, source_id: str) -> SourceDocument | Diagnostic:
    """The archived text of the ledger source `source_id` (its `archive` field)."""
    for file in ledger.files:
        data = file.doc.data if isinstance(file.doc.data, dict) else {}
        source = data.get("source")
        if not isinstance(source, dict) or source.get("id") != source_id:
            continue
        archive = source.get("archive")
        if not isinstance(archive, str) or not archive:
            return _problem(
                file.doc.file,
                f"source '{source_id}' has no archived text ('archive'); "
                "archive it with 'pledges source add', or pass a text file",
            )
        path = Path(ledger.root) / archive
        raw = read_raw(path, archive)
        if not isinstance(raw, RawFile):
            return raw
        date = source.get("date")
        return SourceDocument(
            raw.text,
            archive,
            source_id,
            str(source.get("jurisdiction") or "") or None,
            str(date) if date is not None else None,
            file.doc.file,
        )
    return _problem(source_id, f"no source '{source_id}' in the ledger and no such file")
