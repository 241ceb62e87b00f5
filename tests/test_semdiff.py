"""Ledgers read at git revisions, the semantic diff, history and the pull-request rules."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from pledges.check.pr import pr_findings
from pledges.history.lifeline import pledge_history
from pledges.history.revisions import GitError, find_repo, load_at, merge_base
from pledges.history.semdiff import compare_pledge, diff
from pledges.model.diagnostics import Diagnostic, Severity
from pledges.model.ledger import Pledge, build_file
from pledges.present.diff import md, to_json, to_markdown, to_text
from pledges.read.loader import load
from pledges.read.yamlread import read_document

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

FILE = "ledger/cn/demo/2023-report.yaml"

JURISDICTIONS = """\
jurisdictions:
  - id: cn
    name: 中华人民共和国
    name_en: People's Republic of China
    level: country
  - id: cn/demo
    name: 演示区
    name_en: Demo District
    level: district
"""

SOURCE = """\
source:
  id: demo-report
  title: 演示区2023年政府工作报告
  title_en: Demo District work report 2023
  publisher: 演示区人民政府
  jurisdiction: cn/demo
  date: 2023-01

pledges:
"""

GDP = """\
  - id: demo/2023/gdp-growth
    title: Grow GDP by 5% in 2023
    quote: 地区生产总值增长5%
    deadline: 2023
    tags: [economy]
    metric: {name: Real GDP growth, unit: percent, kind: rate}
    target: {op: ">=", value: 5.0}
"""

SCHOOLS = """\
  - id: demo/2023/new-schools
    title: Open 3 schools in 2023
    quote: 新建学校3所
    deadline: 2023
    tags: [education]
    metric: {name: Schools opened, unit: count, kind: flow}
    target: {op: ">=", value: 3}
"""

GDP_HEAD = """\
  - id: demo/2023/gdp-growth
    title: Grow GDP by 5% in 2023
    quote: 地区生产总值增长5%
    deadline: 2023
    tags: [economy]
    metric: {name: Real GDP growth, unit: percent, kind: rate}
    target: {op: ">=", value: 6.0}
    progress:
      - period: 2023
        value: 8.0
        evidence:
          - source: demo-report
            quote: 地区生产总值增长8%
      - period: 2023-H1
        value: 7.1
        evidence: []
"""

PARKS = """\
  - id: demo/2023/parks
    title: Build 2 parks | gardens in 2023
    quote: 新建公园2个
    deadline: 2023
    tags: [urban]
    metric: {name: Parks built, unit: count, kind: flow}
    target: {op: ">=", value: 2}
"""

BASE_TEXT = SOURCE + GDP + "\n" + SCHOOLS
HEAD_TEXT = SOURCE + GDP_HEAD + "\n" + PARKS


@pytest.fixture(autouse=True)
def _quiet_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """No user or system git configuration may change what git prints."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def git(
    repo: Path, *args: str, when: str = "2024-01-10T12:00:00+08:00", author: str = "Ada"
) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": "editor@example.org",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def commit(repo: Path, text: str, message: str, **kwargs: str) -> str:
    path = repo / FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, **kwargs)
    return git(repo, "rev-parse", "--short", "HEAD")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with a base commit on main and a head commit on a feature branch."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "ledger").mkdir()
    (root / "ledger" / "jurisdictions.yaml").write_text(JURISDICTIONS, encoding="utf-8")
    commit(root, BASE_TEXT, "base")
    git(root, "checkout", "-q", "-b", "feature")
    commit(root, HEAD_TEXT, "head", when="2024-02-01T09:00:00+08:00", author="Bo")
    monkeypatch.chdir(root)
    return root


def pledge(text: str, index: int = 0) -> Pledge:
    doc, problems = read_document("f.yaml", SOURCE + text)
    assert problems == []
    return build_file(doc).pledges[index]


