"""The status engine: pure, deterministic judgement of a pledge as of a date.

No I/O and no clock: `as_of` is always passed in. The rules are those of
docs/ledger-format.md ("Status rules"); every result carries a one-line explanation.
A verdict (achieved, partly, missed) is given only when the recorded figures settle it:
missing, bounded or approximate figures that leave it open give no verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from pledges.judge import progress as progress_rules
from pledges.judge.figures import (
    Figure,
    NonFiniteError,
    Window,
    before_period,
    describe_figure,
    figure,
    finite,
    in_unit,
    main_window,
)
from pledges.judge.recurrence import NOUNS, occurrences
from pledges.judge.targets import (
    better_direction,
    comparison,
    describe_band,
    describe_target,
    format_number,
    meeting_range,
    unit_label,
)
from pledges.judge.values import in_metric_terms
from pledges.model.ledger import Pledge, Target
from pledges.model.periods import Period
from pledges.model.registries import Unit

__all__ = [
    "ASSESSABLE",
    "IN_PROGRESS",
    "NO_VERDICT",
    "STATUSES",
    "VERDICTS",
    "Context",
    "Evaluation",
    "Figure",
    "Occurrence",
    "contradicts",
    "describe_target",
    "evaluate",
    "figure",
    "format_number",
]

STATUSES = (
    "achieved",
    "partly",
    "missed",
    "on_track",
    "at_risk",
    "pending",
    "unreported",
    "unrated",
    "withdrawn",
)
VERDICTS = ("achieved", "partly", "missed")
IN_PROGRESS = ("on_track", "at_risk", "pending")
NO_VERDICT = ("unreported", "unrated")
ASSESSABLE = frozenset(
    {"achieved", "missed", "partly", "on_track", "at_risk", "unreported", "withdrawn"}
)
RENAMED = {"overdue": "unreported"}


@dataclass(frozen=True)
class Occurrence:
    """One period of a recurring target, judged on its own figure."""

    period: Period
    status: str
    figure: Figure | None
    explanation: str


@dataclass(frozen=True)
class Evaluation:
    status: str
    computed_status: str
    stretch_met: bool
    figure: Figure | None
    target_value: float | None
    progress: float | None
    explanation: str
    occurrences: tuple[Occurrence, ...] = ()


@dataclass(frozen=True)
class Context:
    """What judging one pledge may need of the rest of the ledger."""

    units: Mapping[str, Unit]
    pledges: Mapping[str, Pledge]


@dataclass(frozen=True)
class Verdict:
    """A rule's result before assessments: `met` is None when nothing is settled."""

    status: str
    why: str
    figure: Figure | None = None
    goal: float | None = None
    met: bool | None = None
    stretch: bool = False


def ref_value(pledge: Pledge, period: Period, as_of: date, context: Context) -> float | None:
    """The referenced pledge's figure for the period ending with `period`."""
    ref = context.pledges.get(pledge.target.ref) if pledge.target and pledge.target.ref else None
    if ref is None or ref is pledge:
        return None
    for obs in reversed(ref.progress):
        if obs.period and obs.period.end == period.end and obs.period.end <= as_of:
            return in_unit(ref, obs, context.units)
    return None


def goal_value(pledge: Pledge, at: Period | None, as_of: date, context: Context) -> float | None:
    target = pledge.target
    if target is None:
        return None
    if target.ref:
        return ref_value(pledge, at, as_of, context) if at else None
    if target.relative:
        return in_unit(pledge, pledge.baseline, context.units) if pledge.baseline else None
    if target.op == "between" and target.bounds:
        low, high = target.bounds
        return high if pledge.metric and pledge.metric.better == "lower" else low
    return target.value


def _comparison_suffix(pledge: Pledge) -> str:
    """A flow's previous period, shown beside its figure and never used as a start."""
    base = pledge.baseline
    if pledge.kind != "flow" or base is None or base.value is None or base.period is None:
        return ""
    unit = f" {base.unit}" if base.unit else unit_label(pledge)
    return f" (last period: {format_number(base.value)}{unit} for {base.period.text})"


def _wanted(pledge: Pledge, goal: float | None) -> str:
    assert pledge.target is not None
    text = describe_target(pledge, goal, every=False)
    return text + describe_band(pledge, pledge.target, goal)


