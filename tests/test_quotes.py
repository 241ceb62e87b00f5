"""Quote verification: the normalisation rule, the archive reader, lint rules PL260-PL263
with their positions, messages and hints, and the outside checker's agreement."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pledges.model.sourcetext import SourceText, Span
from pledges.read.archive import archive_name, archive_path, path_problem, read_archive
from tests.conftest import ROOT, SHARED, Result, archive_sources, pledges_file

# ---------------------------------------------------------------- the normalisation rule


def test_white_space_in_the_quote_matches_any_run_or_none() -> None:
    text = SourceText("指标名称\n\n地区生产总值\n\t确保5.0%,力争5.5%以上\n")
    assert text.find("地区生产总值 确保5.0%,力争5.5%以上") == Span(6, 29, 3, 4)
    assert text.find("地区生产总值 确保5.0%, 力争5.5%以上") == Span(6, 29, 3, 4)
    assert text.find("  指标 名称  ") == Span(0, 4, 1, 1)


def test_white_space_of_the_source_inside_a_quote_must_be_in_the_quote() -> None:
    text = SourceText("地区生产总值\n确保5.0%")
    assert text.find("地区生产总值确保5.0%") is None
    assert text.find("地区生产总值 确保5.0%") == Span(0, 13, 1, 2)


def test_nfc_on_both_sides_and_nothing_else_folded() -> None:
    text = SourceText("Caf\u00e9 GDP 万人,增长5%")
    assert text.find("Cafe\u0301") == Span(0, 4, 1, 1)
    assert text.find("萬人") is None  # no simplified/traditional folding
    assert text.find("万人，增长") is None  # no full-width/half-width folding
    assert text.find("gdp") is None  # no case folding
    assert text.find("\u3000万人,增长5%\u00a0") is not None  # ideographic and no-break spaces
    assert text.find(" \n ") is None  # a blank quote is never found


def test_the_first_occurrence_that_matches_is_returned() -> None:
    text = SourceText("增长 5%\n增长5%以上\n增长5%以上")
    assert text.find("增长5%以上") == Span(6, 12, 2, 2)
    assert text.line(3) == "增长5%以上"
    assert text.line_of(6) == 2


_PIECE = st.text(alphabet="地区生产总值增长5.%,亿元ab", min_size=1, max_size=6)
_GAP = st.sampled_from([" ", "\n", "\t", "\u3000", "\n\n", " \n "])


@given(st.lists(st.tuples(_PIECE, _GAP), min_size=1, max_size=12), st.data())
def test_any_passage_is_found_with_its_white_space_rewritten(
    parts: list[tuple[str, str]], data: st.DataObject
) -> None:
    """A quote cut from the source between two pieces, each white space run replaced by any
    run (the quote may add white space anywhere too), is found where it was cut or earlier."""
    source = "".join(piece + gap for piece, gap in parts)
    first = data.draw(st.integers(0, len(parts) - 1))
    last = data.draw(st.integers(first, len(parts) - 1))
    quote = ""
    for index in range(first, last + 1):
        piece = parts[index][0]
        cut = data.draw(st.integers(0, len(piece)))
        quote += piece[:cut] + data.draw(st.sampled_from(["", " "])) + piece[cut:]
        if index < last:
            quote += data.draw(_GAP)
    start = sum(len(p) + len(g) for p, g in parts[:first])
    found = SourceText(source).find(quote)
    assert found is not None
    assert found.start <= start
    assert re.sub(r"\s", "", source[found.start : found.end]) == re.sub(r"\s", "", quote)


@given(st.text(alphabet="甲乙丙 \n", max_size=40), st.text(alphabet="甲乙丙丁 ", max_size=8))
def test_found_means_the_text_without_white_space_agrees(source: str, quote: str) -> None:
    found = SourceText(source).find(quote)
    if found is not None:
        assert re.sub(r"\s", "", source[found.start : found.end]) == re.sub(r"\s", "", quote)
    if "丁" in quote:
        assert found is None


def test_the_closest_passage_of_a_changed_quote() -> None:
    text = SourceText("一、目标\n\n地区生产总值增长5.5%以上,一般公共预算收入增长5%。\n")
    closest = text.closest("地区生产总值增长5.6%以上")
    assert closest is not None
    assert (closest.passage, closest.span.line) == ("地区生产总值增长5.5%以上", 3)
    assert not closest.only_whitespace_differs
    assert text.closest("完全无关的一句话xyz") is None


# ---------------------------------------------------------------- archive files


def test_archive_names_are_one_to_one_and_never_hidden() -> None:
    assert archive_name("xiaoshan-2023-work-report") == "xiaoshan-2023-work-report.txt"
    assert archive_name("cn/report") == "cn%2Freport.txt"
    assert archive_name(".hidden") == "%2Ehidden.txt"
    assert archive_path("a%b") == "sources/a%25b.txt"


@given(st.text(min_size=1, max_size=30))
def test_archive_names_round_trip(source_id: str) -> None:
    name = archive_name(source_id)
    assert "/" not in name and not name.startswith(".")
    assert unquote(name.removesuffix(".txt")) == source_id


@pytest.mark.parametrize(
    ("relative", "problem"),
    [
        ("sources/a.txt", None),
        ("../a.txt", "must not contain empty, '.' or '..' segments"),
        ("/etc/passwd", "must be a path relative to the ledger directory"),
        ("sources//a.txt", "must not contain empty, '.' or '..' segments"),
        ("sources/.a.txt", "must not name a hidden file or folder"),
        ("sources\\a.txt", "must use '/' between folders and no control characters"),
        ("", "is empty"),
    ],
)
def test_archive_paths_stay_inside_the_ledger(relative: str, problem: str | None) -> None:
    assert path_problem(relative) == problem


def test_reading_an_archive_never_raises(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "bin.txt").write_bytes(b"a\x00b")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "t.txt").write_text("x", encoding="utf-8")
    (tmp_path / "linked").symlink_to(tmp_path / "outside")
    (tmp_path / "sources" / "link.txt").symlink_to(tmp_path / "outside" / "t.txt")
    os.chdir(tmp_path)
    assert read_archive(tmp_path, "sources/bin.txt") == (
        "sources/bin.txt is a binary file (it contains NUL bytes), not text"
    )
    assert read_archive(tmp_path, "sources/none.txt") == (
        "sources/none.txt cannot be read: No such file or directory"
    )
    assert read_archive(tmp_path, "linked/t.txt") == (
        "linked/t.txt: the folder 'linked' is a symbolic link; archives must lie in the ledger"
    )
    assert read_archive(tmp_path, "sources/link.txt") == (
        "sources/link.txt is a symbolic link; archived source texts must be regular files"
    )


# ---------------------------------------------------------------- lint


PLEDGES = """\
- id: t/gdp
  title: Grow GDP by 5.5%
  quote: 地区生产总值增长5.5%以上
  deadline: 2023
  progress:
    - period: 2023
      value: 6
      evidence:
        - source: test-report
          quote: 地区生产总值 增长6%
        - url: https://example.org/news
          quote: 不在档案里的一句