def test_text_diff_between_two_revisions(repo: Path) -> None:
    base, base_label = load_at(repo / "ledger", "main")
    head, head_label = load_at(repo / "ledger", "feature")
    assert base.diagnostics == [] and head.diagnostics == []
    base_sha = git(repo, "rev-parse", "--short", "main")
    head_sha = git(repo, "rev-parse", "--short", "feature")
    assert (base_label, head_label) == (f"main ({base_sha})", f"feature ({head_sha})")
    result = diff(base.ledger, head.ledger, date(2024, 6, 30), base_label, head_label)
    assert to_text(result).splitlines() == [
        f"Ledger changes from main ({base_sha}) to feature ({head_sha}); statuses as of 2024-06-30",
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
        "    + observation 2023-H1: 7.1 (evidence: none)",
        "status transitions (1):",
        "  demo/2023/gdp-growth: unreported → achieved",
    ]


def test_json_diff_is_a_stable_object(repo: Path) -> None:
    base, _ = load_at(repo / "ledger", "main")
    head = load(repo / "ledger")
    payload = json.loads(to_json(diff(base.ledger, head.ledger, date(2023, 6, 30), "b", "h")))
    assert payload == {
        "version": 1,
        "base": "b",
        "head": "h",
        "as_of": "2023-06-30",
        "added": [
            {
                "id": "demo/2023/parks",
                "title": "Build 2 parks | gardens in 2023",
                "file": FILE,
                "line": 27,
            }
        ],
        "removed": [
            {
                "id": "demo/2023/new-schools",
                "title": "Open 3 schools in 2023",
                "file": FILE,
                "line": 18,
                "renamed_to": None,
                "warning": "pledges are withdrawn, not deleted: keep "
                "'demo/2023/new-schools' and give it an assessment with status "
                "withdrawn",
            }
        ],
        "changed": [
            {
                "id": "demo/2023/gdp-growth",
                "file": FILE,
                "line": 10,
                "fields": [{"field": "target.value", "old": "5.0", "new": "6.0"}],
                "observations_added": [
                    {"period": "2023", "value": "8.0", "unit": None, "evidence": ["demo-report"]},
                    {"period": "2023-H1", "value": "7.1", "unit": None, "evidence": []},
                ],
                "assessment_added": None,
            }
        ],
        # the 2023 figure has not ended by mid-2023 and H1 7.1 already meets >= 6
        "transitions": [{"id": "demo/2023/gdp-growth", "from": "pending", "to": "on_track"}],
        "unreadable": [],
    }


def test_markdown_diff_escapes_table_cells(repo: Path) -> None:
    base, _ = load_at(repo / "ledger", "main")
    head, _ = load_at(repo / "ledger", "HEAD")
    text = to_markdown(diff(base.ledger, head.ledger, date(2024, 6, 30), "main", "HEAD"))
    lines = text.splitlines()
    assert lines[0] == "## Ledger changes: main → HEAD"
    assert f"| demo/2023/parks | Build 2 parks \\| gardens in 2023 | {FILE}:27 |" in lines
    assert "| demo/2023/gdp-growth | target.value | 5.0 | 6.0 |" in lines
    assert "| demo/2023/gdp-growth | unreported | achieved |" in lines
    assert "> **Warning:** pledges are withdrawn, not deleted." in lines
    assert md("a|b_`c`\nd <x>") == "a\\|b\\_\\`c\\` d &lt;x&gt;"


def test_same_data_written_differently_is_no_change() -> None:
    old = pledge(GDP)
    new = pledge(GDP.replace('{op: ">=", value: 5.0}', '{value: 5, op: ">="}'))
    assert compare_pledge(old, new).empty


def test_field_changes_name_leaves_and_absent_values() -> None:
    old = pledge(GDP)
    new = pledge(GDP.replace("tags: [economy]", "tags: [economy, fiscal]\n    binding: true"))
    fields = [(f.field, f.old, f.new) for f in compare_pledge(old, new).fields]
    assert fields == [("tags", "[economy]", "[economy, fiscal]"), ("binding", None, "true")]


