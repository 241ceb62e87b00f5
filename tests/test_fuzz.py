"""Mutated ledgers never crash a command: exit codes 0–3, JSON that parses, and a ledger
that lints clean is one that status, list and show answer for.

Each example copies a small ledger (the golden-test sample, the bundled units.yaml and a
file that uses the rest of the format), mutates one or two of its files the way a hurried
edit or a damaged file would (byte flips, deleted or doubled lines, swapped values,
renamed keys, values of another type) and runs the read commands in-process.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pledges.cli.common import app
from tests.conftest import ROOT

CASES = ROOT / "tests" / "cases" / "ledger"
AS_OF = "2025-06-30"

# Pledges of the rest of the format: sums, ranges, about, ref, set_by, baselines,
# conversions, an assessment.
EXTRA = """\
source:
  id: fuzz-report
  title: 模糊测试报告
  title_en: Fuzz test report (test data)
  publisher: 测试
  jurisdiction: cn/zhejiang/hangzhou/binjiang
  date: 2021-01

pledges:
  - id: fuzz/sum
    title: Build 10 parks over 2021-2025
    quote: 累计建设公园10个
    start: 2021
    deadline: 2025
    metric: {name: Parks, unit: count, aggregate: sum}
    target: {op: ">=", value: 10, stretch: 12}
    progress:
      - {period: 2021, value: 3, evidence: [{source: fuzz-report, quote: 公园3个}]}
      - {period: 2022/2023, value: 4, evidence: [{source: fuzz-report, quote: 公园4个}]}
  - id: fuzz/range
    title: Keep the rate between 96 and 97
    quote: 96-97
    deadline: 2024
    metric: {name: Rate, unit: percent, kind: rate}
    target: {op: between, value: [96, 97]}
    progress:
      - {period: 2024-H1, value: 96.5, evidence: [{source: fuzz-report, quote: 96.5%}]}
  - id: fuzz/about
    title: Power capacity about 30 MW
    quote: 装机容量3万千瓦左右
    deadline: 2026
    metric: {name: Capacity, unit: MW}
    baseline: {period: 2020, value: 1.5, unit: 万千瓦}
    target: {op: about, value: 30, tolerance: 1}
    progress:
      - period: 2023
        value: 20000
        unit: kW
        outcome: false
        evidence: [{url: "https://example.org/a", title: A, date: 2024-01, quote: 2万千瓦}]
  - id: fuzz/ref
    title: Income in step with growth
    quote: 与经济增长同步
    deadline: 2023
    metric: {name: Income growth, unit: percent, kind: rate}
    target: {op: about, ref: fuzz/growth}
    progress:
      - {period: 2023, value: 5.0, evidence: [{source: fuzz-report, quote: 5.0%}]}
  - id: fuzz/growth
    title: Growth of 6%
    quote: 增长6%
    deadline: 2023
    metric: {name: Growth, unit: percent, kind: rate}
    target: {op: ">=", value: 6}
    progress:
      - {period: 2023, value: 5.2, evidence: [{source: fuzz-report, quote: 5.2%}]}
  - id: fuzz/higher
    title: Energy intensity set by the higher level
    quote: 完成上级下达指标
    deadline: 2025
    binding: true
    metric: {name: Energy intensity, unit: 吨标煤/万元, better: lower}
    target: {set_by: higher-level}
    assessment:
      status: achieved
      as_of: 2025
      rationale: The report says it was done.
      evidence: [{source: fuzz-report, quote: 完成}]
    related: [fuzz/growth]
  - id: fuzz/intensity
    title: Cut water use per output to 20 tonnes per 10,000 yuan
    quote: 万元产值用水量20吨
    deadline: 2026
    metric: {name: Water use per output, unit: 吨/万元}
    baseline: {period: 2020, value: 26}
    target: {op: "<=", value: 20}
    progress:
      - period: 2023
        value: 22500
        unit: 千克/万元
        evidence: [{source: fuzz-report, quote: 22.5吨}]
