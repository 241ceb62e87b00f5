"""`diff` through pledges in brief: the briefs cache by git blob id, digests, renamed ids.

Every comparison here is checked against both sides loaded in full (`full_diff`), with
no cache, with a cache being filled, with a filled one, and with a damaged one.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pledges.history import compare as comparing
from pledges.history.briefs import (
    KIND,
    PART,
    SIDE_KIND,
    BlobBriefs,
    Brief,
    brief,
    cache_key,
    digest,
    from_json,
    renamed_ids,
    side_key,
    store,
    store_side,
    stored,
    stored_side,
)
from pledges.history.compare import compare
from pledges.history.revisions import find_repo, ledger_log
from pledges.history.semdiff import Diff, diff
from pledges.model.diagnostics import Diagnostic, Severity
from pledges.model.document import Document
from pledges.model.ledger import build_file
from pledges.present.diff import to_json, to_markdown, to_text
from pledges.read.cache import Cache
from pledges.read.loader import load, parse_raw
from pledges.read.safe import decode
from tests.test_history_blobs import AS_OF, RANDOM, History, build, full_diff

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

BLOB = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(autouse=True)
def _quiet_git(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def pledge(ident: str, quote: str | None = "承诺", extra: str = "") -> str:
    lines = [f"  - id: {ident}", f"    title: Title of {ident}"]
    if quote is not None:
        lines.append(f"    quote: {quote}")
    lines += [
        "    deadline: 2023",
        "    metric: {name: Things, unit: count}",
        '    target: {op: ">=", value: 5}',
    ]
    return "\n".join(lines) + "\n" + extra


def ledger_file(source: str, *pledges: str) -> str:
    return f"source:\n  id: {source}\n  date: 2022-01\npledges:\n" + "".join(pledges)


def repository(tmp_path: Path, before: dict[str, str], after: dict[str, str]) -> History:
    """A repository whose two commits hold these files; HEAD~1 is `before`."""
    (tmp_path / "repo").mkdir()
    history = History(tmp_path / "repo", 0)
    for files in (before, after):
        history.files = files
        history.write()
        history.git("add", "-A")
        history.git("commit", "-q", "--allow-empty", "-m", "change")
    return history


def compared(history: History, cache: Cache | None = None) -> Diff:
    repo = find_repo(history.root)
    return compare(repo, history.root, "HEAD~1", "HEAD", AS_OF, "base", "head", cache)


def same_every_way(history: History, cache_dir: Path) -> Diff:
    """The diff with no cache, filling one and from it, each equal to the full diff."""
    expected = full_diff(history.root, "HEAD~1", "HEAD")
    cache = Cache(cache_dir, "test")
    assert compared(history) == expected
    assert compared(history, cache) == expected
    assert compared(history, cache) == expected
    return expected


def where(history: History, name: str) -> str:
    return Path(name).relative_to(history.root).as_posix()


def renamed_to(result: Diff) -> dict[str, str | None]:
    return {entry.id: entry.renamed_to for entry in result.removed}


# ---------------------------------------------------------------- renamed pledges


def test_every_id_renamed_is_reported_renamed_to_its_new_id(tmp_path: Path) -> None:
    before = {
        "a.yaml": ledger_file("s1", pledge("p/one", "甲"), pledge("p/two", "乙")),
        "b.yaml": ledger_file("s2", pledge("q/one", "甲")),
    }
    after = {
        "a.yaml": ledger_file("s1", pledge("p/one-r", "甲"), pledge("p/two-r", "乙")),
        "b.yaml": ledger_file("s2", pledge("q/one-r", "甲")),
    }
    history = repository(tmp_path, before, after)
    result = same_every_way(history, tmp_path / "cache")
    # the same quote under another source is another pledge
    assert renamed_to(result) == {"p/one": "p/one-r", "p/two": "p/two-r", "q/one": "q/one-r"}
    assert [e.id for e in result.added] == ["p/one-r", "p/two-r", "q/one-r"]
    assert [(where(history, e.file), e.line) for e in result.added] == [
        ("a.yaml", 5),
        ("a.yaml", 11),
        ("b.yaml", 5),
    ]
    assert not result.changed and not result.transitions


def test_renamed_needs_a_quote_and_the_same_source(tmp_path: Path) -> None:
    before = {
        "a.yaml": ledger_file(
            "s1", pledge("no/quote", None), pledge("other/source", "丙"), pledge("kept", "丁")
        )
    }
    after = {
        "a.yaml": ledger_file("s1", pledge("no/quote-r", None), pledge("kept", "丁")),
        "b.yaml": ledger_file("s2", pledge("other/source-r", "丙")),
    }
    result = same_every_way(repository(tmp_path, before, after), tmp_path / "cache")
    assert renamed_to(result) == {"no/quote": None, "other/source": None}


def test_two_candidates_with_one_quote_take_the_first_id(tmp_path: Path) -> None:
    before = {"a.yaml": ledger_file("s1", pledge("old", "同"))}
    after = {"a.yaml": ledger_file("s1", pledge("new/z", "同"), pledge("new/a", "同"))}
    result = same_every_way(repository(tmp_path, before, after), tmp_path / "cache")
    assert renamed_to(result) == {"old": "new/a"}  # the first in id order


def test_renamed_and_moved_to_another_file(tmp_path: Path) -> None:
    before = {"a.yaml": ledger_file("s1", pledge("stay", "一"), pledge("go", "二"))}
    after = {
        "a.yaml": ledger_file("s1", pledge("stay", "一")),
        "z/b.yaml": ledger_file("s1", pledge("gone", "二")),
    }
    history = repository(tmp_path, before, after)
    result = same_every_way(history, tmp_path / "cache")
    assert renamed_to(result) == {"go": "gone"}
    assert [(e.id, where(history, e.file), e.line) for e in result.added] == [
        ("gone", "z/b.yaml", 5)
    ]


def test_a_pledge_moved_within_its_file_is_unchanged(tmp_path: Path) -> None:
    first, second = pledge("p/one", "一"), pledge("p/two", "二")
    before = {"a.yaml": ledger_file("s1", first, second)}
    after = {"a.yaml": "# reordered\n" + ledger_file("s1", second, first)}
    result = same_every_way(repository(tmp_path, before, after), tmp_path / "cache")
    assert result.empty


def test_a_new_source_touches_every_pledge_of_its_file(tmp_path: Path) -> None:
    before = {"a.yaml": ledger_file("s1", pledge("p/one", "一"))}
    after = {"a.yaml": ledger_file("s1", pledge("p/one", "一")).replace("2022-01", "2023-06")}
    result = same_every_way(repository(tmp_path, before, after), tmp_path / "cache")
    assert result == full_diff(tmp_path / "repo" / "ledger", "HEAD~1", "HEAD")


def test_renamed_ids_is_one_dictionary_on_quote_and_source() -> None:
    briefs = [
        Brief("b", None, 1, "q", "s", None, None),
        Brief("a", None, 2, "q", "s", None, None),
        Brief("c", None, 3, "q", None, None, None),
        Brief("d", None, 4, None, "s", None, None),
        Brief("e", None, 5, "", "s", None, None),
    ]
    assert renamed_ids(briefs) == {("q", "s"): "b", ("q", None): "c"}


# ---------------------------------------------------------------- the cache of briefs


def entries(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("*/*.json"))


def brief_entries(cache_dir: Path) -> list[Path]:
    found = []
    for path in entries(cache_dir):
        header = json.loads(path.read_text(encoding="utf-8"))["header"]
        if header["kind"] == KIND and header["part"] == PART:
            found.append(path)
    return found


def test_a_blob_is_briefed_once_then_read_from_the_cache(tmp_path: Path) -> None:
    before = {"a.yaml": ledger_file("s1", pledge("p/one", "一")), "b.yaml": "pledges: [\n"}
    after = {"a.yaml": ledger_file("s1", pledge("p/one-r", "一")), "b.yaml": "pledges: [\n"}
    history = repository(tmp_path, before, after)
    cache = Cache(tmp_path / "cache", "test")
    expected = full_diff(history.root, "HEAD~1", "HEAD")
    assert compared(history, cache) == expected
    assert len(brief_entries(tmp_path / "cache")) == 2  # a.yaml on each side
    stamps = {p: p.stat().st_mtime_ns for p in entries(tmp_path / "cache")}
    assert compared(history, cache) == expected
    assert {p: p.stat().st_mtime_ns for p in entries(tmp_path / "cache")} == stamps


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"{",
        b"[]",
        b'{"header": {}, "value": []}',
    ],
)
def test_a_damaged_entry_is_a_miss(tmp_path: Path, damage: bytes) -> None:
    before = {"a.yaml": ledger_file("s1", pledge("p/one", "一"), pledge("p/two", "二"))}
    after = {"a.yaml": ledger_file("s1", pledge("p/one-r", "一"), pledge("p/two", "三"))}
    history = repository(tmp_path, before, after)
    cache = Cache(tmp_path / "cache", "test")
    expected = full_diff(history.root, "HEAD~1", "HEAD")
    assert compared(history, cache) == expected
    for path in brief_entries(tmp_path / "cache"):
        path.write_bytes(damage)
    assert compared(history, cache) == expected


def test_a_wrong_value_under_a_right_header_is_a_miss(tmp_path: Path) -> None:
    before = {"a.yaml": ledger_file("s1", pledge("p/one", "一"))}
    after = {"a.yaml": ledger_file("s1", pledge("p/one-r", "一"))}
    history = repository(tmp_path, before, after)
    cache = Cache(tmp_path / "cache", "test")
    expected = full_diff(history.root, "HEAD~1", "HEAD")
    assert compared(history, cache) == expected
    for path in brief_entries(tmp_path / "cache"):
        stored_entry = json.loads(path.read_text(encoding="utf-8"))
        stored_entry["value"] = [[], [["p/one", "t", 0, None, None, None, None]]]
        path.write_text(json.dumps(stored_entry), encoding="utf-8")
    assert compared(history, cache) == expected


def test_entries_of_another_version_or_schema_are_not_read(tmp_path: Path) -> None:
    cache = Cache(tmp_path, "schema-a")
    found = BlobBriefs(None, [Brief("p", "t", 3, "b" * 32, "s", None, "0" * 32)])
    store(cache, BLOB, found)
    assert stored(cache, BLOB) == found
    assert stored(Cache(tmp_path, "schema-b"), BLOB) is None
    assert stored(cache, BLOB.replace("0", "1")) is None
    # the same value copied under another blob's name is checked against its header
    path = cache.path(cache_key(cache, BLOB))
    other = cache.path(cache_key(cache, "f" * 40))
    other.parent.mkdir(parents=True, exist_ok=True)
    other.write_bytes(path.read_bytes())
    assert stored(cache, "f" * 40) is None


def test_an_error_is_stored_with_its_blob(tmp_path: Path) -> None:
    cache = Cache(tmp_path, "schema")
    error = Diagnostic("a.yaml", 2, 5, "PL002", Severity.ERROR, "bad", "a hint", None)
    store(cache, BLOB, BlobBriefs(error, []))
    back = stored(cache, BLOB)
    assert back is not None and back.briefs == []
    assert back.unloaded("other/name.yaml") == Diagnostic(
        "other/name.yaml", 2, 5, "PL002", Severity.ERROR, "bad", "a hint", None
    )


GOOD = ["p", "title", 3, "b" * 32, "src", "ref", "a" * 32]


@pytest.mark.parametrize(
    "value",
    [
        None,
        {},
        [GOOD[:6]],
        [[*GOOD, None]],
        [[1, *GOOD[1:]]],
        [["p", 5, *GOOD[2:]]],
        [["p", "t", 0, *GOOD[3:]]],
        [["p", "t", True, *GOOD[3:]]],
        [["p", "t", 3.0, *GOOD[3:]]],
        [[*GOOD[:3], ["q"], *GOOD[4:]]],
        [[*GOOD[:6], "short"]],
        [[*GOOD[:6], "a" * 64]],
        [[*GOOD[:3], "the quote itself", *GOOD[4:]]],
        [[*GOOD[:6], 7]],
        ["p"],
    ],
)
def test_malformed_briefs_are_refused(value: Any) -> None:
    assert from_json(value) is None


def test_well_formed_briefs_are_read() -> None:
    assert from_json([GOOD, ["q", None, 1, None, None, None, None]]) == [
        Brief("p", "title", 3, "b" * 32, "src", "ref", "a" * 32),
        Brief("q", None, 1, None, None, None, None),
    ]


def test_an_error_and_pledges_together_are_refused(tmp_path: Path) -> None:
    cache = Cache(tmp_path, "schema")
    key = cache_key(cache, BLOB)
    cache.put(key, [[2, 5, "PL002", "error", "bad", None, None], [GOOD]])
    assert stored(cache, BLOB) is None
    cache.put(key, [[0, 5, "PL002", "error", "bad", None, None], []])
    assert stored(cache, BLOB) is None
    cache.put(key, [[], [GOOD]])
    assert stored(cache, BLOB) == BlobBriefs(None, from_json([GOOD]) or [])


# ---------------------------------------------------------------- digests


TEXT = ledger_file("s1", pledge("p/one", "一", "    progress:\n      - {period: 2022, value: 3}\n"))


def parsed_pledge(cache: Cache | None) -> Any:
    raw = decode("a.yaml", TEXT.encode())
    assert not isinstance(raw, Diagnostic)
    doc, _ = parse_raw(raw, "ledger-file", cache)
    return build_file(doc).pledges[0]


def test_a_digest_is_the_same_from_a_parse_and_from_the_parse_cache(tmp_path: Path) -> None:
    cache = Cache(tmp_path, "schema")
    fresh = parsed_pledge(None)
    filled = parsed_pledge(cache)
    cached = parsed_pledge(cache)
    assert digest(fresh) == digest(filled) == digest(cached) is not None
    assert brief(fresh) == brief(cached)
    assert brief(fresh).line == 5


@pytest.mark.parametrize("other", ["1.0", "true", '"1"', "[1]", "{a: 1}"])
def test_digests_tell_types_apart(other: str) -> None:
    def of(value: str) -> str | None:
        text = ledger_file("s", pledge("p", "q", f"    note: x\n    extra: {value}\n"))
        raw = decode("a.yaml", text.encode())
        assert not isinstance(raw, Diagnostic)
        doc, _ = parse_raw(raw, "ledger-file", None)
        return digest(build_file(doc).pledges[0])

    assert of("1") != of(other)


def test_a_digest_covers_the_file_source() -> None:
    def of(source: str) -> str | None:
        doc = Document("a.yaml", {"source": {"id": source}, "pledges": [{"id": "p"}]})
        return digest(build_file(doc).pledges[0])

    assert of("s1") != of("s2")


def test_the_full_diff_lists_entries_from_briefs_too(tmp_path: Path) -> None:
    before = tmp_path / "before"
    after = tmp_path / "after"
    for root, name in ((before, "p/one"), (after, "p/one-r")):
        root.mkdir()
        (root / "jurisdictions.yaml").write_text("jurisdictions: []\n", encoding="utf-8")
        (root / "a.yaml").write_text(ledger_file("s1", pledge(name, "一")), encoding="utf-8")
    result = diff(load(before).ledger, load(after).ledger, date(2024, 1, 1), "b", "h")
    assert renamed_to(result) == {"p/one": "p/one-r"}
    assert "looks renamed to 'p/one-r'" in to_text(result)
    assert '"renamed_to": "p/one-r"' in to_json(result)
    assert "p/one-r" in to_markdown(result)


# ---------------------------------------------------------------- a side in one entry


def side_entries(cache_dir: Path) -> list[Path]:
    found = []
    for path in entries(cache_dir):
        header = json.loads(path.read_text(encoding="utf-8"))["header"]
        if header["kind"] == SIDE_KIND:
            found.append(path)
    return found


def test_a_side_read_in_full_is_kept_in_one_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(comparing, "BUNDLE_FROM", 2)
    before = {
        "a.yaml": ledger_file("s1", pledge("p/one", "一")),
        "b.yaml": ledger_file("s1", pledge("p/two", "二")),
        "c.yaml": "pledges: [\n",
    }
    after = {
        "a.yaml": ledger_file("s1", pledge("p/one-r", "一")),
        "b.yaml": ledger_file("s1", pledge("p/two-r", "二")),
        "c.yaml": "pledges: {\n",
    }  # every file changed, so every file is read
    history = repository(tmp_path, before, after)
    cache_dir = tmp_path / "cache"
    expected = same_every_way(history, cache_dir)
    assert renamed_to(expected) == {"p/one": "p/one-r", "p/two": "p/two-r"}
    assert len(side_entries(cache_dir)) == 2  # one per side
    for path in brief_entries(cache_dir):
        path.unlink()  # the sides' entries answer alone
    assert compared(history, Cache(cache_dir, "test")) == expected
    assert brief_entries(cache_dir) == []
    for path in side_entries(cache_dir):
        path.write_bytes(b'{"header": 1}')  # damaged: a miss, the blobs parsed again
    assert compared(history, Cache(cache_dir, "test")) == expected
    assert len(brief_entries(cache_dir)) == 6


def test_a_side_entry_must_hold_every_blob(tmp_path: Path) -> None:
    cache = Cache(tmp_path, "schema")
    one = BlobBriefs(None, [Brief("p", "t", 3, "b" * 32, "s", None, None)])
    store_side(cache, [BLOB, BLOB], [one, one])
    assert stored_side(cache, [BLOB, BLOB]) == [one, one]
    assert stored_side(cache, [BLOB]) is None  # another key
    cache.put(side_key(cache, [BLOB, BLOB]), [[[], []]])  # one item for two blobs
    assert stored_side(cache, [BLOB, BLOB]) is None
    cache.put(side_key(cache, [BLOB, BLOB]), [[[], []], [[], [["p"]]]])
    assert stored_side(cache, [BLOB, BLOB]) is None


@RANDOM
@given(seed=st.integers(0, 2**32 - 1))
def test_diff_with_sides_in_one_entry_is_the_full_diff(
    tmp_path_factory: pytest.TempPathFactory, seed: int
) -> None:
    history = build(tmp_path_factory.mktemp("history"), seed)
    repo = find_repo(history.root)
    shas = [c.sha for c in ledger_log(repo)]
    cache = Cache(tmp_path_factory.mktemp("cache"), "test")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(comparing, "BUNDLE_FROM", 0)
        for base, head in [(shas[0], shas[-1]), (shas[-1], shas[0]), (shas[0], shas[-1])]:
            expected = full_diff(history.root, base, head)
            got = compare(repo, history.root, base, head, AS_OF, "base", "head", cache)
            assert got == expected


@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=12), max_size=6))
def test_lines_escape_as_each_line_alone(values: list[str]) -> None:
    from pledges.present.escape import terminal

    assert terminal.lines(values) == "\n".join(terminal.text(v) for v in values)
    assert terminal.lines(["a\x1b[2Jb", "plain"]) == "a\\x1b[2Jb\nplain"