def test_edited_and_removed_observations_and_new_assessment() -> None:
    old = pledge(GDP_HEAD)
    new = pledge(
        GDP_HEAD.replace("value: 8.0", "value: 8.1").replace(
            "      - period: 2023-H1\n        value: 7.1\n        evidence: []\n",
            "    assessment:\n      status: achieved\n      as_of: 2024-01\n"
            "      rationale: Reported.\n      evidence:\n        - source: demo-report\n"
            "          quote: 增长8.1%\n",
        )
    )
    change = compare_pledge(old, new)
    assert [(f.field, f.old, f.new) for f in change.fields] == [
        ("progress[2023].value", "8.0", "8.1"),
        ("progress[2023-H1]", "7.1", None),
    ]
    assert change.assessment is not None
    assert (change.assessment.status, change.assessment.as_of, change.assessment.evidence) == (
        "achieved",
        "2024-01",
        ("demo-report",),
    )


def test_renamed_id_is_reported_as_a_removal_with_the_new_id() -> None:
    doc, _ = read_document("f.yaml", SOURCE + GDP)
    renamed_doc, _ = read_document("f.yaml", SOURCE + GDP.replace("gdp-growth", "gdp"))
    base, head = load(None), load(None)
    base.ledger.files.append(build_file(doc))
    head.ledger.files.append(build_file(renamed_doc))
    result = diff(base.ledger, head.ledger, date(2024, 1, 1), "a", "b")
    assert [(e.id, e.renamed_to) for e in result.removed] == [
        ("demo/2023/gdp-growth", "demo/2023/gdp")
    ]
    warning = "ids are permanent: 'demo/2023/gdp-growth' looks renamed to 'demo/2023/gdp'"
    assert warning in to_text(result)


def test_pull_request_rules_point_at_the_changed_lines(repo: Path) -> None:
    base, _ = load_at(repo / "ledger", "main")
    found = pr_findings(base.ledger, load(repo / "ledger"))
    assert found == [
        Diagnostic(
            FILE,
            16,
            31,
            "PL302",
            Severity.WARNING,
            "target changed without a note of why",
            "the note is absent: say in it why the target changed",
            "$.pledges[0].target.value",
        ),
        Diagnostic(
            FILE,
            18,
            9,
            "PL303",
            Severity.ERROR,
            "pledge 'demo/2023/new-schools' deleted instead of withdrawn",
            "keep the pledge and give it an assessment with status withdrawn",
            "$.pledges[1].id",
        ),
        Diagnostic(
            FILE,
            23,
            9,
            "PL301",
            Severity.ERROR,
            "observation for 2023-H1 added without evidence",
            "cite a source or URL and quote the sentence giving the figure",
            "$.pledges[0].progress[1]",
        ),
    ]


def test_a_changed_note_explains_a_target_change(repo: Path) -> None:
    note = "    note: Raised in the mid-year review.\n"
    head_text = HEAD_TEXT.replace("value: 6.0}\n", "value: 6.0}\n" + note)
    commit(repo, head_text, "explained")
    base, _ = load_at(repo / "ledger", "main")
    codes = [d.code for d in pr_findings(base.ledger, load(repo / "ledger"))]
    assert codes == ["PL303", "PL301"]
    # the same note kept while the target moves again no longer explains anything
    commit(repo, head_text.replace("value: 6.0", "value: 6.5"), "again")
    previous, _ = load_at(repo / "ledger", "HEAD~1")
    found = pr_findings(previous.ledger, load(repo / "ledger"))
    assert [(d.code, d.line, d.hint) for d in found] == [
        ("PL302", 16, "the note is unchanged: say in it why the target changed")
    ]


def test_an_assessment_without_a_quote_is_unsupported(repo: Path) -> None:
    text = BASE_TEXT.replace(
        "value: 5.0}\n",
        "value: 5.0}\n    assessment:\n      status: withdrawn\n      as_of: 2023-06\n"
        "      rationale: Dropped.\n      evidence:\n        - source: demo-report\n",
    )
    commit(repo, text, "withdraw")
    base, _ = load_at(repo / "ledger", "main")
    found = pr_findings(base.ledger, load(repo / "ledger"))
    assert [(d.code, d.line, d.column, d.message) for d in found] == [
        ("PL301", 17, 5, "assessment added without evidence")
    ]


