"""Semantic rules over a loaded ledger: one module per concern, one registry.

Each rule has a stable code, a default severity and a summary; the docstring of its
check function shows what it accepts and rejects. `run_rules` returns every finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from pledges.judge.status import Context
from pledges.model.diagnostics import Diagnostic, Severity, json_path
from pledges.model.ledger import Ledger, Pledge, Source
from pledges.read.loader import Progress

if TYPE_CHECKING:
    from pledges.read.archive import Archive
    from pledges.read.cache import Cache

Check = Callable[["RuleContext"], Iterator[Diagnostic]]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    summary: str


@dataclass
class RuleContext:
    """What a rule reads: the files it checks, and the rest of the ledger through `context`
    (pledges by id, units) and `sources` (source ids; by default those of `ledger`)."""

    ledger: Ledger
    context: Context
    as_of: date
    # archived source texts: `archive` value → text, or why not (None: read when needed)
    archives: Mapping[str, Archive | str] | None = None
    # display names of the files asked about (None: all); rules may skip the others
    selected: set[str] | None = None
    # tallies a rule reports beside its findings, e.g. quotes verified
    counts: dict[str, int] = field(default_factory=dict)
    # the content cache, for rules whose work can be kept between runs
    cache: Cache | None = None
    # the ledger's source ids (None: those of `ledger`); the index passes all of them
    sources: Mapping[str, Source] | None = None

    def source_index(self) -> Mapping[str, Source]:
        return self.sources if self.sources is not None else self.ledger.source_index()

    def at(
        self,
        pledge: Pledge,
        rule: Rule,
        message: str,
        *keys: str | int,
        hint: str | None = None,
        key: bool = False,
    ) -> Diagnostic:
        return pledge_diagnostic(pledge, rule, message, *keys, hint=hint, key=key)


class DateRecordedContext(RuleContext):
    """A rule context that notes whether a rule read `as_of` (the ledger index keeps a
    file's findings for every date when none did)."""

    as_of_read = False
    _when: date

    @property
    def as_of(self) -> date:
        self.as_of_read = True
        return self._when

    @as_of.setter
    def as_of(self, value: date) -> None:
        self._when = value


def pledge_diagnostic(
    pledge: Pledge,
    rule: Rule,
    message: str,
    *keys: str | int,
    hint: str | None = None,
    key: bool = False,
) -> Diagnostic:
    """A finding of `rule` at the node `keys` below a pledge."""
    line, column = pledge.position(*keys, key=key)
    path = json_path((*pledge.path, *keys))
    return Diagnostic(pledge.file, line, column, rule.code, rule.severity, message, hint, path)


def _modules() -> tuple[Any, ...]:
    from pledges.check.rules import (
        assessments,
        dates,
        duplicates,
        evidence,
        ids,
        levels,
        numbers,
        quotes,
        readings,
        references,
        registry,
        review,
        targets,
    )

    return (
        ids,
        references,
        levels,
        dates,
        evidence,
        numbers,
        targets,
        readings,
        duplicates,
        assessments,
        registry,
        review,
        quotes,
    )


def _checks() -> list[Check]:
    """The checks run on every lint; the pull-request rules (`check.pr`) run only with --base."""
    return [module.check for module in _modules()]


def local_checks() -> list[Check]:
    """The checks whose findings in a file depend on that file and on what it looks up in
    `RuleContext.context`, `source_index()` and the registries: every check but those
    that compare files (`ids`, `duplicates`) and the registry rules (`registry`, which
    read only the registries). Archived texts are read through `RuleContext.archives`."""
    from pledges.check.rules import duplicates, ids, registry

    cross = (ids, duplicates, registry)
    return [module.check for module in _modules() if module not in cross]


def rules() -> dict[str, Rule]:
    """The rules run on every lint, by code."""
    return {rule.code: rule for module in _modules() for rule in module.RULES}


def run_rules(
    ledger: Ledger,
    context: Context,
    as_of: date,
    progress: Progress | None = None,
    *,
    archives: Mapping[str, Archive | str] | None = None,
    selected: set[str] | None = None,
    counts: dict[str, int] | None = None,
    cache: Cache | None = None,
) -> list[Diagnostic]:
    """Every rule's findings; `progress(done, total)` counts the rule modules run."""
    ctx = RuleContext(ledger, context, as_of, archives, selected, cache=cache)
    found: list[Diagnostic] = []
    checks = _checks()
    for done, check in enumerate(checks):
        if progress is not None:
            progress(done, len(checks))
        found.extend(check(ctx))
    if progress is not None:
        progress(len(checks), len(checks))
    if counts is not None:
        counts.update(ctx.counts)
    return found
