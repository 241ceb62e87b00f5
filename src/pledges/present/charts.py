"""Inline SVG charts for the site: the status bars and a pledge's figures against its
target. Every text goes through the HTML escaper (`escape/html.py`); the SVG needs no
script and no font file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup

from pledges.judge.figures import main_window
from pledges.judge.status import Evaluation, format_number
from pledges.model.ledger import Observation, Pledge
from pledges.model.registries import Unit, convert
from pledges.present.escape.html import text as escape
from pledges.present.words import status_label, unit_words

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 20, 64


@dataclass(frozen=True)
class Bar:
    status: str
    count: int
    share: float
    href: str


def status_bars(groups: Sequence[tuple[str, Sequence[Bar]]], title: str) -> Markup:
    """Horizontal bars in labelled groups (verdicts, in progress, no verdict yet, ...), one
    per status, each linking to the pledges with that status."""
    row, label_width, width = 30, 120, 600
    lines = sum(len(bars) + 1 for _, bars in groups)
    height = row * lines + 8
    most = max((b.count for _, bars in groups for b in bars), default=0) or 1
    parts = [
        f'<svg class="status-chart" viewBox="0 0 {width} {height}" role="group" '
        f'aria-labelledby="status-chart-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="status-chart-title">{escape(title)}</title>',
    ]
    line = 0
    for heading, bars in groups:
        parts.append(
            f'<text class="group" x="0" y="{4 + line * row + 19}">{escape(heading)}</text>'
        )
        line += 1
        for bar in bars:
            y = 4 + line * row
            line += 1
            length = (width - label_width - 110) * bar.count / most
            label = status_label(bar.status)
            parts.append(
                f'<a href="{escape(bar.href)}" class="bar status-{escape(bar.status)}">'
                f"<title>{escape(label)}: {bar.count} ({bar.share:.0%})</title>"
                f'<text x="{label_width - 8}" y="{y + 19}" text-anchor="end">'
                f"{escape(label)}</text>"
                f'<rect x="{label_width}" y="{y + 4}" width="{max(length, 1):.1f}" height="20" '
                f'rx="2"/>'
                f'<text x="{label_width + length + 8:.1f}" y="{y + 19}">{bar.count} '
                f"({bar.share:.0%})</text></a>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def _in_unit(obs: Observation, metric_unit: str | None, units: Mapping[str, Unit]) -> float | None:
    if obs.value is None:
        return None
    if obs.unit is None or metric_unit is None or obs.unit == metric_unit:
        return obs.value
    source, target = units.get(obs.unit), units.get(metric_unit)
    if source is None or target is None:
        return None
    return convert(obs.value, source, target)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round, increasing tick values covering [low, high]."""
    scale = max(1.0, abs(low), abs(high))
    if high - low < 1e-9 * scale:
        high = low + 0.1 * scale
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    digits = max(0, 2 - math.floor(math.log10(step)))
    start = math.floor(low / step)
    ticks = [round((start + k) * step, digits) for k in range(count * 3)]
    end = next(i for i, t in enumerate(ticks) if t >= high - step * 1e-9)
    return ticks[: end + 1]


@dataclass(frozen=True)
class Point:
    day: date
    value: float
    label: str


def _series(pledge: Pledge, units: Mapping[str, Unit]) -> tuple[Point | None, list[Point], bool]:
    """(baseline, observed points, cumulative?) in the metric's unit."""
    metric_unit = pledge.metric.unit if pledge.metric else None
    shown = unit_words(metric_unit, units)
    base = None
    if pledge.baseline and pledge.baseline.period:
        value = _in_unit(pledge.baseline, metric_unit, units)
        if value is not None:
            text = f"baseline {pledge.baseline.period.text}: {format_number(value)}{shown}"
            base = Point(pledge.baseline.period.end, value, text)
    usable = [
        (o.period, v)
        for o in pledge.progress
        if o.period is not None and (v := _in_unit(o, metric_unit, units)) is not None
    ]
    usable.sort(key=lambda pv: pv[0].end)
    cumulative = bool(pledge.metric and pledge.metric.aggregate == "sum")
    points = []
    total = 0.0
    for period, value in usable:
        if cumulative:
            total += value
            text = f"{period.text}: {format_number(value)}{shown} (total {format_number(total)})"
            points.append(Point(period.end, total, text))
        else:
            points.append(Point(period.end, value, f"{period.text}: {format_number(value)}{shown}"))
    return base, points, cumulative


