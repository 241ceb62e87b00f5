"""Status history of every pledge along the ledger's commits, in one pass.

Each commit that touched the ledger is loaded once (files shared between commits are
parsed once) and every pledge is judged as of the commit's author date by the status
engine, as `pledges history` does for one pledge. A change is a pledge that appears, a
status that differs from the previous commit's, or a pledge that disappears.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pledges.history.revisions import Commit, ParseCache, find_repo, ledger_log, load_revision
from pledges.judge.query import evaluate_all

ADDED, STATUS, REMOVED = "added", "status", "removed"


@dataclass(frozen=True)
class Change:
    commit: Commit
    pledge_id: str
    kind: str  # ADDED, STATUS or REMOVED
    old: str | None
    new: str | None
    title: str | None
    jurisdiction: str | None


def ledger_changes(ledger_root: Path) -> list[Change]:
    """Every change of every pledge, oldest first; GitError outside a repository."""
    repo = find_repo(ledger_root)
    cache: ParseCache = {}
    previous: dict[str, tuple[str, str | None, str | None]] = {}
    changes: list[Change] = []
    for commit in ledger_log(repo):
        result = load_revision(repo, commit.sha, cache)
        current: dict[str, tuple[str, str | None, str | None]] = {}
        for row in evaluate_all(result, commit.day):
            pledge = row.pledge
            entry = (row.evaluation.status, pledge.title, pledge.jurisdiction)
            current.setdefault(pledge.id, entry)
        for pledge_id in sorted(current):
            status, title, jurisdiction = current[pledge_id]
            before = previous.get(pledge_id)
            if before is None:
                changes.append(Change(commit, pledge_id, ADDED, None, status, title, jurisdiction))
            elif before[0] != status:
                changes.append(
                    Change(commit, pledge_id, STATUS, before[0], status, title, jurisdiction)
                )
        for pledge_id in sorted(set(previous) - set(current)):
            status, title, jurisdiction = previous[pledge_id]
            changes.append(Change(commit, pledge_id, REMOVED, status, None, title, jurisdiction))
        previous = current
    return changes
