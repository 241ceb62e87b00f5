"""benchmarks/extract_eval.py counts right on a small case made by hand."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from pledges.model.registries import BUILTIN_UNITS

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "extract_eval.py"
SEEDS = ROOT.parent / "shared" / "seeds"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("extract_eval", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["extract_eval"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


E = _load()

TEXT = "固定资产投资350亿元以上,新增绿地20万平方米,能源指标完成省市下达目标。"

PLEDGES: list[dict[str, Any]] = [
    {
        "id": "a/invest",
        "quote": "固定资产投资350亿元以上",
        "deadline": 2024,
        "metric": {"unit": "亿元"},
        "target": {"op": ">=", "value": 350},
    },
    {
        "id": "a/green",
        "quote": "新增绿地20万平方米",
        "deadline": 2024,
        "metric": {"unit": "万平方米", "kind": "flow"},
        "target": {"op": ">=", "value": 20},
    },
    {
        "id": "a/energy",
        "quote": "能源指标完成省市下达目标",
        "deadline": 2024,
        "metric": {"unit": "percent"},
        "target": {"set_by": "higher-level"},
    },
]


def cand(quote: str, target: dict[str, Any], unit: str, deadline: int, kind: str) -> dict[str, Any]:
    return {
        "quote": quote,
        "target": target,
        "deadline": deadline,
        "metric": {"unit": unit, "kind": kind},
    }


def test_recall_full_recall_and_precision_on_a_hand_made_case() -> None:
    candidates = [
        # matches a/invest after unit conversion (3.5e10 yuan = 350 亿元), deadline and kind too
        cand("投资350亿元以上", {"op": ">=", "value": 35000000000}, "CNY", 2024, "level"),
        # the right quote, the wrong value: no match
        cand("新增绿地20万平方米", {"op": ">=", "value": 2}, "万平方米", 2024, "flow"),
        # matches the higher-level target (not counted in recall: it has no value)
        cand("完成省市下达目标", {"set_by": "higher-level"}, "percent", 2024, "level"),
        # a second reading of a/green, with the wrong deadline and kind
        cand("新增绿地20万", {"op": ">=", "value": 20}, "万平方米", 2023, "level"),
        # a figure the ledger does not hold, but leaves out on purpose
        cand("能源指标", {"op": ">=", "value": 1}, "count", 2024, "level"),
    ]
    score = E.score_pledges("doc", TEXT, PLEDGES, candidates, BUILTIN_UNITS, ["能源指标"])
    assert (score.relevant, score.candidates) == (2, 5)
    # a/invest matched by the first; a/green matched by the fourth (quote overlaps, value agrees)
    assert score.matched == 2
    # full recall: only a/invest agrees on deadline and kind
    assert score.full == 1
    # precision: the first, third and fourth match a ledger pledge, the fifth is left out
    # on purpose; the second matches nothing
    assert score.correct == 4
    assert score.row() == "| doc | 2 | 5 | 100.0% | 50.0% | 80.0% |"
    assert score.wrong == ["新增绿地20万平方米 {'op': '>=', 'value': 2} 万平方米"]


def test_quotes_must_overlap_in_the_source() -> None:
    elsewhere = [cand("能源指标", {"op": ">=", "value": 350}, "亿元", 2024, "level")]
    score = E.score_pledges("doc", TEXT, PLEDGES, elsewhere, BUILTIN_UNITS)
    assert (score.matched, score.correct) == (0, 0)


def test_outcomes_count_by_quote_and_value() -> None:
    observations = [
        ("固定资产投资350亿元以上", 350, "亿元"),
        ("新增绿地20万平方米", 20, "万平方米"),
    ]
    found = [
        {"quote": "固定资产投资350亿元", "value": 350, "unit": "亿元"},
        {"quote": "新增绿地20万平方米", "value": 21, "unit": "万平方米"},
    ]
    score = E.score_outcomes("doc", TEXT, observations, found, BUILTIN_UNITS)
    assert (score.relevant, score.matched, score.candidates, score.correct) == (2, 1, 2, 1)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="needs the source documents in ../shared/seeds")
def test_the_script_runs_on_the_bundled_ledger() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    overall = [line for line in done.stdout.splitlines() if line.startswith("| overall")]
    assert len(overall) == 2
