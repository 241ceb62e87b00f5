"""SARIF 2.1.0 and Markdown renderings of diagnostics, alone and through `pledges lint`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from typer.testing import CliRunner

from pledges import __version__
from pledges.check.catalog import all_rules
from pledges.cli.common import app
from pledges.model.diagnostics import Diagnostic, Severity
from pledges.present.formats import (
    LOADER_RULES,
    MARKDOWN_LIMIT,
    artifact_uri,
    to_markdown,
    to_sarif,
)
from tests.conftest import archive_sources

REPO = Path(__file__).resolve().parent.parent

# The part of the OASIS SARIF 2.1.0 schema that pledges' output uses, with the schema's
# own constraints: required keys, enums, minimums and no properties it does not define.
_OBJ: dict[str, Any] = {"type": "object", "additionalProperties": False}
SARIF_SUBSET: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    **_OBJ,
    "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string"},
        "version": {"enum": ["2.1.0"]},
        "runs": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/run"}},
    },
    "definitions": {
        "run": {
            **_OBJ,
            "required": ["tool"],
            "properties": {
                "tool": {"$ref": "#/definitions/tool"},
                "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                "results": {"type": "array", "items": {"$ref": "#/definitions/result"}},
            },
        },
        "tool": {
            **_OBJ,
            "required": ["driver"],
            "properties": {"driver": {"$ref": "#/definitions/toolComponent"}},
        },
        "toolComponent": {
            **_OBJ,
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "version": {"type": "string"},
                "rules": {
                    "type": "array",
                    "uniqueItems": True,
                    "items": {"$ref": "#/definitions/reportingDescriptor"},
                },
            },
        },
        "reportingDescriptor": {
            **_OBJ,
            "required": ["id"],
            "properties": {
                "id": {"type": "string"},
                "shortDescription": {"$ref": "#/definitions/multiformatMessageString"},
                "defaultConfiguration": {
                    **_OBJ,
                    "properties": {"level": {"enum": ["none", "note", "warning", "error"]}},
                },
            },
        },
        "multiformatMessageString": {
            **_OBJ,
            "required": ["text"],
            "properties": {"text": {"type": "string"}},
        },
        "result": {
            **_OBJ,
            "required": ["message"],
            "properties": {
                "ruleId": {"type": "string"},
                "ruleIndex": {"type": "integer", "minimum": -1},
                "level": {"enum": ["none", "note", "warning", "error"]},
                "message": {"$ref": "#/definitions/message"},
                "locations": {"type": "array", "items": {"$ref": "#/definitions/location"}},
            },
        },
        "message": {
            **_OBJ,
            "anyOf": [{"required": ["text"]}, {"required": ["id"]}],
            "properties": {"text": {"type": "string"}, "id": {"type": "string"}},
        },
        "location": {
            **_OBJ,
            "properties": {
                "physicalLocation": {"$ref": "#/definitions/physicalLocation"},
                "logicalLocations": {
                    "type": "array",
                    "items": {"$ref": "#/definitions/logicalLocation"},
                },
            },
        },
        "logicalLocation": {
            **_OBJ,
            "properties": {"fullyQualifiedName": {"type": "string"}, "kind": {"type": "string"}},
        },
        "physicalLocation": {
            **_OBJ,
            "required": ["artifactLocation"],
            "properties": {
                "artifactLocation": {
                    **_OBJ,
                    "required": ["uri"],
                    "properties": {"uri": {"type": "string"}},
                },
                "region": {
                    **_OBJ,
                    "required": ["startLine"],
                    "properties": {
                        "startLine": {"type": "integer", "minimum": 1},
                        "startColumn": {"type": "integer", "minimum": 1},
                    },
                },
            },
        },
    },
}

E, W = Severity.ERROR, Severity.WARNING
SAMPLE = [
    Diagnostic(
        "ledger/cn/plan.yaml",
        6,
        17,
        "PL212",
        E,
        "unknown jurisdiction 'cn/atlantis'",
        None,
        "$.source.jurisdiction",
    ),
    Diagnostic("ledger/cn/plan.yaml", 14, 3, "PL002", E, "YAML syntax error"),
    Diagnostic("ledger/cn/计划 2.yaml", 9, 5, "PL222", W, "outside the period", "move it"),
]

GOOD_LEDGER = """\
source:
  id: test-plan
  title: 测试计划
  title_en: A test plan
  publisher: 测试
  jurisdiction: {jurisdiction}
  date: 2024-01

