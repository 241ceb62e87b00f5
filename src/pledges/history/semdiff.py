"""Semantic diff between two states of a ledger: what a change does to the pledges.

Pledges are matched by id. A changed pledge lists its changed fields (scalar leaves,
`target.value: 5.0 → 6.0`), the observations and the assessment it gained; a status
transition is the displayed status before and after, judged at one `as_of` date.
Numbers compare by value (5 and 5.0 are the same), mappings regardless of key order.
Output is plain text, JSON or Markdown; callers strip terminal control characters.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pledges.history.briefs import Brief, Briefed, renamed_ids
from pledges.judge.status import Context, evaluate
from pledges.model.diagnostics import Diagnostic
from pledges.model.document import Path
from pledges.model.ledger import Ledger, Pledge

_MISSING: Any = object()
_SHORT = 60


@dataclass(frozen=True)
class FieldChange:
    """A scalar leaf that changed; None stands for absent. `path` is in the head (or base)."""

    field: str
    old: str | None
    new: str | None
    path: Path = ()


@dataclass(frozen=True)
class ObservationAdded:
    period: str
    value: str | None
    unit: str | None
    evidence: tuple[str, ...]
    cited: bool  # at least one evidence item names a source or URL and quotes it
    path: Path = ()


@dataclass(frozen=True)
class AssessmentAdded:
    status: str | None
    as_of: str | None
    evidence: tuple[str, ...]
    cited: bool


@dataclass(frozen=True)
class PledgeChange:
    fields: tuple[FieldChange, ...] = ()
    observations: tuple[ObservationAdded, ...] = ()
    assessment: AssessmentAdded | None = None

    @property
    def empty(self) -> bool:
        return not (self.fields or self.observations or self.assessment)


@dataclass(frozen=True)
class Entry:
    """An added or removed pledge, where it is (or was)."""

    id: str
    title: str | None
    file: str
    line: int
    renamed_to: str | None = None


@dataclass(frozen=True)
class Changed:
    id: str
    file: str
    line: int
    change: PledgeChange


@dataclass(frozen=True)
class Transition:
    id: str
    old: str
    new: str


@dataclass(frozen=True)
class Unreadable:
    """A file one side could not load: its pledges are left out of the comparison."""

    side: str  # "base" or "head"
    revision: str  # the side's label
    diagnostic: Diagnostic


@dataclass
class Diff:
    base: str
    head: str
    as_of: date
    added: list[Entry] = field(default_factory=list)
    removed: list[Entry] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)
    transitions: list[Transition] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.transitions)


def _canon(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dict):
        return {str(k): _canon(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canon(v) for v in value]
    return str(value)


def data_key(value: Any) -> str:
    """A canonical text of a value: equal keys exactly when `same` holds."""
    return json.dumps(_canon(value), sort_keys=True)


def same(old: Any, new: Any) -> bool:
    """Equal as data: numbers by value, mappings regardless of key order."""
    if old is _MISSING or new is _MISSING:
        return old is new
    return data_key(old) == data_key(new)


def render_value(value: Any) -> str | None:
    """A value as compact YAML-like text; None when absent."""
    if value is _MISSING:
        return None
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return " ".join(value.split()) if "\n" in value or "\r" in value else value
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {render_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(str(render_value(v)) for v in value) + "]"
    return str(value)


def _compare(old: Any, new: Any, name: str, path: Path, out: list[FieldChange]) -> None:
    if same(old, new):
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*new, *(k for k in old if k not in new)]:
            sub = f"{name}.{key}" if name else str(key)
            _compare(old.get(key, _MISSING), new.get(key, _MISSING), sub, (*path, key), out)
        return
    nested = any(isinstance(v, dict | list) for v in (*_items(old), *_items(new)))
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new) and nested:
        for index, (left, right) in enumerate(zip(old, new, strict=True)):
            _compare(left, right, f"{name}[{index}]", (*path, index), out)
        return
    out.append(FieldChange(name, render_value(old), render_value(new), path))


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _evidence(items: Any) -> tuple[tuple[str, ...], bool]:
    """Evidence as short labels (source id or URL), and whether one item is a real citation."""
    labels, cited = [], False
    for item in _items(items):
        data = _map(item)
        where = data.get("source") if isinstance(data.get("source"), str) else data.get("url")
        if isinstance(where, str) and where:
            labels.append(where)
            quote = data.get("quote")
            cited = cited or (isinstance(quote, str) and bool(quote.strip()))
    return tuple(labels), cited


def _period_key(item: dict[str, Any]) -> str:
    return str(render_value(item.get("period", _MISSING)))


Indexed = list[tuple[int, dict[str, Any]]]


def _first_unmatched(
    before: Indexed, keys: list[str], taken: list[bool]
) -> Callable[[str], int | None]:
    """A lookup of the first position in `before` not yet taken whose key is the one asked
    for; it marks the position taken. One dict of queues: O(1) per lookup."""
    queues: dict[str, deque[int]] = {}
    for position, key in enumerate(keys):
        if not taken[position]:
            queues.setdefault(key, deque()).append(position)

    def take(key: str) -> int | None:
        queue = queues.get(key)
        if not queue:
            return None
        position = queue.popleft()
        taken[position] = True
        return position

    return take


def match_observations(
    before: Indexed, after: Indexed
) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list[int], list[int]]:
    """Match two lists of (index, observation): (equal pairs, same-period pairs, added,
    removed), by index. An observation of `after` takes the first unmatched equal one of
    `before`; those left take the first unmatched one of the same period, in order.
    """
    taken = [False] * len(before)
    take_equal = _first_unmatched(before, [data_key(o) for _, o in before], taken)
    equal, pending = [], []
    for index, item in after:
        position = take_equal(data_key(item))
        if position is None:
            pending.append((index, item))
        else:
            equal.append((before[position][0], index))
    take_period = _first_unmatched(before, [_period_key(o) for _, o in before], taken)
    edited, added = [], []
    for index, item in pending:
        position = take_period(_period_key(item))
        if position is None:
            added.append(index)
        else:
            edited.append((before[position][0], index))
    removed = [index for position, (index, _) in enumerate(before) if not taken[position]]
    return equal, edited, added, removed


def _observations(old: Pledge, new: Pledge) -> tuple[list[ObservationAdded], list[FieldChange]]:
    """Observations matched by period: new ones, edited ones, removed ones."""
    before = [(i, o) for i, o in enumerate(_items(old.raw.get("progress"))) if isinstance(o, dict)]
    after = [(i, o) for i, o in enumerate(_items(new.raw.get("progress"))) if isinstance(o, dict)]
    _, edited, new_ones, gone = match_observations(before, after)
    old_items, new_items = dict(before), dict(after)
    added: list[ObservationAdded] = []
    fields: list[FieldChange] = []
    for was, index in edited:
        item = new_items[index]
        path: Path = ("progress", index)
        _compare(old_items[was], item, f"progress[{_period_key(item)}]", path, fields)
    for index in new_ones:
        item = new_items[index]
        period = _period_key(item)
        path = ("progress", index)
        labels, cited = _evidence(item.get("evidence"))
        unit = item.get("unit")
        added.append(
            ObservationAdded(
                period,
                render_value(item.get("value", _MISSING)),
                unit if isinstance(unit, str) else None,
                labels,
                cited,
                path,
            )
        )
    for index in gone:
        item = old_items[index]
        old_value = render_value(item.get("value", _MISSING))
        fields.append(
            FieldChange(f"progress[{_period_key(item)}]", old_value, None, ("progress", index))
        )
    return added, fields


def compare_pledge(old: Pledge, new: Pledge) -> PledgeChange:
    """What changed in one pledge between two versions of it."""
    fields: list[FieldChange] = []
    skip = {"id", "progress", "assessment"}
    before = {k: v for k, v in old.raw.items() if k not in skip}
    after = {k: v for k, v in new.raw.items() if k not in skip}
    _compare(before, after, "", (), fields)
    observations, obs_fields = _observations(old, new)
    fields += obs_fields
    assessment = None
    was, now = old.raw.get("assessment", _MISSING), new.raw.get("assessment", _MISSING)
    if isinstance(now, dict) and not isinstance(was, dict):
        labels, cited = _evidence(now.get("evidence"))
        as_of = render_value(now["as_of"]) if now.get("as_of") is not None else None
        status = render_value(now.get("status", _MISSING))
        assessment = AssessmentAdded(status, as_of, labels, cited)
    else:
        _compare(was, now, "assessment", ("assessment",), fields)
    return PledgeChange(tuple(fields), tuple(observations), assessment)


def renamed(pledge: Pledge, candidates: Sequence[Pledge]) -> str | None:
    """The id of a new pledge with the same quote and source: most likely a renamed id."""
    return renames(candidates).get(pledge)


@dataclass(frozen=True)
class Renames:
    """The first of some new pledges by (quote, source id): renamed ids in O(1) each."""

    first: dict[tuple[str, str | None], str]

    def get(self, pledge: Pledge) -> str | None:
        if not pledge.quote:
            return None
        return self.first.get((pledge.quote, _source_id(pledge)))


def renames(candidates: Sequence[Pledge]) -> Renames:
    first: dict[tuple[str, str | None], str] = {}
    for other in candidates:
        if other.quote:
            first.setdefault((other.quote, _source_id(other)), other.id)
    return Renames(first)


def _source_id(pledge: Pledge) -> str | None:
    return pledge.source.id if pledge.source else None


def diff(
    base: Ledger,
    head: Ledger,
    as_of: date,
    base_label: str,
    head_label: str,
    *,
    base_unloaded: Mapping[str, Diagnostic] | None = None,
    head_unloaded: Mapping[str, Diagnostic] | None = None,
) -> Diff:
    """Compare two ledgers pledge by pledge; statuses are judged as of `as_of`.

    A file one side could not load (`*_unloaded`: file name to its first error) is
    reported, and the pledges the other side has in it count as neither added nor removed.
    """
    old, new = base.pledge_index(), head.pledge_index()
    old_context, new_context = Context(base.units, old), Context(head.units, new)
    labels = (as_of, base_label, head_label)
    return diff_pledges(
        Briefed(old), Briefed(new), lambda i: (old[i], new[i]), old_context, new_context,
        *labels, base_unloaded=base_unloaded, head_unloaded=head_unloaded,
    )  # fmt: skip


def diff_pledges(
    old_index: Mapping[str, Brief],
    new_index: Mapping[str, Brief],
    pair: Callable[[str], tuple[Pledge, Pledge]],
    old_context: Context,
    new_context: Context,
    as_of: date,
    base_label: str,
    head_label: str,
    *,
    base_unloaded: Mapping[str, Diagnostic] | None = None,
    head_unloaded: Mapping[str, Diagnostic] | None = None,
) -> Diff:
    """Compare two sides' pledges by id; the contexts judge statuses on each side.

    The indexes hold the briefs of every pledge of each side, or only of the ids that can
    differ (`history.compare` proves which); an added or removed pledge is listed from its
    brief, and `pair` builds both sides' pledges of an id they share, to compare and judge.
    The contexts always answer for the whole ledgers.
    """
    result = Diff(base_label, head_label, as_of)
    base_unloaded, head_unloaded = base_unloaded or {}, head_unloaded or {}
    result.unreadable = [
        Unreadable("base", base_label, d) for _, d in sorted(base_unloaded.items())
    ] + [Unreadable("head", head_label, d) for _, d in sorted(head_unloaded.items())]
    added = [
        b
        for i, b in sorted(new_index.items())
        if i not in old_index and b.file not in base_unloaded
    ]
    result.added = [Entry(b.id, b.title, b.file, b.line) for b in added]
    new_ids = renamed_ids(added)
    result.removed = [
        Entry(b.id, b.title, b.file, b.line, new_ids.get((b.quote, b.source)) if b.quote else None)
        for i, b in sorted(old_index.items())
        if i not in new_index and b.file not in head_unloaded
    ]
    for pledge_id in sorted(new_index):
        if pledge_id not in old_index:
            continue
        old, new = pair(pledge_id)
        change = compare_pledge(old, new)
        if not change.empty:
            result.changed.append(Changed(pledge_id, new.file, new.position()[0], change))
        was = evaluate(old, as_of, old_context).status
        now = evaluate(new, as_of, new_context).status
        if was != now:
            result.transitions.append(Transition(pledge_id, was, now))
    return result


def unreadable_text(item: Unreadable) -> str:
    found = item.diagnostic
    return (
        f"{item.side} {item.revision}: {found.file}:{found.line}:{found.column}: "
        f"{found.code} {found.severity} {found.message}; its pledges are left out"
    )


def removal_warning(entry: Entry) -> str:
    if entry.renamed_to:
        return (
            f"ids are permanent: '{entry.id}' looks renamed to '{entry.renamed_to}'; "
            f"keep '{entry.id}' and mark it withdrawn instead"
        )
    return (
        f"pledges are withdrawn, not deleted: keep '{entry.id}' and give it an "
        "assessment with status withdrawn"
    )


def short(value: str | None) -> str:
    if value is None:
        return "(absent)"
    return value if len(value) <= _SHORT else value[: _SHORT - 1] + "…"


def one_line(value: str | None) -> str:
    return " ".join((value or "").split())


def observation_text(obs: ObservationAdded) -> str:
    unit = f" {obs.unit}" if obs.unit else ""
    cited = ", ".join(obs.evidence) if obs.evidence else "none"
    return f"observation {one_line(obs.period)}: {short(obs.value)}{unit} (evidence: {cited})"


def assessment_text(added: AssessmentAdded) -> str:
    cited = ", ".join(added.evidence) if added.evidence else "none"
    return (
        f"assessment {one_line(added.status or '?')} as of {one_line(added.as_of or '?')} "
        f"(evidence: {cited})"
    )


def field_text(change: FieldChange) -> str:
    return f"{change.field}: {short(change.old)} → {short(change.new)}"


def history_events(
    old: Pledge | None, new: Pledge | None, old_status: str | None, new_status: str | None
) -> list[str]:
    """What one commit did to a pledge, as lines for `pledges history`."""
    from pledges.judge.status import describe_target

    if new is None:
        return [] if old is None else [f"removed from {old.file}"]
    if old is None:
        return [f"added in {new.file}: target {describe_target(new)}; status {new_status}"]
    change = compare_pledge(old, new)
    lines = []
    targets = [f for f in change.fields if f.field.split(".")[0] == "target"]
    if targets:
        before, after = describe_target(old), describe_target(new)
        if before != after:
            lines.append(f"target changed: {before} → {after}")
        else:
            lines += [f"target changed: {field_text(f)}" for f in targets]
    lines += [f"added {observation_text(o)}" for o in change.observations]
    if change.assessment:
        lines.append(f"added {assessment_text(change.assessment)}")
    for item in change.fields:
        head = item.field.split(".")[0].split("[")[0]
        if head in {"progress", "assessment"}:
            lines.append(f"{field_text(item)}")
    edited = []
    for item in change.fields:
        head = item.field.split(".")[0].split("[")[0]
        if head not in {"target", "progress", "assessment"} and head not in edited:
            edited.append(head)
    if edited:
        lines.append("edited: " + ", ".join(edited))
    if old_status != new_status:
        lines.append(f"status: {old_status} → {new_status}")
    return [one_line(line) for line in lines]
