"""Reading rules (ledger format v2): places where a pledge is probably read wrong, and
where a v1 file means something else under v2 and says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pledges.check.rules import Rule, RuleContext
from pledges.judge.figures import NonFiniteError, before_period, in_unit
from pledges.judge.targets import default_tolerance, meets
from pledges.model.diagnostics import Diagnostic, Severity
from pledges.model.ledger import CURRENT_FORMAT, Pledge

BASELINE_MEETS = Rule(
    "PL280", Severity.WARNING, "a level whose baseline already meets its target (a flow?)"
)
FLOW_WORDS = Rule("PL281", Severity.WARNING, "a quote that reads as a flow on a `level` metric")
BEFORE_PERIOD = Rule(
    "PL282", Severity.WARNING, "an observation from before the pledge's period in `progress`"
)
MISFIT = Rule("PL284", Severity.ERROR, "an observation that does not fit its target")
V1_ABOUT = Rule("PL285", Severity.WARNING, "a v1 `about` whose default tolerance changed in v2")
RULES = (BASELINE_MEETS, FLOW_WORDS, BEFORE_PERIOD, MISFIT, V1_ABOUT)

# 新增 (add), 新引进 (newly attract), 新开工 (newly start building), 新建 (newly build),
# 完成…投资 (complete … of investment): amounts per period, not standing levels.
FLOW_QUOTE = re.compile(
    r"新增|新引进|新开工|新招引|新培育|新认定|新建|新落地|新入选|新获批|新创建|新投运|新改造|"
    r"新开业|新开发|新设|新上|新招|完成[^，,。；;]{0,12}投资"
)


def _flow_words(pledge: Pledge) -> str | None:
    found = FLOW_QUOTE.search(pledge.quote or "")
    return found.group(0) if found else None


def _numeric(pledge: Pledge) -> bool:
    target = pledge.target
    return (
        target is not None
        and not target.set_by
        and not target.milestone
        and pledge.metric is not None
    )


def check(ctx: RuleContext) -> Iterator[Diagnostic]:
    """`quote: 新增绿地20万方` on a metric without `kind` is PL281; a level with
    `baseline: {value: 28}` and `target: {op: ">=", value: 20}` is PL280 unless it writes
    `kind: level`; a 2022 figure in
    `progress` of a pledge made in 2023 is PL282; `done: true` under a numeric target is
    PL284; `op: about` without `tolerance` in a file without `format: 2` is PL285."""
    for pledge in ctx.ledger.pledges:
        yield from _misfits(ctx, pledge)
        for index, obs in enumerate(pledge.progress):
            if before_period(pledge, obs) and obs.period is not None:
                first = pledge.start.text if pledge.start else "?"
                yield ctx.at(
                    pledge,
                    BEFORE_PERIOD,
                    f"observation for {obs.period.text} ends before the pledge's period "
                    f"(from {first}); it never decides the status",
                    "progress",
                    index,
                    "period",
                    hint="move it to 'baseline' (pledges observe --baseline), or correct "
                    "'made' / 'start' if the pledge covers that period",
                )
        if not _numeric(pledge):
            continue
        assert pledge.metric is not None and pledge.target is not None
        written = pledge.metric_kind_written
        words = _flow_words(pledge)
        if words and not written and pledge.metric.aggregate != "sum":
            yield ctx.at(
                pledge,
                FLOW_WORDS,
                f"the quote says '{words}': an amount per period is a flow, judged from "
                "zero, not from last period's figure",
                "metric",
                hint="write 'kind: flow', or 'kind: level' to keep the standing-level reading",
            )
        if pledge.kind == "level" and pledge.baseline is not None and not written:
            try:
                base = in_unit(pledge, pledge.baseline, ctx.ledger.units)
            except NonFiniteError:  # PL272/PL232 report the numbers themselves
                base = None
            target = pledge.target
            if (
                base is not None
                and not target.relative
                and not target.ref
                and target.op in {">=", ">", "<=", "<"}
                and meets(pledge, base, target, target.value)
            ):
                yield ctx.at(
                    pledge,
                    BASELINE_MEETS,
                    f"the baseline ({base:g}) already meets the target, so a level would be "
                    "met on day one; this is almost always a flow (an amount per period)",
                    "baseline",
                    hint="write 'kind: flow' on the metric; keep the baseline as last "
                    "period's figure",
                )
        if (
            pledge.format < CURRENT_FORMAT
            and pledge.target.op == "about"
            and pledge.target.tolerance is None
            and pledge.target.value is not None
        ):
            yield from _v1_about(ctx, pledge)


def _v1_about(ctx: RuleContext, pledge: Pledge) -> Iterator[Diagnostic]:
    assert pledge.target is not None and pledge.target.value is not None
    value = pledge.target.value
    unit = pledge.metric.unit if pledge.metric else None
    old = 0.5 if unit in {"percent", "percentage-points"} else round(abs(value) * 0.02, 6)
    new = round(default_tolerance(pledge, value), 6)
    if old == new:
        return
    yield ctx.at(
        pledge,
        V1_ABOUT,
        f"'about {value:g}' had a tolerance of ±{old:g} in format v1 and has ±{new:g} in v2",
        "target",
        "op",
        hint=f"write 'tolerance: {old:g}' to keep the v1 reading, then mark the file 'format: 2'",
    )


def _misfits(ctx: RuleContext, pledge: Pledge) -> Iterator[Diagnostic]:
    target = pledge.target
    milestone = target is not None and target.milestone
    for index, obs in enumerate(pledge.progress):
        raw = pledge.raw.get("progress")
        item = raw[index] if isinstance(raw, list) and index < len(raw) else {}
        item = item if isinstance(item, dict) else {}
        if milestone and "value" in item:
            yield ctx.at(
                pledge,
                MISFIT,
                "a milestone (op: done) is reported with 'done: true' or 'done: false', "
                "not a figure",
                "progress",
                index,
                "value",
                key=True,
            )
        if not milestone and "done" in item:
            yield ctx.at(
                pledge,
                MISFIT,
                "'done' reports a milestone; this pledge's target is "
                + ("numeric" if target is not None else "qualitative"),
                "progress",
                index,
                "done",
                key=True,
                hint="give the figure as 'value', or make the target {op: done}",
            )
        if obs.bound is not None and obs.approx:
            yield ctx.at(
                pledge,
                MISFIT,
                "a figure is either a bound or an approximation, not both",
                "progress",
                index,
                "approx",
                key=True,
            )