def _final(pledge: Pledge, fig: Figure, goal: float | None) -> Verdict:
    target = pledge.target
    assert target is not None
    shown = f"{describe_figure(pledge, fig)} for {fig.period.text}"
    if fig.outcome_flag and pledge.deadline and fig.period.end != pledge.deadline.end:
        shown += " (reported as the outcome)"
    found = meeting_range(pledge, target, goal)
    wanted = _wanted(pledge, goal)
    if found is None:
        missing = f"the referenced figure {target.ref}" if target.ref else "the baseline figure"
        return Verdict("unrated", f"{shown}; {missing} is not recorded", fig, goal)
    settled = found.settles(*fig.interval)
    if settled is None:
        why = f"reported only as {shown}, which does not settle {wanted}"
        return Verdict("unrated", why, fig, goal)
    verb = comparison(pledge, target, goal, fig.value)
    why = f"{shown} {verb} {wanted}{_comparison_suffix(pledge)}"
    if not settled:
        return Verdict("missed", why, fig, goal, met=False)
    stretch = target.stretch is not None and _meets_stretch(pledge, target, fig)
    extra = "; stretch level met" if stretch else ""
    return Verdict("achieved", why + extra, fig, goal, True, stretch)


def _meets_stretch(pledge: Pledge, target: Target, fig: Figure) -> bool:
    stretched = Target(target.op, target.stretch, None, None, None, None, None)
    found = meeting_range(pledge, stretched, target.stretch)
    return found is not None and found.settles(*fig.interval) is True


def _path(
    pledge: Pledge, fig: Figure, goal: float, window: Window, context: Context
) -> tuple[bool | None, str]:
    """The interim test: (ahead, why); ahead is None when a bound does not settle it."""
    target = pledge.target
    assert target is not None
    found = meeting_range(pledge, target, goal)
    if found is None:  # an invalid target (lint reports it): nothing to compare with
        return None, "cannot be compared: the target has no valid range"
    low, high = fig.interval
    if found.settles(low, high) is True:
        return True, "already meets the target"
    if pledge.kind == "flow":
        covered = (fig.period.end - max(fig.period.start, window.start)).days + 1
        share = min(1.0, max(0.0, covered / window.days))
        expected = goal * share
        where = f"for {covered} of {window.days} days"
        path = "the elapsed share of the target"
    elif pledge.kind == "level" and pledge.baseline and pledge.baseline.period:
        start = in_unit(pledge, pledge.baseline, context.units)
        if start is None:
            return False, "does not meet the target yet"
        origin_day = pledge.baseline.period.end
        total = (window.end - origin_day).days
        elapsed = (fig.period.end - origin_day).days
        share = min(1.0, max(0.0, elapsed / total)) if total > 0 else 1.0
        expected = finite(start + (goal - start) * share, "the time-proportional path")
        where = f"at {share:.0%} of the time"
        path = "the time-proportional path"
    elif found.settles(low, high) is None:
        return None, "does not settle whether it meets the target yet"
    else:
        return False, "does not meet the target yet"
    direction = _direction(pledge, goal, expected)
    worst, best = (low, high) if direction == "higher" else (high, low)
    if _ahead(worst, expected, direction):
        ahead: bool | None = True
    elif not _ahead(best, expected, direction):
        ahead = False
    else:
        ahead = None
    word = {True: "at or ahead of", False: "behind", None: "not settled against"}[ahead]
    return ahead, f"is {word} {path} ({format_number(round(expected, 4))} expected {where})"


def _direction(pledge: Pledge, goal: float, expected: float) -> str:
    return better_direction(pledge) or ("higher" if goal >= expected else "lower")


def _ahead(value: float, expected: float, direction: str) -> bool:
    if direction == "higher":
        return value >= expected - 1e-9
    return value <= expected + 1e-9


