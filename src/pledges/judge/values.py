"""A pledge's figures in the engine's terms: unit aliases resolved to unit ids, and the
levels of an ordinal unit (water quality class III, four stars) turned into their ranks.

This is the one place where ordinal values become numbers: the status engine calls
`in_metric_terms` before it judges, so its comparisons order levels by rank.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from pledges.model.ledger import Observation, Pledge, Target
from pledges.model.registries import Unit


def in_metric_terms(pledge: Pledge, units: Mapping[str, Unit]) -> Pledge:
    """The pledge with canonical unit ids and ordinal levels as ranks (itself if none)."""
    metric = pledge.metric
    metric_unit = units.get(metric.unit) if metric and metric.unit else None
    observations = [o for o in (pledge.baseline, *pledge.progress) if o is not None]
    obs_units = [units.get(o.unit) if o.unit else None for o in observations]
    aliased = (
        metric_unit is not None and metric is not None and metric.unit != metric_unit.id
    ) or any(u is not None and o.unit != u.id for o, u in zip(observations, obs_units, strict=True))
    ordinal = any(u is not None and u.ordinal for u in (metric_unit, *obs_units))
    if not aliased and not ordinal:
        return pledge
    changes: dict[str, Any] = {}
    if metric is not None and metric_unit is not None:
        changes["metric"] = replace(metric, unit=metric_unit.id)
    if pledge.baseline is not None:
        changes["baseline"] = _observation(
            pledge.baseline, pledge.raw.get("baseline"), metric_unit, units
        )
    raw_progress = pledge.raw.get("progress")
    changes["progress"] = tuple(
        _observation(obs, _item(raw_progress, obs.path[-1]), metric_unit, units)
        for obs in pledge.progress
    )
    if pledge.target is not None and metric_unit is not None and metric_unit.ordinal:
        changes["target"] = _target(pledge.target, pledge.raw.get("target"), metric_unit)
    return replace(pledge, **changes)


def _item(items: Any, index: str | int) -> Any:
    if isinstance(items, list) and isinstance(index, int) and 0 <= index < len(items):
        return items[index]
    return None


def _rank(value: Any, unit: Unit) -> float | None:
    rank = unit.rank(value)
    return float(rank) if rank is not None else None


def _observation(
    obs: Observation, raw: Any, metric_unit: Unit | None, units: Mapping[str, Unit]
) -> Observation:
    unit = units.get(obs.unit) if obs.unit else metric_unit
    changes: dict[str, Any] = {}
    if obs.unit and unit is not None:
        changes["unit"] = unit.id
    if unit is not None and unit.ordinal and isinstance(raw, dict):
        changes["value"] = _rank(raw.get("value"), unit)
    return replace(obs, **changes) if changes else obs


def _target(target: Target, raw: Any, unit: Unit) -> Target:
    if not isinstance(raw, dict):
        return target
    value, stretch = raw.get("value"), raw.get("stretch")
    bounds = None
    if isinstance(value, list) and len(value) == 2:
        low, high = _rank(value[0], unit), _rank(value[1], unit)
        bounds = (low, high) if low is not None and high is not None else None
    return replace(
        target,
        value=None if isinstance(value, list) else _rank(value, unit),
        bounds=bounds,
        stretch=_rank(stretch, unit) if stretch is not None else None,
    )


__all__ = ["in_metric_terms"]
