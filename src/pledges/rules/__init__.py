"""Semantic rules over a loaded ledger: one module per concern, one registry.

Each rule has a stable code, a default severity and a summary; the docstring of its
check function shows what it accepts and rejects. `run_rules` returns every finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from pledges.diagnostics import Diagnostic, Severity, json_path
from pledges.model import Ledger, Pledge
from pledges.status import Context

Check = Callable[["RuleContext"], Iterator[Diagnostic]]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    summary: str


@dataclass
class RuleContext:
    ledger: Ledger
    context: Context
    as_of: date

    def at(
        self,
        pledge: Pledge,
        rule: Rule,
        message: str,
        *keys: str | int,
        hint: str | None = None,
        key: bool = False,
    ) -> Diagnostic:
        line, column = pledge.position(*keys, key=key)
        return Diagnostic(
            pledge.file,
            line,
            column,
            rule.code,
            rule.severity,
            message,
            hint,
            json_path((*pledge.path, *keys)),
        )


def _checks() -> list[Check]:
    from pledges.rules import (
        assessments,
        dates,
        evidence,
        ids,
        numbers,
        references,
        registry,
        targets,
    )

    return [
        ids.check,
        references.check,
        dates.check,
        evidence.check,
        numbers.check,
        targets.check,
        assessments.check,
        registry.check,
    ]


def all_rules() -> dict[str, Rule]:
    from pledges.rules import (
        assessments,
        dates,
        evidence,
        ids,
        numbers,
        references,
        registry,
        targets,
    )

    out: dict[str, Rule] = {}
    from pledges import rules_pr

    for module in (
        ids,
        references,
        dates,
        evidence,
        numbers,
        targets,
        assessments,
        registry,
        rules_pr,
    ):
        for rule in module.RULES:
            out[rule.code] = rule
    return out


def run_rules(ledger: Ledger, context: Context, as_of: date) -> list[Diagnostic]:
    ctx = RuleContext(ledger, context, as_of)
    found: list[Diagnostic] = []
    for check in _checks():
        found.extend(check(ctx))
    return found