pledges:
  - id: test/2024/gdp-growth
    title: Grow GDP by at least 5% in 2024
    quote: 地区生产总值增长5%以上
    deadline: 2024
    tags: [economy]
    metric: {{name: Real GDP growth, unit: percent, kind: rate}}
    target: {{op: ">=", value: 5.0}}
"""


def _validate(log: dict[str, Any]) -> None:
    jsonschema.Draft7Validator.check_schema(SARIF_SUBSET)
    jsonschema.validate(log, SARIF_SUBSET, cls=jsonschema.Draft7Validator)


def test_sarif_log_is_valid_and_lists_every_rule() -> None:
    log = json.loads(to_sarif(SAMPLE))
    _validate(log)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("pledges", __version__)
    ids = [rule["id"] for rule in driver["rules"]]
    expected = {f"PL00{n}" for n in range(1, 8)} | {f"PL10{n}" for n in range(5)} | set(all_rules())
    assert set(ids) == expected
    assert set(LOADER_RULES) == {f"PL00{n}" for n in range(1, 8)} | {f"PL10{n}" for n in range(5)}
    assert ids == sorted(ids)
    by_id = {rule["id"]: rule for rule in driver["rules"]}
    assert by_id["PL222"]["defaultConfiguration"] == {"level": "warning"}
    assert by_id["PL212"]["shortDescription"]["text"] == all_rules()["PL212"].summary
    assert by_id["PL003"]["defaultConfiguration"] == {"level": "error"}


def test_sarif_results_carry_rule_level_message_and_location() -> None:
    run = json.loads(to_sarif(SAMPLE))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    first, second, third = run["results"]
    assert first == {
        "ruleId": "PL212",
        "ruleIndex": first["ruleIndex"],
        "level": "error",
        "message": {"text": "unknown jurisdiction 'cn/atlantis'"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": "ledger/cn/plan.yaml"},
                    "region": {"startLine": 6, "startColumn": 17},
                },
                "logicalLocations": [
                    {"fullyQualifiedName": "$.source.jurisdiction", "kind": "member"}
                ],
            }
        ],
    }
    assert "logicalLocations" not in second["locations"][0]
    assert third["level"] == "warning"
    assert third["message"]["text"] == "outside the period (move it)"
    assert third["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "ledger/cn/%E8%AE%A1%E5%88%92%202.yaml"
    )
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_adds_a_rule_for_an_unknown_code() -> None:
    odd = Diagnostic("a.yaml", 0, 0, "PL999", E, "new check")
    run = json.loads(to_sarif([odd]))["runs"][0]
    _validate({"version": "2.1.0", "runs": [run]})
    rule = run["tool"]["driver"]["rules"][run["results"][0]["ruleIndex"]]
    assert rule["id"] == "PL999"
    assert run["results"][0]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1,
        "startColumn": 1,
    }


def test_sarif_with_no_findings_is_valid() -> None:
    log = json.loads(to_sarif([]))
    _validate(log)
    assert log["runs"][0]["results"] == []


def test_subset_schema_rejects_what_sarif_forbids() -> None:
    log = json.loads(to_sarif(SAMPLE))
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError, match="'fatal' is not one of"):
        _validate(log)
    log = json.loads(to_sarif(SAMPLE))
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    with pytest.raises(jsonschema.ValidationError, match="0 is less than the minimum of 1"):
        _validate(log)


@pytest.mark.parametrize(
    ("name", "uri"),
    [
        ("ledger/a.yaml", "ledger/a.yaml"),
        ("./ledger/a.yaml", "ledger/a.yaml"),
        ("../other/a b#1.yaml", "../other/a%20b%231.yaml"),
        ("/srv/ledger/a.yaml", "file:///srv/ledger/a.yaml"),
    ],
)
def test_artifact_uri(name: str, uri: str) -> None:
    assert artifact_uri(name) == uri


def _ledger(root: Path, jurisdiction: str) -> None:
    (root / "ledger" / "cn").mkdir(parents=True)
    shutil.copy(REPO / "ledger" / "jurisdictions.yaml", root / "ledger" / "jurisdictions.yaml")
    (root / "ledger" / "cn" / "plan.yaml").write_text(
        GOOD_LEDGER.format(jurisdiction=jurisdiction), encoding="utf-8"
    )
    archive_sources(root / "ledger")


def test_lint_format_sarif_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _ledger(tmp_path, "cn/atlantis")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLEDGES_LEDGER", raising=False)
    monkeypatch.setenv("PLEDGES_CACHE_DIR", str(tmp_path / "cache"))
    result = CliRunner().invoke(app, ["lint", "--format", "sarif", "--as-of", "2025-06-01"])
    assert result.exit_code == 1, result.output
    log = json.loads(result.stdout)
    _validate(log)
    (found,) = log["runs"][0]["results"]
    assert found["ruleId"] == "PL212"
    assert found["message"]["text"].startswith("unknown jurisdiction 'cn/atlantis'")
    assert found["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "ledger/cn/plan.yaml"},
        "region": {"startLine": 8, "startColumn": 17},
    }


def test_lint_format_markdown_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _ledger(tmp_path, "cn/zhejiang")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PLEDGES_LEDGER", raising=False)
    monkeypatch.setenv("PLEDGES_CACHE_DIR", str(tmp_path / "cache"))
    clean = CliRunner().invoke(app, ["lint", "--format", "markdown", "--as-of", "2025-06-01"])
    assert (clean.exit_code, clean.stdout) == (0, "## pledges lint\n\nNo problems found.\n\n")
    plan = tmp_path / "ledger" / "cn" / "plan.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("[economy]", "[economy, '*x|y*']"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["lint", "--format", "markdown", "--as-of", "2025-06-01"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[:6] == [
        "## pledges lint",
        "",
        "**2 errors, 0 warnings** in 1 file.",
        "",
        "| file | line | code | severity | message |",
        "| --- | ---: | --- | --- | --- |",
    ]
    assert lines[6].startswith("| ledger/cn/plan.yaml | 16 | PL104 | error | ")
    assert lines[7] == (
        "| ledger/cn/plan.yaml | 16 | PL214 | error | unknown tag '\\*x\\|y\\*' "
        "(see the tag vocabulary in docs/ledger-format.md) |"
    )


def test_markdown_table_exact() -> None:
    assert to_markdown(SAMPLE) == (
        "## pledges lint\n\n"
        "**2 errors, 1 warning** in 2 files.\n\n"
        "| file | line | code | severity | message |\n"
        "| --- | ---: | --- | --- | --- |\n"
        "| ledger/cn/plan.yaml | 6 | PL212 | error | unknown jurisdiction 'cn/atlantis' |\n"
        "| ledger/cn/plan.yaml | 14 | PL002 | error | YAML syntax error |\n"
        "| ledger/cn/计划 2.yaml | 9 | PL222 | warning | outside the period (move it) |\n"
    )
    assert to_markdown([]) == "## pledges lint\n\nNo problems found.\n"
    assert to_markdown([], title="diff | main") == "## diff \\| main\n\nNo problems found.\n"


def test_markdown_cell_cannot_break_the_table() -> None:
    hostile = Diagnostic("x|y.yaml", 1, 1, "PL002", E, "a | b\n| c | d |\n<img src=x>")
    row = to_markdown([hostile]).splitlines()[-1]
    # Only the five column separators are unescaped pipes.
    assert len(re.findall(r"(?<!\\)\|", row)) == 6
    assert "<" not in row and "\n" not in row


def _synthetic(count: int, files: int) -> list[Diagnostic]:
    codes = ["PL201", "PL212", "PL214", "PL222", "PL230"]
    return [
        Diagnostic(
            f"ledger/cn/district-{i % files:05d}/report.yaml",
            i + 1,
            5,
            codes[i % 5],
            W if codes[i % 5] == "PL222" else E,
            f"finding number {i} with a | pipe and *stars* and 中文 to make the row long",
        )
        for i in range(count)
    ]


def _sections(text: str) -> tuple[list[str], dict[str, int], dict[str, int], list[str]]:
    """(main table rows, by-code counts, by-file counts, '… and N more' lines)."""
    main, _, rest = text.partition("### By code")
    rows = [line for line in main.splitlines() if line.startswith("| ledger/")]
    codes_part, _, files_part = rest.partition("### By file")

    def counts(part: str) -> dict[str, int]:
        out = {}
        for line in part.splitlines():
            match = re.fullmatch(r"\| (.+) \| (\d+) \|", line)
            if match:
                out[match[1]] = int(match[2])
        return out

    more = [line for line in rest.splitlines() if line.startswith("… and ")]
    return rows, counts(codes_part), counts(files_part), more


def test_markdown_truncates_50000_findings_under_the_limit() -> None:
    diagnostics = _synthetic(50_000, 40)
    text = to_markdown(diagnostics)
    size = len(text.encode("utf-8"))
    assert size <= MARKDOWN_LIMIT
    assert size > 0.9 * MARKDOWN_LIMIT
    rows, by_code, by_file, more = _sections(text)
    shown = len(rows)
    assert 5_000 < shown < 50_000
    assert (
        f"Showing the first {shown} of 50000 findings; "
        f"the other {50_000 - shown} are counted below."
    ) in text
    assert "**40000 errors, 10000 warnings** in 40 files." in text
    # The rows shown are the first ones, in order.
    assert rows[0].startswith(
        "| ledger/cn/district-00000/report.yaml | 1 | PL201 | error | finding number 0 "
    )
    assert rows[-1].startswith(
        f"| ledger/cn/district-{(shown - 1) % 40:05d}/report.yaml | {shown} |"
    )
    rest = diagnostics[shown:]
    assert by_code == {
        code: sum(1 for d in rest if d.code == code) for code in {d.code for d in rest}
    }
    assert sum(by_file.values()) == len(rest)
    assert len(by_file) == 40
    assert more == []


def test_markdown_summary_of_many_files_is_bounded() -> None:
    diagnostics = _synthetic(50_000, 50_000)
    text = to_markdown(diagnostics)
    assert len(text.encode("utf-8")) <= MARKDOWN_LIMIT
    rows, by_code, by_file, more = _sections(text)
    rest = len(diagnostics) - len(rows)
    assert sum(by_code.values()) == rest
    assert 0 < len(by_file) <= 200
    (line,) = more
    hidden_files = rest - len(by_file)
    assert line == f"… and {hidden_files} more files ({hidden_files} findings)."


@pytest.mark.parametrize("limit", [2_000, 5_000, 20_000, 300_000])
def test_markdown_respects_any_limit(limit: int) -> None:
    diagnostics = _synthetic(3_000, 700)
    text = to_markdown(diagnostics, max_bytes=limit)
    assert len(text.encode("utf-8")) <= limit
    rows, by_code, _, _ = _sections(text)
    assert sum(by_code.values()) == 3_000 - len(rows)


def test_markdown_that_fits_is_not_truncated() -> None:
    diagnostics = _synthetic(20, 3)
    full = to_markdown(diagnostics)
    assert to_markdown(diagnostics, max_bytes=len(full.encode("utf-8"))) == full
    shorter = to_markdown(diagnostics, max_bytes=len(full.encode("utf-8")) - 1)
    assert "### By code" in shorter
