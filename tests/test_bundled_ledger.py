"""The ledger shipped in ledger/ is clean, and its quotes are verbatim when the seeds exist."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, SHARED, Result


def _ledger_quotes(node: Any) -> int:
    """Quotes the lint checks: every `quote` but those of evidence cited by URL alone."""
    if isinstance(node, list):
        return sum(_ledger_quotes(item) for item in node)
    if not isinstance(node, dict):
        return 0
    here = int(isinstance(node.get("quote"), str) and ("url" not in node or "source" in node))
    return here + sum(_ledger_quotes(v) for k, v in node.items() if k != "quote")


def test_bundled_ledger_lints_clean_with_every_quote_verified(run: Callable[..., Result]) -> None:
    files = [p for p in (ROOT / "ledger").rglob("*.yaml") if p.parent != ROOT / "ledger"]
    quotes = sum(_ledger_quotes(yaml.safe_load(p.read_text(encoding="utf-8"))) for p in files)
    result = run("lint", "--strict", "--ledger", str(ROOT / "ledger"))
    assert (result.exit_code, result.stdout.strip()) == (
        0,
        f"no problems found; {quotes} quotes verified against {len(files)} archived sources",
    )


@pytest.mark.skipif(not (SHARED / "tools" / "check_quotes.py").is_file(), reason="../shared absent")
def test_every_quote_is_verbatim() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(SHARED / "tools" / "check_quotes.py"),
            str(ROOT / "ledger"),
            str(SHARED / "seeds"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:]
    found = re.search(r"(\d+) of (\d+) quotes found verbatim", done.stdout)
    assert found and found[1] == found[2]


def test_schema_stage_agrees_with_check_jsonschema() -> None:
    beside = Path(sys.executable).parent / "check-jsonschema"
    executable = str(beside) if beside.exists() else shutil.which("check-jsonschema")
    if executable is None:
        pytest.skip("check-jsonschema is not installed")
    files = sorted(str(p) for p in (ROOT / "ledger").rglob("*.yaml") if p.parent != ROOT / "ledger")
    done = subprocess.run(
        [str(executable), "--schemafile", str(ROOT / "schema" / "ledger-file.schema.json"), *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("as_of", ["2023-06-01", "2026-06-01"])
def test_bundled_verdicts_keep_their_invariants(run: Callable[..., Result], as_of: str) -> None:
    """No `overdue`; progress is null or ≥ 0, at least 1 when achieved, below 1 when missed."""
    import json

    result = run("list", "--format", "json", "--as-of", as_of, "--ledger", str(ROOT / "ledger"))
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert records and all(r["status"] != "overdue" for r in records)
    for record in records:
        progress = record["progress"]
        assert progress is None or progress >= 0, record["id"]
        if record["status"] == "achieved":
            assert progress is None or progress >= 1, record["id"]
        if record["status"] == "missed":
            assert progress is None or progress < 1, record["id"]


def test_bundled_readings_of_format_v2(run: Callable[..., Result]) -> None:
    import json

    def show(pledge_id: str) -> dict[str, Any]:
        args = ("show", pledge_id, "--format", "json", "--as-of", "2026-06-01")
        result = run(*args, "--ledger", str(ROOT / "ledger"))
        assert result.exit_code == 0, result.stderr
        data: dict[str, Any] = json.loads(result.stdout)
        return data

    green = show("binjiang/2024/new-green-area")
    assert green["metric"] == {
        "name": "New green area",
        "unit": "万平方米",
        "aggregate": "latest",
        "kind": "flow",
        "better": None,
    }
    assert show("binjiang/2023/rd-intensity")["explanation"] == (
        "unrated: reported only as about 10% for 2023, which does not settle ≥10%"
    )
    assert show("xiaoshan/2021/hangshao-intercity-opening")["explanation"] == (
        "achieved: done in 2021-06, by the deadline 2021-06"
    )
    assert show("xiaoshan/14th-fyp/gdp-above-2600")["same_as"] == "xiaoshan/14th-fyp/gdp"
    jobs = show("xiaoshan/14th-fyp/ch11-urban-jobs-yearly")
    assert [(o["period"], o["status"]) for o in jobs["occurrences"]] == [
        ("2021", "unreported"),
        ("2022", "achieved"),
        ("2023", "unreported"),
        ("2024", "unreported"),
        ("2025", "unreported"),
    ]
    removed = run("show", "xiaoshan/2021/asian-games-road-projects-started", "--ledger",
                  str(ROOT / "ledger"))  # fmt: skip
    assert removed.exit_code == 2