"""
ARCHIVE = "一、目标\n\n地区生产总值增长5.5%以上。\n\n二、完成\n\n地区生产总值\n增长6%\n"


def _archived(ledger: Callable[..., Path], body: str = PLEDGES, text: str = ARCHIVE) -> Path:
    """A ledger with one file whose source is archived with `text`."""
    root = ledger({"a.yaml": pledges_file(body)})
    (root / "sources").mkdir()
    (root / "sources" / "test-report.txt").write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode()).hexdigest()
    path = root / "a.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "  date: 2023-01\n",
            f"  date: 2023-01\n  archive: sources/test-report.txt\n  sha256: {digest}\n",
        ),
        encoding="utf-8",
    )
    return root


def test_lint_counts_the_quotes_it_verified(
    ledger: Callable[..., Path], run: Callable[..., Result], chdir_tmp: Path
) -> None:
    _archived(ledger)
    result = run("lint", "--strict", "--ledger", "ledger")
    assert (result.exit_code, result.stdout) == (
        0,
        "no problems found; 2 quotes verified against 1 archived source\n",
    )
    data = json.loads(run("lint", "--ledger", "ledger", "--format", "json").stdout)
    assert data["summary"] == {
        "errors": 0,
        "warnings": 0,
        "quotes": {"checked": 2, "verified": 2, "unverifiable": 0, "archived_sources": 1},
    }


def test_a_changed_character_is_an_error_with_the_closest_passage(
    ledger: Callable[..., Path], run: Callable[..., Result], chdir_tmp: Path
) -> None:
    root = _archived(ledger)
    path = root / "a.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("增长5.5%以上", "增长5.6%以上"), encoding="utf-8"
    )
    result = run("lint", "--ledger", "ledger")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "ledger/a.yaml:13:12: PL260 error quote not found in the archived text of source "
        "'test-report' (ledger/sources/test-report.txt) (did you mean “地区生产总值增长5.5%以上” "
        "(ledger/sources/test-report.txt:3)?)",
        "1 errors, 0 warnings; 1 of 2 quotes verified against 1 archived source",
    ]


def test_an_evidence_quote_is_checked_against_the_source_it_cites(
    ledger: Callable[..., Path], run: Callable[..., Result], chdir_tmp: Path
) -> None:
    root = _archived(ledger, text=ARCHIVE.replace("增长6%", "增长7%"))
    result = run("lint", "--ledger", "ledger", "--format", "json")
    (found,) = json.loads(result.stdout)["diagnostics"]
    assert (found["line"], found["column"], found["code"], found["path"]) == (
        20,
        20,
        "PL260",
        "$.pledges[0].progress[0].evidence[0].quote",
    )
    assert found["hint"] == "did you mean “地区生产总值 增长7%” (ledger/sources/test-report.txt:7)?"
    assert (
        (root / "a.yaml")
        .read_text(encoding="utf-8")
        .splitlines()[19]
        .endswith("quote: 地区生产总值 增长6%")
    )


def test_white_space_the_quote_lacks_is_named_as_the_difference(
    ledger: Callable[..., Path], run: Callable[..., Result], chdir_tmp: Path
) -> None:
    _archived(ledger, PLEDGES.replace("地区生产总值 增长6%", "地区生产总值增长6%"))
    result = run("lint", "--ledger", "ledger")
    assert result.stdout.splitlines()[0] == (
        "ledger/a.yaml:20:20: PL260 error quote not found as written in the archived text of "
        "source 'test-report': the source has white space inside it "
        "(ledger/sources/test-report.txt:7 reads “地区生产总值 增长6%”; "
        "put a space in the quote where the source has one)"
    )


def test_a_source_without_archive_is_a_warning_and_fails_strict(
    ledger: Callable[..., Path], run: Callable[..., Result], chdir_tmp: Path
) -> None:
    ledger({"a.yaml": pledges_file(PLEDGES)})
    result = run("lint", "--ledger", "ledger")
    assert (result.exit_code, result.stdout.splitlines()) == (
        0,
        [
            "ledger/a.yaml:1:1: PL261 warning source 'test-report' has no archived text, so its "
            "quotes are not verified (archive its text: pledges source archive DOCUMENT --id "
            "test-report)",
            "0 errors, 1 warnings; 2 quotes not verifiable (no usable archive of their source)",
        ],
    )
    assert run("lint", "--strict", "--ledger", "ledger").exit_code == 1


def test_a_changed_archive_is_an_error_even_with_a_warm_cache(
    ledger: Callable[..., Path], run: Callable[..., Result], chdir_tmp: Path
) -> None:
    root = _archived(ledger)
    assert run("lint", "--ledger", "ledger").exit_code == 0
    archive = root / "sources" / "test-report.txt"
    archive.write_text(ARCHIVE + "追加的一行\n", encoding="utf-8")
    new = hashlib.sha256(archive.read_bytes()).hexdigest()
    old = hashlib.sha256(ARCHIVE.encode()).hexdigest()
    result = run("lint", "--ledger", "ledger")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"ledger/a.yaml:9:11: PL262 error ledger/sources/test-report.txt has changed: its "
        f"SHA-256 is {new[:12]}…, the source records {old[:12]}… (restore the archived text; "
        "if the new text is the document as published, record its SHA-256 "
        "('pledges source check' lists every archive))"
    )


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            ("archive: sources/test-report.txt", "archive: sources/gone.txt"),
            "ledger/a.yaml:8:12: PL263 error the archive ledger/sources/gone.txt cannot be "
            "read: No such file or directory",
        ),
        (
            ("archive: sources/test-report.txt", "archive: ../test-report.txt"),
            "ledger/a.yaml:8:12: PL263 error the archive '../test-report.txt' must not contain "
            "empty, '.' or '..' segments",
        ),
        (
            ("  sha256: ", "  note: "),
            "ledger/a.yaml:8:12: PL263 error 'archive' needs 'sha256', the SHA-256 of the "
            "archived file (its SHA-256 is {digest})",
        ),
        (
            ("  archive: sources/test-report.txt\n", ""),
            "ledger/a.yaml:8:11: PL263 error 'sha256' without 'archive': hash of what?",
        ),
    ],
)
def test_archive_problems_are_errors_at_the_source(
    ledger: Callable[..., Path],
    run: Callable[..., Result],
    chdir_tmp: Path,
    edit: tuple[str, str],
    expected: str,
) -> None:
    root = _archived(ledger)
    path = root / "a.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(*edit), encoding="utf-8")
    result = run("lint", "--ledger", "ledger")
    digest = hashlib.sha256(ARCHIVE.encode()).hexdigest()
    assert result.exit_code == 1
    assert expected.format(digest=digest) in result.stdout.splitlines()


def test_lint_of_one_file_counts_only_its_quotes(
    ledger: Callable[..., Path], run: Callable[..., Result], chdir_tmp: Path
) -> None:
    other = pledges_file(PLEDGES.replace("t/gdp", "t/other")).replace("test-report", "other")
    root = ledger({"a.yaml": pledges_file(PLEDGES), "b.yaml": other})
    archive_sources(root)
    assert run("lint", "--ledger", "ledger").stdout.splitlines()[-1] == (
        "no problems found; 4 quotes verified against 2 archived sources"
    )
    assert run("lint", "ledger/b.yaml").stdout.splitlines()[-1] == (
        "no problems found; 2 quotes verified against 1 archived source"
    )


# ---------------------------------------------------------------- the bundled ledger


def test_a_changed_character_in_a_bundled_quote_fails_with_the_closest_passage(
    tmp_path: Path, run: Callable[..., Result]
) -> None:
    shutil.copytree(ROOT / "ledger", tmp_path / "ledger")
    name = "ledger/cn/zhejiang/hangzhou/xiaoshan/2023-work-report.yaml"
    path = tmp_path / name
    text = path.read_text(encoding="utf-8")
    assert text.count("quote: 地区生产总值增长5.5%以上\n") == 1
    path.write_text(text.replace("增长5.5%以上\n", "增长5.6%以上\n"), encoding="utf-8")
    line = text[: text.index("quote: 地区生产总值增长5.5%以上")].count("\n") + 1
    result = run("lint", "--ledger", "ledger", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"{name}:{line}:12: PL260 error quote not found in the archived text of source "
        "'xiaoshan-2023-work-report' (ledger/sources/xiaoshan-2023-work-report.txt) "
        "(did you mean “地区生产总值增长5.5%以上” "
        "(ledger/sources/xiaoshan-2023-work-report.txt:112)?)"
    )


@pytest.mark.skipif(not (SHARED / "tools" / "check_quotes.py").is_file(), reason="../shared absent")
def test_the_outside_checker_agrees_with_lint_on_the_bundled_ledger(
    run: Callable[..., Result],
) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(SHARED / "tools" / "check_quotes.py"),
            str(ROOT / "ledger"),
            str(ROOT / "ledger" / "sources"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    outside = re.search(r"(\d+) of (\d+) quotes found verbatim", done.stdout)
    assert done.returncode == 0 and outside and outside[1] == outside[2], done.stdout[-2000:]
    ours = json.loads(run("lint", "--ledger", str(ROOT / "ledger"), "--format", "json").stdout)
    quotes = ours["summary"]["quotes"]
    assert quotes["checked"] == quotes["verified"] == int(outside[2])


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared absent")
def test_the_bundled_archives_are_the_source_texts_as_captured() -> None:
    seeds = {p.read_bytes() for p in (SHARED / "seeds").glob("*.txt")}
    archives = {p.read_bytes() for p in (ROOT / "ledger" / "sources").glob("*.txt")}
    assert archives == seeds


def test_a_warm_lint_reuses_the_quote_checks_of_an_unchanged_archive(
    ledger: Callable[..., Path],
    run: Callable[..., Result],
    chdir_tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = _archived(ledger)
    cold = run("lint", "--ledger", "ledger")
    searched: list[str] = []
    real_find = SourceText.find

    def counting_find(self: SourceText, quote: str) -> Span | None:
        searched.append(quote)
        return real_find(self, quote)

    monkeypatch.setattr(SourceText, "find", counting_find)
    warm = run("lint", "--ledger", "ledger")
    assert (warm.exit_code, warm.stdout, searched) == (cold.exit_code, cold.stdout, [])
    assert run("lint", "--no-cache", "--ledger", "ledger").stdout == cold.stdout
    assert sorted(searched) == ["地区生产总值 增长6%", "地区生产总值增长5.5%以上"]
    path = root / "a.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("5.5%", "5.6%"), encoding="utf-8")
    searched.clear()
    changed = run("lint", "--ledger", "ledger")
    assert changed.exit_code == 1
    assert sorted(searched) == ["地区生产总值 增长6%", "地区生产总值增长5.6%以上"]