@dataclass(frozen=True)
class Frame:
    """The plot's scales: days to x, values to y."""

    first: date
    last: date
    ticks: list[float]

    def x(self, day: date) -> float:
        span = max(1, (self.last - self.first).days)
        return LEFT + (WIDTH - LEFT - RIGHT) * (day - self.first).days / span

    def y(self, value: float) -> float:
        low, high = self.ticks[0], self.ticks[-1]
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - low) / (high - low))

    def axes(self) -> list[str]:
        parts = []
        for tick in self.ticks:
            at = self.y(tick)
            parts.append(
                f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{at:.1f}" '
                f'y2="{at:.1f}"/><text class="tick" x="{LEFT - 6}" y="{at + 4:.1f}" '
                f'text-anchor="end">{escape(format_number(tick))}</text>'
            )
        first = self.first
        for year in range(first.year + (first.month > 1 or first.day > 1), self.last.year + 1):
            at = self.x(date(year, 1, 1))
            parts.append(
                f'<line class="grid" x1="{at:.1f}" x2="{at:.1f}" y1="{TOP}" '
                f'y2="{HEIGHT - BOTTOM}"/><text class="tick" x="{at:.1f}" '
                f'y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{year}</text>'
            )
        return parts

    def vline(self, kind: str, day: date, label: str) -> str:
        at = self.x(day)
        return (
            f'<line class="{kind}" x1="{at:.1f}" x2="{at:.1f}" y1="{TOP}" '
            f'y2="{HEIGHT - BOTTOM}"><title>{escape(label)}</title></line>'
        )


def _frame(
    pledge: Pledge, points: list[Point], fixed: list[Point], levels: list[float], zero: bool
) -> Frame:
    days = [p.day for p in points + fixed]
    if pledge.deadline is not None:
        days.append(pledge.deadline.end)
    if pledge.start is not None:
        days.append(pledge.start.start)
    first, last = min(days), max(days)
    if first == last:
        first, last = first - timedelta(days=365), last + timedelta(days=1)
    values = [p.value for p in points + fixed] + levels + ([0.0] if zero else [])
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or abs(high) * 0.1 or 1.0
    return Frame(first, last, nice_ticks(low - pad if low < 0 or not zero else 0.0, high + pad))


def _origin(pledge: Pledge, base: Point | None) -> Point | None:
    """Where the time-proportional path starts, as the status engine draws it: zero at the
    start of a flow's window, the baseline of a level."""
    if pledge.kind == "flow":
        window = main_window(pledge)
        return Point(window.start - timedelta(days=1), 0.0, "start") if window else None
    if pledge.kind == "level" and base is not None:
        return base
    return None


