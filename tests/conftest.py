from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pledges.cli.common import app

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
