from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pledges.cli.common import app
from pledges.judge.status import Evaluation

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

JURISDICTIONS = """\
jurisdictions:
  - id: cn
    name: 中华人民共和国
    name_en: People's Republic of China
    level: country
  - id: cn/zhejiang
    name: 浙江省
    name_en: Zhejiang Province
    level: province
    code: "330000"
  - id: cn/zhejiang/hangzhou
    name: 杭州市
    name_en: Hangzhou
    level: prefecture
    code: "330100"
  - id: cn/zhejiang/hangzhou/binjiang
    name: 滨江区
    name_en: Binjiang District
    level: district
    code: "330108"
"""

SOURCE = """\
source:
  id: test-report
  title: 测试报告
  title_en: Test report
  publisher: 测试区人民政府
  jurisdiction: cn/zhejiang/hangzhou/binjiang
  date: 2023-01
"""


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture(autouse=True)
def _isolated_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLEDGES_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("PLEDGES_LEDGER", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run the CLI in-process; exceptions are never swallowed."""

    def invoke(*args: str, cwd: Path | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        result = CliRunner().invoke(app, list(args), catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def ledger(tmp_path: Path) -> Callable[..., Path]:
    """Make a ledger directory: jurisdictions.yaml plus the given files."""

    def make(files: dict[str, str], *, jurisdictions: str | None = JURISDICTIONS) -> Path:
        root = tmp_path / "ledger"
        root.mkdir(exist_ok=True)
        if jurisdictions is not None:
            (root / "jurisdictions.yaml").write_text(jurisdictions, encoding="utf-8")
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return make


def pledges_file(body: str) -> str:
    """A ledger file: the test source plus `pledges:` with the given (dedented) items."""
    return SOURCE + "pledges:\n" + textwrap.indent(textwrap.dedent(body), "  ")


@pytest.fixture
def chdir_tmp(tmp_path: Path) -> Iterator[Path]:
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(old)


Judge = Callable[[str, date], dict[str, Evaluation]]


@pytest.fixture
def judge(ledger: Callable[..., Path], chdir_tmp: Path) -> Judge:
    """Judge the pledges of one ledger file (the test source plus `body`) as of a date."""
    from pledges.judge.query import evaluate_all
    from pledges.read.loader import load

    def run(body: str, as_of: date) -> dict[str, Evaluation]:
        root = ledger({"a.yaml": pledges_file(body)})
        return {row.pledge.id: row.evaluation for row in evaluate_all(load(root), as_of)}

    return run


def obs(period: str | int, value: float, extra: str = "") -> str:
    """A progress item, indented for a pledge body, citing the test source."""
    return (
        f"    - period: {period}\n      value: {value}\n{extra}"
        "      evidence: [{source: test-report, quote: 据}]\n"
    )


def done_obs(period: str, done: bool = True) -> str:
    """A milestone's progress item."""
    return (
        f"    - period: {period}\n      done: {'true' if done else 'false'}\n"
        "      evidence: [{source: test-report, quote: 据}]\n"
    )
