"""Finite input that would overflow: lint rejects it, and the engine never computes inf/NaN."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pledges.check.lint import lint
from pledges.history.semdiff import diff
from pledges.judge.status import Context, evaluate, format_number
from pledges.model.document import Document
from pledges.model.ledger import build_pledge
from pledges.model.registries import BUILTIN_UNITS, Unit
from pledges.read.loader import load
from pledges.read.yamlread import resolve_plain
from tests.conftest import Result, pledges_file

Run = Callable[..., Result]
AS_OF = "2025-06-30"

UNITS = """\
units:
  - id: huge
    name: huge
    name_en: huge
    dimension: odd
    factor: 1.0e+300
  - id: tiny
    name: tiny
    name_en: tiny
    dimension: odd
    factor: 1.0e-300
"""

PLEDGES = """\
- id: t/convert
  title: A figure converted between extreme units
  quote: 据
  deadline: 2030
  metric: {name: Odd things, unit: tiny}
  target: {op: ">=", value: 10}
  progress:
    - period: 2024
      value: 5
      unit: huge
      evidence: [{source: test-report, quote: 据}]
  assessment:
    status: on_track
    as_of: 2024
    rationale: Going well.
    evidence: [{source: test-report, quote: 据}]
- id: t/subnormal
  title: A target of the smallest float
  quote: 据
  deadline: 2030
  metric: {name: Things, unit: count}
  target: {op: ">=", value: 5.0e-324}
  progress:
    - period: 2024
      value: 5
      evidence: [{source: test-report, quote: 据}]
