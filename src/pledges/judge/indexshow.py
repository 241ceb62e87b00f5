"""What `pledges show` needs of one pledge, from a loaded ledger or from the index.

`show` prints one pledge judged as of a date, the pledges its `related` list names with
their statuses, the sources its evidence cites and the registries its units and
jurisdiction come from. From a loaded ledger that is a handful of lookups; from the
index (`shown_in_index`) the same handful is answered with queries, and only the files
holding those pledges are built, so the cost does not grow with the ledger.

Both give the same `Shown` for the same ledger: the rows are judged by one function
(`_judged`) from the same candidates in the same order, and every lookup judging makes
into the rest of the ledger (a `ref` target) goes through `Context.pledges`, which on
the index is `TrackedPledges` (the first pledge of an id in ledger order, as
`Ledger.pledge_index` has it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from pledges.judge.indexed import IndexedLedger
from pledges.judge.query import Row, context_of, to_judge
from pledges.judge.status import Context, evaluate
from pledges.model.ledger import Ledger, Pledge, Source
from pledges.read.loader import LoadResult


@dataclass(frozen=True)
class Shown:
    """One pledge found and judged, with what its report reads of the rest of the ledger."""

    row: Row
    as_of: date
    # the judged pledges of the ids in the pledge's `related` list (and its own id), by id:
    # the last judged pledge of an id wins, as in a table of the whole ledger
    rows: Mapping[str, Row]
    context: Context
    # the registries: units and jurisdictions (its files are not used)
    registry: Ledger
    sources: Mapping[str, Source]
    # what loading the ledger found: files left out, load errors
    summary: LoadResult


@dataclass(frozen=True)
class Missing:
    """No pledge has the id: what loading found, and (when every file loaded) the ids
    a did-you-mean hint chooses from, in ledger order."""

    pledge_id: str
    summary: LoadResult
    ids: Sequence[str]


def shown_in_ledger(result: LoadResult, pledge_id: str, as_of: date) -> Shown | Missing:
    """The pledge `pledge_id` of a loaded ledger (its first pledge of that id)."""
    index = result.ledger.pledge_index()
    pledge = index.get(pledge_id)
    if pledge is None:
        return Missing(pledge_id, result, [] if result.unloaded() else list(index))
    wanted = {pledge_id, *pledge.related}
    candidates = [p for p in result.ledger.pledges if p.id in wanted]
    context = context_of(result)
    row, rows = _judged(pledge, candidates, as_of, context)
    return Shown(row, as_of, rows, context, result.ledger, result.ledger.source_index(), result)


def shown_in_index(indexed: IndexedLedger, pledge_id: str, as_of: date) -> Shown | Missing:
    """The same as `shown_in_ledger`, from the index: the files holding the pledge and the
    pledges its `related` list names are built, nothing else. The answer is only valid
    while the index snapshot is open (sources and `ref` targets are looked up lazily)."""
    summary = indexed.load_summary()
    where = indexed.first(pledge_id)
    if where is None:
        return Missing(pledge_id, summary, [] if summary.unloaded() else indexed.ids())
    pledge = _pinned(indexed, *where)
    wanted = {pledge_id, *pledge.related}
    candidates = [_pinned(indexed, rel, idx) for rel, idx in indexed.places(wanted)]
    context = indexed.context()
    row, rows = _judged(pledge, candidates, as_of, context)
    return Shown(row, as_of, rows, context, indexed.registry, indexed.sources(), summary)


def _pinned(indexed: IndexedLedger, rel: str, idx: int) -> Pledge:
    """A pledge whose file stays built for the rest of the run: the pledge judged, and a
    `ref` target looked up while judging it, are then the same object (a pledge whose
    `ref` names itself is recognised by identity)."""
    state = indexed.index.by_rel.get(rel)
    if state is not None:
        indexed.pin(state)
    return indexed.pledge_at(rel, idx)


def _judged(
    pledge: Pledge, candidates: Sequence[Pledge], as_of: date, context: Context
) -> tuple[Row, dict[str, Row]]:
    """The pledge's row and the rows by id of `candidates` (every pledge, in ledger order,
    whose id is the pledge's or one its `related` list names), judged as
    `query.evaluate_all` judges them: drafts left out; a draft pledge is judged with its
    drafts."""
    evaluated = [Row(p, evaluate(judged, as_of, context)) for p, judged in to_judge(candidates)]
    if not any(r.pledge is pledge for r in evaluated):
        same = [p for p in candidates if p.id == pledge.id]
        evaluated += [
            Row(p, evaluate(judged, as_of, context)) for p, judged in to_judge(same, drafts=True)
        ]
    row = next(r for r in evaluated if r.pledge is pledge)
    return row, {r.pledge.id: r for r in evaluated}
