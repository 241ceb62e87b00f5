"""The status report's data: a scoreboard and groups of evaluated pledges.

The scoreboard keeps verdicts apart from everything else. The **delivery rate** is
taken over the pledges with a verdict only: `(achieved + ½ × partly) / (achieved +
partly + missed)` — a pledge delivered in part counts as half a delivery. Pledges
`unreported` (deadline passed, no outcome in the ledger) and `unrated` (no rule can
rate them) have **no verdict yet** and are never counted as failures; `on_track`,
`at_risk` and `pending` are **in progress**. An entry with `same_as` restates another
pledge in the same rows and is counted once, as that pledge.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pledges.judge.query import Row, record
from pledges.judge.status import IN_PROGRESS, NO_VERDICT, STATUSES, VERDICTS
from pledges.model.ledger import Ledger, Pledge

GROUPINGS = ("jurisdiction", "source", "tag", "year")
REPORT_VERSION = 1
PARTLY_WEIGHT = 0.5
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("with a verdict", VERDICTS),
    ("in progress", IN_PROGRESS),
    ("no verdict yet", NO_VERDICT),
    ("withdrawn", ("withdrawn",)),
)
PARTS = ("all", "binding", "expected")
UNTAGGED = "(untagged)"


@dataclass(frozen=True)
class Scoreboard:
    total: int
    counts: dict[str, int]
    binding: dict[str, int]
    expected: dict[str, int]
    restatements: int = 0

    def share(self, status: str) -> float:
        return self.counts.get(status, 0) / self.total if self.total else 0.0

    def count(self, statuses: Sequence[str]) -> int:
        return sum(self.counts.get(s, 0) for s in statuses)

    @property
    def with_verdict(self) -> int:
        return self.count(VERDICTS)

    @property
    def no_verdict(self) -> int:
        return self.count(NO_VERDICT)

    @property
    def in_progress(self) -> int:
        return self.count(IN_PROGRESS)

    @property
    def delivery_rate(self) -> float | None:
        """(achieved + ½ partly) over the pledges with a verdict; None without any."""
        return delivery_rate(self.counts)

    def part(self, name: str) -> Mapping[str, int]:
        """The counts of all pledges, or of the binding or the expected ones."""
        return {"all": self.counts, "binding": self.binding, "expected": self.expected}[name]

    def as_dict(self) -> dict[str, Any]:
        def part(statuses: Sequence[str]) -> dict[str, int]:
            return {s: self.counts.get(s, 0) for s in statuses}

        rate = self.delivery_rate
        return {
            "total": self.total,
            "delivery_rate": None if rate is None else round(rate, 4),
            "verdicts": {**part(VERDICTS), "total": self.with_verdict},
            "in_progress": {**part(IN_PROGRESS), "total": self.in_progress},
            "no_verdict": {**part(NO_VERDICT), "total": self.no_verdict},
            "withdrawn": self.counts.get("withdrawn", 0),
            "counts": dict(self.counts),
            "binding": dict(self.binding),
            "expected": dict(self.expected),
            "restatements": self.restatements,
        }


def count_of(counts: Mapping[str, int], statuses: Sequence[str]) -> int:
    return sum(counts.get(status, 0) for status in statuses)


def delivery_rate(counts: Mapping[str, int]) -> float | None:
    """(achieved + ½ partly) over the pledges with a verdict among `counts`; None without
    any."""
    judged = count_of(counts, VERDICTS)
    if not judged:
        return None
    return (counts.get("achieved", 0) + PARTLY_WEIGHT * counts.get("partly", 0)) / judged


@dataclass(frozen=True)
class Section:
    """A part of the scoreboard: its statuses that occur, and totals by part."""

    name: str
    statuses: tuple[str, ...]
    totals: dict[str, int]


def sections(board: Scoreboard) -> list[Section]:
    """The scoreboard's sections in order (`SECTIONS`); a section no pledge falls in is
    left out, except the verdicts, which the delivery rate is read against."""
    out = []
    for name, statuses in SECTIONS:
        present = tuple(s for s in statuses if board.counts.get(s))
        if present or statuses is VERDICTS:
            totals = {part: count_of(board.part(part), statuses) for part in PARTS}
            out.append(Section(name, present, totals))
    return out


def counted(rows: Sequence[Row]) -> list[Row]:
    """The rows less restatements (`same_as`) of a pledge that is among them."""
    ids = {row.pledge.id for row in rows}
    return [row for row in rows if row.pledge.same_as not in ids]


@dataclass(frozen=True)
class Tallied:
    """What the scoreboard counts of one pledge: its id, the pledge it restates, its
    status, and whether it is binding."""

    id: str
    same_as: str | None
    status: str
    binding: bool


def scoreboard(rows: Sequence[Row]) -> Scoreboard:
    return tally(
        [
            Tallied(row.pledge.id, row.pledge.same_as, row.evaluation.status, row.pledge.binding)
            for row in rows
        ]
    )


def tally(items: Sequence[Tallied]) -> Scoreboard:
    """The scoreboard of these pledges; restatements of a pledge among them count once."""
    ids = {item.id for item in items}
    kept = Counter((item.status, item.binding) for item in items if item.same_as not in ids)
    return counted_board(kept, len(items) - kept.total())


def counted_board(kept: Mapping[tuple[str, bool], int], restatements: int) -> Scoreboard:
    """The scoreboard from how many pledges have each (status, binding), restatements
    left out, and how many restatements there were."""
    counts: Counter[str] = Counter()
    binding: Counter[str] = Counter()
    expected: Counter[str] = Counter()
    for (status, bound), number in kept.items():
        if not number:
            continue
        counts[status] += number
        (binding if bound else expected)[status] += number
    order = {s: i for i, s in enumerate(STATUSES)}

    def ordered(counter: Counter[str]) -> dict[str, int]:
        return dict(sorted(counter.items(), key=lambda kv: order.get(kv[0], 99)))

    return Scoreboard(
        sum(counts.values()), ordered(counts), ordered(binding), ordered(expected), restatements
    )


def group(rows: Sequence[Row], by: str, ledger: Ledger) -> list[tuple[str, list[Row]]]:
    """Rows grouped by a key, groups in a stable order, rows in their given order."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        for label in labels(row.pledge, by, ledger):
            groups.setdefault(label, []).append(row)
    return sorted(groups.items(), key=lambda kv: kv[0])


def report(rows: Sequence[Row], by: str, ledger: Ledger, as_of: str) -> dict[str, Any]:
    """`pledges status --format json`: the scoreboard, then each group with its pledges."""
    return {
        "version": REPORT_VERSION,
        "as_of": as_of,
        "by": by,
        "scoreboard": scoreboard(rows).as_dict(),
        "groups": [
            {
                "title": title,
                "scoreboard": scoreboard(members).as_dict(),
                "pledges": [record(row) for row in members],
            }
            for title, members in group(rows, by, ledger)
        ],
    }


def labels(pledge: Pledge, by: str, ledger: Ledger) -> list[str]:
    """The titles of the groups a pledge falls in, grouped by `by` (`GROUPINGS`);
    `ledger` holds the jurisdictions registry."""
    if by == "source":
        source = pledge.source
        if source is None:
            return ["(no source)"]
        return [f"{source.title_en or source.id} [{source.id}]"]
    if by == "tag":
        return list(pledge.tags) or [UNTAGGED]
    if by == "year":
        return [str(pledge.deadline.end.year) if pledge.deadline else "(no deadline)"]
    jid = pledge.jurisdiction or "(no jurisdiction)"
    known = ledger.jurisdictions.get(jid)
    return [f"{known.name_en} ({jid})" if known else jid]
