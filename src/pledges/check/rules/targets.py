"""Target rules: a target is coherent with its op, and its units can be compared."""

from __future__ import annotations

from collections.abc import Iterator

from pledges.check.rules import Rule, RuleContext
from pledges.model.diagnostics import Diagnostic, Severity
from pledges.model.ledger import Observation, Pledge
from pledges.model.periods import first_overlaps

INCOHERENT = Rule("PL240", Severity.ERROR, "a target incoherent with its op")
UNIT_MISMATCH = Rule(
    "PL241", Severity.ERROR, "an observation unit that cannot convert to the metric's"
)
NO_METRIC = Rule("PL242", Severity.ERROR, "a numeric target without a metric")
OVERLAP = Rule("PL243", Severity.ERROR, "overlapping observations summed twice")
RULES = (INCOHERENT, UNIT_MISMATCH, NO_METRIC, OVERLAP)

_UP = {">=", ">"}
_DOWN = {"<=", "<"}


def _coherence(pledge: Pledge) -> Iterator[tuple[str, tuple[str, ...]]]:
    target = pledge.target
    raw = pledge.raw.get("target")
    if target is None or not isinstance(raw, dict):
        return
    if target.set_by:
        extra = [k for k in ("op", "value", "stretch", "tolerance", "ref", "every") if k in raw]
        if extra:
            yield f"a target set by the higher level has no {', '.join(extra)}", (extra[0],)
        return
    op, value = raw.get("op"), raw.get("value")
    if op == "done":
        extra = [k for k in ("value", "stretch", "tolerance", "ref", "every") if k in raw]
        if extra:
            yield f"a milestone (op: done) has no {', '.join(extra)}", (extra[0],)
        return
    if target.relative:
        if pledge.baseline is None:
            yield "'value: baseline' needs the pledge's 'baseline' figure", ("value",)
        if "stretch" in raw:
            yield "'stretch' does not go with 'value: baseline'", ("stretch",)
    if "every" in raw:
        yield from _recurrence(pledge)
    if "ref" in raw and "value" in raw:
        yield "give 'ref' or 'value', not both", ("ref",)
    if target.ref and target.ref == pledge.id:
        yield "a target cannot refer to its own pledge", ("ref",)
    if op == "between":
        if not isinstance(value, list):
            yield "'between' needs a list of two numbers [low, high]", ("value",)
        elif target.bounds and target.bounds[0] > target.bounds[1]:
            yield f"'between' bounds must ascend: [{value[0]}, {value[1]}]", ("value",)
    elif isinstance(value, list):
        yield f"op '{op}' takes one number, not a list", ("value",)
    if "stretch" in raw and target.stretch is not None and target.value is not None:
        if op in {"about", "between"} or target.ref:
            yield f"'stretch' does not go with op '{op}'", ("stretch",)
        elif op in _UP and target.stretch <= target.value:
            yield (
                f"stretch {target.stretch:g} must be above the value {target.value:g} for '{op}'",
                ("stretch",),
            )
        elif op in _DOWN and target.stretch >= target.value:
            yield (
                f"stretch {target.stretch:g} must be below the value {target.value:g} for '{op}'",
                ("stretch",),
            )
    if "tolerance" in raw and op != "about":
        yield "'tolerance' only goes with op 'about'", ("tolerance",)


def _recurrence(pledge: Pledge) -> Iterator[tuple[str, tuple[str, ...]]]:
    from pledges.judge.recurrence import is_end, is_start

    target = pledge.target
    if target is None or target.every is None:
        return
    every = target.every
    if pledge.metric is not None and pledge.metric.aggregate == "sum":
        yield "'every' judges each occurrence on its own; it does not go with a sum", ("every",)
    if "start" not in pledge.raw or pledge.start is None:
        yield f"'every: {every}' needs a 'start': the first {every} it covers", ("every",)
    elif not is_start(pledge.start.start, every):
        yield (
            f"'every: {every}' needs 'start' at the beginning of a {every}, "
            f"not {pledge.start.text}",
            ("every",),
        )
    if pledge.deadline is not None and not is_end(pledge.deadline.end, every):
        yield (
            f"'every: {every}' needs the deadline at the end of a {every}, "
            f"not {pledge.deadline.text}",
            ("every",),
        )


def check(ctx: RuleContext) -> Iterator[Diagnostic]:
    """`{op: between, value: [97, 96]}` is PL240; an observation in `亿美元` on a metric in
    `亿元` is PL241; a `progress` item of 2016/2018 beside 2018 in a sum is PL243."""
    units = ctx.ledger.units
    for pledge in ctx.ledger.pledges:
        for message, keys in _coherence(pledge):
            yield ctx.at(pledge, INCOHERENT, message, "target", *keys)
        raw_metric = pledge.raw.get("metric")
        if (
            isinstance(raw_metric, dict)
            and raw_metric.get("aggregate") == "sum"
            and raw_metric.get("kind") in {"level", "rate"}
        ):
            yield ctx.at(
                pledge,
                INCOHERENT,
                f"a sum over periods is a flow, not a {raw_metric['kind']}",
                "metric",
                "kind",
                hint="write 'kind: flow' or leave 'kind' out",
            )
        if (
            pledge.target is not None
            and not pledge.target.set_by
            and not pledge.target.milestone
            and "metric" not in pledge.raw
        ):
            yield ctx.at(
                pledge,
                NO_METRIC,
                "a pledge with a numeric target needs a 'metric'",
                "target",
                hint="add metric: {name: ..., unit: ...}",
            )
        metric_unit = (
            units.get(pledge.metric.unit) if pledge.metric and pledge.metric.unit else None
        )
        if metric_unit is not None:
            observations: list[tuple[tuple[str | int, ...], Observation]] = (
                [(("baseline",), pledge.baseline)] if pledge.baseline else []
            )
            observations += [(("progress", i), o) for i, o in enumerate(pledge.progress)]
            for obs_keys, obs in observations:
                unit = units.get(obs.unit) if obs and obs.unit else None
                if unit is not None and unit.dimension != metric_unit.dimension:
                    yield ctx.at(
                        pledge,
                        UNIT_MISMATCH,
                        f"unit '{unit.id}' ({unit.dimension}) cannot convert to the metric's "
                        f"'{metric_unit.id}' ({metric_unit.dimension})",
                        *obs_keys,
                        "unit",
                    )
        if pledge.metric and pledge.metric.aggregate == "sum":
            yield from _overlaps(ctx, pledge)


def _overlaps(ctx: RuleContext, pledge: Pledge) -> Iterator[Diagnostic]:
    """Each observation that overlaps an earlier one, named with the first it overlaps."""
    items = [(i, o.period) for i, o in enumerate(pledge.progress) if o.period]
    periods = [period for _, period in items]
    for (index, period), first in zip(items, first_overlaps(periods), strict=True):
        if first is None:
            continue
        earlier_index, earlier = items[first]
        yield ctx.at(
            pledge,
            OVERLAP,
            f"observation for {period.text} overlaps the one for {earlier.text} "
            f"(item {earlier_index + 1}); a sum would count it twice",
            "progress",
            index,
            "period",
        )
