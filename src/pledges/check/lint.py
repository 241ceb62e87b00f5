"""Linting: loader diagnostics plus every semantic rule, for the files asked about."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from pledges.model.diagnostics import Diagnostic, Severity, sort_diagnostics
from pledges.model.ledger import Pledge
from pledges.read.loader import LoadResult, Progress

if TYPE_CHECKING:
    from pledges.judge.status import Context
    from pledges.read.archive import Archive


class LintReport(NamedTuple):
    """The findings, and what the rules counted (e.g. quotes verified)."""

    diagnostics: list[Diagnostic]
    counts: dict[str, int]


def context_for(result: LoadResult) -> Context:
    from pledges.judge.status import Context

    return Context(units=result.ledger.units, pledges=result.ledger.pledge_index())


def lint_report(
    result: LoadResult,
    as_of: date,
    progress: Progress | None = None,
    *,
    archives: Mapping[str, Archive | str] | None = None,
) -> LintReport:
    """All findings sorted by position, limited to the selected files when there are any.
    `archives` stands in for the archived texts on disk (default: read them)."""
    from pledges.check.rules import run_rules

    counts: dict[str, int] = {}
    found = result.diagnostics + run_rules(
        result.ledger,
        context_for(result),
        as_of,
        progress,
        archives=archives,
        selected=result.selected,
        counts=counts,
        cache=result.cache,
    )
    if result.selected is not None:
        found = [d for d in found if d.file in result.selected]
    return LintReport(sort_diagnostics(found), counts)


def lint(
    result: LoadResult,
    as_of: date,
    progress: Progress | None = None,
    *,
    archives: Mapping[str, Archive | str] | None = None,
) -> list[Diagnostic]:
    """All findings, sorted by position; limited to the selected files when there are any."""
    return lint_report(result, as_of, progress, archives=archives).diagnostics


def file_errors(result: LoadResult, name: str, as_of: date) -> list[Diagnostic]:
    """The lint errors in one file of a loaded ledger: the errors `lint` gives for `name`
    when it is the file asked about, without running the rules over every other file.

    The rules run on the file itself and on stand-ins for the other ledger files that
    keep what a rule reads across files: their sources (a source declared twice,
    evidence citing a source, the archives quotes are checked against) and the earlier
    pledges whose ids read as one of the file's (an id used twice or confusable); the
    whole ledger's pledge index, units, jurisdictions and registries stay. What the
    rules find in the stand-ins is about other files and is dropped. Warnings may need
    more of the ledger (PL283 compares pledges across files) and are left out.
    """
    from dataclasses import replace

    from pledges.check.editview import IndexView, view_file_errors
    from pledges.check.rules import run_rules
    from pledges.check.rules.ids import normalize_id
    from pledges.model.document import Document

    ledger = result.ledger
    if isinstance(ledger, IndexView):
        return view_file_errors(result, name, as_of)
    target = next((f for f in ledger.files if f.doc.file == name), None)
    wanted = {normalize_id(p.id) for p in target.pledges} if target else set()
    peers: dict[str, list[Pledge]] = {}
    for pledge in ledger.pledges_by_norm(wanted):
        peers.setdefault(pledge.file, []).append(pledge)
    files, earlier = [], True
    for ledger_file in ledger.files:
        if ledger_file is target:
            files.append(ledger_file)
            earlier = False
            continue
        pledges = peers.get(ledger_file.doc.file, []) if earlier else []
        stand_in = Document(ledger_file.doc.file, {})
        files.append(replace(ledger_file, doc=stand_in, pledges=pledges))
    view = replace(ledger, files=files)
    found = [d for d in result.diagnostics if d.file == name]
    found += run_rules(
        view,
        context_for(result),
        as_of,
        archives=result.archives,
        selected={name},
        cache=result.cache,
    )
    found = [d for d in found if d.file == name and d.severity is Severity.ERROR]
    return sort_diagnostics(found)
