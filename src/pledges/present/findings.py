"""Lint findings for the terminal and for machines: text, GitHub commands, JSON,
SARIF, Markdown, and the summary line with the quotes verified."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from pledges.model.diagnostics import Diagnostic


def print_diagnostics(
    console: Console,
    diagnostics: Sequence[Diagnostic],
    fmt: str,
    counts: dict[str, int] | None = None,
) -> None:
    from pledges.model.diagnostics import summarize
    from pledges.present.formats import to_github, to_json, to_markdown, to_sarif, to_text

    if fmt == "json":
        console.out(to_json(diagnostics, quote_summary(counts or {})), highlight=False)
        return
    if fmt in ("sarif", "markdown"):
        render = {"sarif": to_sarif, "markdown": to_markdown}[fmt]
        console.out(render(diagnostics), highlight=False)
        return
    for diagnostic in diagnostics:
        line = to_github(diagnostic) if fmt == "github" else to_text(diagnostic)
        console.out(line, highlight=False)
    if fmt == "text":
        totals = summarize(diagnostics)
        if diagnostics:
            line = f"{totals['errors']} errors, {totals['warnings']} warnings"
        else:
            line = "no problems found"
        quotes = quote_line(counts or {})
        console.out(f"{line}; {quotes}" if quotes else line, highlight=False)


def quote_summary(counts: dict[str, int]) -> dict[str, int] | None:
    """The quote tallies of a lint run for machine output; None when nothing was counted."""
    if "quotes_checked" not in counts:
        return None
    return {
        "checked": counts["quotes_checked"],
        "verified": counts.get("quotes_verified", 0),
        "unverifiable": counts.get("quotes_unverifiable", 0),
        "archived_sources": counts.get("archived_sources", 0),
    }


def quote_line(counts: dict[str, int]) -> str:
    """`542 quotes verified against 4 archived sources`, for the lint summary line."""
    tally = quote_summary(counts)
    if tally is None or not (tally["checked"] or tally["unverifiable"]):
        return ""
    checked, verified = tally["checked"], tally["verified"]
    sources = tally["archived_sources"]
    parts = []
    if checked:
        done = f"{verified}" if verified == checked else f"{verified} of {checked}"
        noun = "quote" if checked == 1 else "quotes"
        parts.append(
            f"{done} {noun} verified against {sources} archived source"
            + ("" if sources == 1 else "s")
        )
    if tally["unverifiable"]:
        count = tally["unverifiable"]
        parts.append(
            f"{count} {'quote' if count == 1 else 'quotes'} not verifiable "
            "(no usable archive of their source)"
        )
    return "; ".join(parts)
