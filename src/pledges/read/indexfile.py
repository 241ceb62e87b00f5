"""One ledger file as rows of the ledger index: read, hashed, parsed, checked, flattened.

`index_file` runs in the command's process or in a worker process (it takes and returns
plain data only). It never raises on bad user data: an unreadable or broken file becomes
an entry with its diagnostics and no rows. Positions are not kept beyond what the index
stores (where each pledge, pledge id and source id is); the rest is re-read from the file
when a finding needs it.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pledges.model.diagnostics import Diagnostic
from pledges.model.document import Document
from pledges.model.ledger import LedgerFile, Observation, Pledge, build_file, normalize_id
from pledges.read.loader import jurisdiction_entry, parse_text, registry_items, unit_entry
from pledges.read.safe import RawFile, read_raw

# A file modified this recently may change again within the same timestamp tick without
# its size or times changing: such an entry is hashed again on the next run.
RACY_NS = 3_000_000_000

Row = tuple[Any, ...]
Stat = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


@dataclass
class FileEntry:
    """What the index keeps of one file (`rel` is '/'-separated, relative to the root)."""

    rel: str
    kind: str
    stat: Stat
    racy: bool
    sha256: str
    unreadable: bool
    diagnostics: list[Row]
    data: str | None = None
    source: Row | None = None
    pledges: list[Row] = field(default_factory=list)
    tags: list[Row] = field(default_factory=list)
    observations: list[Row] = field(default_factory=list)
    assessments: list[Row] = field(default_factory=list)
    registry: list[Row] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d[3] == "error")


def stat_of(info: os.stat_result) -> Stat:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def is_racy(stat: Stat) -> bool:
    return stat[1] >= time.time_ns() - RACY_NS or stat[2] >= time.time_ns() - RACY_NS


def diagnostic_row(d: Diagnostic) -> Row:
    return (d.line, d.column, d.code, str(d.severity), d.message, d.hint, d.path)


def dumps(data: Any) -> str:
    """Parsed YAML as JSON text: non-finite numbers kept (`Infinity`, `NaN`)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def index_file(path: str, rel: str, kind: str) -> FileEntry:
    """Read, hash, parse, schema-check and flatten one file."""
    try:
        before = stat_of(os.lstat(path))
    except OSError:
        before = (-1, 0, 0, 0)
    raw = read_raw(Path(path), rel)
    try:
        after = stat_of(os.lstat(path))
    except OSError:
        after = (-1, 0, 0, 0)
    # a file that changed while it was read is hashed again next time
    stat = before if before == after else (-1, 0, 0, 0)
    if isinstance(raw, Diagnostic):
        return FileEntry(rel, kind, stat, True, "", True, [diagnostic_row(raw)])
    return entry_from_raw(raw, rel, kind, stat)


def entry_from_raw(raw: RawFile, rel: str, kind: str, stat: Stat) -> FileEntry:
    # positions the index keeps are at most three levels deep (pledges, i, id)
    doc, diagnostics = parse_text(rel, kind, raw.text, depth=3)
    entry = FileEntry(
        rel,
        kind,
        stat,
        is_racy(stat),
        digest(raw.data),
        False,
        [diagnostic_row(d) for d in diagnostics],
    )
    if doc.data is None:
        return entry
    entry.data = dumps(doc.data)
    if kind == "ledger-file":
        _ledger_rows(entry, build_file(doc))
    else:
        _registry_rows(entry, doc)
    return entry


def _period_text(value: Any) -> Any:
    return value.text if value is not None else None


def _ledger_rows(entry: FileEntry, ledger_file: LedgerFile) -> None:
    rel = entry.rel
    doc = ledger_file.doc
    source = ledger_file.source
    if source is not None:
        raw_source = doc.data.get("source") if isinstance(doc.data, dict) else None
        line, column = doc.position(("source", "id")) if source.id is not None else (0, 0)
        entry.source = (
            rel,
            source.id,
            source.title,
            source.title_en,
            source.publisher,
            source.jurisdiction,
            _period_text(source.date),
            source.url,
            source.archive,
            dumps(raw_source),
            line,
            column,
        )
    for pledge in ledger_file.pledges:
        idx = int(pledge.path[1])
        entry.pledges.append(_pledge_row(rel, pledge))
        entry.tags += [(rel, idx, tag) for tag in pledge.tags]
        if pledge.baseline is not None:
            entry.observations.append(_observation_row(rel, idx, "baseline", 0, pledge.baseline))
        for number, obs in enumerate(pledge.progress):
            entry.observations.append(_observation_row(rel, idx, "progress", number, obs))
        assessment = pledge.assessment
        if assessment is not None:
            entry.assessments.append(
                (rel, idx, assessment.status, _period_text(assessment.as_of), assessment.rationale)
            )


def _pledge_row(rel: str, pledge: Pledge) -> Row:
    line, column = pledge.position()
    id_line, id_column = pledge.position("id")
    metric, target = pledge.metric, pledge.target
    return (
        rel,
        pledge.path[1],
        pledge.id,
        normalize_id(pledge.id),
        line,
        column,
        id_line,
        id_column,
        pledge.title,
        pledge.quote,
        pledge.jurisdiction,
        pledge.source.id if pledge.source else None,
        _period_text(pledge.made),
        _period_text(pledge.deadline),
        pledge.deadline.end.isoformat() if pledge.deadline else None,
        int(pledge.binding),
        metric.name if metric else None,
        metric.unit if metric else None,
        target.op if target else None,
        target.value if target else None,
        target.ref if target else None,
    )


def _observation_row(rel: str, idx: int, kind: str, number: int, obs: Observation) -> Row:
    period = obs.period
    return (
        rel,
        idx,
        kind,
        number,
        period.text if period else None,
        period.start.isoformat() if period else None,
        period.end.isoformat() if period else None,
        obs.value,
        obs.level,
        obs.unit,
        int(obs.outcome),
        obs.note,
    )


def _registry_rows(entry: FileEntry, doc: Document) -> None:
    for number, item in enumerate(registry_items(doc.data, entry.kind)):
        if entry.kind == "jurisdictions":
            place = jurisdiction_entry(item)
            if place is not None:
                entry.registry.append(
                    (
                        entry.rel,
                        number,
                        place.id,
                        place.name,
                        place.name_en,
                        place.level,
                        place.code,
                    )
                )
        else:
            unit = unit_entry(item)
            if unit is not None:
                entry.registry.append(
                    (
                        entry.rel,
                        number,
                        unit.id,
                        unit.name,
                        unit.name_en,
                        unit.dimension,
                        unit.factor,
                        dumps(list(unit.aliases)),
                        dumps(list(unit.levels)),
                    )
                )
