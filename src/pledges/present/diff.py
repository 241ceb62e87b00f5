"""A semantic diff as text, JSON and Markdown (the pull-request summary)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from pledges.history.semdiff import (
    Changed,
    Diff,
    PledgeChange,
    assessment_text,
    field_text,
    observation_text,
    one_line,
    removal_warning,
    short,
    unreadable_text,
)
from pledges.present.escape import json as json_out
from pledges.present.escape import markdown, terminal

DIFF_FORMAT_VERSION = 1


def _change_lines(change: PledgeChange) -> Iterator[str]:
    for item in change.fields:
        yield one_line(field_text(item))
    for obs in change.observations:
        yield "+ " + one_line(observation_text(obs))
    if change.assessment:
        yield "+ " + one_line(assessment_text(change.assessment))


def _title(value: str | None) -> str:
    return f" — {short(one_line(value))}" if value else ""


def to_text(result: Diff) -> str:
    lines = [
        f"Ledger changes from {result.base} to {result.head}; "
        f"statuses as of {result.as_of.isoformat()}"
    ]
    if result.unreadable:
        lines.append(f"could not be read ({len(result.unreadable)}):")
        lines += [f"  ! {unreadable_text(item)}" for item in result.unreadable]
    if result.empty:
        lines.append("no pledge changes")
    if result.added:
        lines.append(f"added ({len(result.added)}):")
        lines += [f"  + {e.id}{_title(e.title)} [{e.file}:{e.line}]" for e in result.added]
    if result.removed:
        lines.append(f"removed ({len(result.removed)}):")
        for entry in result.removed:
            where = f"{entry.file}:{entry.line} in the base"
            lines.append(f"  - {entry.id}{_title(entry.title)} [{where}]")
            lines.append(f"    warning: {removal_warning(entry)}")
    if result.changed:
        lines.append(f"changed ({len(result.changed)}):")
        for item in result.changed:
            lines.append(f"  ~ {item.id} [{item.file}:{item.line}]")
            lines += [f"    {text}" for text in _change_lines(item.change)]
    if result.transitions:
        lines.append(f"status transitions ({len(result.transitions)}):")
        lines += [f"  {t.id}: {t.old} → {t.new}" for t in result.transitions]
    return terminal.lines(lines)


def to_json(result: Diff) -> str:
    payload = {
        "version": DIFF_FORMAT_VERSION,
        "base": result.base,
        "head": result.head,
        "as_of": result.as_of.isoformat(),
        "added": [
            {"id": e.id, "title": e.title, "file": e.file, "line": e.line} for e in result.added
        ],
        "removed": [
            {
                "id": e.id,
                "title": e.title,
                "file": e.file,
                "line": e.line,
                "renamed_to": e.renamed_to,
                "warning": removal_warning(e),
            }
            for e in result.removed
        ],
        "changed": [_changed_json(c) for c in result.changed],
        "transitions": [{"id": t.id, "from": t.old, "to": t.new} for t in result.transitions],
        "unreadable": [
            {
                "side": item.side,
                "revision": item.revision,
                "file": item.diagnostic.file,
                "line": item.diagnostic.line,
                "column": item.diagnostic.column,
                "code": item.diagnostic.code,
                "message": item.diagnostic.message,
            }
            for item in result.unreadable
        ],
    }
    return json_out.dumps(payload)


def _changed_json(item: Changed) -> dict[str, Any]:
    assessment = item.change.assessment
    return {
        "id": item.id,
        "file": item.file,
        "line": item.line,
        "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in item.change.fields],
        "observations_added": [
            {"period": o.period, "value": o.value, "unit": o.unit, "evidence": list(o.evidence)}
            for o in item.change.observations
        ],
        "assessment_added": None
        if assessment is None
        else {
            "status": assessment.status,
            "as_of": assessment.as_of,
            "evidence": list(assessment.evidence),
        },
    }


def md(value: str | None) -> str:
    """A value for a Markdown table cell: shortened to one line, then escaped."""
    return markdown.text(one_line(value))


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = [markdown.row(header), "|" + " --- |" * len(header)]
    lines += [markdown.row(row) for row in rows]
    return [*lines, ""]


def to_markdown(result: Diff) -> str:
    lines = [
        f"## Ledger changes: {md(result.base)} → {md(result.head)}",
        "",
        f"Statuses as of {result.as_of.isoformat()}.",
        "",
    ]
    if result.unreadable:
        lines += [
            f"### Could not be read ({len(result.unreadable)})",
            "",
            "> **Warning:** the pledges of these files are left out of the comparison.",
            "",
        ]
        lines += _table(
            ("Side", "File", "Error"),
            [
                (
                    md(f"{item.side} {item.revision}"),
                    md(f"{item.diagnostic.file}:{item.diagnostic.line}"),
                    md(f"{item.diagnostic.code} {item.diagnostic.message}"),
                )
                for item in result.unreadable
            ],
        )
    if result.empty:
        lines += ["No pledge changes.", ""]
    if result.added:
        lines += [f"### Added ({len(result.added)})", ""]
        lines += _table(
            ("Pledge", "Title", "File"),
            [(md(e.id), md(e.title), md(f"{e.file}:{e.line}")) for e in result.added],
        )
    if result.removed:
        lines += [
            f"### Removed ({len(result.removed)})",
            "",
            "> **Warning:** pledges are withdrawn, not deleted.",
            "",
        ]
        lines += _table(
            ("Pledge", "Title", "Was at", "Warning"),
            [
                (md(e.id), md(e.title), md(f"{e.file}:{e.line}"), md(removal_warning(e)))
                for e in result.removed
            ],
        )
    if result.changed:
        lines += [f"### Changed ({len(result.changed)})", ""]
        rows: list[tuple[str, str, str, str]] = []
        for item in result.changed:
            for f in item.change.fields:
                rows.append((md(item.id), md(f.field), md(short(f.old)), md(short(f.new))))
            for obs in item.change.observations:
                rows.append((md(item.id), "observation added", "", md(observation_text(obs))))
            if item.change.assessment:
                rows.append(
                    (
                        md(item.id),
                        "assessment added",
                        "",
                        md(assessment_text(item.change.assessment)),
                    )
                )
        lines += _table(("Pledge", "Change", "Old", "New"), rows)
    if result.transitions:
        lines += [f"### Status transitions ({len(result.transitions)})", ""]
        lines += _table(
            ("Pledge", "From", "To"), [(md(t.id), md(t.old), md(t.new)) for t in result.transitions]
        )
    return "\n".join(lines).rstrip("\n")
