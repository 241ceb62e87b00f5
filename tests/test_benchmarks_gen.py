"""The benchmark ledger generator: deterministic output that lints clean."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from pledges.check.lint import lint
from pledges.read.loader import load

ROOT = Path(__file__).resolve().parents[1]
GENERATOR = ROOT / "benchmarks" / "gen_ledger.py"
SEEDS = ROOT.parent / "shared" / "seeds"


def generate(out: Path, pledges: int, *options: str) -> None:
    subprocess.run(
        [sys.executable, str(GENERATOR), str(out), str(pledges), *options],
        check=True,
        capture_output=True,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.yaml"))}


def test_same_arguments_give_the_same_bytes(tmp_path: Path) -> None:
    generate(tmp_path / "a", 120, "--files", "3", "--seed", "7", "--seeds", "none")
    generate(tmp_path / "b", 120, "--files", "3", "--seed", "7", "--seeds", "none")
    first, second = snapshot(tmp_path / "a"), snapshot(tmp_path / "b")
    assert len(first) == 4  # jurisdictions.yaml and three ledger files
    assert first == second


def test_the_seed_changes_the_output(tmp_path: Path) -> None:
    generate(tmp_path / "a", 60, "--seed", "1", "--seeds", "none")
    generate(tmp_path / "b", 60, "--seed", "2", "--seeds", "none")
    assert snapshot(tmp_path / "a") != snapshot(tmp_path / "b")


@pytest.mark.parametrize("seeds", ["none", "shared"])
def test_generated_ledger_lints_clean(tmp_path: Path, seeds: str) -> None:
    if seeds == "shared" and not SEEDS.is_dir():
        pytest.skip("../shared/seeds is absent")
    generate(tmp_path, 60, "--files", "2", "--seeds", "none" if seeds == "none" else str(SEEDS))
    result = load(tmp_path)
    assert lint(result, date(2026, 1, 1)) == []
    assert not result.unreadable
    assert len(result.ledger.files) == 2
    assert len(result.ledger.pledges) == 60
    assert len(result.ledger.jurisdictions) >= 4


def test_every_kind_of_target_occurs(tmp_path: Path) -> None:
    generate(tmp_path, 60, "--seeds", "none")
    pledges = load(tmp_path).ledger.pledges
    targets = [p.target for p in pledges if p.target is not None]
    ops = {t.op for t in targets if not t.ref and not t.set_by}
    assert ops == {">=", ">", "<=", "<", "about", "between"}
    assert any(t.stretch is not None for t in targets)
    assert any(t.ref is not None for t in targets)
    assert any(t.set_by == "higher-level" for t in targets)
    sums = [p for p in pledges if p.metric is not None and p.metric.aggregate == "sum"]
    assert sums and all("start" in p.raw for p in sums)
    assert any(p.target is None for p in pledges)
    assert any(p.assessment is not None for p in pledges)
    assert any(p.baseline is not None for p in pledges)
    assert any(len(p.progress) >= 2 for p in pledges)
    assert all(len(p.progress) <= 4 for p in pledges)
