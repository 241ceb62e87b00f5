"""Date rules: periods exist, deadlines follow the date made, observations fall inside."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pledges.check.rules import Rule, RuleContext
from pledges.judge.figures import before_period, flow_start
from pledges.model.diagnostics import Diagnostic, Severity, json_path
from pledges.model.ledger import Pledge
from pledges.model.periods import PeriodError, parse_period

BAD_PERIOD = Rule("PL220", Severity.ERROR, "a date or period that does not exist")
DEADLINE_BEFORE_MADE = Rule("PL221", Severity.ERROR, "deadline before the date the pledge was made")
OUTSIDE_PERIOD = Rule("PL222", Severity.WARNING, "an observation outside the pledge's period")
START_AFTER_DEADLINE = Rule("PL223", Severity.ERROR, "start after the deadline")
RULES = (BAD_PERIOD, DEADLINE_BEFORE_MADE, OUTSIDE_PERIOD, START_AFTER_DEADLINE)

_SINGLE_KEYS = ("made", "start", "deadline")


def _period_fields(raw: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], Any, bool]]:
    for key in _SINGLE_KEYS:
        if key in raw:
            yield (key,), raw[key], False
    baseline = raw.get("baseline")
    if isinstance(baseline, dict) and "period" in baseline:
        yield ("baseline", "period"), baseline["period"], True
    progress = raw.get("progress")
    for index, obs in enumerate(progress if isinstance(progress, list) else []):
        if isinstance(obs, dict) and "period" in obs:
            yield ("progress", index, "period"), obs["period"], True
    assessment = raw.get("assessment")
    if isinstance(assessment, dict) and "as_of" in assessment:
        yield ("assessment", "as_of"), assessment["as_of"], False


def _well_formed(value: Any) -> bool:
    """Only values the schema accepts as periods are checked here (no double reports)."""
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and value[:4].isdigit()
    )


def check(ctx: RuleContext) -> Iterator[Diagnostic]:
    """`deadline: 2023-02-30` is PL220 ("'2023-02-30' does not exist: 2023-02 has 28
    days"); `made: 2024` with `deadline: 2023` is PL221; a 2026 observation of a 2025
    pledge is PL222."""
    for pledge in ctx.ledger.pledges:
        for keys, value, span in _period_fields(pledge.raw):
            if not _well_formed(value):
                continue
            try:
                parse_period(value, allow_span=span)
            except PeriodError as exc:
                yield ctx.at(pledge, BAD_PERIOD, str(exc), *keys)
        yield from _order(ctx, pledge)
    for ledger_file in ctx.ledger.files:
        data = ledger_file.doc.data if isinstance(ledger_file.doc.data, dict) else {}
        source = data.get("source")
        date_value = source.get("date") if isinstance(source, dict) else None
        if date_value is None or not _well_formed(date_value):
            continue
        try:
            parse_period(date_value)
        except PeriodError as exc:
            path = ("source", "date")
            line, column = ledger_file.doc.position(path)
            yield Diagnostic(
                ledger_file.doc.file,
                line,
                column,
                BAD_PERIOD.code,
                BAD_PERIOD.severity,
                str(exc),
                None,
                json_path(path),
            )


def _order(ctx: RuleContext, pledge: Pledge) -> Iterator[Diagnostic]:
    deadline = pledge.deadline
    if deadline is None:
        return
    if pledge.made is not None and deadline.end < pledge.made.start:
        yield ctx.at(
            pledge,
            DEADLINE_BEFORE_MADE,
            f"deadline {deadline.text} is before the pledge was made ({pledge.made.text})",
            "deadline",
        )
    start = pledge.start if "start" in pledge.raw else None
    if start is not None and start.start > deadline.end:
        yield ctx.at(
            pledge,
            START_AFTER_DEADLINE,
            f"start {start.text} is after deadline {deadline.text}",
            "start",
        )
    for index, obs in enumerate(pledge.progress):
        if obs.period is None:
            continue
        if obs.period.end > deadline.end:
            yield ctx.at(
                pledge,
                OUTSIDE_PERIOD,
                f"observation for {obs.period.text} ends after the deadline {deadline.text}",
                "progress",
                index,
                "period",
                hint="it is not used for the status",
            )
        elif before_period(pledge, obs):
            continue  # PL282 reports it
        elif (
            pledge.kind == "flow"
            and pledge.metric
            and pledge.metric.aggregate != "sum"
            and (first := flow_start(pledge)) is not None
            and obs.period.start < first
        ):
            yield ctx.at(
                pledge,
                OUTSIDE_PERIOD,
                f"observation for {obs.period.text} starts before the flow's period "
                f"(from {first.isoformat()})",
                "progress",
                index,
                "period",
                hint="it is not this flow's figure; write 'start' if the flow runs from earlier",
            )
        elif (
            start is not None
            and obs.period.start < start.start
            and pledge.metric
            and pledge.metric.aggregate == "sum"
        ):
            yield ctx.at(
                pledge,
                OUTSIDE_PERIOD,
                f"observation for {obs.period.text} starts before the pledge's start {start.text}",
                "progress",
                index,
                "period",
                hint="it is not counted in the sum",
            )
