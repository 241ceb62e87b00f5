"""The parse cache can neither crash nor fool the tool: damaged, foreign, misplaced and
special-file entries are misses, and a cache that cannot be written is no cache."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pledges.read import cache as cache_module
from pledges.read.cache import Cache
from pledges.read.loader import load
from pledges.read.schema import schema_digest
from tests.conftest import JURISDICTIONS, Result, pledges_file

Run = Callable[..., Result]
ROOT = Path(__file__).resolve().parents[1]

A_FILE = pledges_file("""\
- id: t/a
  title: A
  quote: 甲
  deadline: 2023
  metric: {name: GDP growth, unit: precent, kind: rate}
  target: {op: ">=", value: 5}
  colour: red
""")
A_CLEAN = A_FILE.replace("precent", "percent").replace("  colour: red\n", "")
B_FILE = pledges_file("""\
- id: t/b
  title: B
  quote: 乙
  deadline: 2023-13
""").replace("test-report", "test-report-b")

ERRORS = ["ledger/a.yaml:13:38: PL213", "ledger/a.yaml:15:5: PL101", "ledger/b.yaml:12:15: PL220"]

# A marshal tuple that contains itself: the old reader took it for (data, diagnostics)
# and linted an empty ledger clean.
SELF_REFERENCE = b"\xa9\x02r\x00\x00\x00\x00[\x00\x00\x00\x00"


@pytest.fixture(autouse=True)
def _content_cache_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The read commands go through the ledger index when they can (tests/test_index*.py
    try it); here they read with the content cache, which is what these tests are about."""
    monkeypatch.setenv("PLEDGES_NO_INDEX", "1")