def test_history_follows_a_pledge_through_commits(repo: Path) -> None:
    with_assessment = HEAD_TEXT.replace(
        "        evidence: []\n",
        "        evidence:\n          - source: demo-report\n            quote: 上半年增长7.1%\n"
        "    assessment:\n      status: achieved\n      as_of: 2024\n      rationale: Reported.\n"
        "      evidence:\n        - source: demo-report\n          quote: 增长8%\n",
    )
    third = commit(repo, with_assessment, "assess", when="2025-03-01T10:00:00+00:00", author="Cy")
    first = git(repo, "rev-parse", "--short", "main")
    second = git(repo, "rev-parse", "--short", "HEAD~1")
    events = pledge_history(repo / "ledger", "demo/2023/gdp-growth")
    assert events is not None
    rows = [(e.commit.short, e.commit.day.isoformat(), e.commit.author, e.text) for e in events]
    assert rows == [
        (first, "2024-01-10", "Ada", f"added in {FILE}: target ≥5%; status unreported"),
        (second, "2024-02-01", "Bo", "target changed: ≥5% → ≥6%"),
        (second, "2024-02-01", "Bo", "added observation 2023: 8.0 (evidence: demo-report)"),
        (second, "2024-02-01", "Bo", "added observation 2023-H1: 7.1 (evidence: none)"),
        (second, "2024-02-01", "Bo", "status: unreported → achieved"),
        (third, "2025-03-01", "Cy", "added assessment achieved as of 2024 (evidence: demo-report)"),
        (
            third,
            "2025-03-01",
            "Cy",
            "progress[2023-H1].evidence: [] → [{source: demo-report, quote: 上半年增长7.1%}]",
        ),
    ]
    schools = pledge_history(repo / "ledger", "demo/2023/new-schools")
    assert schools is not None
    assert [e.text for e in schools] == [
        f"added in {FILE}: target ≥3 count; status unreported",
        f"removed from {FILE}",
    ]
    assert pledge_history(repo / "ledger", "demo/never") is None


def test_default_base_is_the_merge_base_with_main(repo: Path) -> None:
    sha, branch = merge_base(repo / "ledger", None)
    assert (sha, branch) == (git(repo, "rev-parse", "main"), "main")
    git(repo, "branch", "-q", "-m", "main", "trunk")
    with pytest.raises(GitError, match=r"no default branch \(origin/HEAD, main or master\)"):
        merge_base(repo / "ledger", None)


def test_revision_errors_are_clean(repo: Path, tmp_path: Path) -> None:
    with pytest.raises(GitError, match="unknown revision 'nope'"):
        load_at(repo / "ledger", "nope")
    with pytest.raises(GitError, match="'--upload-pack=x' is not a revision"):
        load_at(repo / "ledger", "--upload-pack=x")
    outside = tmp_path / "plain"
    outside.mkdir()
    with pytest.raises(GitError, match="is not inside a git repository"):
        find_repo(outside)


def test_bad_files_at_a_revision_become_diagnostics(repo: Path) -> None:
    commit(repo, "source: [unclosed\n", "broken")
    (repo / "ledger" / "link.yaml").symlink_to("jurisdictions.yaml")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "link")
    result, _ = load_at(repo / "ledger", "HEAD")
    found = [(d.file, d.line, d.code) for d in result.diagnostics]
    assert found == [("ledger/link.yaml", 1, "PL001"), (FILE, 2, "PL002")]
    assert result.unreadable
    assert result.ledger.pledges == []
    assert "cn/demo" in result.ledger.jurisdictions


def test_pr_lint_merges_lint_findings_and_rejects_bad_revisions(repo: Path) -> None:
    from pledges.check.lint import lint
    from pledges.check.pr import pr_lint

    head = load(repo / "ledger")
    merged = pr_lint("main", head, lint(head, date(2024, 6, 30)))
    assert [(d.line, d.code) for d in merged if d.code != "PL261"] == [
        (16, "PL302"),
        (18, "PL303"),
        (23, "PL230"),
        (23, "PL301"),
    ]
    with pytest.raises(GitError, match="unknown revision 'gone'"):
        pr_lint("gone", head, [])
