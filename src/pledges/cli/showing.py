"""`pledges show`: its output made from one pledge found (`judge/indexshow.py`), the same
whether the pledge was read through the index or from the loaded ledger."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pledges.cli.common import EXIT_UNREADABLE, EXIT_USAGE, ReportFormat, screen, unloaded_message

if TYPE_CHECKING:
    from pledges.judge.indexshow import Missing, Shown
    from pledges.read.archive import Archive
    from pledges.read.loader import LoadResult


@dataclass(frozen=True)
class ShowOutput:
    """What `show` prints, made while the ledger (or the index snapshot) is open."""

    summary: LoadResult
    lines: list[str] = field(default_factory=list)
    json: str | None = None
    failure: tuple[str, int] | None = None


def show_output(found: Shown | Missing, output_format: ReportFormat) -> ShowOutput:
    from pledges.judge.detail import chart_points, chart_targets, detail, related_rows
    from pledges.judge.indexshow import Missing

    if isinstance(found, Missing):
        return ShowOutput(found.summary, failure=_missing(found))
    row, summary, when = found.row, found.summary, found.as_of
    if output_format is ReportFormat.json:
        from pledges.present.reports import as_json

        return ShowOutput(summary, json=as_json(detail(row, found.rows, when, found.context)))
    from pledges.present.pledge import Extras, pledge_report

    extras = Extras(
        related=related_rows(row, found.rows),
        points=chart_points(row.pledge, when, found.context),
        targets=chart_targets(row),
        units=found.registry.units,
        archives=_archives_of(found),
        sources=found.sources,
    )
    return ShowOutput(summary, lines=pledge_report(row, extras, found.registry, screen()))


def _missing(found: Missing) -> tuple[str, int]:
    """The message and exit code for an id no loaded pledge has."""
    from pledges.check.rules.references import did_you_mean

    pledge_id = found.pledge_id
    unloaded = found.summary.unloaded()
    if unloaded:  # it may well be in a file that could not be loaded
        file, diagnostic = next(iter(unloaded.items()))
        more = f" (and {len(unloaded) - 1} more)" if len(unloaded) > 1 else ""
        return (
            f"no pledge '{pledge_id}' in the loaded ledger; "
            f"{unloaded_message(file, diagnostic)}{more}",
            EXIT_UNREADABLE,
        )
    hint = did_you_mean(pledge_id, found.ids)
    return f"no pledge '{pledge_id}' in the ledger" + (f"; {hint}" if hint else ""), EXIT_USAGE


def _archives_of(found: Shown) -> dict[str, Archive | str]:
    """The archived texts of the sources the pledge's quotes cite."""
    from pledges.check.rules.quotes import quote_sites
    from pledges.read.archive import read_archives

    wanted = [
        site.source.archive
        for site in quote_sites(found.row.pledge, found.sources)
        if site.source is not None and site.source.archive
    ]
    root = found.registry.root
    return read_archives(Path(root), wanted) if root else {}