def make(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    root = tmp_path / "ledger"
    root.mkdir(exist_ok=True)
    (root / "jurisdictions.yaml").write_text(JURISDICTIONS, encoding="utf-8")
    for name, text in (files or {"a.yaml": A_FILE, "b.yaml": B_FILE}).items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def truth(run: Run, tmp_path: Path) -> str:
    """What lint says with no cache: the answer every state of the cache must give."""
    return run("lint", "--no-cache", cwd=tmp_path).stdout


def entries(directory: Path) -> set[Path]:
    """Every cache entry file (temporary files aside)."""
    return {p for p in directory.rglob("*") if p.is_file() and not p.name.startswith(".")}


def cache_dir() -> Path:
    return Path(os.environ["PLEDGES_CACHE_DIR"])


def lint_in_subprocess(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "pledges", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_warm_cache_gives_the_same_answer(run: Run, tmp_path: Path) -> None:
    make(tmp_path)
    expected = truth(run, tmp_path)
    # the test sources keep no archived texts: those warnings (PL261) are left out
    found = [
        line.split(" error ")[0] for line in expected.splitlines()[:-1] if " PL261 " not in line
    ]
    assert found == ERRORS
    cold = run("lint", cwd=tmp_path)
    assert (cold.exit_code, cold.stdout) == (1, expected)
    assert entries(cache_dir())
    warm = run("lint", cwd=tmp_path)
    assert (warm.exit_code, warm.stdout, warm.stderr) == (1, expected, "")


# ---------------------------------------------------------------- damaged entries


def _random(original: bytes, n: int) -> bytes:
    return random.Random(n).randbytes(max(len(original), 64))


DAMAGE: dict[str, Callable[[bytes, int], bytes]] = {
    "random bytes": _random,
    "flipped bytes": lambda original, n: bytes(
        b ^ 0x5A if i % 7 == n % 7 else b for i, b in enumerate(original)
    ),
    "truncated": lambda original, n: original[: len(original) // 2],
    "empty": lambda original, n: b"",
    "NUL bytes": lambda original, n: b"\0" * 4096,
    "self-referencing marshal tuple": lambda original, n: SELF_REFERENCE,
    "JSON of the wrong shape": lambda original, n: [b"[1, 2]", b'{"value": null}', b"null"][n % 3],
    "deeply nested JSON": lambda original, n: b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_entry_is_a_miss(tmp_path: Path, run: Run, damage: str) -> None:
    make(tmp_path)
    expected = truth(run, tmp_path)
    assert run("lint", cwd=tmp_path).stdout == expected  # fills the cache
    for n, entry in enumerate(sorted(entries(cache_dir()))):
        entry.write_bytes(DAMAGE[damage](entry.read_bytes(), n))
    lint = lint_in_subprocess(tmp_path, "lint")  # a crash must not take the tests with it
    assert (lint.returncode, lint.stdout, lint.stderr) == (1, expected, "")


def test_a_damaged_entry_does_not_empty_the_reports(tmp_path: Path, run: Run) -> None:
    make(tmp_path)
    expected = truth(run, tmp_path)
    assert run("lint", cwd=tmp_path).stdout == expected
    for entry in entries(cache_dir()):
        entry.write_bytes(SELF_REFERENCE)
    listed = lint_in_subprocess(tmp_path, "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert [row["id"] for row in json.loads(listed.stdout)] == ["t/a", "t/b"]
    status = lint_in_subprocess(tmp_path, "status")
    assert status.returncode == 0, status.stderr
    assert "2 pledges" in status.stdout


def test_an_entry_for_other_content_is_not_used(run: Run, tmp_path: Path) -> None:
    # the entries of a clean a.yaml, moved to where the entries of the broken one live
    root = make(tmp_path, {"a.yaml": A_CLEAN})
    clean = run("lint", cwd=tmp_path)
    assert (clean.exit_code, clean.stdout) == (0, truth(run, tmp_path))
    before = entries(cache_dir())
    (root / "a.yaml").write_text(A_FILE, encoding="utf-8")
    expected = truth(run, tmp_path)
    assert run("lint", cwd=tmp_path).exit_code == 1
    broken = entries(cache_dir()) - before
    assert broken
    for source in sorted(before):
        for target in sorted(broken):
            shutil.copyfile(source, target)
            result = run("lint", cwd=tmp_path)
            assert (result.exit_code, result.stdout) == (1, expected), (source, target)


def test_entries_with_a_wrong_binding_are_misses(run: Run, tmp_path: Path) -> None:
    root = make(tmp_path)
    expected = truth(run, tmp_path)
    assert run("lint", cwd=tmp_path).stdout == expected
    cache = Cache(cache_dir(), schema_digest())
    key = cache.key("ledger-file", (root / "a.yaml").read_bytes())
    good = cache.get(key)
    assert isinstance(good, list) and len(good[1]) == 1  # PL101 from the schema
    path = cache.path(key)
    stored = json.loads(path.read_bytes())
    for field, wrong in [
        ("sha256", "0" * 64),
        ("version", "0.0.1"),
        ("schema", "0" * 64),
        ("kind", "units"),
        ("part", "marks"),
        ("format", 1),
    ]:
        forged = {**stored, "header": {**stored["header"], field: wrong}}
        forged["value"] = [good[0], []]
        path.write_text(json.dumps(forged), encoding="utf-8")
        assert cache.get(key) is None, field
        result = run("lint", cwd=tmp_path)
        assert (result.exit_code, result.stdout) == (1, expected), field


@pytest.mark.parametrize(
    "value",
    [
        None,
        "text",
        [],
        ({}, "not a list"),
        ({}, [("x",)]),
        ({}, [(1, 1, "PL101", "fatal", "m", None, None)]),
        ({}, [(0, 1, "PL101", "error", "m", None, None)]),
        ({}, [(True, 1, "PL101", "error", "m", None, None)]),
        ({}, [(1, 1, "PL101", "error", "m", 5, None)]),
        ({}, [(1, 1, "PL101", "error", "m", None, None, "extra")]),
    ],
)
def test_a_parse_entry_of_the_wrong_shape_is_a_miss(run: Run, tmp_path: Path, value: Any) -> None:
    root = make(tmp_path)
    expected = truth(run, tmp_path)
    cache = Cache(cache_dir(), schema_digest())
    cache.put(cache.key("ledger-file", (root / "a.yaml").read_bytes()), value)
    result = run("lint", cwd=tmp_path)
    assert (result.exit_code, result.stdout, result.stderr) == (1, expected, "")


@pytest.mark.parametrize(
    "marks",
    [
        "text",
        {"pledges": [1, 1]},
        [[["pledges", 0, "metric", "unit"], ["x", 1]]],
        [[["pledges", 0.5], [1, 1]]],
        [[["pledges"], [1, 1, 1]]],
        [[["pledges"], [-1, 1]]],
        [["pledges", [1, 1]]],
    ],
)
def test_a_marks_entry_of_the_wrong_shape_is_a_miss(run: Run, tmp_path: Path, marks: Any) -> None:
    root = make(tmp_path)
    expected = truth(run, tmp_path)
    assert run("lint", cwd=tmp_path).stdout == expected
    cache = Cache(cache_dir(), schema_digest())
    key = cache.key("ledger-file", (root / "a.yaml").read_bytes())
    cache.put(key.with_part("marks"), marks)
    result = run("lint", cwd=tmp_path)
    assert (result.exit_code, result.stdout, result.stderr) == (1, expected, "")


def test_an_entry_larger_than_the_cap_is_a_miss(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(tmp_path)
    expected = truth(run, tmp_path)
    assert run("lint", cwd=tmp_path).stdout == expected
    monkeypatch.setattr(cache_module, "MAX_ENTRY_BYTES", 16)
    cache = Cache(cache_dir(), schema_digest())
    key = cache.key("ledger-file", (tmp_path / "ledger" / "a.yaml").read_bytes())
    assert cache.get(key) is None
    result = run("lint", cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (1, expected)


# ---------------------------------------------------------------- special files and owners


def test_a_fifo_where_an_entry_would_be_is_a_miss_not_a_hang(run: Run, tmp_path: Path) -> None:
    make(tmp_path)
    expected = truth(run, tmp_path)
    assert run("lint", cwd=tmp_path).stdout == expected
    for entry in entries(cache_dir()):
        entry.unlink()
        os.mkfifo(entry)
    lint = lint_in_subprocess(tmp_path, "lint")
    assert (lint.returncode, lint.stdout, lint.stderr) == (1, expected, "")


def test_a_link_where_an_entry_would_be_is_not_followed(run: Run, tmp_path: Path) -> None:
    # the entries of a clean a.yaml (or a device), linked from where the broken one's live
    root = make(tmp_path, {"a.yaml": A_CLEAN})
    assert run("lint", cwd=tmp_path).exit_code == 0
    before = entries(cache_dir())
    (root / "a.yaml").write_text(A_FILE, encoding="utf-8")
    expected = truth(run, tmp_path)
    assert run("lint", cwd=tmp_path).exit_code == 1
    broken = sorted(entries(cache_dir()) - before)
    for source in [*sorted(before), Path("/dev/zero")]:
        for target in broken:
            target.unlink()
            target.symlink_to(source)
        result = run("lint", cwd=tmp_path)
        assert (result.exit_code, result.stdout) == (1, expected), source


@pytest.mark.parametrize(
    "change", ["none", "world-writable entry", "group-writable folder", "foreign owner"]
)
def test_entries_someone_else_can_write_are_not_trusted(
    run: Run, tmp_path: Path, change: str
) -> None:
    # a clean a.yaml's verdict, stored where the broken a.yaml's would be
    root = make(tmp_path, {"a.yaml": A_CLEAN})
    clean_answer = truth(run, tmp_path)
    assert run("lint", cwd=tmp_path).exit_code == 0
    cache = Cache(cache_dir(), schema_digest())
    clean = cache.get(cache.key("ledger-file", A_CLEAN.encode("utf-8")))
    assert clean is not None
    (root / "a.yaml").write_text(A_FILE, encoding="utf-8")
    expected = truth(run, tmp_path)
    before = entries(cache_dir())
    cache.put(cache.key("ledger-file", A_FILE.encode("utf-8")), clean)
    (forged,) = entries(cache_dir()) - before
    if change == "none":  # the control: a cache only its owner can write is trusted
        result = run("lint", cwd=tmp_path)
        assert (result.exit_code, result.stdout) == (0, clean_answer)
        return
    if change == "world-writable entry":
        forged.chmod(0o666)
    elif change == "group-writable folder":
        forged.parent.chmod(0o770)
    else:
        if os.geteuid() != 0:
            pytest.skip("giving a file to another user needs root")
        os.chown(forged, 65534, 65534)
    result = run("lint", cwd=tmp_path)
    assert (result.exit_code, result.stdout) == (1, expected)
    # the miss rewrote the entry: the user's own again, in a folder only the user can write
    assert forged.parent.stat().st_mode & 0o777 == 0o700
    assert forged.stat().st_mode & 0o777 == 0o600
    fresh = cache.get(cache.key("ledger-file", A_FILE.encode("utf-8")))
    assert isinstance(fresh, list) and [d[2] for d in fresh[1]] == ["PL101"]


def test_an_unwritable_cache_is_no_cache(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(tmp_path)
    expected = truth(run, tmp_path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("PLEDGES_CACHE_DIR", str(blocker / "cache"))
    for _ in range(2):
        result = run("lint", cwd=tmp_path)
        assert (result.exit_code, result.stdout, result.stderr) == (1, expected, "")
    listed = run("list", "--format", "json", cwd=tmp_path)
    assert listed.exit_code == 0


def test_a_read_only_cache_folder_is_no_cache(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    make(tmp_path)
    expected = truth(run, tmp_path)
    folder = tmp_path / "ro-cache"
    folder.mkdir(mode=0o500)
    monkeypatch.setenv("PLEDGES_CACHE_DIR", str(folder))
    for _ in range(2):
        result = run("lint", cwd=tmp_path)
        assert (result.exit_code, result.stdout, result.stderr) == (1, expected, "")
    assert not any(folder.iterdir())


# ---------------------------------------------------------------- what goes in comes out

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=VALUES, content=st.binary(max_size=64))
def test_what_the_reader_builds_comes_back_unchanged(
    tmp_path: Path, value: Any, content: bytes
) -> None:
    cache = Cache(tmp_path / "roundtrip", "schema")
    key = cache.key("ledger-file", content)
    cache.put(key, [value, []])
    assert repr(cache.get(key)) == repr([value, []])  # repr: NaN, -0.0 and types included


def test_a_warm_load_equals_a_cold_one(tmp_path: Path) -> None:
    if not (ROOT / "ledger").is_dir():
        pytest.skip("no bundled ledger")
    cache = Cache(tmp_path / "warm", schema_digest())
    fresh = load(ROOT / "ledger")
    cold = load(ROOT / "ledger", cache=cache)
    warm = load(ROOT / "ledger", cache=cache)
    for result in (cold, warm):
        assert result.diagnostics == fresh.diagnostics
        assert [f.doc.data for f in result.ledger.files] == [f.doc.data for f in fresh.ledger.files]
        for mine, theirs in zip(result.ledger.files, fresh.ledger.files, strict=True):
            assert mine.doc.all_marks() == theirs.doc.all_marks()
