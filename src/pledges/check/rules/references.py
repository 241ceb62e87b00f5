"""Reference rules: every source, pledge, jurisdiction, unit and tag named exists."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from functools import cache

from pledges.check.rules import Rule, RuleContext
from pledges.model.diagnostics import Diagnostic, Severity
from pledges.model.ledger import Evidence, Pledge
from pledges.model.registries import TAGS, Unit, suggest_unit

UNKNOWN_SOURCE = Rule("PL210", Severity.ERROR, "evidence cites a source id no file declares")
UNKNOWN_PLEDGE = Rule(
    "PL211", Severity.ERROR, "`ref`, `related` or `same_as` names an unknown pledge"
)
UNKNOWN_JURISDICTION = Rule("PL212", Severity.ERROR, "a jurisdiction not in jurisdictions.yaml")
UNKNOWN_UNIT = Rule("PL213", Severity.ERROR, "a unit not in the unit registry")
UNKNOWN_TAG = Rule("PL214", Severity.ERROR, "a tag outside the tag vocabulary")
RULES = (UNKNOWN_SOURCE, UNKNOWN_PLEDGE, UNKNOWN_JURISDICTION, UNKNOWN_UNIT, UNKNOWN_TAG)


_MANY = 200


def did_you_mean(value: str, options: Iterable[str]) -> str | None:
    candidates = list(options)
    if len(candidates) > _MANY:
        candidates = _neighbours(value, tuple(candidates))
    close = difflib.get_close_matches(value, candidates, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


@cache
def _index(candidates: tuple[str, ...]) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for candidate in candidates:
        index.setdefault("tail:" + candidate.rsplit("/", 1)[-1], []).append(candidate)
        index.setdefault(f"head:{candidate[:2]}:{len(candidate)}", []).append(candidate)
    return index


def _neighbours(value: str, candidates: tuple[str, ...]) -> list[str]:
    """A large ledger narrowed to plausible neighbours: difflib is slow per pair."""
    index = _index(candidates)
    found = list(index.get("tail:" + value.rsplit("/", 1)[-1], []))
    for size in range(len(value) - 2, len(value) + 3):
        found += index.get(f"head:{value[:2]}:{size}", [])
    return found[:_MANY]


def _evidence_lists(pledge: Pledge) -> Iterator[tuple[tuple[str | int, ...], tuple[Evidence, ...]]]:
    for index, obs in enumerate(pledge.progress):
        yield ("progress", index, "evidence"), obs.evidence
    if pledge.baseline:
        yield ("baseline", "evidence"), pledge.baseline.evidence
    if pledge.assessment:
        yield ("assessment", "evidence"), pledge.assessment.evidence


def _observation_units(pledge: Pledge) -> Iterator[tuple[tuple[str | int, ...], str | None]]:
    if pledge.metric:
        yield ("metric", "unit"), pledge.metric.unit
    if pledge.baseline:
        yield ("baseline", "unit"), pledge.baseline.unit
    for index, obs in enumerate(pledge.progress):
        yield ("progress", index, "unit"), obs.unit


def check(ctx: RuleContext) -> Iterator[Diagnostic]:
    """Evidence `source: binjiang-2024-plan-reprot` is PL210 with a hint naming the
    declared `binjiang-2024-plan-report`; `unit: MWh` is PL213; `tags: [enviroment]` is
    PL214 (did you mean 'environment'?)."""
    sources = ctx.source_index()
    pledges = ctx.context.pledges
    units = ctx.ledger.units
    jurisdictions = ctx.ledger.jurisdictions
    for pledge in ctx.ledger.pledges:
        for keys, items in _evidence_lists(pledge):
            for index, item in enumerate(items):
                if item.source is not None and item.source not in sources:
                    yield ctx.at(
                        pledge,
                        UNKNOWN_SOURCE,
                        f"evidence cites unknown source '{item.source}'",
                        *keys,
                        index,
                        "source",
                        hint=did_you_mean(item.source, sources),
                    )
        refs: list[tuple[tuple[str | int, ...], str]] = []
        if pledge.target and pledge.target.ref:
            refs.append((("target", "ref"), pledge.target.ref))
        refs += [(("related", i), r) for i, r in enumerate(pledge.related)]
        if pledge.same_as:
            refs.append((("same_as",), pledge.same_as))
        for keys, ref in refs:
            if ref == pledge.id and keys[0] != "target":
                yield ctx.at(pledge, UNKNOWN_PLEDGE, f"'{ref}' is this pledge itself", *keys)
            elif ref not in pledges:
                yield ctx.at(
                    pledge,
                    UNKNOWN_PLEDGE,
                    f"'{ref}' is not a pledge in this ledger",
                    *keys,
                    hint=did_you_mean(ref, pledges),
                )
        if pledge.jurisdiction and pledge.jurisdiction not in jurisdictions:
            keys = ("jurisdiction",) if "jurisdiction" in pledge.raw else ()
            if keys:
                yield _unknown_jurisdiction(ctx, pledge, pledge.jurisdiction, keys)
        for keys, unit in _observation_units(pledge):
            if unit is not None and unit not in units:
                yield ctx.at(
                    pledge,
                    UNKNOWN_UNIT,
                    f"unknown unit '{unit}'",
                    *keys,
                    hint=_unit_hint(unit, units),
                )
        for index, tag in enumerate(pledge.tags):
            if tag not in TAGS:
                yield ctx.at(
                    pledge,
                    UNKNOWN_TAG,
                    f"unknown tag '{tag}'",
                    "tags",
                    index,
                    hint=did_you_mean(tag, TAGS)
                    or "see the tag vocabulary in docs/ledger-format.md",
                )
    for ledger_file in ctx.ledger.files:
        source = ledger_file.source
        if source and source.jurisdiction and source.jurisdiction not in jurisdictions:
            line, column = ledger_file.doc.position(("source", "jurisdiction"))
            message, hint = _jurisdiction_message(ctx, source.jurisdiction)
            yield Diagnostic(
                ledger_file.doc.file,
                line,
                column,
                UNKNOWN_JURISDICTION.code,
                UNKNOWN_JURISDICTION.severity,
                message,
                hint,
                "$.source.jurisdiction",
            )


def _unit_hint(unit: str, units: Mapping[str, Unit]) -> str:
    close = suggest_unit(unit, units)
    return f"did you mean '{close}'?" if close else "add it to units.yaml"


def _jurisdiction_message(ctx: RuleContext, value: str) -> tuple[str, str | None]:
    if not ctx.ledger.jurisdictions_loaded:
        return f"unknown jurisdiction '{value}'", "the ledger has no jurisdictions.yaml"
    return f"unknown jurisdiction '{value}'", did_you_mean(value, ctx.ledger.jurisdictions)


def _unknown_jurisdiction(
    ctx: RuleContext, pledge: Pledge, value: str, keys: tuple[str, ...]
) -> Diagnostic:
    message, hint = _jurisdiction_message(ctx, value)
    return ctx.at(pledge, UNKNOWN_JURISDICTION, message, *keys, hint=hint)