def judge_window(pledge: Pledge, window: Window, as_of: date, context: Context) -> Verdict:
    """A numeric target judged over one window (the pledge's, or one occurrence)."""
    target = pledge.target
    assert target is not None
    fig = figure(pledge, as_of, context.units, window)
    at = fig.period if fig else Period(window.text, window.start, window.end)
    goal = goal_value(pledge, at, as_of, context)
    passed = as_of > window.end
    if fig is not None and fig.final:
        return _final(pledge, fig, goal)
    if passed:
        latest, met = "", None
        if fig is not None:
            latest = f"; latest figure {describe_figure(pledge, fig)} for {fig.period.text}"
            found = meeting_range(pledge, target, goal)
            met = found.settles(*fig.interval) if found else None  # for progress only
        why = f"deadline {window.text} passed with no figure for it{latest}"
        return Verdict("unreported", why, fig, goal, met)
    if fig is None:
        return Verdict("pending", f"deadline {window.text} ahead; no figure yet", None, goal)
    if goal is None:
        missing = "referenced figure" if target.ref else "baseline figure"
        return Verdict(
            "pending", f"deadline {window.text} ahead; the {missing} is not recorded", fig, None
        )
    ahead, why = _path(pledge, fig, goal, window, context)
    status = {True: "on_track", False: "at_risk", None: "pending"}[ahead]
    found = meeting_range(pledge, target, goal)
    return Verdict(
        status,
        f"{describe_figure(pledge, fig)} for {fig.period.text} {why} toward "
        f"{_wanted(pledge, goal)} by {window.text}{_comparison_suffix(pledge)}",
        fig,
        goal,
        found.settles(*fig.interval) if found else None,
    )


# ---------------------------------------------------------------- milestones


def judge_milestone(pledge: Pledge, as_of: date) -> Verdict:
    """`op: done`: done by the deadline is achieved, done later missed; nothing reported
    by the deadline is unreported, and before it the pledge is pending."""
    deadline = pledge.deadline
    assert deadline is not None
    known = [
        o
        for o in pledge.progress
        if o.period is not None
        and o.done is not None
        and o.period.end <= as_of
        and not before_period(pledge, o)
    ]
    done = sorted((o for o in known if o.done), key=lambda o: (o.period.end, o.period.start))  # type: ignore[union-attr]
    for obs in done:
        assert obs.period is not None
        if obs.period.end <= deadline.end:
            why = f"done in {obs.period.text}, by the deadline {deadline.text}"
            return Verdict("achieved", why, met=True)
    for obs in done:
        assert obs.period is not None
        if obs.period.start > deadline.end:
            why = f"done in {obs.period.text}, after the deadline {deadline.text}"
            return Verdict("missed", why, met=False)
    if done:
        period = done[0].period
        assert period is not None
        why = (
            f"reported done in {period.text}, which does not settle whether it was done by "
            f"the deadline {deadline.text}"
        )
        return Verdict("unrated", why)
    for obs in known:
        assert obs.period is not None
        if not obs.done and obs.period.end >= deadline.end:
            why = f"reported not done in {obs.period.text} (deadline {deadline.text})"
            return Verdict("missed", why, met=False)
    if as_of > deadline.end:
        why = f"deadline {deadline.text} passed with no report that it was done"
        return Verdict("unreported", why)
    return Verdict("pending", f"deadline {deadline.text} ahead; not reported done yet")


# ---------------------------------------------------------------- recurring targets


def judge_recurring(
    pledge: Pledge, as_of: date, context: Context
) -> tuple[Verdict, tuple[Occurrence, ...], float | None]:
    """`every`: each occurrence judged on its own figure; all met is achieved, some met
    partly, none missed. Before the last occurrence ends: at_risk once one was missed."""
    target, deadline = pledge.target, pledge.deadline
    assert target is not None and target.every is not None and deadline is not None
    first = pledge.start.start if pledge.start else deadline.start
    judged: list[Occurrence] = []
    for period in occurrences(first, deadline.end, target.every):
        window = Window(max(period.start, first), period.end, period.text)
        verdict = judge_window(pledge, window, as_of, context)
        judged.append(Occurrence(period, verdict.status, verdict.figure, verdict.why))
    total = len(judged)
    if total == 0:
        return Verdict("unrated", "no occurrence lies between start and deadline"), (), None
    met = [o for o in judged if o.status == "achieved"]
    missed = [o for o in judged if o.status == "missed"]
    noun = NOUNS[target.every]
    wanted = _wanted(pledge, target.value)
    parts = [f"{len(met)} of {total} {noun} met {wanted}"]
    if missed:
        parts.append("missed: " + ", ".join(_occurrence_figure(pledge, o) for o in missed))
    open_past = [o for o in judged if o.status in {"unreported", "unrated"}]
    if open_past:
        parts.append("no verdict: " + ", ".join(o.period.text for o in open_past))
    ahead = [o for o in judged if o.period.end >= as_of and o.status not in VERDICTS]
    if ahead and as_of <= deadline.end:
        parts.append(f"{len(ahead)} still open")
    why = "; ".join(parts)
    latest = next((o.figure for o in reversed(judged) if o.figure is not None), None)
    share = len(met) / total
    if as_of > deadline.end:
        if met and missed:
            status = "partly"
        elif len(met) == total:
            status = "achieved"
        elif len(missed) == total:
            status = "missed"
        else:
            status = "unreported"
    elif missed:
        status = "at_risk"
    elif met:
        status = "on_track"
    else:
        status = "pending"
    return Verdict(status, why, latest, target.value), tuple(judged), share


