"""`pledges show`: one pledge in full, with its evidence and a chart of its figures.

In a terminal, values wrap under their column and quotes wrap under their start; ids and
file positions are never broken (one too long for its column starts on its own line).
Piped, every field and every evidence item is one line and the chart uses plain
characters.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pledges.judge.detail import (
    Point,
    converted,
    figure_words,
    progress_words,
    target_note,
    target_words,
    worded,
)
from pledges.judge.query import Row
from pledges.judge.targets import format_number, unit_label
from pledges.model.ledger import Evidence, Ledger, Observation, Pledge, Source
from pledges.model.registries import Unit
from pledges.present.escape.terminal import text as clean
from pledges.present.layout import Line, Painter, Screen, cell, cells, pad, truncate, wrap
from pledges.present.terminal import STYLES
from pledges.read.archive import Archive

LABEL = 14  # the label column: the longest label ("jurisdiction") and a gap
CHART_PIPED = 40  # bar width of the chart when the output is not a terminal
CHART_WIDTH = 60  # the widest bar in a terminal
EIGHTHS = " ▏▎▍▌▋▊▉"


@dataclass(frozen=True)
class Extras:
    """What `show` adds to a row from the rest of the ledger."""

    related: Sequence[tuple[str, Row | None]]
    points: Sequence[Point]
    targets: Sequence[float]
    units: dict[str, Unit]
    # archived source texts by `archive` path, and the ledger's sources by id: each quote
    # is shown in its source when its source's text is here
    archives: Mapping[str, Archive | str] = field(default_factory=dict)
    sources: Mapping[str, Source] = field(default_factory=dict)


class _Out:
    """Collects painted lines, wrapping in a terminal and not when piped."""

    def __init__(self, screen: Screen, extras: Extras | None = None) -> None:
        self.screen = screen
        self.painter = Painter(screen)
        self.lines: list[str] = []
        self.extras = extras

    def in_source(self, quote: str | None, source: Source | None, indent: int) -> None:
        """The quote's lines in its archived source, when the source's text is at hand;
        long lines wrap under the text in a terminal."""
        if self.extras is None:
            return
        from pledges.present.quotes import quote_context, wrap_line

        terminal, marks = self.screen.terminal, not self.screen.color
        for line in quote_context(quote, source, self.extras.archives, marks, indent):
            if not terminal:
                self.add(line)
                continue
            hang = cells(line[0][0]) if len(line) > 1 else indent
            for part in wrap_line(line, self.screen.width, hang):
                self.add(part)

    def add(self, line: Line) -> None:
        self.lines.append(self.painter.line(line))

    def block(self, indent: int, text: str, style: str, head: Line) -> None:
        """`head`, then `text` wrapped in a column from `indent` to the edge. Text that
        does not fit beside the head starts on the next line, in that column, or two
        columns in when a part of it (a long path) is too long for the column."""
        if not self.screen.terminal:
            self.add([*head, (text, style)])
            return
        width = self.screen.width
        beside = width - sum(cells(t) for t, _ in head)
        lines = wrap(text, width - indent, first=beside)
        rest = lines[1:]
        if cells(lines[0]) > beside or any(cells(line) > width - indent for line in rest):
            self.add(head)
            under = wrap(text, width - indent)
            if any(cells(line) > width - indent for line in under):
                indent, under = 2, wrap(text, width - 2)
            for line in under:
                self.add([(" " * indent, ""), (line, style)])
            return
        self.add([*head, (lines[0], style)] if lines[0] else head)
        for line in rest:
            self.add([(" " * indent, ""), (line, style)])

    def field(self, label: str, value: str, style: str = "") -> None:
        self.block(LABEL, value, style, head=[(pad(label, LABEL), "bold")])

    def evidence(self, items: Sequence[Evidence], indent: int) -> None:
        for item in items:
            where = clean(item.source or item.url or "?")
            head = f"↳ {where}: "
            quote = f"“{clean(item.quote)}”" if item.quote else "(no quote)"
            hang = indent + cells(head)
            if self.screen.terminal and self.screen.width - hang < 24:
                hang = indent + 2
            self.block(hang, quote, "", head=[(" " * indent + head, "dim")])
            if item.source and item.quote and self.extras is not None:
                self.in_source(item.quote, self.extras.sources.get(item.source), indent + 2)


def _observation_text(pledge: Pledge, obs: Observation, units: dict[str, Unit]) -> str:
    """`2550 亿元`, `41029 persons (= 4.1029 万人)`, `above 900 亿元`, `done`."""
    pledge = worded(pledge)
    value = format_number(obs.value) if obs.value is not None else (obs.level or "?")
    if obs.done is not None and obs.value is None:
        text = "done" if obs.done else "not done"
    elif obs.unit and (pledge.metric is None or obs.unit != pledge.metric.unit):
        text = f"{value} {obs.unit}"
        value_in_unit = converted(pledge, obs, units)
        if value_in_unit is not None and obs.value is not None:
            text += f" (= {format_number(value_in_unit)}{unit_label(pledge)})"
    else:
        text = f"{value}{unit_label(pledge)}"
    if obs.done is None or obs.value is not None:
        shown = {"lower": "above ", "upper": "below "}.get(obs.bound or "", "")
        text = shown + ("about " if obs.approx and not obs.bound else "") + text
    if obs.outcome:
        text += " (reported as the outcome)"
    if obs.note:
        text += f" — {obs.note}"
    return clean(text)


def _metric_text(pledge: Pledge) -> str | None:
    metric = pledge.metric
    if metric is None:
        return None
    extra = []
    if metric.aggregate == "sum":
        extra.append("summed over the period")
    if pledge.kind in {"rate", "flow"}:
        extra.append(pledge.kind)
    if metric.better:
        extra.append(f"{metric.better} is better")
    suffix = f" ({', '.join(extra)})" if extra else ""
    return f"{metric.name or '?'} [{metric.unit or 'no unit'}]{suffix}"


def _jurisdiction(pledge: Pledge, ledger: Ledger) -> str | None:
    jid = pledge.jurisdiction
    if jid is None:
        return None
    known = ledger.jurisdictions.get(jid)
    return f"{known.name_en} ({jid})" if known else jid


def _status_line(row: Row, terminal: bool) -> Line:
    evaluation = row.evaluation
    line: Line = [(pad("status", LABEL), "bold")]
    line.append((clean(evaluation.status), STYLES.get(evaluation.status, "")))
    progress, words = evaluation.progress, progress_words(evaluation.progress)
    if progress is not None and words != "—":
        if terminal:
            share = max(0.0, min(1.0, progress))
            filled = round(share * 10)
            line += [("  ", ""), ("█" * filled, "green" if share >= 1 else "yellow")]
            line += [("·" * (10 - filled), "dim"), (f" {words}", "")]
        else:
            line.append((f"  {words}", ""))
    notes = []
    if evaluation.status != evaluation.computed_status:
        notes.append(f"computed: {evaluation.computed_status}")
    if evaluation.stretch_met:
        notes.append("stretch level met")
    if notes:
        line.append((f"  ({'; '.join(notes)})", ""))
    return line


def _bar_cells(value: float, low: float, high: float, width: int, plain: bool) -> list[str]:
    """The cells of one bar, `width` wide, filled in proportion from `low` to `high`."""
    share = (value - low) / (high - low) if high > low else 0.0
    eighths = round(max(0.0, min(1.0, share)) * width * 8)
    full, part = divmod(eighths, 8)
    if plain:
        full, part = round(eighths / 8), 0
    out = ["#" if plain else "█"] * full
    if part:
        out.append(EIGHTHS[part])
    return out + [" "] * (width - len(out))


def _chart(out: _Out, row: Row, extras: Extras) -> None:
    points, targets = extras.points, extras.targets
    values = [p.value for p in points]
    if not values:
        return
    low = min(0.0, *values, *targets)
    high = max(0.0, *values, *targets)
    if not high > low or not math.isfinite(high - low):
        return
    plain = not out.screen.terminal
    unit = unit_label(row.pledge).strip() or "count"
    summed = row.pledge.metric is not None and row.pledge.metric.aggregate == "sum"
    labels = [clean(p.period) + (" baseline" if p.baseline else "") for p in points]
    numbers = [format_number(round(v, 4)) for v in values]
    label_width = max(cells(label) for label in labels)
    number_width = max(cells(n) for n in numbers)
    width = CHART_PIPED
    if out.screen.terminal:
        width = max(10, min(CHART_WIDTH, out.screen.width - label_width - number_width - 6))
    mark = "|" if plain else "│"
    about = f"{unit}{', running total' if summed else ''}"
    if targets:
        words = target_words(row.pledge, row.evaluation.target_value)
        about += f"; {mark} marks the target {words}"
    if low < 0:
        about += f"; bars start at {format_number(low)}"
    out.block(LABEL, clean(about), "dim", head=[(pad("chart", LABEL), "bold")])
    positions = {
        min(width - 1, round((t - low) / (high - low) * width)) for t in targets if high > low
    }
    for label, number, value in zip(labels, numbers, values, strict=True):
        bar = _bar_cells(value, low, high, width, plain)
        line: Line = [("  " + pad(label, label_width) + "  ", "")]
        for index, block in enumerate(bar):
            if index in positions:
                line.append((mark, "bold"))
            else:
                line.append((block, "cyan" if block.strip() else ""))
        line.append(("  " + pad(number, number_width, right=True), ""))
        out.add(_merge(line))


def _merge(line: Line) -> Line:
    """Adjacent spans of one style as one span (fewer escape codes)."""
    merged: Line = []
    for text, style in line:
        if merged and merged[-1][1] == style:
            merged[-1] = (merged[-1][0] + text, style)
        else:
            merged.append((text, style))
    return merged


def pledge_report(row: Row, extras: Extras, ledger: Ledger, screen: Screen) -> list[str]:
    """The lines of `pledges show` for one pledge."""
    pledge, evaluation = row.pledge, row.evaluation
    out = _Out(screen, extras)
    line, column = pledge.position()
    source = pledge.source
    fields: list[tuple[str, str | None]] = [
        ("id", pledge.id),
        ("title", pledge.title),
        ("quote", f"“{pledge.quote}”" if pledge.quote else None),
        ("source", f"{source.title_en or source.title} [{source.id}]" if source else None),
        ("file", f"{pledge.file}:{line}:{column}"),
        ("jurisdiction", _jurisdiction(pledge, ledger)),
        ("made", pledge.made.text if pledge.made else None),
        ("deadline", pledge.deadline.text if pledge.deadline else None),
        ("binding", "yes (约束性)" if pledge.binding else "no (expected, 预期性)"),
        ("tags", ", ".join(pledge.tags)),
        ("metric", _metric_text(pledge)),
        ("target", target_words(pledge, evaluation.target_value)),
        ("target note", target_note(pledge)),
        ("note", pledge.note),
    ]
    for name, value in fields:
        if value:
            out.field(name, clean(value))
        if name == "quote":
            out.in_source(pledge.quote, source, LABEL)
    if pledge.baseline is not None:
        baseline = pledge.baseline
        period = clean(baseline.period.text) if baseline.period else "?"
        out.field("baseline", f"{period}: {_observation_text(pledge, baseline, extras.units)}")
        out.evidence(baseline.evidence, LABEL)
    out.field("latest", clean(figure_words(row)))
    out.add(_status_line(row, screen.terminal))
    out.field("why", clean(evaluation.explanation))
    _timeline(out, row, extras)
    _occurrences(out, row)
    if extras.points:
        out.add([])
        _chart(out, row, extras)
    if extras.related:
        out.add([])
        out.add([("related", "bold")])
        _related(out, extras.related)
    if pledge.assessment:
        assessment = pledge.assessment
        as_of = assessment.as_of.text if assessment.as_of else "?"
        out.add([])
        out.add([("assessment", "bold")])
        text = f"{assessment.status} as of {as_of}: {assessment.rationale or ''}"
        out.block(4, clean(text), "", head=[("  ", "")])
        out.evidence(assessment.evidence, 4)
    return out.lines


def _timeline(out: _Out, row: Row, extras: Extras) -> None:
    pledge = row.pledge
    out.add([])
    out.add([("timeline", "bold")])
    if not pledge.progress:
        out.add([("  no observations recorded", "dim")])
    for obs in sorted(pledge.progress, key=_period_key):
        period = clean(obs.period.text) if obs.period else "?"
        text = _observation_text(pledge, obs, extras.units)
        out.block(4, text, "", head=[(f"  {period}: ", "")])
        out.evidence(obs.evidence, 4)


def _occurrences(out: _Out, row: Row) -> None:
    """Each occurrence of a recurring target with its own verdict and why."""
    evaluation = row.evaluation
    if not evaluation.occurrences:
        return
    out.add([])
    out.add([("occurrences", "bold")])
    width = max(cells(clean(o.period.text)) for o in evaluation.occurrences)
    status_width = max(cells(o.status) for o in evaluation.occurrences)
    for occurrence in evaluation.occurrences:
        period, status = clean(occurrence.period.text), clean(occurrence.status)
        style = STYLES.get(occurrence.status, "")
        head: Line = [(f"  {pad(period, width)}  ", "")]
        if out.screen.terminal:
            head += cell(status, status_width + 2, style)
        else:
            head = [(f"  {period}  ", ""), (status, style), ("  ", "")]
        out.block(sum(cells(t) for t, _ in head), clean(occurrence.explanation), "", head)


def _related(out: _Out, related: Sequence[tuple[str, Row | None]]) -> None:
    width = max(cells(clean(rid)) for rid, _ in related)
    statuses = [other.evaluation.status for _, other in related if other]
    status_width = max([cells(s) for s in statuses] or [0])
    for rid, other in related:
        head: Line = [("  " + pad(clean(rid), width) + "  ", "")]
        if other is None:
            out.add([*head, ("not in the ledger", "red")])
            continue
        status = other.evaluation.status
        head.append((pad(status, status_width) + "  ", STYLES.get(status, "")))
        title = clean(other.pledge.title or "")
        if out.screen.terminal:
            used = sum(cells(t) for t, _ in head)
            title = truncate(title, out.screen.width - used)
        out.add([*head, (title, "")])


def _period_key(obs: Observation) -> tuple[int, object]:
    return (0, obs.period.end) if obs.period else (1, None)
