"""Progress of long work: callbacks from the core, a bar on stderr only when it is a
terminal and the work is big or slow."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from pledges.check.lint import lint
from pledges.judge.query import evaluate_all
from pledges.present.progress import BIG, DELAY, Reporter
from pledges.read.loader import load
from tests.conftest import ROOT
from tests.test_benchmarks_gen import generate

AS_OF = date(2025, 3, 1)


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        self.calls.append((done, total))


def test_the_core_reports_files_pledges_and_rules() -> None:
    files, pledges, rules = Recorder(), Recorder(), Recorder()
    result = load(ROOT / "ledger", progress=files)
    count = len(result.ledger.files)
    assert files.calls == [(i, count) for i in range(count + 1)]
    rows = evaluate_all(result, AS_OF, pledges)
    total = len(rows)
    assert total > 256
    assert pledges.calls == [
        (0, total),
        *((n, total) for n in range(256, total, 256)),
        (total, total),
    ]
    lint(result, AS_OF, rules)
    modules = rules.calls[-1][1]  # one step per module of rules
    assert modules >= 8
    assert rules.calls == [(i, modules) for i in range(modules + 1)]


def test_no_bar_when_stderr_is_not_a_terminal() -> None:
    assert Reporter(enabled=False).phase("reading files") is None


def test_the_bar_waits_for_big_or_slow_work() -> None:
    now = [100.0]
    reporter = Reporter(enabled=True, clock=lambda: now[0])
    report = reporter.phase("judging pledges")
    assert report is not None
    report(0, 500)
    report(256, 500)
    assert not reporter.showing  # small and quick: nothing
    now[0] += DELAY
    report(300, 500)
    assert reporter.showing  # still running after DELAY seconds
    reporter.close()
    assert not reporter.showing

    big = Reporter(enabled=True, clock=lambda: 0.0)
    big.sized(BIG)
    callback = big.phase("checking rules")
    assert callback is not None
    callback(0, 8)
    assert big.showing  # a big ledger shows its bar at once
    big.close()


def test_finished_work_starts_no_bar() -> None:
    reporter = Reporter(enabled=True, clock=lambda: 0.0)
    reporter.sized(BIG * 10)
    callback = reporter.phase("reading files")
    assert callback is not None
    callback(3, 3)
    assert not reporter.showing


@pytest.fixture(scope="module")
def big_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated ledger of 20,000 pledges, made once for this module."""
    out = tmp_path_factory.mktemp("big") / "ledger"
    generate(out, 20_000, "--seeds", "none")
    return out


def status_command(ledger: Path) -> list[str]:
    return [sys.executable, "-m", "pledges", "status", "--ledger", str(ledger), "--as-of", "2025"]


def command_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TTY_COMPATIBLE", "FORCE_COLOR")}
    env.update({"PLEDGES_CACHE_DIR": str(cache), "COLUMNS": "80", "TERM": "xterm-256color"})
    return env


def on_terminal(command: list[str], env: dict[str, str], stdout: Path) -> tuple[int, str]:
    """Run with stderr on a pseudo-terminal; the exit code and what the terminal showed.

    stdout goes to a file: a pipe nobody reads while the terminal is read would fill up.
    """
    master, slave = pty.openpty()
    with stdout.open("wb") as out:
        try:
            process = subprocess.Popen(command, stdout=out, stderr=slave, env=env)
        finally:
            os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the terminal closes when the command ends
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    process.wait(timeout=600)
    return process.returncode, b"".join(chunks).decode("utf-8", "replace")


def test_status_on_a_big_ledger_shows_a_bar_on_a_terminal_and_none_piped(
    big_ledger: Path, tmp_path: Path
) -> None:
    env = command_env(tmp_path / "cache")
    report = tmp_path / "status.txt"
    code, terminal = on_terminal(status_command(big_ledger), env, report)
    stdout = report.read_text(encoding="utf-8")
    assert code == 0
    assert "judging pledges" in terminal
    assert "/20000" in terminal and "━" in terminal
    # the bar never reaches stdout: the report is whole, one line per pledge
    assert stdout.startswith("Pledges as of 2025-12-31: 20000\n")
    assert sum(1 for line in stdout.splitlines() if line.count("\t") == 6) == 20_000

    piped = subprocess.run(status_command(big_ledger), capture_output=True, env=env, check=True)
    assert piped.stderr == b""
    assert piped.stdout.decode("utf-8") == stdout


def test_export_on_a_big_ledger_shows_a_bar_on_a_terminal_and_none_piped(
    big_ledger: Path, tmp_path: Path
) -> None:
    env = command_env(tmp_path / "cache")

    def command(out: Path) -> list[str]:
        return [
            *(sys.executable, "-m", "pledges", "export", str(out), "--format", "jsonl"),
            *("--ledger", str(big_ledger), "--as-of", "2025"),
        ]

    code, terminal = on_terminal(command(tmp_path / "a"), env, tmp_path / "export.txt")
    assert code == 0
    assert "judging pledges" in terminal and "/20000" in terminal
    piped = subprocess.run(command(tmp_path / "b"), capture_output=True, env=env, check=True)
    assert piped.stderr == b""
