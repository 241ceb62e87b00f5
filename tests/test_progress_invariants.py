"""Property: progress never contradicts a verdict, for any target, kind and figure.

progress is null or ≥ 0; `achieved` ⇒ progress ≥ 1 or null; `missed` ⇒ progress < 1 or
null — for every op, `better: lower` included, with and without baselines, bounds and
approximations, and through assessments.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pledges.judge.status import Context, evaluate
from pledges.model.document import Document
from pledges.model.ledger import build_file
from pledges.model.registries import BUILTIN_UNITS

EVIDENCE = [{"source": "s", "quote": "据"}]
numbers = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda v: round(v, 3))


@st.composite
def pledges(draw: st.DrawFn) -> dict[str, Any]:
    op = draw(st.sampled_from([">=", ">", "<=", "<", "about", "between"]))
    value: Any = draw(numbers)
    if op == "between":
        other = draw(numbers)
        value = sorted([value, other])
    elif draw(st.booleans()) and op != "about":
        value = "baseline"
    target: dict[str, Any] = {"op": op, "value": value}
    if op == "about" and draw(st.booleans()):
        target["tolerance"] = draw(st.floats(min_value=0, max_value=100))
    metric: dict[str, Any] = {"name": "m", "unit": draw(st.sampled_from(["percent", "count"]))}
    metric["kind"] = draw(st.sampled_from(["level", "flow", "rate"]))
    better = draw(st.sampled_from([None, "higher", "lower"]))
    if better:
        metric["better"] = better
    pledge: dict[str, Any] = {
        "id": "t/p",
        "title": "t",
        "quote": "q",
        "made": 2023,
        "deadline": 2024,
        "metric": metric,
        "target": target,
    }
    if draw(st.booleans()) or value == "baseline":
        pledge["baseline"] = {"period": 2022, "value": draw(numbers)}
    figure: dict[str, Any] = {
        "period": draw(st.sampled_from([2024, "2024-H1", "2023"])),
        "value": draw(numbers),
        "evidence": EVIDENCE,
    }
    shape = draw(st.sampled_from(["exact", "lower", "upper", "approx"]))
    if shape in {"lower", "upper"}:
        figure["bound"] = shape
    elif shape == "approx":
        figure["approx"] = True
    pledge["progress"] = [figure]
    assessed = draw(st.sampled_from([None, "achieved", "missed", "partly"]))
    if assessed:
        pledge["assessment"] = {
            "status": assessed,
            "as_of": 2024,
            "rationale": "r",
            "evidence": EVIDENCE,
        }
    return pledge


@settings(max_examples=400, deadline=None)
@given(pledges(), st.sampled_from([date(2024, 8, 1), date(2025, 6, 1)]))
def test_progress_never_contradicts_the_verdict(data: dict[str, Any], as_of: date) -> None:
    source = {"id": "s", "date": 2023}
    ledger_file = build_file(Document("a.yaml", {"source": source, "pledges": [data]}))
    pledge = ledger_file.pledges[0]
    result = evaluate(pledge, as_of, Context(BUILTIN_UNITS, {"t/p": pledge}))
    progress = result.progress
    assert progress is None or progress >= 0
    if result.status == "achieved":
        assert progress is None or progress >= 1
    if result.status == "missed":
        assert progress is None or progress < 1
