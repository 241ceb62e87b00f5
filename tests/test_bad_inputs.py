"""The bad inputs of the design catalogue: a diagnostic and a documented exit code each."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result, pledges_file

GOOD = pledges_file("""\
- id: t/a
  title: A
  quote: 甲
  deadline: 2023
""")


@pytest.fixture
def lint_bytes(
    ledger: Callable[..., Path], run: Callable[..., Result], chdir_tmp: Path
) -> Callable[[bytes], Result]:
    def check(data: bytes) -> Result:
        root = ledger({})
        (root / "bad.yaml").write_bytes(data)
        return run("lint", "--ledger", "ledger", "ledger/bad.yaml")

    return check


@pytest.mark.parametrize(
    ("data", "code", "exit_code", "message"),
    [
        (b"", 1, 1, "ledger/bad.yaml:1:1: PL007 error the file is empty"),
        (b"# only a comment\n", 1, 1, "PL007"),
        (b"- a\n- b\n", 1, 1, "PL103 error the file must be a mapping, not a list"),
        (b"just text\n", 1, 1, "PL103 error the file must be a mapping, not the text 'just text'"),
        (
            GOOD.encode() + b"---\nsource: {}\n",
            1,
            1,
            "PL004 error a ledger file holds one YAML document",
        ),
        (b"a: 1\x00\n", 1, 3, "PL001 error is a binary file"),
        (
            "source: é\n".encode("latin-1"),
            1,
            3,
            "ledger/bad.yaml:1:9: PL001 error is not valid UTF-8 (byte 0xe9)",
        ),
        (b"<<<<<<< HEAD\na: 1\n=======\na: 2\n>>>>>>> x\n", 1, 1, "ledger/bad.yaml:1:1: PL006"),
        (b"source:\n\tid: x\n", 1, 1, "use spaces"),
        (
            b"a: 1\na: 2\n",
            1,
            1,
            "ledger/bad.yaml:2:1: PL003 error duplicate key 'a': first defined at line 1",
        ),
        (b"a: &x [1]\nb: *x\n", 1, 1, "PL004 error alias '*x' is not allowed"),
        (b"a: !!python/object/apply:os.system ['ls']\n", 1, 1, "PL004 error explicit tag"),
        (b"a: !evil x\n", 1, 1, "PL004 error explicit tag '!evil'"),
        (b"%YAML 1.1\n---\na: no\n", 1, 1, "PL004 error YAML directives"),
        (b"[" * 100_000 + b"]" * 100_000, 1, 1, "PL005 error nesting deeper than 64 levels"),
        (b"source: [unclosed\n", 1, 1, "PL002 error YAML syntax error"),
    ],
)
def test_bad_files(
    lint_bytes: Callable[[bytes], Result], data: bytes, code: int, exit_code: int, message: str
) -> None:
    result = lint_bytes(data)
    assert result.exit_code == exit_code
    assert message in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_bom_and_crlf_are_accepted(lint_bytes: Callable[[bytes], Result]) -> None:
    data = b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode()
    result = lint_bytes(data)
    # no error: only the warning that the (test) source keeps no archived text
    assert (result.exit_code, [line.split()[1] for line in result.stdout.splitlines()[:-1]]) == (
        0,
        ["PL261"],
    )


def test_symlink_is_refused_without_revealing_its_target(
    ledger: Callable[..., Path], run: Callable[..., Result], chdir_tmp: Path
) -> None:
    root = ledger({"a.yaml": GOOD})
    secret = chdir_tmp / "secret-target.yaml"
    secret.write_text(GOOD, encoding="utf-8")
    (root / "link.yaml").symlink_to(secret)
    result = run("lint", "--ledger", "ledger")
    assert result.exit_code == 3
    assert "ledger/link.yaml:1:1: PL001 error is a symbolic link" in result.stdout
    assert "secret-target" not in result.stdout + result.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_refused_without_blocking(
    ledger: Callable[..., Path], run: Callable[..., Result], chdir_tmp: Path
) -> None:
    root = ledger({})
    os.mkfifo(root / "pipe.yaml")
    result = run("lint", "--ledger", "ledger")
    assert result.exit_code == 3
    assert "PL001 error is not a regular file" in result.stdout


def test_oversized_file_is_refused_before_reading(lint_bytes: Callable[[bytes], Result]) -> None:
    result = lint_bytes(b"# " + b"x" * (9 * 1024 * 1024) + b"\n")
    assert result.exit_code == 3
    assert "ledger files are limited to 8 MiB" in result.stdout


def test_missing_path_is_unreadable_input(run: Callable[..., Result], chdir_tmp: Path) -> None:
    result = run("lint", "nowhere.yaml")
    assert result.exit_code == 3
    assert result.stderr.strip() == "pledges: nowhere.yaml: no such file or directory"


def test_no_ledger_is_a_usage_error(run: Callable[..., Result], chdir_tmp: Path) -> None:
    result = run("status")
    assert result.exit_code == 2
    assert "no ledger found" in result.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_hostile_values_are_escaped_in_every_format(
    ledger: Callable[..., Path], run: Callable[..., Result], chdir_tmp: Path, fmt: str
) -> None:
    body = GOOD.replace("deadline: 2023", 'deadline: "2023-02-30"').replace(
        "title: A", 'title: "[red]x[/red] \\e[31m \\u202e ::error ::hi"'
    )
    ledger({"a.yaml": body})
    result = run("lint", "--ledger", "ledger", "--format", fmt)
    assert result.exit_code == 1
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    if fmt == "github":
        errors = [ln for ln in result.stdout.splitlines() if ln.startswith("::error")]
        assert errors[0].startswith("::error file=ledger/a.yaml,line=12,col=15,title=PL220::")


def test_status_escapes_markup_and_terminal_sequences(
    ledger: Callable[..., Path], run: Callable[..., Result], chdir_tmp: Path
) -> None:
    body = GOOD.replace("id: t/a", "id: t/a").replace(
        "title: A", 'title: "[link=http://x]click[/link] \\e]8;;http://evil\\e\\\\"'
    )
    ledger({"a.yaml": body})
    result = run("show", "t/a", "--ledger", "ledger", "--as-of", "2024-01-01")
    assert result.exit_code == 0
    assert "[link=http://x]click[/link]" in result.stdout
    assert "\x1b" not in result.stdout
