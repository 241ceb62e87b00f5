"""Edits never lose a write: concurrent writers, read-only and oversized files, failed
writes, and writers killed half way."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pledges.edit import atomic, emit, lock, splice
from pledges.edit.session import Edit, Loaded
from pledges.model.diagnostics import Diagnostic
from pledges.read.safe import MAX_FILE_BYTES
from tests.test_editing import AS_OF, FILE, make_ledger
from tests.test_review import DRAFTS

Run = Callable[..., Any]

ENTRY_2023 = "      - period: 2023\n        value: 110\n"
ENTRY_Q3 = "      - period: 2023-Q3\n        value: 90\n"


def observe(period: int | str, value: int) -> Callable[[Loaded], Edit | list[Diagnostic]]:
    item = emit.observation(period, value, emit.evidence(f"q{period}", source="src-a"))
    return lambda loaded: splice.plan_observe(loaded, "t/2023/jobs", item)


def cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PLEDGES_CACHE_DIR": str(tmp_path / "cache"),
        "NO_COLOR": "1",
        "COLUMNS": "200",
        **extra,
    }


def observe_argv(period: int | str, value: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pledges",
        "observe",
        "t/2023/jobs",
        "--period",
        str(period),
        "--value",
        str(value),
        "--source",
        "src-a",
        "--quote",
        f"q{period}",
    ]


class Gate:
    """Pauses the first writer (thread 'first') inside os.replace, after the check."""

    def __init__(self) -> None:
        self.paused = threading.Event()
        self.go = threading.Event()
        self.real = os.replace

    def replace(self, src: Any, dst: Any) -> None:
        if threading.current_thread().name == "first" and not self.paused.is_set():
            self.paused.set()
            assert self.go.wait(30)
        self.real(src, dst)


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    gate = Gate()
    monkeypatch.setattr(os, "replace", gate.replace)
    yield gate
    gate.go.set()


def in_thread(name: str, work: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []
    thread = threading.Thread(target=lambda: out.append(work()), name=name, daemon=True)
    thread.start()
    return thread, out


# ---------------------------------------------------------------- concurrent writers


def test_a_second_writer_waits_for_one_paused_between_check_and_rename(
    tmp_path: Path, gate: Gate, chdir_tmp: Path
) -> None:
    path = make_ledger(tmp_path)
    waits: list[lock.Waiting] = []
    first, first_out = in_thread(
        "first", lambda: atomic.apply_edit(path, AS_OF, observe(2023, 110))
    )
    assert gate.paused.wait(30)  # the first writer has checked the file and not yet renamed
    second, second_out = in_thread(
        "second",
        lambda: atomic.apply_edit(path, AS_OF, observe("2023-Q3", 90), on_wait=waits.append),
    )
    while not waits and second.is_alive():  # the second writer either waits or finishes
        second.join(0.01)
    gate.go.set()
    first.join(30)
    second.join(30)
    assert isinstance(first_out[0], Edit), first_out
    assert isinstance(second_out[0], Edit), second_out
    text = path.read_text(encoding="utf-8")
    assert ENTRY_2023 in text and ENTRY_Q3 in text  # both successes are on disk
    assert waits == [lock.Waiting("ledger/.pledges.lock", os.getpid(), lock.DEFAULT_TIMEOUT)]
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.yaml", "jurisdictions.yaml"]


def test_a_writer_that_waits_too_long_is_refused_and_nothing_is_lost(
    tmp_path: Path, gate: Gate, chdir_tmp: Path
) -> None:
    path = make_ledger(tmp_path)
    first, first_out = in_thread(
        "first", lambda: atomic.apply_edit(path, AS_OF, observe(2023, 110))
    )
    assert gate.paused.wait(30)
    refused = atomic.apply_edit(path, AS_OF, observe("2023-Q3", 90), timeout=0.2)
    gate.go.set()
    first.join(30)
    assert isinstance(first_out[0], Edit)
    assert isinstance(refused, list)
    assert [(d.file, d.code, d.message, d.hint) for d in refused] == [
        (
            "ledger/a.yaml",
            "PL906",
            "refusing to edit: another edit of this ledger held ledger/.pledges.lock "
            f"by process {os.getpid()} for 0.2 s",
            "run the command again when it has finished ($PLEDGES_LOCK_TIMEOUT sets how "
            "many seconds to wait)",
        )
    ]
    text = path.read_text(encoding="utf-8")
    assert ENTRY_2023 in text and ENTRY_Q3 not in text


def test_fifty_rounds_of_two_concurrent_observes_keep_every_success(tmp_path: Path) -> None:
    # 50 rounds, five at a time on five ledgers; in each, two processes race on one file
    folders = [tmp_path / f"l{n}" for n in range(5)]
    for folder in folders:
        folder.mkdir()
    paths = [make_ledger(folder) for folder in folders]
    for wave in range(10):
        runs = []
        for folder, path in zip(folders, paths, strict=True):
            path.write_text(FILE, encoding="utf-8")
            runs += [
                subprocess.Popen(
                    observe_argv(period, value),
                    cwd=folder,
                    env=cli_env(folder),
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for period, value in ((2023, 110), ("2023-Q3", 90))
            ]
        outs = [(*p.communicate(timeout=300), p.returncode) for p in runs]
        for n, path in enumerate(paths):
            text = path.read_text(encoding="utf-8")
            pair = outs[2 * n : 2 * n + 2]
            for (stdout, _, _), entry in zip(pair, (ENTRY_2023, ENTRY_Q3), strict=True):
                if "written to ledger/a.yaml" in stdout:
                    assert entry in text, f"round {wave * 5 + n}: a printed success is lost"
            for _, stderr, code in pair:  # with the lock neither is refused: one waits
                assert code == 0, f"round {wave * 5 + n}: {stderr}"
            assert sorted(p.name for p in path.parent.iterdir()) == ["a.yaml", "jurisdictions.yaml"]


def test_observe_says_it_waits_for_a_held_lock_and_refuses_at_the_timeout(
    tmp_path: Path,
) -> None:
    path = make_ledger(tmp_path)
    held = os.open(path.parent / ".pledges.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        os.write(held, b"4242\n")
        fcntl.flock(held, fcntl.LOCK_EX)
        done = subprocess.run(
            observe_argv(2023, 110),
            cwd=tmp_path,
            env=cli_env(tmp_path, PLEDGES_LOCK_TIMEOUT="0.3"),
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        os.close(held)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (
        "pledges: waiting for another edit of this ledger to finish (ledger/.pledges.lock "
        "is held by process 4242); giving up after 0.3 s\n"
        "ledger/a.yaml:1:1: PL906 error refusing to edit: another edit of this ledger held "
        "ledger/.pledges.lock by process 4242 for 0.3 s (run the command again when it has "
        "finished ($PLEDGES_LOCK_TIMEOUT sets how many seconds to wait))\n"
        "pledges: nothing was written; ledger/a.yaml is unchanged\n"
    )
    assert path.read_text(encoding="utf-8") == FILE


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "inf"])
def test_a_bad_lock_timeout_is_a_usage_error(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    path = make_ledger(tmp_path)
    monkeypatch.setenv("PLEDGES_LOCK_TIMEOUT", value)
    result = run("observe", *observe_argv(2023, 110)[4:], cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"pledges: $PLEDGES_LOCK_TIMEOUT: '{value}' is not a number of seconds (0 or more)\n"
    )
    assert path.read_text(encoding="utf-8") == FILE


def test_a_waiter_whose_lock_file_was_deleted_locks_the_current_one(tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    first = lock.acquire(path, "a.yaml")
    assert isinstance(first, lock.LedgerLock)
    waiting = threading.Event()
    second_out: list[Any] = []
    second = threading.Thread(
        target=lambda: second_out.append(
            lock.acquire(path, "a.yaml", on_wait=lambda _: waiting.set())
        )
    )
    second.start()
    assert waiting.wait(30)
    first.release()  # deletes the file the second writer is waiting on, then frees it
    second.join(30)
    holder = second_out[0]
    assert isinstance(holder, lock.LedgerLock)
    third = lock.acquire(path, "a.yaml", timeout=0)
    assert isinstance(third, Diagnostic) and third.code == "PL906"
    holder.release()
    assert not (path.parent / ".pledges.lock").exists()


def test_a_lock_file_left_by_a_dead_writer_is_taken_over(tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    (path.parent / ".pledges.lock").write_text("999999\n", encoding="utf-8")
    edit = atomic.apply_edit(path, AS_OF, observe(2023, 110), timeout=0)
    assert isinstance(edit, Edit), edit
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.yaml", "jurisdictions.yaml"]


def test_the_lock_file_cannot_be_a_fifo_or_a_link(tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    os.mkfifo(path.parent / ".pledges.lock")
    found = atomic.apply_edit(path, AS_OF, observe(2023, 110), timeout=0)
    assert isinstance(found, list)
    assert found[0].code == "PL905"
    assert found[0].message.endswith(".pledges.lock (it is not a regular file)")
    (path.parent / ".pledges.lock").unlink()
    (path.parent / ".pledges.lock").symlink_to(tmp_path / "elsewhere")
    found = atomic.apply_edit(path, AS_OF, observe(2023, 110), timeout=0)
    assert isinstance(found, list) and found[0].code == "PL905"
    assert not (tmp_path / "elsewhere").exists()
    assert path.read_text(encoding="utf-8") == FILE


# ---------------------------------------------------------------- files that must not be replaced


def test_a_read_only_file_is_refused_not_replaced(run: Run, tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    path.chmod(0o444)
    inode = path.stat().st_ino
    result = run("observe", *observe_argv(2023, 110)[4:], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "ledger/a.yaml:1:1: PL900 error refusing to write: the file is read-only (mode 0444) "
        "(make it writable first if it should be edited)\n"
        "pledges: nothing was written; ledger/a.yaml is unchanged\n"
    )
    assert path.stat().st_ino == inode
    assert path.read_text(encoding="utf-8") == FILE


def test_fmt_refuses_a_read_only_file_and_does_not_claim_it(run: Run, tmp_path: Path) -> None:
    messy = FILE.replace(
        "    title: Create 100 jobs\n    quote: 新增就业100人\n",
        "    quote: 新增就业100人\n    title: Create 100 jobs\n",
    )
    path = make_ledger(tmp_path, messy)
    path.chmod(0o444)
    result = run("fmt", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout == "0 of 2 files reformatted, 1 not written\n"
    assert "PL900 error refusing to write: the file is read-only (mode 0444)" in result.stderr
    assert path.read_text(encoding="utf-8") == messy


def test_fmt_does_not_say_reformatted_when_the_write_failed(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    messy = FILE.replace(
        "    title: Create 100 jobs\n    quote: 新增就业100人\n",
        "    quote: 新增就业100人\n    title: Create 100 jobs\n",
    )
    path = make_ledger(tmp_path, messy)

    def broken(src: Any, dst: Any) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", broken)
    result = run("fmt", cwd=tmp_path)
    assert result.exit_code == 1
    assert "reformatted ledger/a.yaml" not in result.stdout
    assert result.stdout == "0 of 2 files reformatted, 1 not written\n"
    assert result.stderr == (
        "ledger/a.yaml:1:1: PL905 error the edit was not written: Input/output error; "
        "the file is unchanged\n"
    )
    assert path.read_text(encoding="utf-8") == messy
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.yaml", "jurisdictions.yaml"]


def test_an_edit_past_the_read_limit_is_refused(run: Run, tmp_path: Path) -> None:
    # a comment pads the file to just under the limit: the observation would cross it
    pad = "# " + "x" * 97 + "\n"
    room = MAX_FILE_BYTES - len(FILE.encode("utf-8")) - 40
    text = FILE + pad * (room // len(pad)) + "#" * (room % len(pad)) + "\n"
    assert MAX_FILE_BYTES - 200 < len(text.encode("utf-8")) <= MAX_FILE_BYTES
    path = make_ledger(tmp_path, text)
    assert run("lint", cwd=tmp_path).exit_code == 0
    result = run("observe", *observe_argv(2023, 110)[4:], cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "ledger/a.yaml:1:1: PL900 error refusing to write: the edited file would be "
    )
    assert result.stderr.endswith(
        " bytes, over the 8 MiB (8388608 bytes) ledger files are limited to "
        "(split it: one source document per file)\n"
        "pledges: nothing was written; ledger/a.yaml is unchanged\n"
    )
    assert path.read_text(encoding="utf-8") == text
    assert run("lint", cwd=tmp_path).exit_code == 0


# ---------------------------------------------------------------- writers killed half way

KILLED_OBSERVE = """
import os, signal, sys
real = os.replace
def replace(src, dst):
    if str(dst).endswith("a.yaml"):  # killed after the check, before the rename
        os.kill(os.getpid(), signal.SIGKILL)
    real(src, dst)
