"""The status report: a scoreboard led by the delivery rate, then the pledges by group."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import groupby

from pledges.judge.query import Row
from pledges.judge.scoreboard import (
    PARTS,
    SECTIONS,
    Scoreboard,
    count_of,
    delivery_rate,
    group,
    scoreboard,
    sections,
)
from pledges.judge.status import NO_VERDICT, VERDICTS
from pledges.model.ledger import Ledger
from pledges.present.escape.terminal import text as clean
from pledges.present.layout import Line, Painter, Screen, cell, wrap
from pledges.present.tables import GAP, Cells, Widths, cell_widths, plan_widths, row_cells, table
from pledges.present.terminal import STYLES


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def headline(board: Scoreboard) -> str:
    """The scoreboard's first sentence: the delivery rate and what it is read against."""
    judged = count_of(board.counts, VERDICTS)
    waiting = count_of(board.counts, NO_VERDICT)
    rate = delivery_rate(board.counts)
    if rate is None:
        lead = "No pledge has a verdict yet"
    else:
        parts = ", ".join(f"{board.counts[s]} {s}" for s in VERDICTS if board.counts.get(s))
        half = "; partly counts as half" if board.counts.get("partly") else ""
        lead = f"Delivery rate {rate:.0%} over the {judged} pledges with a verdict ({parts}{half})"
    if not waiting:
        return lead + "."
    return (
        f"{lead}; no verdict yet for {waiting} (no outcome in the ledger yet, or no "
        "numeric target)."
    )


def summary(board: Scoreboard) -> str:
    """A group's one-line summary: its size, delivery and what has no verdict yet."""
    parts = [f"{board.total} pledge" + ("" if board.total == 1 else "s")]
    judged = count_of(board.counts, VERDICTS)
    if judged:
        rate = _rate(delivery_rate(board.counts))
        parts.append(f"{rate} delivered ({judged} with a verdict)")
    for section in sections(board)[1:]:
        total = section.totals["all"]
        if total:
            parts.append(f"{total} {section.name}")
    return " · ".join(parts)


def scoreboard_lines(board: Scoreboard) -> list[Line]:
    """The scoreboard table: sections with their statuses, counts for all pledges and for
    binding and expected ones, and the delivery rate under the verdicts."""
    rows: list[tuple[str, str, list[str]]] = []
    for section in sections(board):
        rows.append((section.name, "bold", [str(section.totals[p]) for p in PARTS]))
        for status in section.statuses:
            counts = [str(board.part(p).get(status, 0)) for p in PARTS]
            rows.append((f"  {status}", STYLES.get(status, ""), counts))
        if section.name == SECTIONS[0][0]:
            rates = [_rate(delivery_rate(board.part(p))) for p in PARTS]
            rows.append(("  delivery rate", "bold", rates))
    rows.append(("total", "bold", [str(sum(board.part(p).values())) for p in PARTS]))
    label_width = max(len(label) for label, _, _ in rows)
    widths = [max(len(p), *(len(r[2][i]) for r in rows)) for i, p in enumerate(PARTS)]
    lines: list[Line] = []
    head: Line = [(" " * label_width, "")]
    for part, width in zip(PARTS, widths, strict=True):
        head += cell(part, width + GAP, "bold", right=True)
    lines.append(head)
    for label, style, values in rows:
        indent = len(label) - len(label.lstrip())
        line: Line = [(" " * indent, ""), *cell(label.strip(), label_width - indent, style)]
        for value, width in zip(values, widths, strict=True):
            line += cell(value, width + GAP, right=True)
        lines.append(line)
    return lines


def status_report(
    rows: Sequence[Row],
    by: str,
    ledger: Ledger,
    as_of: str,
    screen: Screen,
    *,
    wide: bool = False,
    quote: bool = False,
) -> Iterator[str]:
    """`pledges status`: the scoreboard, then a table per group, laid out once for all."""
    items = {id(row): row_cells(row) for row in rows}
    measured = Widths()
    for item in items.values():
        measured.add(cell_widths(item))
    groups = group(rows, by, ledger)
    boards = [(title, scoreboard(members)) for title, members in groups]
    cells = ((title, items[id(row)]) for title, members in groups for row in members)
    return status_lines(
        scoreboard(rows), boards, cells, as_of, measured, screen, wide=wide, quote=quote
    )


def status_lines(
    board: Scoreboard,
    groups: Sequence[tuple[str, Scoreboard]],
    cells: Iterable[tuple[str, Cells]],
    as_of: str,
    measured: Widths,
    screen: Screen,
    *,
    wide: bool = False,
    quote: bool = False,
) -> Iterator[str]:
    """The status report from its scoreboards, the groups' titles and scoreboards in
    order, and the cells of each group's pledges (title, cells) in that order."""
    painter = Painter(screen)

    def paragraph(text: str, style: str = "") -> Iterator[str]:
        if not screen.terminal:
            yield text
            return
        for line in wrap(text, screen.width):
            yield painter.line([(line, style)])

    restating = f" (and {board.restatements} restating another)" if board.restatements else ""
    yield from paragraph(f"Pledges as of {as_of}: {board.total}{restating}", "bold")
    if not board.total + board.restatements:
        yield from paragraph("No pledge matches.")
        return
    yield from paragraph(headline(board))
    yield ""
    for line in scoreboard_lines(board):
        yield painter.line(line)
    layout = plan_widths(measured, screen, wide=wide, quote=quote)
    members = groupby(cells, key=lambda item: item[0])
    for (title, counted), (_, found) in zip(groups, members, strict=True):
        yield ""
        yield from paragraph(clean(title), "bold")
        yield from paragraph(summary(counted))
        yield from table((item for _, item in found), layout)