"""

WHY_CONVERT = (
    "no verdict: the 2024 figure converted from huge to tiny is beyond the range of "
    "numbers the tool can compute with"
)


def _ledger(ledger: Callable[..., Path], body: str = PLEDGES) -> Path:
    return ledger({"units.yaml": UNITS, "a.yaml": pledges_file(body)})


def test_lint_rejects_extreme_factors_and_values(
    ledger: Callable[..., Path], chdir_tmp: Path
) -> None:
    root = _ledger(ledger).relative_to(chdir_tmp)
    found = [
        (d.file, d.line, d.column, d.code, d.message)
        for d in lint(load(root), date(2025, 6, 30))
        if d.code != "PL261"  # the test source keeps no archived text
    ]
    assert found == [
        (
            "ledger/a.yaml",
            30,
            31,
            "PL232",
            "'value' is implausibly small (4.94e-324; nonzero figures are at least 1e-12)",
        ),
        ("ledger/units.yaml", 6, 13, "PL272", "factor 1e+300 is outside 1e-12…1e12"),
        ("ledger/units.yaml", 11, 13, "PL272", "factor 1e-300 is outside 1e-12…1e12"),
    ]


def test_factor_range_bounds_and_non_finite_factors(
    ledger: Callable[..., Path], chdir_tmp: Path
) -> None:
    units = UNITS.replace("1.0e+300", "1.0e+12").replace("1.0e-300", ".inf")
    root = ledger({"units.yaml": units}).relative_to(chdir_tmp)
    found = [
        (d.line, d.code, d.message)
        for d in lint(load(root), date(2025, 6, 30))
        if d.code != "PL261"  # the test source keeps no archived text
    ]
    assert found == [(11, "PL272", "factor is not a finite number")]


def test_plausible_small_and_zero_values_are_fine(
    ledger: Callable[..., Path], chdir_tmp: Path
) -> None:
    body = PLEDGES.split("- id: t/subnormal")[1].replace("5.0e-324", "0.000001")
    body = "- id: t/subnormal" + body.replace("value: 5\n", "value: 0\n")
    root = ledger({"a.yaml": pledges_file(body)}).relative_to(chdir_tmp)
    assert [d for d in lint(load(root), date(2025, 6, 30)) if d.code != "PL261"] == []


def test_commands_do_not_crash_and_give_no_verdict(
    ledger: Callable[..., Path], chdir_tmp: Path, run: Run
) -> None:
    _ledger(ledger)
    status = run("status", "--as-of", AS_OF)
    assert status.exit_code == 0, status.stderr
    assert "t/convert" in status.stdout
    listed = run("list", "--format", "json", "--as-of", AS_OF)
    assert listed.exit_code == 0
    rows = {row["id"]: row for row in json.loads(listed.stdout)}
    convert = rows["t/convert"]
    assert (convert["status"], convert["computed_status"]) == ("on_track", "unrated")
    assert (convert["latest"], convert["progress"]) == (None, None)
    assert convert["explanation"] == (
        f"assessed on_track as of 2024: Going well. (computed unrated: {WHY_CONVERT})"
    )
    subnormal = rows["t/subnormal"]
    # the verdict stands; the progress share (5 / 5e-324) is not representable
    assert (subnormal["status"], subnormal["progress"]) == ("on_track", None)
    assert run("list", "--as-of", AS_OF).exit_code == 0
    shown = run("show", "t/convert", "--as-of", AS_OF)
    assert shown.exit_code == 0
    assert "computed: unrated" in shown.stdout
    lint_run = run("lint", "--format", "json", "--as-of", AS_OF)
    assert lint_run.exit_code == 1
    codes = [d["code"] for d in json.loads(lint_run.stdout)["diagnostics"]]
    assert codes == ["PL261", "PL232", "PL272", "PL272"]  # PL261: no archived source text


def test_non_finite_numbers_in_json_output_become_null(
    ledger: Callable[..., Path], chdir_tmp: Path, run: Run
) -> None:
    body = PLEDGES.split("- id: t/subnormal")[1].replace("5.0e-324", ".inf, stretch: .nan")
    ledger({"a.yaml": pledges_file("- id: t/subnormal" + body)})
    listed = run("list", "--format", "json", "--as-of", AS_OF)
    assert listed.exit_code == 0
    (row,) = json.loads(listed.stdout)
    assert row["target"] == {"op": ">=", "value": None, "stretch": None}


def test_integers_beyond_float_range_read_as_infinite(
    ledger: Callable[..., Path], chdir_tmp: Path, run: Run
) -> None:
    assert resolve_plain("0x" + "f" * 5000) == math.inf
    assert resolve_plain("-" + "9" * 400) == -math.inf
    assert resolve_plain(str(10**300)) == 10**300
    body = PLEDGES.split("- id: t/subnormal")[1].replace("5.0e-324", "0x" + "f" * 5000)
    ledger({"a.yaml": pledges_file("- id: t/subnormal" + body)})
    result = run("lint", "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "PL232 error 'value' is infinite (or too large to represent)" in result.stdout
    assert run("status", "--as-of", AS_OF).exit_code == 0


def test_diff_of_overflowing_ledgers(ledger: Callable[..., Path], chdir_tmp: Path) -> None:
    root = _ledger(ledger)
    base = load(root).ledger
    (root / "a.yaml").write_text(
        pledges_file(PLEDGES.replace("value: 5\n      unit", "value: 6\n      unit")),
        encoding="utf-8",
    )
    head = load(root).ledger
    result = diff(base, head, date(2025, 6, 30), "base", "head")
    assert [c.id for c in result.changed] == ["t/convert"]
    assert result.transitions == []


def test_format_number_of_non_finite_values() -> None:
    assert [format_number(v) for v in (math.inf, -math.inf, math.nan)] == ["inf", "-inf", "nan"]


finite = st.floats(allow_nan=False, allow_infinity=False)
factors = st.floats(min_value=5e-324, allow_infinity=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(finite, min_size=1, max_size=4),
    baseline=st.none() | finite,
    goal=finite,
    bounds=st.none() | st.tuples(finite, finite),
    op=st.sampled_from([">=", ">", "<=", "<", "about", "between"]),
    source_factor=factors,
    metric_factor=factors,
    aggregate=st.sampled_from(["latest", "sum"]),
    kind=st.sampled_from(["level", "rate"]),
    as_of=st.dates(min_value=date(2020, 1, 1), max_value=date(2031, 1, 1)),
)
def test_the_engine_never_produces_a_non_finite_number(
    values: list[float],
    baseline: float | None,
    goal: float,
    bounds: tuple[float, float] | None,
    op: str,
    source_factor: float,
    metric_factor: float,
    aggregate: str,
    kind: str,
    as_of: date,
) -> None:
    units = {
        **BUILTIN_UNITS,
        "a": Unit("a", "a", "a", "d", source_factor),
        "b": Unit("b", "b", "b", "d", metric_factor),
    }
    target: dict[str, Any] = {"op": op, "value": list(bounds) if bounds else goal}
    data: dict[str, Any] = {
        "id": "p",
        "start": 2021,
        "deadline": 2030,
        "metric": {"name": "m", "unit": "b", "aggregate": aggregate, "kind": kind},
        "target": target,
        "progress": [{"period": 2021 + i, "value": v, "unit": "a"} for i, v in enumerate(values)],
    }
    if baseline is not None:
        data["baseline"] = {"period": 2020, "value": baseline, "unit": "a"}
    pledge = build_pledge(data, Document("x"), ("pledges", 0), None)
    assert pledge is not None
    result = evaluate(pledge, as_of, Context(units, {"p": pledge}))
    figure = result.figure.value if result.figure else None
    numbers = [result.target_value, result.progress, figure]
    assert all(n is None or math.isfinite(n) for n in numbers)
    assert "inf" not in result.explanation and "nan" not in result.explanation


def test_rules_lists_the_ranges(run: Run) -> None:
    lines = run("rules").stdout.splitlines()
    assert "PL232  error    a number that is not finite, or absurdly large or small" in lines
    assert "PL272  error    a unit factor outside 1e-12…1e12 (or not a finite number)" in lines
