"""`pledges diff` and `pledges history` on real git repositories."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result
from tests.test_semdiff import BASE_TEXT, FILE, HEAD_TEXT, JURISDICTIONS, commit, git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

Run = Callable[..., Result]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """main has the base commit; the feature branch the head commit and is checked out."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "ledger").mkdir()
    (root / "ledger" / "jurisdictions.yaml").write_text(JURISDICTIONS, encoding="utf-8")
    commit(root, BASE_TEXT, "base")
    git(root, "checkout", "-q", "-b", "feature")
    commit(root, HEAD_TEXT, "head", when="2024-02-01T09:00:00+08:00", author="Bo")
    return root


def test_diff_defaults_to_merge_base_and_working_tree(repo: Path, run: Run) -> None:
    # an uncommitted edit shows: the working tree is the default head
    path = repo / FILE
    path.write_text(
        path.read_text(encoding="utf-8").replace("value: 7.1", "value: 7.2"), encoding="utf-8"
    )
    result = run("diff", "--as-of", "2024-06-30", cwd=repo)
    base = git(repo, "rev-parse", "--short", "main")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"Ledger changes from merge base with main ({base}) to working tree; "
        "statuses as of 2024-06-30",
        "added (1):",
        f"  + demo/2023/parks — Build 2 parks | gardens in 2023 [{FILE}:27]",
        "removed (1):",
        f"  - demo/2023/new-schools — Open 3 schools in 2023 [{FILE}:18 in the base]",
        "    warning: pledges are withdrawn, not deleted: keep 'demo/2023/new-schools' and give "
        "it an assessment with status withdrawn",
        "changed (1):",
        f"  ~ demo/2023/gdp-growth [{FILE}:10]",
        "    target.value: 5.0 → 6.0",
        "    + observation 2023: 8.0 (evidence: demo-report)",
        "    + observation 2023-H1: 7.2 (evidence: none)",
        "status transitions (1):",
        "  demo/2023/gdp-growth: unreported → achieved",
    ]


def test_diff_between_revisions_as_json(repo: Path, run: Run) -> None:
    result = run(
        "diff",
        "main",
        "feature",
        "--format",
        "json",
        "--as-of",
        "2024-06-30",
        "--ledger",
        "ledger",
        cwd=repo,
    )
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    shas = [git(repo, "rev-parse", "--short", name) for name in ("main", "feature")]
    assert (payload["version"], payload["base"], payload["head"]) == (
        1,
        f"main ({shas[0]})",
        f"feature ({shas[1]})",
    )
    assert [e["id"] for e in payload["added"]] == ["demo/2023/parks"]
    assert [(e["id"], e["line"]) for e in payload["removed"]] == [("demo/2023/new-schools", 18)]
    assert payload["changed"][0]["fields"] == [
        {"field": "target.value", "old": "5.0", "new": "6.0"}
    ]
    assert payload["transitions"] == [
        {"id": "demo/2023/gdp-growth", "from": "unreported", "to": "achieved"}
    ]


def test_diff_of_identical_revisions(repo: Path, run: Run) -> None:
    result = run("diff", "HEAD", "feature", "--as-of", "2024-06-30", cwd=repo)
    sha = git(repo, "rev-parse", "--short", "HEAD")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"Ledger changes from HEAD ({sha}) to feature ({sha}); statuses as of 2024-06-30",
        "no pledge changes",
    ]


def test_diff_markdown_for_a_job_summary(repo: Path, run: Run) -> None:
    result = run("diff", "main", "--format", "markdown", "--as-of", "2024-06-30", cwd=repo)
    lines = result.stdout.splitlines()
    assert result.exit_code == 0
    assert lines[2:4] == ["Statuses as of 2024-06-30.", ""]
    assert "### Removed (1)" in lines
    assert "| Pledge | From | To |" in lines


def test_diff_usage_errors_exit_2(repo: Path, tmp_path: Path, run: Run) -> None:
    result = run("diff", "nope", cwd=repo)
    assert (result.exit_code, result.stderr) == (2, "pledges: unknown revision 'nope'\n")
    result = run("diff", "main", "--as-of", "someday", cwd=repo)
    assert result.exit_code == 2
    plain = tmp_path / "plain" / "ledger"
    plain.mkdir(parents=True)
    result = run("diff", "--ledger", str(plain), cwd=tmp_path)
    assert (result.exit_code, result.stderr) == (
        2,
        f"pledges: '{plain}' is not inside a git repository\n",
    )


def test_history_of_a_pledge(repo: Path, run: Run) -> None:
    result = run("history", "demo/2023/gdp-growth", cwd=repo)
    first, second = (git(repo, "rev-parse", "--short", name) for name in ("main", "feature"))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "history of demo/2023/gdp-growth (statuses as of each commit's date)",
        f"{first}  2024-01-10  Ada  added in {FILE}: target ≥5%; status unreported",
        f"{second}  2024-02-01  Bo  target changed: ≥5% → ≥6%",
        f"{second}  2024-02-01  Bo  added observation 2023: 8.0 (evidence: demo-report)",
        f"{second}  2024-02-01  Bo  added observation 2023-H1: 7.1 (evidence: none)",
        f"{second}  2024-02-01  Bo  status: unreported → achieved",
    ]


def test_history_of_an_unknown_pledge_exits_2(repo: Path, run: Run) -> None:
    result = run("history", "demo/2023/none", cwd=repo)
    assert (result.exit_code, result.stderr) == (
        2,
        "pledges: no pledge 'demo/2023/none' in any commit of the ledger\n",
    )
