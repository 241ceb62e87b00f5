"""Terminal rendering with rich. Only this module and cli.py know about the terminal."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from pledges.judge.query import Row, record
from pledges.judge.scoreboard import Scoreboard, group, scoreboard
from pledges.judge.status import NO_VERDICT, VERDICTS, describe_target, format_number
from pledges.model.diagnostics import Diagnostic
from pledges.model.ledger import Ledger, Observation, Pledge
from pledges.present.escape import csv as csv_out
from pledges.present.escape import json as json_out
from pledges.present.escape import markdown
from pledges.present.escape.terminal import text as clean

STYLES = {
    "achieved": "green",
    "missed": "red",
    "on_track": "cyan",
    "at_risk": "yellow",
    "pending": "blue",
    "unreported": "magenta",
    "partly": "yellow",
    "unrated": "dim",
    "withdrawn": "dim",
}


def status_text(status: str) -> Text:
    return Text(clean(status), style=STYLES.get(status, ""))


def bar(progress: float | None, width: int = 10) -> Text:
    """A budget-style cell: `[██████····  62%]`."""
    if progress is None:
        return Text("—", style="dim")
    share = max(0.0, min(1.0, progress))
    filled = round(share * width)
    style = "green" if progress >= 1 else ("yellow" if progress >= 0.5 else "red")
    cell = Text("[")
    cell.append("█" * filled, style=style)
    cell.append("·" * (width - filled), style="dim")
    cell.append(f" {progress * 100:4.0f}%]")
    return cell


def print_diagnostics(console: Console, diagnostics: Sequence[Diagnostic], fmt: str) -> None:
    from pledges.model.diagnostics import summarize
    from pledges.present.formats import to_github, to_json, to_markdown, to_sarif, to_text

    if fmt in ("json", "sarif", "markdown"):
        render = {"json": to_json, "sarif": to_sarif, "markdown": to_markdown}[fmt]
        console.out(render(diagnostics), highlight=False)
        return
    for diagnostic in diagnostics:
        line = to_github(diagnostic) if fmt == "github" else to_text(diagnostic)
        console.out(line, highlight=False)
    if fmt == "text":
        totals = summarize(diagnostics)
        if diagnostics:
            console.out(
                f"{totals['errors']} errors, {totals['warnings']} warnings", highlight=False
            )
        else:
            console.out("no problems found", highlight=False)


def _figure_cell(row: Row) -> str:
    fig = row.evaluation.figure
    target = describe_target(row.pledge, row.evaluation.target_value)
    latest = format_number(fig.value) if fig else "—"
    return f"{latest} / {target}"


def list_table(rows: Sequence[Row]) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("id", overflow="fold")
    table.add_column("status", no_wrap=True)
    table.add_column("due", no_wrap=True)
    table.add_column("latest / target", overflow="fold")
    for row in rows:
        table.add_row(
            Text(clean(row.pledge.id)),
            status_text(row.evaluation.status),
            Text(clean(row.pledge.deadline.text if row.pledge.deadline else "—")),
            Text(clean(_figure_cell(row))),
        )
    return table


def rows_as(rows: Sequence[Row], fmt: str) -> str:
    """list output in a machine format: json, csv or markdown."""
    records = [record(row) for row in rows]
    if fmt == "json":
        return json_out.dumps(records)
    columns = [
        "id",
        "status",
        "deadline",
        "jurisdiction",
        "source",
        "latest",
        "target_value",
        "progress",
        "title",
    ]
    flat = [{c: _flat(r[c]) for c in columns} for r in records]
    if fmt == "csv":
        flat = [{c: csv_out.cell(item[c]) for c in columns} for item in flat]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(flat)
        return buffer.getvalue().rstrip("\n")
    lines = [markdown.row(columns), "|" + "---|" * len(columns)]
    lines += [markdown.row(markdown.text(item[c]) for c in columns) for item in flat]
    return "\n".join(lines)


def _flat(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict) and "value" in value:
        return f"{format_number(value['value'])} ({value.get('period')})"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def scoreboard_table(board: Scoreboard) -> Table:
    table = Table(
        title=f"{board.total} pledges",
        box=None,
        pad_edge=False,
        header_style="bold",
        title_justify="left",
    )
    table.add_column("status")
    table.add_column("count", justify="right")
    table.add_column("share", justify="right")
    table.add_column("binding", justify="right")
    table.add_column("expected", justify="right")
    for status, count in board.counts.items():
        if status in NO_VERDICT:
            continue  # listed apart: no verdict yet is not a result
        table.add_row(
            status_text(status),
            str(count),
            f"{board.share(status):.0%}",
            str(board.binding.get(status, 0)),
            str(board.expected.get(status, 0)),
        )
    return table


def delivery_line(board: Scoreboard) -> Text:
    """`Delivery rate 67% of 3 with a verdict (2 achieved, 0 partly, 1 missed)`; partly
    counts as half a delivery (judge/scoreboard.py)."""
    rate = board.delivery_rate
    if rate is None:
        return Text("Delivery rate: no pledge has a verdict yet")
    parts = ", ".join(f"{board.counts.get(s, 0)} {s}" for s in VERDICTS)
    return Text(f"Delivery rate {rate:.0%} of {board.with_verdict} with a verdict ({parts})")


def no_verdict_line(board: Scoreboard) -> Text | None:
    """`No verdict yet (not failures): 1 unreported, 1 unrated`."""
    if not board.no_verdict:
        return None
    parts = [f"{board.counts[s]} {s}" for s in NO_VERDICT if board.counts.get(s, 0)]
    return Text("No verdict yet (not failures): " + ", ".join(parts))


def group_title(title: str, rows: Sequence[Row]) -> Text:
    """The heading of a group: plain text, never markup, wrapped only at a terminal."""
    board = scoreboard(rows)
    summary = ", ".join(
        f"{count} {status}" for status, count in board.counts.items() if status not in NO_VERDICT
    )
    waiting = ", ".join(f"{board.counts[s]} {s}" for s in NO_VERDICT if board.counts.get(s))
    if waiting:
        summary = (
            f"{summary}; no verdict yet: {waiting}" if summary else f"no verdict yet: {waiting}"
        )
    return Text(f"{clean(title)} — {summary}", style="bold")


def group_table(rows: Sequence[Row]) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("pledge", overflow="fold")
    table.add_column("due", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("progress", no_wrap=True)
    for row in rows:
        table.add_row(
            Text(clean(row.pledge.id)),
            Text(clean(row.pledge.deadline.text if row.pledge.deadline else "—")),
            status_text(row.evaluation.status),
            bar(row.evaluation.progress),
        )
    return table


def print_status(
    console: Console, rows: Sequence[Row], by: str, ledger: Ledger, as_of: str
) -> None:
    console.print(Text(f"Pledges as of {as_of}", style="bold"))
    board = scoreboard(rows)
    console.print(delivery_line(board))
    console.print(scoreboard_table(board))
    waiting = no_verdict_line(board)
    if waiting is not None:
        console.print(waiting)
    for title, members in group(rows, by, ledger):
        console.print()
        console.print(group_title(title, members))
        console.print(group_table(members))


def _evidence_lines(obs_evidence: Sequence[Any]) -> list[str]:
    lines = []
    for item in obs_evidence:
        where = item.source or item.url or "?"
        lines.append(f"    ↳ {clean(where)}: “{clean(item.quote)}”")
    return lines


def print_pledge(console: Console, row: Row) -> None:
    pledge, evaluation = row.pledge, row.evaluation
    line, column = pledge.position()
    fields = [
        ("id", pledge.id),
        ("title", pledge.title),
        ("quote", pledge.quote),
        ("source", f"{pledge.source.title_en} [{pledge.source.id}]" if pledge.source else None),
        ("file", f"{pledge.file}:{line}:{column}"),
        ("jurisdiction", pledge.jurisdiction),
        ("made", pledge.made.text if pledge.made else None),
        ("deadline", pledge.deadline.text if pledge.deadline else None),
        ("binding", "yes (约束性)" if pledge.binding else "no (expected, 预期性)"),
        ("tags", ", ".join(pledge.tags)),
        ("metric", _metric_text(pledge)),
        ("target", describe_target(pledge, evaluation.target_value)),
        ("baseline", _obs_text(pledge.baseline)),
    ]
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for name, value in fields:
        if value:
            table.add_row(name, Text(clean(value)))
    console.print(table)
    console.print(Text("timeline", style="bold"))
    if not pledge.progress:
        console.print(Text("  no observations recorded", style="dim"))
    for obs in sorted(
        pledge.progress, key=lambda o: o.period.end if o.period else pledge_end(pledge)
    ):
        console.print(Text(f"  {clean(_obs_text(obs))}"))
        for text in _evidence_lines(obs.evidence):
            console.print(Text(text, style="dim"))
    if evaluation.occurrences:
        console.print(Text("occurrences", style="bold"))
        for occurrence in evaluation.occurrences:
            entry = Text(f"  {occurrence.period.text}  ")
            entry.append_text(status_text(occurrence.status))
            entry.append(f"  {clean(occurrence.explanation)}")
            console.print(entry)
    if pledge.assessment:
        assessment = pledge.assessment
        as_of = assessment.as_of.text if assessment.as_of else "?"
        console.print(Text("assessment", style="bold"))
        console.print(
            Text(f"  {clean(assessment.status)} as of {as_of}: {clean(assessment.rationale)}")
        )
        for text in _evidence_lines(assessment.evidence):
            console.print(Text(text, style="dim"))
    status = Text("status  ", style="bold")
    status.append_text(status_text(evaluation.status))
    if evaluation.status != evaluation.computed_status:
        status.append(f" (computed: {evaluation.computed_status})")
    if evaluation.stretch_met:
        status.append(" — stretch level met")
    console.print(status)
    console.print(Text(f"why     {clean(evaluation.explanation)}"))


def pledge_end(pledge: Pledge) -> Any:
    from datetime import date

    return pledge.deadline.end if pledge.deadline else date.max


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
    return f"{metric.name} [{metric.unit}]{suffix}"


def _obs_text(obs: Observation | None) -> str | None:
    if obs is None:
        return None
    value = format_number(obs.value) if obs.value is not None else (obs.level or "?")
    unit = f" {obs.unit}" if obs.unit else ""
    period = obs.period.text if obs.period else "?"
    if obs.done is not None and obs.value is None:
        text = f"{period}: {'done' if obs.done else 'not done'}"
    else:
        shown = {"lower": "above ", "upper": "below "}.get(obs.bound or "", "")
        shown += "about " if obs.approx and not obs.bound else ""
        text = f"{period}: {shown}{value}{unit}"
    if obs.outcome:
        text += " (reported as the outcome)"
    if obs.note:
        text += f" — {obs.note}"
    return text
