"""Tables of pledges (`list`, the groups of `status`): what was promised and where it stands.

In a terminal a row is one line when the title keeps `ONE_LINE_TITLE` columns beside
the fixed columns; otherwise two: the id and the title, then the figure, target, due
period, status and progress bar under it. Ids, periods and numbers are never broken; the
title takes the remaining width and ends in "…" (`wide` wraps it instead). Piped, a row
is one line of tab-separated fields, nothing truncated, in a fixed order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from pledges.judge.detail import figure_words, progress_words, target_words
from pledges.judge.query import Row
from pledges.present.escape.terminal import text as clean
from pledges.present.layout import Line, Painter, Screen, cell, cells, truncate, wrap
from pledges.present.terminal import STYLES

GAP = 2
INDENT = 2
MIN_TITLE = 24  # the title keeps at least this much beside the ids of the two-line layout
ONE_LINE_TITLE = 30  # rows are one line when the title gets at least this much
BAR = 10
ALIGNED = 80  # percent of rows whose titles start in the title column of two-line rows
FIXED = ("status", "progress", "due", "figure", "target")
HEADERS = {
    "id": "pledge",
    "title": "title",
    "status": "status",
    "progress": "progress",
    "due": "due",
    "figure": "figure",
    "target": "target",
}
# the fields of a piped row, in order (README "Output for scripts")
PIPED_FIELDS = ("id", "status", "progress", "due", "figure", "target", "title")


@dataclass(frozen=True)
class Cells:
    """The texts of one row, escaped for a terminal."""

    id: str
    status: str
    progress: float | None
    due: str
    figure: str
    target: str
    title: str
    quote: str

    def text(self, name: str) -> str:
        if name == "progress":
            return progress_words(self.progress)
        value: str = getattr(self, name)
        return value


def row_cells(row: Row) -> Cells:
    pledge, evaluation = row.pledge, row.evaluation
    return Cells(
        id=clean(pledge.id),
        status=evaluation.status,
        progress=evaluation.progress,
        due=clean(pledge.deadline.text) if pledge.deadline else "—",
        figure=clean(figure_words(row)),
        target=clean(target_words(pledge, evaluation.target_value, short=True)),
        title=clean(pledge.title) if pledge.title else "—",
        quote=clean(pledge.quote) if pledge.quote else "",
    )


@dataclass(frozen=True)
class Plan:
    """A table's layout, decided once from the widths of its fixed columns."""

    screen: Screen
    stacked: bool
    id_width: int
    widths: dict[str, int] = field(default_factory=dict)
    bars: bool = True
    wide: bool = False
    quote: bool = False


def _fixed_width(widths: dict[str, int]) -> int:
    return sum(widths.values()) + GAP * (len(widths) - 1)


@dataclass
class Widths:
    """The display widths a table's layout is decided from, gathered row by row: how
    many rows have each id width, and the widest text of each fixed column."""

    ids: Counter[int] = field(default_factory=Counter)
    texts: dict[str, int] = field(
        default_factory=lambda: {name: cells(HEADERS[name]) for name in FIXED}
    )
    percent: int = 4

    def add(self, widths: Sequence[int]) -> None:
        """One row's widths, as `cell_widths` gives them."""
        self.ids[widths[0]] += 1
        texts = self.texts
        for name, width in zip(FIXED, widths[1:], strict=True):
            texts[name] = max(texts[name], width)
        self.percent = max(self.percent, widths[2])

    def merge(self, ids: Mapping[int, int], widest: Sequence[int]) -> None:
        """Widths gathered elsewhere: how many rows have each id width, and the widest
        text of each fixed column (`FIXED`; 0 without rows)."""
        self.ids.update(ids)
        for name, width in zip(FIXED, widest, strict=True):
            self.texts[name] = max(self.texts[name], width)
        self.percent = max(self.percent, widest[1])

    def nth_id(self, n: int) -> int:
        """The n-th smallest id width (from 0); 0 without rows."""
        seen = 0
        for width in sorted(self.ids):
            seen += self.ids[width]
            if seen > n:
                return width
        return 0

    @property
    def rows(self) -> int:
        return sum(self.ids.values())


def cell_widths(item: Cells) -> tuple[int, ...]:
    """The display widths of a row's id and fixed columns (`FIXED`), in that order."""
    return (cells(item.id), *(cells(item.text(name)) for name in FIXED))


def plan(rows: Sequence[Cells], screen: Screen, *, wide: bool = False, quote: bool = False) -> Plan:
    """Decide the layout of a table of these rows on this screen."""
    measured = Widths()
    for row in rows:
        measured.add(cell_widths(row))
    return plan_widths(measured, screen, wide=wide, quote=quote)


