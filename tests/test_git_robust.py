"""Git histories that are odd but legal: time zones, broken revisions, newlines in paths."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from pledges.history.revisions import commit_day
from tests.conftest import Result
from tests.test_semdiff import BASE_TEXT, FILE, HEAD_TEXT, JURISDICTIONS, commit, git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

Run = Callable[..., Result]
BROKEN = "  - [this is not closed\n"


@pytest.fixture(autouse=True)
def _quiet_git(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def _repo(top: Path) -> Path:
    """main: the base commit, then the head commit (the test_semdiff texts)."""
    top.mkdir(parents=True)
    git(top, "init", "-q", "-b", "main")
    (top / "ledger").mkdir()
    (top / "ledger" / "jurisdictions.yaml").write_text(JURISDICTIONS, encoding="utf-8")
    commit(top, BASE_TEXT, "base")
    commit(top, HEAD_TEXT, "head", when="2024-02-01T09:00:00+08:00", author="Bo")
    return top


def _raw_commit(repo: Path, author_date: str, message: str) -> str:
    """A commit object as git stores it, with any date, made past git's own checks."""
    tree = git(repo, "write-tree")
    parent = git(repo, "rev-parse", "HEAD")
    body = (
        f"tree {tree}\nparent {parent}\nauthor Odd <odd@example.org> {author_date}\n"
        f"committer Odd <odd@example.org> 1700000000 +0000\n\n{message}\n"
    )
    done = subprocess.run(
        ["git", "hash-object", "-t", "commit", "-w", "--literally", "--stdin"],
        cwd=repo,
        input=body,
        capture_output=True,
        text=True,
        check=True,
    )
    sha = done.stdout.strip()
    git(repo, "update-ref", "HEAD", sha)
    return sha


@pytest.mark.parametrize(
    ("raw", "day"),
    [
        ("1700000000 +0530", date(2023, 11, 15)),
        ("1700000000 -1200", date(2023, 11, 14)),
        ("1700000000 +9959", date(2023, 11, 19)),  # git shows +99:59
        ("1700000000 -9999", date(2023, 11, 10)),
        ("1700000000 +123456", date(2024, 1, 5)),  # git shows +1234:56
        ("1700000000 -0000", date(2023, 11, 14)),
        ("1700000000", date(2023, 11, 14)),
        ("-5 +0000", date(1969, 12, 31)),
        ("99999999999999 +0000", date.max),
        ("-99999999999999 +0000", date.min),
        ("", None),
        ("garbage +0000", None),
    ],
)
def test_commit_days_from_raw_dates(raw: str, day: date | None) -> None:
    assert commit_day(raw) == day


def test_history_survives_odd_time_zones(tmp_path: Path, run: Run) -> None:
    repo = _repo(tmp_path / "repo")
    path = repo / FILE
    for index, author_date in enumerate(["1700000000 +9959", "1700000000 -123456", "x y"]):
        path.write_text(HEAD_TEXT.replace("value: 7.1", f"value: 7.{index + 2}"), "utf-8")
        git(repo, "add", "-A")
        _raw_commit(repo, author_date, f"odd {index}")
    result = run("history", "demo/2023/gdp-growth", cwd=repo)
    assert result.exit_code == 0, result.stderr
    days = [line.split()[1] for line in result.stdout.splitlines()[1:]]
    # +99:59 gives the 19th; -1234:56 the 24th of September; no date: the committer's
    assert days[-3:] == ["2023-11-19", "2023-09-24", "2023-11-14"]


@pytest.mark.parametrize("parent", ["a\nb", "a\nb/ledger-home"])
def test_a_newline_in_a_directory_name(tmp_path: Path, run: Run, parent: str) -> None:
    top, _, inner = parent.partition("/")
    repo = _repo(tmp_path / top) if not inner else None
    if repo is None:  # the ledger sits in a subdirectory whose name has a newline
        repo = tmp_path / "repo"
        repo.mkdir()
        git(repo, "init", "-q", "-b", "main")
        home = repo / top
        (home / "ledger").mkdir(parents=True)
        (home / "ledger" / "jurisdictions.yaml").write_text(JURISDICTIONS, encoding="utf-8")
        for text, message in ((BASE_TEXT, "base"), (HEAD_TEXT, "head")):
            (home / FILE).parent.mkdir(parents=True, exist_ok=True)
            (home / FILE).write_text(text, encoding="utf-8")
            git(repo, "add", "-A")
            git(repo, "commit", "-q", "-m", message)
        cwd = home
    else:
        cwd = repo
    result = run("diff", "HEAD~1", "HEAD", "--format", "json", "--as-of", "2024-06-30", cwd=cwd)
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert [e["id"] for e in payload["added"]] == ["demo/2023/parks"]
    assert [e["id"] for e in payload["removed"]] == ["demo/2023/new-schools"]
    history = run("history", "demo/2023/gdp-growth", cwd=cwd)
    assert history.exit_code == 0, history.stderr
    assert len(history.stdout.splitlines()) == 6
    linted = run("lint", "--base", "HEAD~1", "--format", "json", cwd=cwd)
    # the test ledgers keep no archived source texts: that warning (PL261) is left out
    codes = [d["code"] for d in json.loads(linted.stdout)["diagnostics"] if d["code"] != "PL261"]
    # the same findings as anywhere else: the target change, the deletion, the bare
    # observation (lint) and the observation added without evidence (pull-request rule)
    assert codes == ["PL302", "PL303", "PL230", "PL301"]


