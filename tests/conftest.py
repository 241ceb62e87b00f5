from __future__ import annotations

import hashlib
import os
import textwrap
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
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


def _quotes_by_source(node: Any, own: str, found: dict[str, list[str]]) -> None:
    if isinstance(node, list):
        for item in node:
            _quotes_by_source(item, own, found)
    elif isinstance(node, dict):
        quote = node.get("quote")
        if isinstance(quote, str) and ("source" in node or "url" not in node):
            found.setdefault(str(node.get("source", own)), []).append(quote)
        for key, value in node.items():
            if key != "quote":
                _quotes_by_source(value, own, found)


def archive_sources(root: Path, also: Sequence[str] = ()) -> None:
    """Archive the source of every ledger file under `root` as a ledger that verifies its
    quotes does: `sources/<id>.txt` holds each quote citing the source (and the quotes
    `also`), one a line, and `archive` and `sha256` follow the source's `id` line (two
    lines more in the file)."""
    registries = {root / "jurisdictions.yaml", root / "units.yaml"}
    files = [p for p in sorted(root.rglob("*.yaml")) if p not in registries]
    found: dict[str, list[str]] = {}
    ids: dict[Path, str] = {}
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        ids[path] = data["source"]["id"]
        _quotes_by_source(data.get("pledges"), ids[path], found)
    (root / "sources").mkdir(exist_ok=True)
    for path, source_id in ids.items():
        archive = root / "sources" / f"{source_id}.txt"
        quotes = [*found.get(source_id, []), *also]
        archive.write_text("".join(q + "\n" for q in quotes), encoding="utf-8")
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()
        text = path.read_text(encoding="utf-8")
        line = f"  id: {source_id}\n"
        added = f"  archive: sources/{source_id}.txt\n  sha256: {digest}\n"
        path.write_text(text.replace(line, line + added, 1), encoding="utf-8")
