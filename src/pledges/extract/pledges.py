"""Candidate pledges from a whole document: tables first, then running text, then
milestones and targets set by higher levels."""

from __future__ import annotations

from pledges.extract import rules, tables
from pledges.extract.candidate import Candidate, tags_for
from pledges.extract.context import DocumentContext, detect
from pledges.extract.figures import cn_number
from pledges.extract.prose import commits, from_prose, metric_name, sentence_start
from pledges.extract.text import SourceText, clause_at, quote_of, review_lines
from pledges.model.registries import BUILTIN_UNITS, Unit


def extract_pledges(
    raw: str, *, year: int | None = None, units: dict[str, Unit] | None = None
) -> tuple[DocumentContext, list[Candidate]]:
    """Every quantified forward-looking commitment of `raw`, in document order."""
    registry = units or BUILTIN_UNITS
    text = SourceText.of(raw)
    review = review_lines(text)
    ctx = detect(text, review, year)
    found_tables = tables.pipe_tables(text) + tables.flattened_tables(text)
    table_lines: set[int] = set()
    for table in found_tables:
        table_lines |= table.lines
    found = tables.candidates(text, found_tables, ctx, registry)
    found += from_prose(text, review, table_lines, ctx, registry)
    found += _milestones(text, review, table_lines, ctx)
    found += _set_by(text, review, table_lines, ctx)
    for candidate in found:
        _made_for(candidate, ctx)
    return ctx, _unique(sorted(found, key=lambda c: (c.start, c.end)))


def _made_for(candidate: Candidate, ctx: DocumentContext) -> None:
    """A target due before the document's own period was made earlier: in the plan before
    (a five-year plan reviews the last one) or at the start of its own year."""
    due = int(str(candidate.deadline)[:4])
    own = ctx.plan_start if ctx.plan_start else ctx.year
    if due < own:
        candidate.made = str(due - 4 if ctx.plan_end else due)
    if not candidate.metric.strip():
        candidate.metric = candidate.quote[:40]


def _unique(found: list[Candidate]) -> list[Candidate]:
    seen: set[tuple[int, int, str]] = set()
    kept: list[Candidate] = []
    for candidate in found:
        key = (candidate.start, candidate.end, repr(sorted(candidate.target.items())))
        if key not in seen:
            seen.add(key)
            kept.append(candidate)
    return kept


def _milestones(
    text: SourceText, review: list[bool], skip: set[int], ctx: DocumentContext
) -> list[Candidate]:
    found: list[Candidate] = []
    for number, (start, end) in enumerate(text.lines()):
        if number in skip or review[number]:
            continue
        for match in rules.MILESTONE.finditer(text.simp, start, end):
            cs, ce = clause_at(text, match.start())
            clause = text.simp[cs:ce]
            if rules.PAST.search(clause):
                continue
            when = _milestone_period(match, ctx)
            if when is None:
                continue
            before = text.simp[cs : match.start()]
            name = metric_name(before, text.simp[match.start() : ce]) or clause
            found.append(
                Candidate(
                    quote=quote_of(text, cs, ce),
                    start=cs,
                    end=ce,
                    line=number + 1,
                    metric=f"{name}{match.group('verb')}",
                    unit="count",
                    kind="level",
                    target={"op": "done"},
                    deadline=when,
                    rule=f"milestone:{match.group('verb')}",
                    score=0.6,
                    tags=tags_for(clause),
                )
            )
    return found


def _milestone_period(match: object, ctx: DocumentContext) -> str | int | None:
    import re

    assert isinstance(match, re.Match)
    year = ctx.year
    if match.group("month"):
        month = cn_number(match.group("month"))
        if not isinstance(month, int) or not 1 <= month <= 12:
            return None
        return f"{year}-{month:02d}"
    if match.group("q"):
        return f"{year}-Q{'一二三四'.index(match.group('q')) + 1}"
    when = match.group("when")
    if when.startswith("上半年"):
        return f"{year}-H1"
    if when.startswith("下半年"):
        return f"{year}-H2"
    return year


def _set_by(
    text: SourceText, review: list[bool], skip: set[int], ctx: DocumentContext
) -> list[Candidate]:
    found: list[Candidate] = []
    for number, (start, end) in enumerate(text.lines()):
        if number in skip:
            continue
        for match in rules.SET_BY.finditer(text.simp, start, end):
            cs, ce = clause_at(text, match.start())
            clause = text.simp[cs:ce]
            if not commits(clause, review[number]) or not match.group(1):
                continue
            prefix = text.simp[sentence_start(text, cs) : match.start()]
            name = metric_name(text.simp[cs : match.start()], "") or clause
            found.append(
                Candidate(
                    quote=quote_of(text, cs, ce),
                    start=cs,
                    end=ce,
                    line=number + 1,
                    metric=name,
                    unit="percent",
                    kind="level",
                    target={"set_by": "higher-level"},
                    deadline=ctx.default_deadline,
                    rule="set_by:上级下达",
                    score=0.5,
                    tags=tags_for(prefix + clause),
                )
            )
    return found
