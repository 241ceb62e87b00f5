"""The O(n log n) overlap check and observation matching give the old pairwise answers."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pledges.check.lint import lint
from pledges.history.semdiff import (
    FieldChange,
    compare_pledge,
    match_observations,
    renamed,
    renames,
    render_value,
)
from pledges.model.document import Document
from pledges.model.ledger import Pledge, build_pledge, build_source
from pledges.model.periods import Period, first_overlaps
from pledges.read.loader import load
from tests.conftest import pledges_file

# ------------------------------------------------------------------ the old algorithms


def pairwise_first_overlaps(periods: Sequence[Period]) -> list[int | None]:
    """PL243 as it was: every period against every earlier one, first overlap wins."""
    found: list[int | None] = []
    for later, period in enumerate(periods):
        first = None
        for index, earlier in enumerate(periods[:later]):
            if period.overlaps(earlier):
                first = index
                break
        found.append(first)
    return found


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


def _same(old: Any, new: Any) -> bool:
    return json.dumps(_canon(old), sort_keys=True) == json.dumps(_canon(new), sort_keys=True)


def pairwise_matching(
    before: list[tuple[int, dict[str, Any]]], after: list[tuple[int, dict[str, Any]]]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list[int], list[int]]:
    """The old matching: (equal pairs, same-period pairs, added, removed) by list index."""
    unmatched = list(before)
    pending = []
    equal = []
    for index, item in after:
        twin = next((pair for pair in unmatched if _same(pair[1], item)), None)
        if twin is not None:
            unmatched.remove(twin)
            equal.append((twin[0], index))
        else:
            pending.append((index, item))
    edited, added = [], []
    for index, item in pending:
        period = str(render_value(item["period"]))  # every observation here has a period
        twin = next(
            (pair for pair in unmatched if str(render_value(pair[1]["period"])) == period), None
        )
        if twin is not None:
            unmatched.remove(twin)
            edited.append((twin[0], index))
        else:
            added.append(index)
    return equal, edited, added, [index for index, _ in unmatched]


# ------------------------------------------------------------------ periods

DAY0 = date(2020, 1, 1)
spans = st.tuples(st.integers(0, 60), st.integers(-3, 20)).map(
    lambda t: Period(f"p{t}", DAY0 + timedelta(days=t[0]), DAY0 + timedelta(days=t[0] + t[1]))
)


@settings(max_examples=400, deadline=None)
@given(periods=st.lists(spans, max_size=40))
def test_first_overlaps_equals_the_pairwise_scan(periods: list[Period]) -> None:
    assert first_overlaps(periods) == pairwise_first_overlaps(periods)


def test_first_overlaps_of_nothing_and_of_identical_periods() -> None:
    assert first_overlaps([]) == []
    same = Period("2023", date(2023, 1, 1), date(2023, 12, 31))
    assert first_overlaps([same] * 4) == [None, 0, 0, 0]


def test_pl243_reports_the_first_earlier_overlap(
    ledger: Callable[..., Path], chdir_tmp: Path
) -> None:
    def obs(period: str) -> str:
        evidence = "evidence: [{source: test-report, quote: 据}]"
        return f"    - {{period: {period}, value: 1, {evidence}}}\n"

    body = (
        "- id: t/sum\n  title: Sum\n  quote: 累计\n  made: 2016\n  start: 2016\n  deadline: 2020\n"
        "  metric: {name: Things, unit: count, aggregate: sum}\n"
        '  target: {op: ">=", value: 10}\n  progress:\n'
        + obs("2016")
        + obs("2018")
        + obs("2016/2018")
        + obs("2019")
        + obs("2018-Q2")
    )
    root = ledger({"a.yaml": pledges_file(body)}).relative_to(chdir_tmp)
    found = [
        (d.line, d.code, d.message)
        for d in lint(load(root), date(2026, 1, 1))
        if d.code != "PL261"  # the test source keeps no archived text
    ]
    assert found == [
        (
            20,
            "PL243",
            "observation for 2016/2018 overlaps the one for 2016 (item 1); a sum would count "
            "it twice",
        ),
        (
            22,
            "PL243",
            "observation for 2018-Q2 overlaps the one for 2018 (item 2); a sum would count "
            "it twice",
        ),
    ]


# ------------------------------------------------------------------ observation matching

pool = st.fixed_dictionaries(
    {"period": st.sampled_from([2021, 2022, "2022-H1", "2023"])},
    optional={
        "value": st.sampled_from([1, 1.0, 2, 2.5, None]),
        "note": st.sampled_from(["a", "b"]),
        "evidence": st.just([{"source": "s", "quote": "q"}]),
        "unit": st.sampled_from(["count", "万个"]),
    },
)


@settings(max_examples=300, deadline=None)
@given(
    before=st.lists(pool, max_size=12),
    edits=st.lists(pool, max_size=4),
    seed=st.randoms(use_true_random=False),
)
def test_matching_equals_the_pairwise_scan(
    before: list[dict[str, Any]], edits: list[dict[str, Any]], seed: Any
) -> None:
    after = [*before[: len(before) // 2], *edits, *before[len(before) // 2 :]]
    seed.shuffle(after)
    old = list(enumerate(before))
    new = [(i + 3, o) for i, o in enumerate(after)]  # list indexes need not be positions
    assert match_observations(old, new) == pairwise_matching(old, new)


def test_reordered_observations_are_no_change() -> None:
    items = [{"period": 2000 + i, "value": i, "evidence": [{"source": "s"}]} for i in range(50)]
    old = build_pledge({"id": "p", "progress": items}, Document("f"), ("pledges", 0), None)
    moved = [*reversed(items[1:]), {**items[0], "value": 1.0}]
    new = build_pledge({"id": "p", "progress": moved}, Document("f"), ("pledges", 0), None)
    assert old is not None and new is not None
    change = compare_pledge(old, new)
    assert change.fields == (
        FieldChange("progress[2000].value", "0", "1.0", ("progress", 49, "value")),
    )
    assert change.observations == ()


# ------------------------------------------------------------------ renamed pledges


def pairwise_renamed(pledge: Pledge, candidates: Sequence[Pledge]) -> str | None:
    """Renamed ids as they were found: every removed pledge against every added one."""

    def source(p: Pledge) -> str | None:
        return p.source.id if p.source else None

    for other in candidates:
        if pledge.quote and other.quote == pledge.quote and source(other) == source(pledge):
            return other.id
    return None


def _quoted(pid: str, quote: str | None, source: str | None = None) -> Pledge:
    origin = build_source({"id": source}, "f.yaml") if source else None
    pledge = build_pledge({"id": pid, "quote": quote}, Document("f.yaml"), ("pledges", 0), origin)
    assert pledge is not None
    return pledge


quoted = st.tuples(st.sampled_from(["a", "b", "c", "", None]), st.sampled_from(["s1", "s2", None]))


@settings(max_examples=200, deadline=None)
@given(
    gone=st.lists(quoted, max_size=8),
    new=st.lists(quoted, max_size=8),
)
def test_renames_equal_the_pairwise_scan(
    gone: list[tuple[str | None, str | None]], new: list[tuple[str | None, str | None]]
) -> None:
    removed = [_quoted(f"old/{i}", *q) for i, q in enumerate(gone)]
    added = [_quoted(f"new/{i}", *q) for i, q in enumerate(new)]
    expected = [pairwise_renamed(p, added) for p in removed]
    index = renames(added)
    assert [index.get(p) for p in removed] == expected
    assert [renamed(p, added) for p in removed] == expected
