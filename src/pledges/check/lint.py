"""Linting: loader diagnostics plus every semantic rule, for the files asked about."""

from __future__ import annotations

from datetime import date

from pledges.check.rules import run_rules
from pledges.judge.status import Context
from pledges.model.diagnostics import Diagnostic, sort_diagnostics
from pledges.read.loader import LoadResult, Progress


def context_for(result: LoadResult) -> Context:
    return Context(units=result.ledger.units, pledges=result.ledger.pledge_index())


def lint(result: LoadResult, as_of: date, progress: Progress | None = None) -> list[Diagnostic]:
    """All findings, sorted by position; limited to the selected files when there are any."""
    found = result.diagnostics + run_rules(result.ledger, context_for(result), as_of, progress)
    if result.selected is not None:
        found = [d for d in found if d.file in result.selected]
    return sort_diagnostics(found)
