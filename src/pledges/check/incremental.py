"""Lint over the ledger index: only what changed is checked again.

A file's findings come from the rules that look at one file at a time (`local_checks`),
run with the rest of the ledger reached through the index; they are stored with the
file's hash, the registries they were judged against, the `--as-of` date when a rule read
it, and every id and source id they looked up. A change to a file drops the stored
findings of the files that looked up one of its ids. The cross-file rules (ids that
repeat, found by a query; probable duplicates, judged on the whole ledger) are stored
under the hashes of every file; the registry rules read only the two registry files. The
findings and counts are those of `check.lint.lint_report` on the loaded ledger.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from pledges.check.lint import LintReport
from pledges.judge.indexed import IndexedLedger, Tracker
from pledges.model.diagnostics import Diagnostic, Severity, sort_diagnostics
from pledges.model.ledger import Ledger, LedgerFile
from pledges.read.index import (
    FileState,
    IndexUnavailableError,
    LedgerIndex,
    decode,
    diagnostics_from,
)
from pledges.read.indexfile import diagnostic_row
from pledges.read.indexwrite import forget, store_deps


@dataclass
class _Computed:
    state: FileState
    diagnostics: list[Diagnostic]
    counts: dict[str, int]
    tracker: Tracker
    dated: bool


def lint_indexed(index: LedgerIndex, as_of: date, selected: set[str] | None) -> LintReport:
    """What `check.lint.lint_report` gives for the loaded ledger, from the index."""
    ledger = IndexedLedger(index)
    env = index.env()
    when = as_of.isoformat()
    stored: dict[str, tuple[str, str, str]] = {
        file: (sha, text, counts)
        for file, sha, text, counts in index.conn.execute(
            "SELECT file, sha256, diagnostics, counts FROM findings "
            "WHERE env = ? AND as_of IN ('', ?)",
            (env, when),
        )
    }
    found = index.load_diagnostics()
    counts: dict[str, int] = {}
    computed: list[_Computed] = []
    for state in index.files:
        if state.special is not None:
            continue
        hit = stored.get(state.rel)
        if hit is not None and hit[0] == state.sha256:
            found += diagnostics_from(state.name, hit[1])
            tally = _counts(hit[2])
        else:
            result = _check_file(ledger, state, as_of)
            found += result.diagnostics
            computed.append(result)
            tally = result.counts
        if selected is None or state.name in selected:
            for key, value in tally.items():
                counts[key] = counts.get(key, 0) + value
    cross, cross_key, cross_hit = _cross_file(index)
    found += cross
    whole_key = _whole_key(index)
    stored_whole = _stored(index, whole_key)  # nothing changed: every group as it was
    alike = None if stored_whole is not None else _duplicates(index, ledger, as_of)
    similar = stored_whole if stored_whole is not None else _flat(alike)
    found += similar
    registry, registry_key, registry_hit = _registry_findings(index, ledger, as_of)
    found += registry
    if computed or not cross_hit or alike is not None or not registry_hit:
        store = partial(_store, computed, env, when, cross_key, cross, alike)
        index.write(partial(store, (whole_key, similar), (registry_key, registry)))
    if selected is not None:
        found = [d for d in found if d.file in selected]
    return LintReport(sort_diagnostics(found), counts)


def _counts(text: str) -> dict[str, int]:
    items = decode(text)
    if not isinstance(items, dict) or not all(
        isinstance(k, str) and type(v) is int for k, v in items.items()
    ):
        raise IndexUnavailableError("the index holds counts it cannot read")
    return items


def _check_file(ledger: IndexedLedger, state: FileState, as_of: date) -> _Computed:
    from pledges.check.rules import DateRecordedContext, local_checks

    tracker = Tracker()
    built = ledger.pin(state)
    if built is None:
        return _Computed(state, [], {}, tracker, False)
    local = ledger.empty_ledger()
    local.files = [built]
    ctx = DateRecordedContext(
        local,
        ledger.context(tracker),
        as_of,
        archives=ledger.archives(tracker),
        sources=ledger.sources(tracker),
    )
    try:
        found = [d for check in local_checks() for d in check(ctx)]
    finally:
        ledger.unpin(state)
    return _Computed(state, found, dict(ctx.counts), tracker, ctx.as_of_read)


def _store(
    computed: list[_Computed],
    env: str,
    when: str,
    cross_key: str,
    cross: list[Diagnostic],
    alike: _Groups | None,
    whole: tuple[str, list[Diagnostic]],
    registry: tuple[str, list[Diagnostic]],
    conn: Any,
) -> None:
    for result in computed:
        if any(d.file != result.state.name for d in result.diagnostics):
            continue  # a finding about another file: not this file's to keep
        as_of = when if result.dated else ""
        rows = [diagnostic_row(d) for d in result.diagnostics]
        conn.execute(
            "INSERT OR REPLACE INTO findings(file, env, as_of, sha256, diagnostics, counts) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                result.state.rel,
                env,
                as_of,
                result.state.sha256,
                json.dumps(rows),
                json.dumps(result.counts),
            ),
        )
        store_deps(conn, (result.state.rel, "findings", env, as_of), result.tracker.rows())
    forget(conn, "findings", env, when)
    kept: list[tuple[str, list[Diagnostic]]] = [(cross_key, cross), whole, registry]
    if alike is not None:  # the groups of this state of the ledger replace the others
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS current(key TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM current")
        keys = [cross_key, whole[0], registry[0], *alike.groups]
        conn.executemany("INSERT OR IGNORE INTO current(key) VALUES (?)", [(k,) for k in keys])
        conn.execute("DELETE FROM results WHERE key NOT IN (SELECT key FROM current)")
        kept += [(key, alike.groups[key]) for key in alike.fresh]
    conn.executemany(
        "INSERT OR REPLACE INTO results(key, diagnostics) VALUES (?, ?)",
        [(key, json.dumps([(d.file, *diagnostic_row(d)) for d in found])) for key, found in kept],
    )


@dataclass
class _Groups:
    """The probable-duplicate findings by group key, and the keys judged afresh."""

    groups: dict[str, list[Diagnostic]]
    fresh: list[str]


def _whole_key(index: LedgerIndex) -> str:
    """The key of every probable-duplicate finding together: the names and hashes of
    every ledger file (a warm run with nothing changed reads them in one row)."""
    digest = hashlib.sha256(b"duplicates\n")
    for state in index.files:
        digest.update(f"{state.name}\t{state.sha256}\n".encode())
    return digest.hexdigest()


def _flat(alike: _Groups | None) -> list[Diagnostic]:
    return [d for findings in (alike.groups if alike else {}).values() for d in findings]


def _cross_file(index: LedgerIndex) -> tuple[list[Diagnostic], str, bool]:
    """PL201-PL203, stored under the names and hashes of every ledger file."""
    digest = hashlib.sha256(b"ids\n")
    for state in index.files:
        digest.update(f"{state.name}\t{state.sha256}\n".encode())
    key = digest.hexdigest()
    row = index.conn.execute("SELECT diagnostics FROM results WHERE key = ?", (key,)).fetchone()
    if row is not None:
        try:
            return [_from_row(item) for item in decode(row[0])], key, True
        except (TypeError, ValueError) as exc:
            raise IndexUnavailableError("the index holds findings it cannot read") from exc
    from pledges.check.rules.ids import IdEntry, duplicate_ids, duplicate_sources

    names = {s.rel: s.name for s in index.files}
    pledges = index.conn.execute(
        "SELECT p.file, p.idx, p.id, p.norm, p.id_line, p.id_column "
        "FROM pledges p JOIN files f ON f.path = p.file "
        "WHERE p.norm IN (SELECT norm FROM pledges GROUP BY norm HAVING count(*) > 1) "
        "ORDER BY f.ord, p.idx"
    ).fetchall()
    sources = index.conn.execute(
        "SELECT s.file, s.id, s.id_line, s.id_column FROM sources s "
        "JOIN files f ON f.path = s.file "
        "WHERE s.id IN (SELECT id FROM sources GROUP BY id HAVING count(*) > 1) "
        "ORDER BY f.ord"
    ).fetchall()
    found = list(
        duplicate_ids(
            IdEntry(pid, norm, names[file], f"$.pledges[{idx}].id", _at(line, column))
            for file, idx, pid, norm, line, column in pledges
        )
    )
    found += duplicate_sources(
        IdEntry(sid, sid, names[file], "$.source.id", _at(line, column))
        for file, sid, line, column in sources
    )
    return found, key, False


def _stored(index: LedgerIndex, key: str) -> list[Diagnostic] | None:
    row = index.conn.execute("SELECT diagnostics FROM results WHERE key = ?", (key,)).fetchone()
    return _decoded(row[0]) if row is not None else None


def _decoded(text: str) -> list[Diagnostic]:
    try:
        return [_from_row(item) for item in decode(text)]
    except (TypeError, ValueError) as exc:
        raise IndexUnavailableError("the index holds findings it cannot read") from exc


def _duplicates(index: LedgerIndex, ledger: IndexedLedger, as_of: date) -> _Groups:
    """PL283 group by group: pledges are compared only within one jurisdiction, deadline
    and unit, so each group's findings are stored under its members' files and hashes,
    and a change to one file judges again only the groups it is in."""
    names = {s.rel: s.name for s in index.files}
    groups: dict[tuple[str, str, str], list[tuple[int, str, int, str]]] = {}
    # in ledger order: groups come in the order of their first pledge, members in order
    for jurisdiction, deadline, unit, order, file, idx, sha in index.conn.execute(
        "SELECT coalesce(p.jurisdiction, ''), p.deadline_end, coalesce(p.metric_unit, ''), "
        "f.ord, p.file, p.idx, f.sha256 FROM pledges p JOIN files f ON f.path = p.file "
        "WHERE p.deadline_end IS NOT NULL AND p.target_value IS NOT NULL "
        "ORDER BY f.ord, p.idx"
    ):
        groups.setdefault((jurisdiction, deadline, unit), []).append((order, file, idx, sha))
    kept = dict(index.conn.execute("SELECT key, diagnostics FROM results").fetchall())
    found = _Groups({}, [])
    for (jurisdiction, deadline, unit), members in groups.items():
        if len(members) < 2:
            continue
        parts = [f"duplicates\0{jurisdiction}\0{deadline}\0{unit}\n"]
        parts += [f"{names[file]}\0{sha}\0{idx}\n" for _, file, idx, sha in members]
        key = hashlib.sha256("".join(parts).encode()).hexdigest()
        text = kept.get(key)
        if text == "[]":
            found.groups[key] = []
        elif text is not None:
            found.groups[key] = _decoded(text)
        else:
            found.groups[key] = _judge_group(ledger, members, as_of)
            found.fresh.append(key)
    return found


def _judge_group(
    ledger: IndexedLedger, members: list[tuple[int, str, int, str]], as_of: date
) -> list[Diagnostic]:
    """The duplicate rule on the pledges of one group, in ledger order."""
    from pledges.check.rules import RuleContext, duplicates
    from pledges.judge.status import Context

    files: list[LedgerFile] = []
    for _, file, idx, _ in members:
        built = ledger.ledger_file(ledger.index.by_rel[file])
        pledge = next((p for p in built.pledges if p.path[1] == idx), None) if built else None
        if built is None or pledge is None:
            continue
        if not files or files[-1].doc is not built.doc:
            files.append(LedgerFile(built.doc, built.source, []))
        files[-1].pledges.append(pledge)
    group = ledger.empty_ledger()
    group.files = files
    context = Context(units=group.units, pledges=group.pledge_index())
    return list(duplicates.check(RuleContext(group, context, as_of)))


def _at(line: int, column: int) -> Any:
    return lambda: (line, column)


def _from_row(item: list[Any]) -> Diagnostic:
    file, line, column, code, severity, message, hint, path = item
    return Diagnostic(file, line, column, code, Severity(severity), message, hint, path)


def _registry_findings(
    index: LedgerIndex, ledger: IndexedLedger, as_of: date
) -> tuple[list[Diagnostic], str, bool]:
    """PL270/PL271: they read only jurisdictions.yaml and units.yaml (and the date), so
    they are stored under the registries' names and hashes and the date: (findings, key,
    whether they were stored)."""
    digest = hashlib.sha256(f"registries\0{as_of.isoformat()}\n".encode())
    for state in index.registries:
        digest.update(f"{state.name}\t{state.sha256}\n".encode())
    key = digest.hexdigest()
    stored = _stored(index, key)
    if stored is not None:
        return stored, key, True
    from pledges.check.rules import RuleContext
    from pledges.check.rules import registry as registry_rules
    from pledges.judge.status import Context

    registries: Ledger = ledger.registry
    context = Context(units=registries.units, pledges={})
    return list(registry_rules.check(RuleContext(registries, context, as_of))), key, False