def plan_widths(
    measured: Widths, screen: Screen, *, wide: bool = False, quote: bool = False
) -> Plan:
    """Decide the layout of a table from its rows' widths, once for every row."""
    width = screen.width
    id_width = max([cells(HEADERS["id"]), *measured.ids])
    widths = dict(measured.texts)
    percent = measured.percent
    widths["progress"] = max(widths["progress"], BAR + 1 + percent)
    fixed = _fixed_width(widths)
    if width - id_width - GAP - fixed - GAP >= ONE_LINE_TITLE:
        return Plan(screen, False, id_width, widths, True, wide, quote)
    bars = INDENT + fixed <= width
    if not bars:
        widths["progress"] = percent
    # Titles align after the ids of most rows; the longest ids push their own title on.
    usual = measured.nth_id((max(measured.rows, 1) - 1) * ALIGNED // 100)
    id_column = min(usual, max(cells(HEADERS["id"]), width - GAP - MIN_TITLE))
    return Plan(screen, True, max(id_column, cells(HEADERS["id"])), widths, bars, wide, quote)


def _progress_spans(progress: float | None, width: int, bars: bool) -> Line:
    words = progress_words(progress)
    if progress is None or words == "—":
        return cell("—", width, "dim")
    if not bars:
        return cell(words, width, right=True)
    share = max(0.0, min(1.0, progress))
    filled = round(share * BAR)
    style = "green" if progress >= 1 else ("yellow" if progress >= 0.5 else "red")
    return [
        ("█" * filled, style),
        ("·" * (BAR - filled), "dim"),
        *cell(words, width - BAR, right=True),
    ]


def _fixed_spans(item: Cells, layout: Plan) -> Line:
    spans: Line = []
    for index, name in enumerate(FIXED):
        width = layout.widths[name]
        if index:
            spans.append((" " * GAP, ""))
        if name == "progress":
            spans.extend(_progress_spans(item.progress, width, layout.bars))
        elif name == "status":
            spans += cell(item.status, width, STYLES.get(item.status, ""))
        else:
            spans += cell(item.text(name), width)
    return spans


def _header_spans(names: Sequence[str], layout: Plan) -> Line:
    spans: Line = []
    for index, name in enumerate(names):
        if index:
            spans.append((" " * GAP, ""))
        spans += cell(HEADERS[name], layout.widths[name], "bold")
    return spans


def _title_lines(item: Cells, room: int, layout: Plan) -> list[tuple[str, str]]:
    """The title (and the quote) in a column `room` wide: (text, style) per line."""
    found: list[tuple[str, str]] = []
    texts = [(item.title, "")]
    if layout.quote and item.quote:
        texts.append((f"“{item.quote}”", "dim"))
    for text, style in texts:
        if layout.wide:
            found.extend((line, style) for line in wrap(text, room))
        else:
            found.append((truncate(text, room), style))
    return found


def header(layout: Plan) -> list[Line]:
    """The header lines of a table in a terminal."""
    width = layout.screen.width
    if not layout.stacked:
        line: Line = [*cell(HEADERS["id"], layout.id_width + GAP, "bold")]
        line += _header_spans(FIXED, layout)
        line += [(" " * GAP, ""), (HEADERS["title"], "bold")]
        return [line]
    room = width - layout.id_width - GAP
    first: Line = [*cell(HEADERS["id"], layout.id_width + GAP, "bold")]
    first.append((truncate(HEADERS["title"], room), "bold"))
    second: Line = [(" " * INDENT, ""), *_header_spans(FIXED, layout)]
    return [first, second]


def row_lines(item: Cells, layout: Plan) -> list[Line]:
    """The lines of one row in a terminal."""
    width = layout.screen.width
    ident = cell(item.id, layout.id_width + GAP, "bold")
    if not layout.stacked:
        start = layout.id_width + GAP + _fixed_width(layout.widths) + GAP
        titles = _title_lines(item, width - start, layout)
        first: Line = [*ident, *_fixed_spans(item, layout), (" " * GAP, "")]
        first.append(titles[0])
        rest: list[Line] = [[(" " * start, ""), title] for title in titles[1:]]
        return [first, *rest]
    used = max(layout.id_width, cells(item.id)) + GAP
    lines: list[Line]
    if width - used >= MIN_TITLE // 2:
        titles = _title_lines(item, width - used, layout)
        lines = [[*cell(item.id, used, "bold"), titles[0]]]
        lines += [[(" " * used, ""), title] for title in titles[1:]]
    else:
        titles = _title_lines(item, width - INDENT, layout)
        lines = [[(item.id, "bold")]] + [[(" " * INDENT, ""), title] for title in titles]
    lines.append([(" " * INDENT, ""), *_fixed_spans(item, layout)])
    return lines


def piped_line(item: Cells, *, quote: bool = False) -> str:
    """One row as one line of tab-separated fields (`PIPED_FIELDS`, then the quote)."""
    fields = [item.text(name) for name in PIPED_FIELDS]
    if quote:
        fields.append(item.quote)
    return "\t".join(fields)


def table(items: Iterable[Cells], layout: Plan, *, with_header: bool = True) -> Iterator[str]:
    """A table's lines, painted for the screen: rows as plain tab-separated lines when
    the screen is not a terminal."""
    if not layout.screen.terminal:
        for item in items:
            yield piped_line(item, quote=layout.quote)
        return
    painter = Painter(layout.screen)
    if with_header:
        for line in header(layout):
            yield painter.line(line)
    for item in items:
        for line in row_lines(item, layout):
            yield painter.line(line)


def list_report(
    rows: Sequence[Row], screen: Screen, *, wide: bool = False, quote: bool = False
) -> Iterator[str]:
    """`pledges list` as a table."""
    items = [row_cells(row) for row in rows]
    measured = Widths()
    for item in items:
        measured.add(cell_widths(item))
    return list_lines(items, measured, screen, wide=wide, quote=quote)


def list_lines(
    items: Iterable[Cells],
    measured: Widths,
    screen: Screen,
    *,
    wide: bool = False,
    quote: bool = False,
) -> Iterator[str]:
    """`pledges list` as a table of these rows, laid out once from their widths."""
    layout = plan_widths(measured, screen, wide=wide, quote=quote)
    if not measured.rows and screen.terminal:
        yield Painter(screen).line([("no pledges match", "dim")])
        return
    yield from table(items, layout)
