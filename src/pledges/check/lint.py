"""Linting: loader diagnostics plus every semantic rule, for the files asked about."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from pledges.check.rules import run_rules
from pledges.judge.status import Context
from pledges.model.diagnostics import Diagnostic, sort_diagnostics
from pledges.read.loader import LoadResult, Progress

if TYPE_CHECKING:
    from pledges.read.archive import Archive


class LintReport(NamedTuple):
    """The findings, and what the rules counted (e.g. quotes verified)."""

    diagnostics: list[Diagnostic]
    counts: dict[str, int]


def context_for(result: LoadResult) -> Context:
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