def pledge_chart(
    pledge: Pledge, evaluation: Evaluation, units: Mapping[str, Unit], as_of: date
) -> Markup | None:
    """The figures of a pledge against its target, or None when there is nothing to plot."""
    base, points, cumulative = _series(pledge, units)
    target = pledge.target
    goal = evaluation.target_value
    band = target.bounds if target and target.op == "between" else None
    stretch = target.stretch if target else None
    if not points and (base is None or (goal is None and band is None)):
        return None
    deadline = pledge.deadline.end if pledge.deadline else None
    recurring = bool(target and target.every)  # the target applies to each period alone
    origin = _origin(pledge, base) if goal is not None and deadline and not recurring else None
    fixed = [p for p in (base, origin) if p is not None]
    levels = [v for v in (goal, stretch) if v is not None] + list(band or ())
    frame = _frame(pledge, points, fixed, levels, cumulative or pledge.kind == "flow")
    x, y = frame.x, frame.y
    unit = unit_words(pledge.metric.unit if pledge.metric else None, units)
    title = f"{pledge.title or pledge.id}: figures against the target"
    parts = [
        f'<svg class="pledge-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(_describe(points, base, goal, unit, cumulative))}</desc>',
        *frame.axes(),
    ]
    if band is not None:
        top, bottom = y(band[1]), y(band[0])
        parts.append(
            f'<rect class="target-band" x="{LEFT}" y="{top:.1f}" width="{WIDTH - LEFT - RIGHT}" '
            f'height="{max(bottom - top, 1):.1f}"><title>target range</title></rect>'
        )
    elif goal is not None:
        parts.append(_hline("target", y(goal), f"target {format_number(goal)}{unit}"))
    if stretch is not None:
        parts.append(_hline("stretch", y(stretch), f"stretch {format_number(stretch)}{unit}"))
    if origin is not None and goal is not None and deadline is not None:
        parts.append(
            f'<line class="path" x1="{x(origin.day):.1f}" y1="{y(origin.value):.1f}" '
            f'x2="{x(deadline):.1f}" y2="{y(goal):.1f}">'
            f"<title>time-proportional path to the target</title></line>"
        )
    if deadline is not None:
        parts.append(frame.vline("deadline", deadline, f"deadline {deadline.isoformat()}"))
    if frame.first <= as_of <= frame.last:
        parts.append(frame.vline("as-of", as_of, f"as of {as_of.isoformat()}"))
    if len(points) > 1:
        line = " ".join(f"{x(p.day):.1f},{y(p.value):.1f}" for p in points)
        parts.append(f'<polyline class="series" points="{line}"/>')
    if base is not None:
        parts.append(_dot("baseline", x(base.day), y(base.value), base.label))
    parts += [_dot("observation", x(p.day), y(p.value), p.label) for p in points]
    marks = Marks(goal is not None or band is not None, stretch is not None, origin is not None)
    parts.append(_legend(marks, base, cumulative))
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class Marks:
    target: bool
    stretch: bool
    path: bool


def _hline(kind: str, at: float, label: str) -> str:
    return (
        f'<line class="{kind}" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{at:.1f}" y2="{at:.1f}">'
        f"<title>{escape(label)}</title></line>"
    )


def _dot(kind: str, cx: float, cy: float, label: str) -> str:
    return (
        f'<circle class="{kind}" cx="{cx:.1f}" cy="{cy:.1f}" r="5">'
        f"<title>{escape(label)}</title></circle>"
    )


def _legend(marks: Marks, base: Point | None, cumulative: bool) -> str:
    items = [("observation", "reported figure" + (" (running total)" if cumulative else ""))]
    if base is not None:
        items.append(("baseline", "baseline"))
    if marks.target:
        items.append(("target", "target"))
    if marks.stretch:
        items.append(("stretch", "stretch level"))
    if marks.path:
        items.append(("path", "time-proportional path"))
    items.append(("deadline", "deadline"))
    out = ['<g class="legend-keys">']
    at = LEFT
    row = HEIGHT - 18
    for kind, text in items:
        if kind in {"observation", "baseline"}:
            out.append(f'<circle class="{kind}" cx="{at + 6}" cy="{row - 4}" r="5"/>')
        else:
            out.append(
                f'<line class="{kind}" x1="{at}" x2="{at + 16}" y1="{row - 4}" y2="{row - 4}"/>'
            )
        out.append(f'<text class="legend" x="{at + 20}" y="{row}">{escape(text)}</text>')
        at += 28 + 7 * len(text)
    out.append("</g>")
    return "".join(out)


def _describe(
    points: Sequence[Point], base: Point | None, goal: float | None, unit: str, cumulative: bool
) -> str:
    parts = []
    if base is not None:
        parts.append(base.label)
    parts += [p.label for p in points]
    if goal is not None:
        parts.append(f"target {format_number(goal)}{unit}")
    if cumulative:
        parts.append("figures are running totals")
    return "; ".join(parts) or "no figures"
