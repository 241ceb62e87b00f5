"""Drafts: flagged by lint, left out of reports, accepted or rejected byte for byte."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from pledges.read.safe import display_name
from tests.conftest import Result, pledges_file

DRAFTS = pledges_file(
    """\
    - id: t/2023/gdp
      title: Grow GDP by 5% in 2023
      quote: 地区生产总值增长5%
      deadline: 2023
      metric: {name: GDP growth, unit: percent, kind: rate}
      target: {op: ">=", value: 5}
      progress:
        - period: 2023
          value: 4
          evidence:
            - {source: test-report, quote: 增长4%}
        # extracted from line 3 by rule prose:floor (confidence 0.6)
        - period: 2023
          value: 6
          evidence:
            - {source: test-report, quote: 增长6%}
          review: draft

    # extracted from line 9 by rule prose:以上 (confidence 0.8)
    - id: t/2023/parks
      review: draft
      title: Add at least 3 parks by 2023
      quote: 新建公园3个以上
      deadline: 2023
      metric: {name: 公园, unit: count, kind: flow}
      target: {op: ">=", value: 3}
    """
)


def _ledger(ledger: Callable[..., Path], text: str = DRAFTS) -> Path:
    return ledger({"a.yaml": text})


def _findings(run: Callable[..., Result], root: Path) -> list[str]:
    """Codes lint reports; the test source keeps no archived text, so its warning (PL261)
    is left out."""
    result = run("lint", "--ledger", str(root), "--format", "json")
    return [d["code"] for d in json.loads(result.stdout)["diagnostics"] if d["code"] != "PL261"]


def test_lint_flags_drafts_as_warnings_and_errors_under_strict(
    run: Callable[..., Result], ledger: Callable[..., Path]
) -> None:
    root = _ledger(ledger)
    result = run("lint", "--ledger", str(root), "--format", "json")
    found = [
        (d["line"], d["column"], d["code"], d["severity"], d["message"])
        for d in json.loads(result.stdout)["diagnostics"]
        if d["code"] != "PL261"
    ]
    assert found == [
        (25, 9, "PL290", "warning", "an observation of 't/2023/gdp' is a draft awaiting review"),
        (29, 5, "PL290", "warning", "pledge 't/2023/parks' is a draft awaiting review"),
    ]
    assert result.exit_code == 0
    assert run("lint", "--ledger", str(root), "--strict").exit_code == 1


def test_drafts_are_left_out_of_reports_and_listed_with_drafts(
    run: Callable[..., Result], ledger: Callable[..., Path]
) -> None:
    root = _ledger(ledger)
    rows = json.loads(
        run("list", "--ledger", str(root), "--format", "json", "--as-of", "2024-06-01").stdout
    )
    assert [r["id"] for r in rows] == ["t/2023/gdp"]
    # the draft figure 6 does not count: the accepted 4 is the latest figure
    assert (rows[0]["latest"]["value"], rows[0]["status"]) == (4, "missed")
    drafts = json.loads(
        run(
            "list", "--drafts", "--ledger", str(root), "--format", "json", "--as-of", "2024-06-01"
        ).stdout
    )
    assert [(r["id"], r["status"]) for r in drafts] == [
        ("t/2023/gdp", "achieved"),
        ("t/2023/parks", "unreported"),
    ]
    shown = run("show", "t/2023/parks", "--ledger", str(root))
    assert shown.exit_code == 0
    assert "新建公园3个以上" in shown.stdout


def test_accept_removes_only_the_review_lines(
    run: Callable[..., Result], ledger: Callable[..., Path]
) -> None:
    root = _ledger(ledger)
    path = root / "a.yaml"
    result = run("accept", "t/2023/parks", "t/2023/gdp", "--ledger", str(root))
    assert result.exit_code == 0, result.stderr
    shown = display_name(path)
    assert result.stdout.splitlines() == [
        f"accepted t/2023/parks: written to {shown}",
        f"accepted t/2023/gdp: written to {shown}",
    ]
    expected = "\n".join(line for line in DRAFTS.split("\n") if line.strip() != "review: draft")
    assert path.read_text(encoding="utf-8") == expected
    assert _findings(run, root) == []


def test_reject_removes_the_draft_entries_and_nothing_else(
    run: Callable[..., Result], ledger: Callable[..., Path]
) -> None:
    root = _ledger(ledger)
    path = root / "a.yaml"
    result = run("reject", "t/2023/parks", "t/2023/gdp", "--ledger", str(root))
    assert result.exit_code == 0, result.stderr
    lines = DRAFTS.split("\n")
    assert lines[19].strip().startswith("# extracted from line 3")
    assert lines[24].strip() == "review: draft" and lines[25] == ""
    # the draft observation (lines 20-25, with its comment) and the draft pledge (the
    # blank line before it, its comment and its lines) are gone; nothing else changed
    assert path.read_text(encoding="utf-8") == "\n".join(lines[:19]) + "\n"
    assert _findings(run, root) == []


def test_accepting_what_is_not_a_draft_is_refused(
    run: Callable[..., Result], ledger: Callable[..., Path]
) -> None:
    root = _ledger(ledger)
    assert run("accept", "t/2023/parks", "--ledger", str(root)).exit_code == 0
    before = (root / "a.yaml").read_bytes()
    result = run("accept", "t/2023/parks", "--ledger", str(root))
    assert result.exit_code == 1
    assert "pledge 't/2023/parks' holds no draft" in result.stderr
    assert (root / "a.yaml").read_bytes() == before
    missing = run("reject", "t/2023/nope", "--ledger", str(root))
    assert missing.exit_code == 1
    assert "no pledge 't/2023/nope' in the ledger" in missing.stderr