os.replace = replace
sys.argv[0] = "pledges"
from pledges.cli import main
main()
"""


def test_a_temp_file_left_by_kill_9_is_ignored_then_cleaned_by_the_next_write(
    tmp_path: Path,
) -> None:
    path = make_ledger(tmp_path)
    env = cli_env(tmp_path)

    def pledges(*args: str) -> tuple[int, str, str]:
        argv = [sys.executable, "-m", "pledges", *args]
        done = subprocess.run(
            argv, cwd=tmp_path, env=env, capture_output=True, text=True, check=False
        )
        return done.returncode, done.stdout, done.stderr

    lint_before, check_before = pledges("lint"), pledges("fmt", "--check")
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_OBSERVE, *observe_argv(2023, 110)[3:]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert path.read_text(encoding="utf-8") == FILE
    left = sorted(p.name for p in path.parent.iterdir() if p.name.startswith("."))
    assert len(left) == 2
    assert left[0].startswith(".a.yaml.") and left[0].endswith(".tmp")
    assert left[1] == ".pledges.lock"
    assert pledges("lint") == lint_before  # the leftovers are not ledger files
    assert pledges("fmt", "--check") == check_before
    assert check_before == (0, "0 of 2 files would be reformatted\n", "")
    done = subprocess.run(
        observe_argv("2023-Q3", 90),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.yaml", "jurisdictions.yaml"]
    assert ENTRY_Q3 in path.read_text(encoding="utf-8")


def test_only_temp_files_of_our_own_naming_are_cleaned(tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    ours = [".a.yaml.k3j_9x0q.tmp", ".a.yaml.abcdefgh.tmp"]
    theirs = [".a.yaml.swp", ".a.yaml.toolong12.tmp.bak", ".b.yaml.abcdefgh.tmp", "a.yaml~"]
    for name in ours + theirs:
        (path.parent / name).write_text("partial", encoding="utf-8")
    (path.parent / ".a.yaml.dir12345.tmp").mkdir()
    edit = atomic.apply_edit(path, AS_OF, observe(2023, 110))
    assert isinstance(edit, Edit), edit
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(
        ["a.yaml", "jurisdictions.yaml", ".a.yaml.dir12345.tmp", *theirs]
    )


# ---------------------------------------------------------------- several files at once


def test_rename_waits_for_the_lock_of_an_edit_in_progress(
    run: Run, tmp_path: Path, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_ledger(tmp_path)
    first, first_out = in_thread(
        "first", lambda: atomic.apply_edit(path, AS_OF, observe(2023, 110))
    )
    assert gate.paused.wait(30)  # the observation is checked and not yet renamed into place
    monkeypatch.setenv("PLEDGES_LOCK_TIMEOUT", "0.2")
    result = run("rename", "t/2023/jobs", "t/2023/new-jobs", cwd=tmp_path)
    gate.go.set()
    first.join(30)
    assert isinstance(first_out[0], Edit)
    assert result.exit_code == 1
    assert result.stderr == (
        "pledges: waiting for another edit of this ledger to finish (ledger/.pledges.lock is "
        f"held by process {os.getpid()}); giving up after 0.2 s\n"
        "ledger:1:1: PL906 error refusing to edit: another edit of this ledger held "
        f"ledger/.pledges.lock by process {os.getpid()} for 0.2 s (run the command again when "
        "it has finished ($PLEDGES_LOCK_TIMEOUT sets how many seconds to wait))\n"
        "pledges: nothing was renamed; every file is as it was\n"
    )
    text = path.read_text(encoding="utf-8")
    assert ENTRY_2023 in text and "t/2023/new-jobs" not in text
    monkeypatch.delenv("PLEDGES_LOCK_TIMEOUT")
    done = run("rename", "t/2023/jobs", "t/2023/new-jobs", cwd=tmp_path)
    assert done.exit_code == 0, done.stderr
    text = path.read_text(encoding="utf-8")
    assert ENTRY_2023 in text and "id: t/2023/new-jobs" in text
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.yaml", "jurisdictions.yaml"]


def test_rename_refuses_a_read_only_file_and_cleans_stale_temps(run: Run, tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    kept = [".a.yaml.original-abcdefgh.tmp", ".a.yaml.abcdefgh.tmp.bak"]
    for name in [".a.yaml.abcdefgh.tmp", *kept]:
        (path.parent / name).write_text("partial", encoding="utf-8")
    path.chmod(0o444)
    refused = run("rename", "t/2023/jobs", "t/2023/new-jobs", cwd=tmp_path)
    assert refused.exit_code == 1
    assert refused.stderr == (
        "ledger/a.yaml:1:1: PL900 error refusing to write: the file is read-only (mode 0444) "
        "(make it writable first if it should be edited)\n"
    )
    assert path.read_text(encoding="utf-8") == FILE
    path.chmod(0o644)
    done = run("rename", "t/2023/jobs", "t/2023/new-jobs", cwd=tmp_path)
    assert done.exit_code == 0, done.stderr
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(
        ["a.yaml", "jurisdictions.yaml", *kept]
    )


def test_fmt_takes_the_lock_only_for_files_it_writes(run: Run, tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    os.mkfifo(path.parent / ".pledges.lock")  # a lock that cannot be taken
    clean = run("fmt", cwd=tmp_path)
    assert (clean.exit_code, clean.stdout, clean.stderr) == (
        0,
        "0 of 2 files reformatted\n",
        "",
    )
    messy = FILE.replace(
        "    title: Create 100 jobs\n    quote: 新增就业100人\n",
        "    quote: 新增就业100人\n    title: Create 100 jobs\n",
    )
    path.write_text(messy, encoding="utf-8")
    refused = run("fmt", cwd=tmp_path)
    assert refused.exit_code == 1
    assert refused.stdout == "0 of 2 files reformatted, 1 not written\n"
    assert refused.stderr == (
        "ledger/a.yaml:1:1: PL905 error refusing to edit: cannot lock the ledger for writing: "
        "ledger/.pledges.lock (it is not a regular file)\n"
    )
    assert path.read_text(encoding="utf-8") == messy


def test_accept_waits_for_the_lock_too(
    run: Run, ledger: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, chdir_tmp: Path
) -> None:
    root = ledger({"a.yaml": DRAFTS})
    path = root / "a.yaml"
    held = os.open(root / ".pledges.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        monkeypatch.setenv("PLEDGES_LOCK_TIMEOUT", "0.2")
        refused = run("accept", "t/2023/parks", "--ledger", "ledger")
    finally:
        os.close(held)
    assert refused.exit_code == 1
    assert refused.stderr.splitlines() == [
        "pledges: waiting for another edit of this ledger to finish (ledger/.pledges.lock); "
        "giving up after 0.2 s",
        "ledger/a.yaml:1:1: PL906 error refusing to edit: another edit of this ledger held "
        "ledger/.pledges.lock for 0.2 s (run the command again when it has finished "
        "($PLEDGES_LOCK_TIMEOUT sets how many seconds to wait))",
        "pledges: nothing more was written",
    ]
    assert path.read_text(encoding="utf-8") == DRAFTS
    accepted = run("accept", "t/2023/parks", "--ledger", "ledger")
    assert accepted.exit_code == 0, accepted.stderr
    assert sorted(p.name for p in root.iterdir()) == ["a.yaml", "jurisdictions.yaml"]