"""
# a second unit of a dimension, so that units.yaml factors take part in conversions
EXTRA_UNIT = """  - id: 千克/万元
    name: 千克/万元
    name_en: kilograms per 10,000 yuan
    dimension: mass-intensity
    factor: 0.001
"""
EXTREMES = ["1.0e+300", "1.0e-300", "5.0e-324", "1.7e308", "-1.7e308", "1e15", "1e-13", "0"]
_NUMBER = re.compile(r"^(.*\b(?:value|factor|tolerance|stretch): )(-?[0-9][0-9.e+-]*)(.*)$")

SCALARS = [
    "null",
    "true",
    "[]",
    "{}",
    "[1, 2]",
    "''",
    "-1",
    "0",
    "1e999",
    ".nan",
    "-.inf",
    "5.0e-324",
    "1.0e+300",
    "0x" + "f" * 300,
    "9" * 400,
    "2023-13-45",
    "2023/2021",
    '"a/b\\n"',
    '"\\e]8;;x\\e\\\\"',
    "'[/]'",
    "*anchor",
    "&a x",
    "!!str x",
    "{op: about}",
    '"x\\ud800"',
    "2023-Q5",
    "ｉｄ",
    "a" * 300,
]
KEYS = [
    "id",
    "value",
    "unit",
    "period",
    "target",
    "metric",
    "progress",
    "op",
    "deadline",
    "factor",
    "dimension",
    "source",
    "evidence",
    "quote",
    "aggregate",
    "kind",
    "ref",
    "baseline",
    "assessment",
    "status",
    "as_of",
    "start",
    "made",
    "jurisdiction",
    "x",
]
_KEY = re.compile(r"^(\s*-?\s*)([A-Za-z_]+):")
_VALUE = re.compile(r"^(\s*-?\s*[A-Za-z_]+: )(.+)$")


def _byte_flip(data: bytes, draw: st.DrawFn) -> bytes:
    if not data:
        return data
    at = draw(st.integers(0, len(data) - 1))
    return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


# weights by repetition: numbers at the edges of floating point find the most
KINDS = ["flip", "delete", "duplicate", "swap", "rename", "retype", "extreme", "truncate"]
WEIGHTS = [2, 2, 1, 2, 2, 3, 4, 1]


def _extreme(data: bytes, draw: st.DrawFn) -> bytes:
    text = data.decode("utf-8", "surrogateescape").splitlines(keepends=True)
    numeric = [i for i, line in enumerate(text) if _NUMBER.match(line.rstrip("\r\n"))]
    if not numeric:
        return _byte_flip(data, draw)
    at = draw(st.sampled_from(numeric))
    found = _NUMBER.match(text[at].rstrip("\r\n"))
    assert found is not None
    text[at] = found[1] + draw(st.sampled_from(EXTREMES)) + found[3] + "\n"
    return "".join(text).encode("utf-8", "surrogateescape")


@st.composite
def mutation(draw: st.DrawFn, data: bytes) -> bytes:
    kind = draw(st.sampled_from([k for k, w in zip(KINDS, WEIGHTS, strict=True) for _ in range(w)]))
    lines = _lines(data)
    if kind == "extreme":
        return _extreme(data, draw)
    if kind == "flip" or not lines:
        return _byte_flip(data, draw)
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    at = draw(st.integers(0, len(lines) - 1))
    if kind == "delete":
        return b"".join(lines[:at] + lines[at + 1 :])
    if kind == "duplicate":
        return b"".join(lines[: at + 1] + lines[at:])
    text = [line.decode("utf-8", "surrogateescape") for line in lines]
    valued = [i for i, line in enumerate(text) if _VALUE.match(line.rstrip("\r\n"))]
    if not valued:
        return _byte_flip(data, draw)
    first = draw(st.sampled_from(valued))
    line = text[first].rstrip("\r\n")
    match = _VALUE.match(line)
    assert match is not None
    if kind == "swap":
        second = draw(st.sampled_from(valued))
        other = _VALUE.match(text[second].rstrip("\r\n"))
        assert other is not None
        text[first] = match[1] + other[2] + "\n"
        text[second] = other[1] + match[2] + "\n"
    elif kind == "rename":
        text[first] = _KEY.sub(lambda m: m[1] + draw(st.sampled_from(KEYS)) + ":", line) + "\n"
    else:
        text[first] = match[1] + draw(st.sampled_from(SCALARS)) + "\n"
    return "".join(text).encode("utf-8", "surrogateescape")


def _quotes(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["quote"]] if isinstance(node.get("quote"), str) else []
        return own + [q for key, value in node.items() if key != "quote" for q in _quotes(value)]
    if isinstance(node, list):
        return [q for item in node for q in _quotes(item)]
    return []


# the extra file's source is archived too, with a text that holds each of its quotes
EXTRA_ARCHIVE = "".join(q + "\n" for q in _quotes(yaml.safe_load(EXTRA))).encode("utf-8")
ARCHIVED_EXTRA = EXTRA.replace(
    "  date: 2021-01\n",
    "  date: 2021-01\n  archive: sources/fuzz-report.txt\n"
    f"  sha256: {hashlib.sha256(EXTRA_ARCHIVE).hexdigest()}\n",
)
BASE = {
    "jurisdictions.yaml": (CASES / "jurisdictions.yaml").read_bytes(),
    "units.yaml": (ROOT / "ledger" / "units.yaml").read_bytes() + EXTRA_UNIT.encode("utf-8"),
    "cn/sample.yaml": (CASES / "cn" / "sample.yaml").read_bytes(),
    "cn/extra.yaml": ARCHIVED_EXTRA.encode("utf-8"),
    "sources/sample-report.txt": (CASES / "sources" / "sample-report.txt").read_bytes(),
    "sources/fuzz-report.txt": EXTRA_ARCHIVE,
}


@st.composite
def mutated_ledgers(draw: st.DrawFn) -> dict[str, bytes]:
    files = dict(BASE)
    for _ in range(draw(st.integers(1, 2))):
        name = draw(st.sampled_from(sorted(files)))
        files[name] = draw(mutation(files[name]))
    return files


@contextmanager
def written(files: dict[str, bytes]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="pledges-fuzz-") as folder:
        root = Path(folder) / "ledger"
        for name, data in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        yield root


def pledges(*args: str) -> tuple[int, str]:
    """Run a command in-process; any exception propagates and fails the example."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert 0 <= result.exit_code <= 3, (args, result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout


def check(root: Path) -> None:
    common = ["--ledger", str(root), "--as-of", AS_OF]
    lint_code, _ = pledges("lint", *common)
    json_code, out = pledges("lint", "--format", "json", *common)
    assert json_code == lint_code
    assert set(json.loads(out)) == {"version", "diagnostics", "summary"}
    status_code, _ = pledges("status", *common)
    list_code, out = pledges("list", "--format", "json", *common)
    rows = json.loads(out)
    assert isinstance(rows, list)
    ids = [row["id"] for row in rows] or ["binjiang/2023/gdp-growth"]
    show_code, _ = pledges("show", ids[-1], *common)
    if lint_code == 0:
        assert (status_code, list_code, show_code) == (0, 0, 0)
        assert rows, "a clean ledger lists its pledges"


def test_the_unmutated_ledger_is_clean() -> None:
    with written(dict(BASE)) as root:
        code, out = pledges("lint", "--ledger", str(root), "--as-of", AS_OF)
        assert (code, out) == (
            0,
            "no problems found; 24 quotes verified against 2 archived sources\n",
        )
        check(root)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(files=mutated_ledgers())
def test_mutated_ledgers_never_crash(files: dict[str, bytes]) -> None:
    with written(files) as root:
        check(root)