@pytest.fixture
def broken_head(tmp_path: Path) -> Path:
    """main: base, head, then a commit whose ledger file has a YAML error."""
    repo = _repo(tmp_path / "repo")
    commit(repo, HEAD_TEXT + BROKEN, "broken", when="2024-03-01T09:00:00+08:00")
    return repo


def test_diff_reports_a_revision_that_cannot_be_read(broken_head: Path, run: Run) -> None:
    sha = git(broken_head, "rev-parse", "--short", "HEAD")
    line = len((HEAD_TEXT + BROKEN).splitlines()) + 1
    result = run("diff", "HEAD~1", "HEAD", "--as-of", "2024-06-30", cwd=broken_head)
    message = (
        f"head HEAD ({sha}): {FILE}:{line}:1: PL002 error YAML syntax error: did not find "
        "expected ',' or ']' (while parsing a flow sequence); its pledges are left out"
    )
    assert result.exit_code == 3
    assert result.stdout.splitlines()[1:] == [
        "could not be read (1):",
        f"  ! {message}",
        "no pledge changes",
    ]
    assert result.stderr == f"pledges: {message}\n"
    as_json = run("diff", "HEAD~1", "HEAD", "--format", "json", cwd=broken_head)
    payload = json.loads(as_json.stdout)
    assert (payload["added"], payload["removed"]) == ([], [])
    assert payload["unreadable"] == [
        {
            "side": "head",
            "revision": f"HEAD ({sha})",
            "file": FILE,
            "line": line,
            "column": 1,
            "code": "PL002",
            "message": "YAML syntax error: did not find expected ',' or ']' "
            "(while parsing a flow sequence)",
        }
    ]
    # the other way round: the base cannot be read, so nothing counts as added
    backwards = run("diff", "HEAD", "HEAD~1", "--format", "markdown", cwd=broken_head)
    assert backwards.exit_code == 3
    assert "### Could not be read (1)" in backwards.stdout
    assert "### Added" not in backwards.stdout


def test_history_and_pr_rules_skip_a_revision_that_cannot_be_read(
    broken_head: Path, run: Run
) -> None:
    fixed = commit(broken_head, HEAD_TEXT.replace("value: 7.1", "value: 7.3"), "fixed")
    result = run("history", "demo/2023/gdp-growth", cwd=broken_head)
    lines = result.stdout.splitlines()
    assert result.exit_code == 0
    broken_sha = git(broken_head, "rev-parse", "--short", "HEAD~1")
    assert lines[-2].startswith(f"{broken_sha}  2024-03-01  Ada  {FILE} could not be read (")
    assert lines[-1] == (f"{fixed}  2024-01-10  Ada  progress[2023-H1].value: 7.1 → 7.3")
    assert not any("removed from" in line or "added in" in line for line in lines[2:])
    # lint --base against the broken revision: no pledge counts as new or deleted
    linted = run("lint", "--base", "HEAD~1", "--format", "json", cwd=broken_head)
    # the test ledgers keep no archived source texts: that warning (PL261) is left out
    codes = [d["code"] for d in json.loads(linted.stdout)["diagnostics"] if d["code"] != "PL261"]
    assert codes == ["PL230"]  # the head's own finding; nothing counts as new
    (broken_head / FILE).write_text(HEAD_TEXT + BROKEN, encoding="utf-8")
    linted = run("lint", "--base", "HEAD", "--format", "json", cwd=broken_head)
    # the test ledgers keep no archived source texts: that warning (PL261) is left out
    codes = [d["code"] for d in json.loads(linted.stdout)["diagnostics"] if d["code"] != "PL261"]
    assert codes == ["PL002"]