def _occurrence_figure(pledge: Pledge, occurrence: Occurrence) -> str:
    if occurrence.figure is None:
        return occurrence.period.text
    return f"{occurrence.period.text} ({describe_figure(pledge, occurrence.figure)})"


# ---------------------------------------------------------------- a pledge


def _computed(
    pledge: Pledge, as_of: date, context: Context
) -> tuple[Verdict, tuple[Occurrence, ...], float | None]:
    """The rule's verdict, the occurrences of a recurring target, and progress."""
    target = pledge.target
    if target is None:
        return Verdict("unrated", "qualitative pledge: no numeric target"), (), None
    if target.set_by:
        fig = figure(pledge, as_of, context.units)
        why = "target set by the higher level and not published: only an assessment can rate it"
        return Verdict("unrated", why, fig), (), None
    if pledge.deadline is None:
        return Verdict("unrated", "the pledge lacks a valid deadline"), (), None
    if target.milestone:
        verdict = judge_milestone(pledge, as_of)
        return verdict, (), 1.0 if verdict.status == "achieved" else None
    if pledge.metric is None:
        return Verdict("unrated", "the pledge lacks a valid deadline or metric"), (), None
    if target.every:
        return judge_recurring(pledge, as_of, context)
    window = main_window(pledge)
    assert window is not None
    verdict = judge_window(pledge, window, as_of, context)
    share = progress_rules.fraction(
        pledge, verdict.figure, verdict.goal, verdict.met, context.units
    )
    return verdict, (), share


def evaluate(pledge: Pledge, as_of: date, context: Context) -> Evaluation:
    """Judge one pledge as of a date, by the documented rules.

    A number derived from the data that leaves the range of floating point (a conversion
    between units with extreme factors, a sum) gives no verdict: `unrated`, saying why.
    """
    pledge = in_metric_terms(pledge, context.units)
    try:
        verdict, judged, share = _computed(pledge, as_of, context)
    except NonFiniteError as exc:
        why = f"no verdict: {exc} is beyond the range of numbers the tool can compute with"
        verdict, judged, share = Verdict("unrated", why), (), None
    computed, why = verdict.status, verdict.why
    assessment = pledge.assessment
    if (
        assessment is not None
        and assessment.status in ASSESSABLE
        and assessment.as_of is not None
        and assessment.as_of.end <= as_of
    ):
        status = assessment.status
        rationale = f": {assessment.rationale}" if assessment.rationale else ""
        explanation = (
            f"assessed {status} as of {assessment.as_of.text}{rationale} "
            f"(computed {computed}: {why})"
        )
        if share is not None and (
            (status == "achieved" and share < 1.0) or (status == "missed" and share >= 1.0)
        ):
            share = None  # the figures do not measure what the assessment judged
    else:
        status, explanation = computed, f"{computed}: {why}"
    return Evaluation(
        status,
        computed,
        verdict.stretch,
        verdict.figure,
        verdict.goal,
        share,
        explanation,
        judged,
    )


def contradicts(evaluation: Evaluation) -> bool:
    """An assessment that the numbers contradict (lint warns about these)."""
    pairs = {
        ("achieved", "missed"),
        ("achieved", "partly"),
        ("missed", "achieved"),
        ("partly", "achieved"),
        ("partly", "missed"),
    }
    return (evaluation.computed_status, evaluation.status) in pairs
