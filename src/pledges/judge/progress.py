"""Progress: how far a figure has come toward its target, as a share (1 = reached).

- A `level` with a baseline that does not meet the target yet runs from the baseline:
  `(figure − baseline) / (target − baseline)`.
- Anything else runs from zero: `figure / target` when higher is better, and
  `target / figure` when lower is better (2.8% unemployment against ≤3% is 1.07,
  3.5% is 0.86); with a negative target and lower better, `figure / target`.
- Progress is never below 0. It never contradicts the verdict: a figure that meets the
  target has progress of at least 1 (a figure inside the tolerance of `about` has
  reached it), and where a figure that does not meet its target would show 1 or more
  (overshooting `about` or `between`, a figure equal to a strict `>` target) progress
  is null. It is null without a settled figure or a numeric target.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from pledges.judge.figures import Figure, in_unit
from pledges.judge.targets import better_direction, meets
from pledges.model.ledger import Pledge
from pledges.model.registries import Unit


def origin(pledge: Pledge, goal: float, units: Mapping[str, Unit]) -> float | None:
    """A level's baseline, when it is a starting point short of the target."""
    target = pledge.target
    if pledge.kind != "level" or pledge.baseline is None or target is None or target.relative:
        return None
    base = in_unit(pledge, pledge.baseline, units)
    if base is None or base == goal or meets(pledge, base, target, goal):
        return None
    return base


def raw_share(pledge: Pledge, value: float, goal: float, units: Mapping[str, Unit]) -> float | None:
    start = origin(pledge, goal, units)
    if start is not None:
        return (value - start) / (goal - start)
    direction = better_direction(pledge)
    if direction is None:
        op = pledge.target.op if pledge.target else None
        direction = "lower" if op in {"<=", "<"} else "higher"
    if direction == "higher":
        return value / goal if goal > 0 else None
    if goal > 0:
        return goal / value if value > 0 else None
    if goal < 0:
        return value / goal
    return None


def fraction(
    pledge: Pledge,
    fig: Figure | None,
    goal: float | None,
    met: bool | None,
    units: Mapping[str, Unit],
) -> float | None:
    """Progress of a figure whose verdict against the target is `met` (None: unsettled)."""
    if fig is None or goal is None or met is None:
        return None
    share = raw_share(pledge, fig.value, goal, units)
    if share is None or not math.isfinite(share):
        return None
    share = max(0.0, share)
    if met:
        return max(1.0, share)
    return share if share < 1.0 else None
