"""Reported figures: what a document says was achieved, as candidate observations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pledges.extract import rules, tables
from pledges.extract.context import DocumentContext, detect
from pledges.extract.figures import figures
from pledges.extract.prose import metric_name
from pledges.extract.text import SourceText, clause_at, quote_of, review_lines
from pledges.model.registries import BUILTIN_UNITS, Unit

_REPORTED = re.compile(
    r"(实现|完成|达到|达|增长|下降|同比|累计|新增|共|全年|比上年|较上年|突破|超)"
)
_FUTURE = re.compile(r"(力争|确保|争取|计划|预计到|目标|将|要)")


@dataclass
class Outcome:
    quote: str
    start: int
    end: int
    line: int
    metric: str
    value: float | int
    unit: str
    period: str | int
    bound: str | None = None
    approx: bool = False
    pledge: str | None = None  # the matched pledge's id

    def entry(self) -> dict[str, Any]:
        item: dict[str, Any] = {}
        if self.pledge:
            item["pledge"] = self.pledge
        item |= {"period": self.period, "value": self.value, "unit": self.unit}
        if self.bound:
            item["bound"] = self.bound
        if self.approx:
            item["approx"] = True
        item["metric"] = self.metric
        item["quote"] = self.quote
        item["line"] = self.line
        return item


def _bound(before: str, after: str) -> tuple[str | None, bool]:
    for word, bound in rules.BOUND_AFTER:
        if after.startswith(word):
            return bound, False
    for word, bound in rules.BOUND_BEFORE:
        if before.endswith(word) or before[-4:].find(word) >= 0:
            return bound, False
    approx = after.startswith("左右") or any(before.endswith(w) for w in ("约", "近", "大约"))
    return None, approx


def extract_outcomes(
    raw: str, *, year: int | None = None, units: dict[str, Unit] | None = None
) -> list[Outcome]:
    """Every figure the document reports as achieved, with its period."""
    registry = units or BUILTIN_UNITS
    text = SourceText.of(raw)
    review = review_lines(text)
    ctx = detect(text, review, year)
    found: list[Outcome] = []
    skip: set[int] = set()
    for table in tables.pipe_tables(text) + tables.flattened_tables(text):
        skip |= table.lines
        found += _table_outcomes(text, table, ctx, registry)
    reviewed = ctx.year - 1 if ctx.plan_end is None else (ctx.plan_start or ctx.year) - 1
    for number, (start, end) in enumerate(text.lines()):
        if number in skip:
            continue
        for fig in figures(text.simp[start:end], start, registry):
            cs, ce = clause_at(text, fig.start)
            clause = text.simp[cs:ce]
            if _FUTURE.search(clause) or not (review[number] or rules.PAST.search(clause)):
                continue
            if not _REPORTED.search(clause) and not review[number]:
                continue
            before = text.simp[cs : fig.start]
            after = text.simp[fig.end : ce]
            bound, approx = _bound(before, after)
            value = fig.value
            if fig.unit in ("percent", "percentage-points") and rules.DECLINE.search(before):
                value = -value
            period: str | int = reviewed
            if re.search(r"上半年", clause) or re.search(r"1-[56]月", text.simp[start:end]):
                period = f"{ctx.year}-H1"
            found.append(
                Outcome(
                    quote_of(text, cs, ce),
                    cs,
                    ce,
                    number + 1,
                    metric_name(before, after),
                    value,
                    fig.unit,
                    period,
                    bound,
                    approx,
                )
            )
    return found


def _table_outcomes(
    text: SourceText, table: tables.Table, ctx: DocumentContext, units: dict[str, Unit]
) -> list[Outcome]:
    found: list[Outcome] = []
    done = [
        i
        for i, label in enumerate(table.labels)
        if re.search(r"(完成|实际|执行|情况)", label) or re.fullmatch(r"20[0-9]{2}\s*年", label)
    ]
    for serial, name_cell, values in table.rows:
        name, unit = tables.unit_of(name_cell.text, table, values, units)
        first = serial or name_cell
        for column in done:
            if column >= len(values):
                continue
            cell = values[column]
            raw_cell = cell.text.replace(" ", "").rstrip("∗*")
            label = table.labels[column]
            cell_unit = "percent" if ("增长" in label or "年均" in label) else unit
            if cell_unit is None:
                continue
            if re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", raw_cell):
                value: float | int = float(raw_cell) if "." in raw_cell else int(raw_cell)
            else:
                figs = figures(raw_cell, 0, units)
                if not figs:
                    continue
                value, cell_unit = figs[0].value, figs[0].unit
            year = re.search(r"(20[0-9]{2})", label)
            period: str | int = int(year.group(1)) if year else ctx.year - 1
            found.append(
                Outcome(
                    quote_of(text, first.start, cell.end),
                    first.start,
                    cell.end,
                    text.line_of(first.start),
                    name,
                    value,
                    cell_unit,
                    period,
                    approx="左右" in raw_cell,
                )
            )
    return found
