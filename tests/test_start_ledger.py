"""Starting a ledger: `pledges init`, `pledges jurisdiction add`, `pledges new` on a file
that does not exist, and the whole path from an empty directory to a ledger that lints
clean under --strict without a file edited by hand."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from pledges import __version__
from tests.conftest import ROOT, Result
from tests.documents import HTML_PAGE, make_pdf

INIT_FILES = [
    ".github/workflows/ledger.yml",
    ".pre-commit-config.yaml",
    "README.md",
    "ledger/jurisdictions.yaml",
    "ledger/sources/README.md",
    "ledger/units.yaml",
]


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


# ---------------------------------------------------------------- the whole path


def test_a_new_ledger_from_nothing_to_lint_clean_without_hand_edits(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    """init → jurisdiction add → source add (text, HTML, PDF) → new → observe → lint."""

    def ok(*args: str) -> Result:
        result = run(*args, cwd=repo)
        assert result.exit_code == 0, (args, result.stdout, result.stderr)
        return result

    repo = tmp_path / "my-ledger"
    assert run("init", "my-ledger", cwd=tmp_path).exit_code == 0
    ok(
        "jurisdiction",
        "add",
        "ex",
        "--name",
        "示例国",
        "--name-en",
        "Exampleland",
        "--level",
        "country",
    )
    ok(
        "jurisdiction", "add", "ex/city", "--name", "示例市", "--name-en", "Example City",
        "--level", "prefecture", "--code", "990100",
    )  # fmt: skip
    # three documents as they arrive: plain text, an HTML page and a PDF
    (tmp_path / "report.txt").write_text(
        "示例市2024年政府工作报告\n\n今年主要目标:地区生产总值增长6%左右;新建学校3所。\n",
        encoding="utf-8",
    )
    (tmp_path / "plan.html").write_text(HTML_PAGE, encoding="utf-8")
    (tmp_path / "bulletin.pdf").write_bytes(
        make_pdf([["Example City statistical bulletin 2024"], ["3 new schools opened in 2024."]])
    )
    common = ("--publisher", "示例市人民政府", "--jurisdiction", "ex/city", "--date")
    ok(
        "source", "add", "../report.txt", "--id", "city-2024-work-report",
        "--title", "示例市2024年政府工作报告", "--title-en", "Example City work report 2024",
        *common, "2024-01",
    )  # fmt: skip
    ok(
        "source", "add", "../plan.html", "--id", "city-2024-plan", "--title",
        "示例市2024年国民经济和社会发展计划", "--title-en", "Example City plan 2024", *common,
        "2024-01", "--url", "https://example.org/plan.html",
    )  # fmt: skip
    ok(
        "source", "add", "../bulletin.pdf", "--id", "city-2024-bulletin", "--title",
        "Example City statistical bulletin 2024", "--language", "en", *common, "2025-03",
    )  # fmt: skip
    report = "ledger/ex/city/2024-work-report.yaml"
    new = ok(
        "new", "--file", report, "--title", "Open 3 new schools in 2024", "--quote",
        "新建学校3所", "--deadline", "2024", "--metric-name", "Schools opened", "--unit", "count",
        "--kind", "flow", "--op", ">=", "--value", "3", "--tag", "education",
    )  # fmt: skip
    schools = new.stdout.splitlines()[0].removeprefix("proposed id: ")
    assert schools.startswith("city/2024/")
    ok(
        "new", "--file", "ledger/ex/city/2024-plan.yaml", "--id", "city/2024/new-jobs", "--title",
        "Create 20,000 urban jobs in 2024", "--quote", "新增城镇就业 2万人", "--deadline", "2024",
        "--metric-name", "New urban jobs", "--unit", "万人", "--kind", "flow", "--op", ">=",
        "--value", "2", "--tag", "employment",
    )  # fmt: skip
    ok(
        "observe", schools, "--period", "2024", "--value", "3", "--outcome", "--source",
        "city-2024-bulletin", "--quote", "3 new schools opened in 2024.",
    )  # fmt: skip
    ok(
        "observe", "city/2024/new-jobs", "--period", "2024", "--value", "2.1", "--source",
        "city-2024-plan", "--quote", "全年新增城镇就业2.1万人",
    )  # fmt: skip
    lint = run("lint", "--strict", cwd=repo)
    assert (lint.exit_code, lint.stdout) == (
        0,
        "no problems found; 4 quotes verified against 3 archived sources\n",
    )
    assert ok("fmt", "--check").stdout.splitlines()[-1] == "0 of 5 files would be reformatted"
    assert ok("source", "check").stdout.splitlines()[-1] == "3 archives match their sha256"
    status = ok("list", "--format", "json", "--as-of", "2025-06-01")
    assert {p["id"]: p["status"] for p in yaml.safe_load(status.stdout)} == {
        schools: "achieved",
        "city/2024/new-jobs": "achieved",
    }
    assert _files(repo) == sorted(
        [
            *INIT_FILES,
            "ledger/ex/city/2024-bulletin.yaml",
            "ledger/ex/city/2024-plan.yaml",
            "ledger/ex/city/2024-work-report.yaml",
            "ledger/sources/city-2024-bulletin.txt",
            "ledger/sources/city-2024-plan.txt",
            "ledger/sources/city-2024-work-report.txt",
        ]
    )
    # a made-up quote is refused when it is written, not only when it is linted
    made_up = run(
        "new", "--file", report, "--title", "Plant trees", "--quote", "植树1万棵",
        "--deadline", "2024", cwd=repo,
    )  # fmt: skip
    assert (made_up.exit_code, made_up.stderr.splitlines()) == (
        1,
        [
            f"{report}:28:1: PL260 error new pledge, quote: quote not found in the archived "
            "text of source 'city-2024-work-report' (ledger/sources/city-2024-work-report.txt) "
            "(no passage of the source resembles it; is it the right source?)",
            f"pledges: nothing was written; {report} is unchanged",
        ],
    )


# ---------------------------------------------------------------- init


def test_init_writes_a_ledger_that_lints_clean(run: Callable[..., Result], tmp_path: Path) -> None:
    result = run("init", "repo", cwd=tmp_path)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:6] == [
        f"created repo/{name}"
        for name in (
            "ledger/jurisdictions.yaml",
            "ledger/units.yaml",
            "ledger/sources/README.md",
            ".github/workflows/ledger.yml",
            ".pre-commit-config.yaml",
            "README.md",
        )
    ]
    assert _files(tmp_path / "repo") == INIT_FILES
    lint = run("lint", "--strict", cwd=tmp_path / "repo")
    assert (lint.exit_code, lint.stdout) == (0, "no problems found\n")
    workflow = (tmp_path / "repo" / ".github" / "workflows" / "ledger.yml").read_text()
    assert f'run: python -m pip install "pledges=={__version__}"' in workflow


def test_init_refuses_to_overwrite_and_writes_nothing(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "README.md").write_text("mine\n", encoding="utf-8")
    result = run("init", "repo", cwd=tmp_path)
    assert (result.exit_code, result.stderr.strip()) == (
        1,
        "repo/README.md:1:1: PL902 error already exists; refusing to overwrite it",
    )
    assert _files(tmp_path / "repo") == ["README.md"]
    assert (tmp_path / "repo" / "README.md").read_text() == "mine\n"


def test_init_takes_where_to_install_pledges_from(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    spec = "pledges @ git+https://example.org/pledges.git@v0.1.0"
    assert run("init", "a", "--install", spec, cwd=tmp_path).exit_code == 0
    hooks = yaml.safe_load((tmp_path / "a" / ".pre-commit-config.yaml").read_text())
    for hook in hooks["repos"][0]["hooks"]:
        assert hook["additional_dependencies"] == [spec]
    bad = run("init", "b", "--install", 'pledges"; rm -rf /', cwd=tmp_path)
    assert bad.exit_code == 1
    assert "--install: 'pledges\"; rm -rf /' is not a pip requirement for pledges" in bad.stderr
    assert not (tmp_path / "b").exists()


def test_init_pre_commit_hooks_are_the_projects_own(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    assert run("init", "a", cwd=tmp_path).exit_code == 0
    config = yaml.safe_load((tmp_path / "a" / ".pre-commit-config.yaml").read_text())
    (local,) = config["repos"]
    assert local["repo"] == "local"
    published = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [
        {k: v for k, v in hook.items() if k != "additional_dependencies"} for hook in local["hooks"]
    ] == published


def test_init_workflow_passes_actionlint(run: Callable[..., Result], tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    actionlint = shutil.which("actionlint", path=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    if actionlint is None:
        pytest.skip("actionlint is not installed; install the test extras")
    assert run("init", "a", cwd=tmp_path).exit_code == 0
    done = subprocess.run(
        [actionlint, "-no-color", ".github/workflows/ledger.yml"],
        cwd=tmp_path / "a",
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


# ---------------------------------------------------------------- jurisdiction add


def test_jurisdiction_add_names_every_missing_parent(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    run("init", "a", cwd=tmp_path)
    before = (tmp_path / "a" / "ledger" / "jurisdictions.yaml").read_bytes()
    result = run(
        "jurisdiction", "add", "cn/zhejiang/hangzhou", "--name", "杭州市", "--name-en",
        "Hangzhou", "--level", "prefecture", cwd=tmp_path / "a",
    )  # fmt: skip
    assert (result.exit_code, result.stderr.strip()) == (
        1,
        "pledges: cannot add 'cn/zhejiang/hangzhou': its parents 'cn', 'cn/zhejiang' are not "
        "in jurisdictions.yaml; add them, from the top, first: pledges jurisdiction add cn "
        "--name … --level …",
    )
    assert (tmp_path / "a" / "ledger" / "jurisdictions.yaml").read_bytes() == before


def test_jurisdiction_add_keeps_the_file_and_refuses_duplicates(
    ledger: Callable[..., Path], run: Callable[..., Result], chdir_tmp: Path
) -> None:
    root = ledger({})
    path = root / "jurisdictions.yaml"
    path.write_bytes(b"# Our places.\r\n" + path.read_bytes().replace(b"\n", b"\r\n"))
    before = path.read_bytes()
    result = run(
        "jurisdiction", "add", "cn/zhejiang/hangzhou/xihu", "--name", "西湖区", "--name-en",
        "Xihu District", "--level", "district", "--code", "330106", "--ledger", "ledger",
    )  # fmt: skip
    assert (result.exit_code, result.stdout) == (
        0,
        "jurisdiction cn/zhejiang/hangzhou/xihu: written to ledger/jurisdictions.yaml:22\n",
    )
    assert path.read_bytes() == before + (
        b"  - id: cn/zhejiang/hangzhou/xihu\r\n    name: \xe8\xa5\xbf\xe6\xb9\x96\xe5\x8c\xba\r\n"
        b'    name_en: Xihu District\r\n    level: district\r\n    code: "330106"\r\n'
    )
    again = run(
        "jurisdiction", "add", "cn/zhejiang", "--name", "浙江省", "--name-en", "Zhejiang",
        "--level", "province", "--ledger", "ledger",
    )  # fmt: skip
    assert (again.exit_code, again.stderr.strip()) == (
        1,
        "ledger/jurisdictions.yaml:7:9: PL902 error jurisdiction 'cn/zhejiang' is already listed",
    )
    bad = run(
        "jurisdiction", "add", "cn/x", "--name", "X", "--level", "district", "--code", "12",
        "--ledger", "ledger",
    )  # fmt: skip
    assert (bad.exit_code, bad.stderr.strip()) == (
        2,
        "pledges: --code: '12' is not an administrative division code of six digits",
    )


def test_jurisdiction_add_needs_an_english_name_for_a_name_in_another_script(
    ledger: Callable[..., Path], run: Callable[..., Result], chdir_tmp: Path
) -> None:
    ledger({})
    result = run(
        "jurisdiction", "add", "cn/x", "--name", "某区", "--level", "district",
        "--ledger", "ledger",
    )  # fmt: skip
    assert (result.exit_code, result.stderr.strip()) == (
        2,
        "pledges: missing required option: --name-en (the name is not in English)",
    )


# ---------------------------------------------------------------- new on a missing file


def test_new_on_a_missing_file_says_how_to_create_it(
    ledger: Callable[..., Path], run: Callable[..., Result], chdir_tmp: Path
) -> None:
    ledger({})
    result = run(
        "new", "--file", "ledger/cn/zhejiang/hangzhou/binjiang/2025-plan.yaml", "--title", "x",
        "--quote", "y", "--deadline", "2025",
    )  # fmt: skip
    assert (result.exit_code, result.stderr.strip()) == (
        2,
        "pledges: ledger/cn/zhejiang/hangzhou/binjiang/2025-plan.yaml: no such ledger file; a "
        "ledger file starts with its source document: pledges source add DOCUMENT --id "
        "binjiang-2025-plan --jurisdiction cn/zhejiang/hangzhou/binjiang --date DATE --title "
        "TITLE --title-en TITLE --publisher PUBLISHER",
    )


def test_encode_a_new_document_source_add_extract_review_accept(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    """source add → extract --write → lint (drafts only, every quote verified) → accept."""

    def ok(*args: str) -> Result:
        result = run(*args, cwd=repo)
        assert result.exit_code == 0, (args, result.stdout, result.stderr)
        return result

    repo = tmp_path / "my-ledger"
    assert run("init", "my-ledger", cwd=tmp_path).exit_code == 0
    ok("jurisdiction", "add", "ex", "--name", "示例国", "--name-en", "Exampleland", "--level",
       "country")  # fmt: skip
    ok("jurisdiction", "add", "ex/city", "--name", "示例市", "--name-en", "Example City",
       "--level", "prefecture", "--code", "990100")  # fmt: skip
    (tmp_path / "report.txt").write_text(
        "示例市2024年政府工作报告\n\n一、2023年工作回顾\n\n地区生产总值增长5.2%。\n\n"
        "二、2024年主要目标\n\n地区生产总值增长6%左右,新建学校3所,\n"
        "每年组织健身活动不少于三次,城镇调查失业率控制在5%以内。\n",
        encoding="utf-8",
    )
    ok(
        "source", "add", "../report.txt", "--id", "city-2024-work-report",
        "--title", "示例市2024年政府工作报告", "--title-en", "Example City work report 2024",
        "--publisher", "示例市人民政府", "--jurisdiction", "ex/city", "--date", "2024-01",
    )  # fmt: skip
    written = ok("extract", "city-2024-work-report", "--write")
    assert written.stdout.startswith("4 draft pledges written to ledger/ex/city/2024-work-report")
    lint = json.loads(run("lint", "--format", "json", cwd=repo).stdout)
    assert {d["code"] for d in lint["diagnostics"]} == {"PL290"}
    assert lint["summary"]["quotes"]["checked"] == lint["summary"]["quotes"]["verified"] == 4
    drafts = json.loads(ok("list", "--drafts", "--format", "json").stdout)
    assert sorted(d["quote"] for d in drafts) == [
        "地区生产总值增长6%左右",
        "城镇调查失业率控制在5%以内",
        "新建学校3所",
        "每年组织健身活动不少于三次",
    ]
    assert json.loads(ok("list", "--format", "json").stdout) == []
    ok("accept", *(d["id"] for d in drafts))
    assert run("lint", "--strict", cwd=repo).exit_code == 0
    assert len(json.loads(ok("list", "--format", "json").stdout)) == 4
