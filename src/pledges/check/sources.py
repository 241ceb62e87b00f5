"""The state of every source's archive: what `pledges source list` and `source check` show."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pledges.model.ledger import LedgerFile, Source
from pledges.read.archive import Archive, read_archives
from pledges.read.loader import LoadResult

OK, CHANGED, UNREADABLE, NO_HASH, NOT_ARCHIVED = (
    "ok",
    "changed",
    "unreadable",
    "no sha256",
    "not archived",
)
FAILING = (CHANGED, UNREADABLE, NO_HASH)


@dataclass(frozen=True)
class SourceState:
    source: Source
    file: str
    line: int
    status: str  # one of OK, CHANGED, UNREADABLE, NO_HASH, NOT_ARCHIVED
    detail: str  # the archive's SHA-256 on disk, or why it cannot be read
    archive: Archive | None


def source_states(result: LoadResult) -> list[SourceState]:
    """Each source of the ledger with its archive re-read and re-hashed, in file order."""
    files: list[LedgerFile] = [f for f in result.ledger.files if f.source is not None]
    wanted = [f.source.archive for f in files if f.source and f.source.archive]
    root = result.ledger.root
    archives = read_archives(Path(root), wanted) if root else {}
    states = []
    for ledger_file in files:
        source = ledger_file.source
        assert source is not None
        line = ledger_file.doc.position(("source",), key=True)[0]
        found = archives.get(source.archive) if source.archive else None
        archive = found if isinstance(found, Archive) else None
        if not source.archive:
            status, detail = NOT_ARCHIVED, ""
        elif archive is None:
            status, detail = UNREADABLE, found if isinstance(found, str) else "no ledger root"
        elif source.sha256 is None:
            status, detail = NO_HASH, archive.sha256
        elif source.sha256 != archive.sha256:
            status, detail = CHANGED, archive.sha256
        else:
            status, detail = OK, archive.sha256
        states.append(SourceState(source, ledger_file.doc.file, line, status, detail, archive))
    return states
