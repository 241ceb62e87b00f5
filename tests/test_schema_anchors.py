"""Schema patterns are anchored at both ends in every validator: no trailing newline slips by."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from pledges.check.lint import lint
from pledges.model.document import Document
from pledges.read import schema
from pledges.read.loader import load
from tests.conftest import JURISDICTIONS, ROOT, pledges_file

GOOD = """\
- id: t/gdp
  title: Grow GDP by 5%
  quote: 地区生产总值增长5%
  deadline: 2023
  tags: [economy]
  metric: {name: GDP growth, unit: percent, kind: rate}
  target: {op: ">=", value: 5}
"""

# (text to replace, replacement with a trailing newline, expected finding)
CASES = [
    (
        "id: t/gdp",
        'id: "t/gdp\\n"',
        (
            9,
            9,
            "'id' is not a valid id: lowercase ASCII slugs joined by '/', e.g. "
            "xiaoshan/2023/gdp-growth: 't/gdp\\n'",
        ),
    ),
    (
        "deadline: 2023",
        'deadline: "2023\\n"',
        (
            12,
            15,
            "'deadline' is not a period: use YYYY, YYYY-HN, YYYY-QN, YYYY-MM or "
            "YYYY-MM-DD, not '2023\\n'",
        ),
    ),
    (
        "tags: [economy]",
        'tags: ["economy\\n"]',
        (13, 12, "'tags' item 1 is not a tag: lowercase letters, digits and '-': 'economy\\n'"),
    ),
    (
        "unit: percent",
        'unit: "percent\\n"',
        (14, 38, "'unit' does not match ^\\S+$: 'percent\\n'"),
    ),
]


def _findings(root: Path) -> list[tuple[int, int, str, str]]:
    return [(d.line, d.column, d.code, d.message) for d in lint(load(root), date(2026, 1, 1))]


@pytest.mark.parametrize(("old", "new", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_trailing_newline_does_not_match(
    ledger: Callable[..., Path],
    chdir_tmp: Path,
    old: str,
    new: str,
    expected: tuple[int, int, str],
) -> None:
    root = ledger({"a.yaml": pledges_file(GOOD.replace(old, new))}).relative_to(chdir_tmp)
    line, column, message = expected
    assert (line, column, "PL104", message) in _findings(root)


def test_source_fields_and_registries(ledger: Callable[..., Path], chdir_tmp: Path) -> None:
    text = pledges_file(GOOD).replace("id: test-report", 'id: "test-report\\n"')
    text = text.replace("date: 2023-01", 'date: 2023-01\n  url: "https://example.org\\n"')
    units = 'units:\n  - {id: "x\\n", name: x, name_en: x, dimension: "d\\n", factor: 1}\n'
    jurisdictions = JURISDICTIONS.replace('code: "330000"', 'code: "330000\\n"')
    root = ledger({"a.yaml": text, "units.yaml": units}, jurisdictions=jurisdictions)
    found = {
        (d.file, d.code, d.message)
        for d in lint(load(root.relative_to(chdir_tmp)), date(2026, 1, 1))
    }
    assert {
        (
            "ledger/a.yaml",
            "PL104",
            "'id' is not a valid id: use lowercase ASCII letters, "
            "digits, '.', '_' and '-': 'test-report\\n'",
        ),
        (
            "ledger/a.yaml",
            "PL104",
            "'url' is not an http(s) URL with a host: 'https://example.org\\n'",
        ),
        ("ledger/units.yaml", "PL104", "'id' does not match ^\\S+$: 'x\\n'"),
        (
            "ledger/units.yaml",
            "PL104",
            "'dimension' is not a tag: lowercase letters, digits and '-': 'd\\n'",
        ),
        ("ledger/jurisdictions.yaml", "PL104", "'code' does not match ^[0-9]{6}$: '330000\\n'"),
    } <= found


def _patterns(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "pattern" in node:
            yield node
        for value in node.values():
            yield from _patterns(value)
    elif isinstance(node, list):
        for value in node:
            yield from _patterns(value)


def test_every_anchored_pattern_refuses_newlines() -> None:
    found = 0
    for name in schema.SCHEMAS:
        for node in _patterns(schema.load_schema(name)):
            if node["pattern"].endswith("$"):
                found += 1
                assert node.get("not") == {"pattern": "\\n"}, (name, node["pattern"])
    assert found >= 12


PATTERNS = sorted(
    {
        node["pattern"]
        for name in schema.SCHEMAS
        for node in _patterns(schema.load_schema(name))
        if node["pattern"].endswith("$")
    }
)


@settings(max_examples=200, deadline=None)
@given(
    pattern=st.sampled_from(PATTERNS),
    body=st.text(alphabet="az09/-.:_ \n\r\tHQ", max_size=12),
    tail=st.sampled_from(["", "\n", "\r", " ", "\n\n"]),
)
def test_both_validators_agree_on_every_pattern(pattern: str, body: str, tail: str) -> None:
    import fastjsonschema

    node = {"type": "string", "pattern": pattern, "not": {"pattern": "\\n"}}
    value = body + tail
    reference = Draft202012Validator(node).is_valid(value)
    fast = fastjsonschema.compile(node)
    try:
        fast(value)
        fast_ok = True
    except fastjsonschema.JsonSchemaException:
        fast_ok = False
    assert reference == fast_ok
    # and both mean a whole-string match without a newline anywhere
    assert reference == (
        re.fullmatch(pattern.removesuffix("$"), value) is not None and "\n" not in value
    )


def test_validators_that_disagree_never_pass_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "is_valid", lambda name, data: False)
    doc = Document("a.yaml", {"jurisdictions": []})
    (found,) = schema.validate("jurisdictions", doc)
    assert (found.line, found.column, found.code, found.message) == (
        1,
        1,
        "PL100",
        "the file does not match the schema, but the reference validator finds no error",
    )


def test_check_jsonschema_refuses_a_trailing_newline(tmp_path: Path) -> None:
    beside = Path(sys.executable).parent / "check-jsonschema"
    executable = str(beside) if beside.exists() else shutil.which("check-jsonschema")
    if executable is None:
        pytest.skip("check-jsonschema is not installed")
    good = tmp_path / "good.yaml"
    good.write_text(pledges_file(GOOD), encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(pledges_file(GOOD.replace("id: t/gdp", 'id: "t/gdp\\n"')), encoding="utf-8")
    schema_file = str(ROOT / "schema" / "ledger-file.schema.json")
    for path, code in ((good, 0), (bad, 1)):
        done = subprocess.run(
            [executable, "--schemafile", schema_file, str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == code, done.stdout + done.stderr
    assert json.loads((ROOT / "schema" / "ledger-file.schema.json").read_text("utf-8"))


@pytest.mark.parametrize("text", ["2023\n", "2023-Q1\n", "2021/2023\n"])
def test_periods_refuse_a_trailing_newline(text: str) -> None:
    from pledges.model.periods import PeriodError, parse_period

    with pytest.raises(PeriodError):
        parse_period(text, allow_span=True)
