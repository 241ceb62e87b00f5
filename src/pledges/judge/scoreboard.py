"""The status report's data: a scoreboard and groups of evaluated pledges."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from pledges.judge.query import Row
from pledges.judge.status import STATUSES
from pledges.model.ledger import Ledger

GROUPINGS = ("jurisdiction", "source", "tag", "year")


@dataclass(frozen=True)
class Scoreboard:
    total: int
    counts: dict[str, int]
    binding: dict[str, int]
    expected: dict[str, int]

    def share(self, status: str) -> float:
        return self.counts.get(status, 0) / self.total if self.total else 0.0


def scoreboard(rows: Sequence[Row]) -> Scoreboard:
    counts = Counter(row.evaluation.status for row in rows)
    binding = Counter(row.evaluation.status for row in rows if row.pledge.binding)
    expected = Counter(row.evaluation.status for row in rows if not row.pledge.binding)
    order = {s: i for i, s in enumerate(STATUSES)}

    def ordered(counter: Counter[str]) -> dict[str, int]:
        return dict(sorted(counter.items(), key=lambda kv: order.get(kv[0], 99)))

    return Scoreboard(len(rows), ordered(counts), ordered(binding), ordered(expected))


def group(rows: Sequence[Row], by: str, ledger: Ledger) -> list[tuple[str, list[Row]]]:
    """Rows grouped by a key, groups in a stable order, rows in their given order."""
    groups: dict[str, list[Row]] = {}
    for row in rows:
        for label in _labels(row, by, ledger):
            groups.setdefault(label, []).append(row)
    return sorted(groups.items(), key=lambda kv: kv[0])


def _labels(row: Row, by: str, ledger: Ledger) -> list[str]:
    pledge = row.pledge
    if by == "source":
        source = pledge.source
        if source is None:
            return ["(no source)"]
        return [f"{source.title_en or source.id} [{source.id}]"]
    if by == "tag":
        return list(pledge.tags) or ["(untagged)"]
    if by == "year":
        return [str(pledge.deadline.end.year) if pledge.deadline else "(no deadline)"]
    jid = pledge.jurisdiction or "(no jurisdiction)"
    known = ledger.jurisdictions.get(jid)
    return [f"{known.name_en} ({jid})" if known else jid]
