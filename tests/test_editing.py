"""The editing core: exact splices, preserved bytes, refusals and atomic writes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pledges.edit import atomic, emit, fmt, ids, session, splice
from pledges.edit.session import Edit, Loaded
from pledges.read.yamlread import read_document

AS_OF = date(2024, 6, 30)

JURISDICTIONS = """\
jurisdictions:
  - id: cn
    name: 中华人民共和国
    name_en: People's Republic of China
    level: country
"""

FILE = """\
# yaml-language-server: $schema=../schema/ledger-file.schema.json
source:
  id: src-a
  title: 测试报告
  title_en: Test report
  publisher: 测试区人民政府
  jurisdiction: cn
  date: 2023-01

pledges:
  # first group
  - id: t/2023/gdp
    title: Grow GDP by 5%
    quote: 地区生产总值增长5%
    deadline: 2023
    metric: {name: GDP growth, unit: percent, kind: rate}
    target: {op: ">=", value: 5}  # a floor
    note: 'kept in single quotes'

  - id: t/2023/jobs
    title: Create 100 jobs
    quote: 新增就业100人
    deadline: 2023
    metric: {name: New jobs, unit: persons}
    target: {op: ">=", value: 100}
    progress:
      - period: 2023-H1
        value: 60  # half-year figure
        evidence:
          - source: src-a
            quote: 新增就业60人
  # trailing comment
"""

OBSERVATION = emit.observation(2023, 110, emit.evidence("新增就业110人", source="src-a"))


def make_ledger(tmp_path: Path, text: str = FILE, *, raw: bytes | None = None) -> Path:
    root = tmp_path / "ledger"
    root.mkdir(exist_ok=True)
    (root / "jurisdictions.yaml").write_text(JURISDICTIONS, encoding="utf-8")
    path = root / "a.yaml"
    path.write_bytes(raw if raw is not None else text.encode("utf-8"))
    return path


def opened(path: Path) -> Loaded:
    loaded = session.open_for_edit(path, AS_OF)
    assert isinstance(loaded, Loaded), loaded
    return loaded


def planned(result: Edit | list[Any]) -> Edit:
    assert isinstance(result, Edit), [d.text() for d in result]
    return result


def edit_and_write(path: Path, plan: Any) -> None:
    edit = planned(plan(opened(path)))
    assert atomic.write(edit) is None


def test_observe_appends_after_an_item_with_a_trailing_comment(tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    edit_and_write(path, lambda f: splice.plan_observe(f, "t/2023/jobs", OBSERVATION))
    assert path.read_text(encoding="utf-8") == FILE.replace(
        "            quote: 新增就业60人\n",
        "            quote: 新增就业60人\n"
        "      - period: 2023\n"
        "        value: 110\n"
        "        evidence:\n"
        "          - source: src-a\n"
        "            quote: 新增就业110人\n",
    )


def test_observe_creates_progress_before_the_keys_that_follow_it(tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    obs = emit.observation(
        "2023",
        5.2,
        emit.evidence(
            "增长5.2%", url="https://example.org/a", title="Bulletin: 2023", when="2024-02"
        ),
        note="preliminary",
        outcome=True,
    )
    edit_and_write(path, lambda f: splice.plan_observe(f, "t/2023/gdp", obs))
    assert path.read_text(encoding="utf-8") == FILE.replace(
        "    note: 'kept in single quotes'\n",
        "    progress:\n"
        "      - period: 2023\n"
        "        value: 5.2\n"
        "        outcome: true\n"
        "        note: preliminary\n"
        "        evidence:\n"
        "          - url: https://example.org/a\n"
        '            title: "Bulletin: 2023"\n'
        "            date: 2024-02\n"
        "            quote: 增长5.2%\n"
        "    note: 'kept in single quotes'\n",
    )


def test_assess_inserts_then_replaces(tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    first = emit.assessment(
        "on_track",
        "2023-H1",
        "60 of 100 by mid-year.",
        emit.evidence("新增就业60人", source="src-a"),
    )
    edit_and_write(path, lambda f: splice.plan_assess(f, "t/2023/jobs", first))
    block = (
        "    assessment:\n"
        "      status: on_track\n"
        "      as_of: 2023-H1\n"
        "      rationale: 60 of 100 by mid-year.\n"
        "      evidence:\n"
        "        - source: src-a\n"
        "          quote: 新增就业60人\n"
    )
    after = FILE.replace("  # trailing comment\n", block + "  # trailing comment\n")
    assert path.read_text(encoding="utf-8") == after
    second = emit.assessment("achieved", 2023, "#1: done", emit.evidence("q", source="src-a"))
    edit_and_write(path, lambda f: splice.plan_assess(f, "t/2023/jobs", second))
    assert path.read_text(encoding="utf-8") == after.replace(
        block,
        (
            "    assessment:\n"
            "      status: achieved\n"
            "      as_of: 2023\n"
            '      rationale: "#1: done"\n'
            "      evidence:\n"
            "        - source: src-a\n"
            "          quote: q\n"
        ),
    )


def test_new_pledge_goes_last_separated_like_the_others(tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    loaded = opened(path)
    assert ids.propose_id(loaded, "Build 2 parks, in 2023!") == "t/2023/build-parks"
    assert ids.propose_id(loaded, "GDP") == "t/2023/gdp-2"
    entry = emit.pledge_entry(
        "t/2023/parks",
        "Build 2 parks",
        "新建公园2个",
        "2023",
        binding=True,
        tags=["urban"],
        metric={"name": "Parks built", "unit": "count", "kind": None},
        target=emit.target_entry("between", [2, 3], [], [], None, False),
    )
    edit_and_write(path, lambda f: splice.plan_new(f, entry))
    assert path.read_text(encoding="utf-8") == FILE.replace(
        "            quote: 新增就业60人\n",
        "            quote: 新增就业60人\n"
        "\n"
        "  - id: t/2023/parks\n"
        "    title: Build 2 parks\n"
        "    quote: 新建公园2个\n"
        "    deadline: 2023\n"
        "    binding: true\n"
        "    tags: [urban]\n"
        "    metric: {name: Parks built, unit: count}\n"
        "    target: {op: between, value: [2, 3]}\n",
    )


@pytest.mark.parametrize(
    ("title", "metric", "expected"),
    [
        (
            "Complete at least 35 billion CNY (350亿元) of fixed-asset investment in 2024",
            None,
            "t/2023/fixed-asset-investment",
        ),
        (
            "Strive for R&D spending at 10% of GDP",
            "R&D expenditure as a share of GDP",
            "t/2023/rd-expenditure-share-gdp",
        ),
        (
            "Upgrade smart safety monitors for 6,000 elderly people living alone in 2023",
            "Elderly people given upgraded smart safety monitoring devices",
            "t/2023/elderly-people-given-upgraded",
        ),
        ("Grow GDP by 6% in 2024", "Real GDP growth", "t/2023/real-gdp-growth"),
        ("Create 100 jobs", "Jobs", "t/2023/jobs-2"),  # t/2023/jobs is taken
        ("新增就业100人", None, "t/2023/pledge"),
    ],
)
def test_proposed_ids_are_short_key_words(
    tmp_path: Path, title: str, metric: str | None, expected: str
) -> None:
    loaded = opened(make_ledger(tmp_path))
    proposed = ids.propose_id(loaded, title, metric)
    assert proposed == expected
    assert len(proposed) <= emit.ID_LIMIT


def test_proposed_ids_stay_short_with_a_long_prefix(tmp_path: Path) -> None:
    long = "cn/zhejiang/hangzhou/xiaoshan/2023/livelihood"
    text = FILE.replace("t/2023/gdp", f"{long}/gdp").replace("t/2023/jobs", f"{long}/jobs")
    loaded = opened(make_ledger(tmp_path, text))
    proposed = ids.propose_id(loaded, "Plant trees along every river", "Trees planted")
    assert proposed == "cn/zhejiang/hangzhou/trees-planted"
    assert len(proposed) <= emit.ID_LIMIT


@given(st.text(max_size=120), st.one_of(st.none(), st.text(max_size=120)))
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_proposed_ids_are_valid_short_and_new(
    tmp_path: Path, title: str, metric: str | None
) -> None:
    import re

    loaded = opened(make_ledger(tmp_path))
    proposed = ids.propose_id(loaded, title, metric)
    assert len(proposed) <= emit.ID_LIMIT
    assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*", proposed)
    assert proposed not in {"t/2023/gdp", "t/2023/jobs"}


def test_new_into_an_empty_flow_list(tmp_path: Path) -> None:
    text = FILE[: FILE.index("pledges:")] + "pledges: []  # none yet\n"
    path = make_ledger(tmp_path, text)
    loaded = opened(path)
    assert ids.propose_id(loaded, "Plant trees") == "cn/2023/plant-trees"
    assert ids.propose_id(loaded, "Plant 5 trees", "Trees planted") == "cn/2023/trees-planted"
    entry = emit.pledge_entry("cn/2023/trees", "Plant trees", "植树", "2023")
    edit_and_write(path, lambda f: splice.plan_new(f, entry))
    assert path.read_text(encoding="utf-8").endswith(
        "pledges:  # none yet\n  - id: cn/2023/trees\n    title: Plant trees\n"
        "    quote: 植树\n    deadline: 2023\n"
    )


def test_new_refuses_an_id_taken_anywhere_in_the_ledger(tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    other = FILE.replace("src-a", "src-b").replace("t/2023/gdp", "t/2023/other-gdp")
    (path.parent / "b.yaml").write_text(other.replace("t/2023/jobs", "u/jobs"), encoding="utf-8")
    for taken in ("u/jobs", "U/Jobs", "t/2023/gdp"):
        entry = emit.pledge_entry(taken, "x", "y", "2023")
        refused = splice.plan_new(opened(path), entry)
        assert isinstance(refused, list)
        found = refused
        assert found[0].code == "PL902"
        assert "already exists here" in found[0].message
        assert found[0].file.endswith("b.yaml" if taken.lower() == "u/jobs" else "a.yaml")
    assert (found[0].line, found[0].column) == (12, 9)


def test_crlf_bom_and_missing_final_newline_are_kept(tmp_path: Path) -> None:
    text = FILE.rstrip("\n").replace("\n", "\r\n")
    raw = b"\xef\xbb\xbf" + text.encode("utf-8")
    path = make_ledger(tmp_path, raw=raw)
    edit_and_write(path, lambda f: splice.plan_observe(f, "t/2023/jobs", OBSERVATION))
    new = path.read_bytes()
    assert new.startswith(b"\xef\xbb\xbf")
    assert not new.endswith(b"\n")
    assert new.count(b"\n") == new.count(b"\r\n")
    assert new.replace(b"\r\n", b"\n").decode("utf-8-sig") == FILE.rstrip("\n").replace(
        "            quote: 新增就业60人\n",
        "            quote: 新增就业60人\n      - period: 2023\n        value: 110\n"
        "        evidence:\n          - source: src-a\n            quote: 新增就业110人\n",
    )


def test_appending_at_the_very_end_without_a_final_newline(tmp_path: Path) -> None:
    text = FILE.replace("  # trailing comment\n", "").rstrip("\n")
    path = make_ledger(tmp_path, text)
    edit_and_write(path, lambda f: splice.plan_observe(f, "t/2023/jobs", OBSERVATION))
    new = path.read_text(encoding="utf-8")
    assert new == text + (
        "\n      - period: 2023\n        value: 110\n        evidence:\n"
        "          - source: src-a\n            quote: 新增就业110人"
    )


def test_strings_that_need_quotes_get_them() -> None:
    assert emit.scalar("2023-08") == "2023-08"
    assert emit.scalar("yes") == "yes"
    assert emit.scalar("true") == '"true"'
    assert emit.scalar("1e3") == '"1e3"'
    assert emit.scalar(">=") == '">="'
    assert emit.scalar("a, b", flow=True) == '"a, b"'
    assert emit.scalar("a, b") == "a, b"
    assert emit.scalar("line\nbreak\u2028") == '"line\\nbreak\\u2028"'
    assert emit.scalar(" padded") == '" padded"'
    assert emit.scalar('say "hi" # now') == '"say \\"hi\\" # now"'


def test_refuses_a_symlink(tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    link = path.parent / "link.yaml"
    real = tmp_path / "elsewhere.yaml"
    real.write_text(FILE.replace("src-a", "src-z").replace("t/2023", "z/2023"), encoding="utf-8")
    link.symlink_to(real)
    found = session.open_for_edit(link, AS_OF)
    assert isinstance(found, list)
    assert found[0].code == "PL900"
    assert found[0].message == (
        "refusing to edit: the file is a symbolic link; ledger files must be regular files"
    )


def test_refuses_a_file_with_lint_errors(tmp_path: Path) -> None:
    path = make_ledger(tmp_path, FILE.replace("unit: persons", "unit: nonsense"))
    found = session.open_for_edit(path, AS_OF)
    assert isinstance(found, list)
    assert found[0].message == "refusing to edit: the file has 1 lint error"
    assert found[1].code == "PL213"
    assert path.read_text(encoding="utf-8") == FILE.replace("unit: persons", "unit: nonsense")


def test_refuses_an_unknown_pledge(tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    found = splice.plan_observe(opened(path), "t/2023/nope", OBSERVATION)
    assert isinstance(found, list)
    assert (found[0].code, found[0].message) == ("PL901", "no pledge 't/2023/nope' in this file")


def test_refuses_an_edit_that_would_introduce_lint_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_ledger(tmp_path)
    monkeypatch.chdir(tmp_path)
    bad = emit.observation("2023-13", 1, emit.evidence("q", source="src-unknown"))
    found = splice.plan_observe(opened(path), "t/2023/jobs", bad)
    assert isinstance(found, list)
    # one line per mistake, placed where the entry would be written on disk (before the
    # trailing comment on line 32), naming the field of the new entry
    assert [d.text() for d in found] == [
        "ledger/a.yaml:32:1: PL210 error new observation, evidence[0].source: "
        "evidence cites unknown source 'src-unknown'",
        "ledger/a.yaml:32:1: PL220 error new observation, period: "
        "'2023-13' has month 13: months run from 01 to 12",
    ]
    assert path.read_text(encoding="utf-8") == FILE


def test_positions_of_a_refused_edit_refer_to_the_file_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pledges.edit.verify import on_disk
    from pledges.model.diagnostics import Diagnostic, Severity

    monkeypatch.chdir(tmp_path)
    loaded = opened(make_ledger(tmp_path))

    def at(line: int, path: str | None = None, file: str = loaded.name) -> Diagnostic:
        return Diagnostic(file, line, 7, "PL999", Severity.ERROR, "m", None, path)

    inserted = session.Splice(12, 11, ["a", "b", "c"])  # three lines before line 12
    item = ("pledges", 0, "progress", 0)
    found = on_disk(
        loaded,
        inserted,
        [
            at(11),
            at(13, "$.pledges[0].progress[0].unit"),
            at(15),
            at(40),
            at(40, file="ledger/other.yaml"),
        ],
        item,
    )
    assert [(d.file, d.line, d.column, d.message) for d in found] == [
        ("ledger/a.yaml", 11, 7, "m"),
        ("ledger/a.yaml", 12, 1, "new observation, unit: m"),
        ("ledger/a.yaml", 12, 7, "m"),
        ("ledger/a.yaml", 37, 7, "m"),
        ("ledger/other.yaml", 40, 7, "m"),
    ]
    replaced = session.Splice(20, 24, ["x", "y"])  # five lines replaced by two
    found = on_disk(
        loaded,
        replaced,
        [at(19), at(21, "$.pledges[1].assessment"), at(22)],
        ("pledges", 1, "assessment"),
    )
    assert [(d.line, d.column, d.message) for d in found] == [
        (19, 7, "m"),
        (20, 1, "new assessment: m"),
        (25, 7, "m"),
    ]
    appended = session.Splice(40, 39, ["z"])  # after the last line (32)
    found = on_disk(loaded, appended, [at(40, "$.pledges[2].id")], ("pledges", 2))
    assert [(d.line, d.message) for d in found] == [(32, "new pledge, id: m")]


def test_refuses_when_the_file_changed_on_disk(tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    edit = planned(splice.plan_observe(opened(path), "t/2023/jobs", OBSERVATION))
    changed = FILE.replace("Create 100 jobs", "Create 100 new jobs")
    path.write_text(changed, encoding="utf-8")
    problem = atomic.write(edit)
    assert problem is not None
    assert problem.code == "PL904"
    assert path.read_text(encoding="utf-8") == changed
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.yaml", "jurisdictions.yaml"]


def test_a_failing_replace_leaves_the_original_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_ledger(tmp_path)
    edit = planned(splice.plan_observe(opened(path), "t/2023/jobs", OBSERVATION))

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    problem = atomic.write(edit)
    assert problem is not None
    assert problem.message == (
        "the edit was not written: No space left on device; the file is unchanged"
    )
    assert path.read_text(encoding="utf-8") == FILE
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.yaml", "jurisdictions.yaml"]


KILLER = """
import os, signal, sys
from datetime import date
from pathlib import Path
from pledges.edit import atomic, emit, fmt, ids, session, splice

def die(src, dst):
    assert Path(src).read_bytes() == edit.data  # the complete new file is on disk
    os.kill(os.getpid(), signal.SIGKILL)

loaded = session.open_for_edit(Path(sys.argv[1]), date(2024, 6, 30))
obs = emit.observation(2023, 110, emit.evidence("q", source="src-a"))
edit = splice.plan_observe(loaded, "t/2023/jobs", obs)
os.replace = die
atomic.write(edit)
"""


def test_a_kill_in_the_middle_of_a_write_leaves_the_original(tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    env = {**os.environ, "PLEDGES_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", KILLER, str(path)], env=env, check=False, capture_output=True
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert path.read_text(encoding="utf-8") == FILE
    leftovers = [p.name for p in path.parent.iterdir() if p.name.startswith(".a.yaml.")]
    assert len(leftovers) == 1  # ignored by the loader: it skips dot files
    assert session.open_for_edit(path, AS_OF) is not None


def test_the_file_mode_is_kept(tmp_path: Path) -> None:
    path = make_ledger(tmp_path)
    path.chmod(0o640)
    edit_and_write(path, lambda f: splice.plan_observe(f, "t/2023/jobs", OBSERVATION))
    assert path.stat().st_mode & 0o777 == 0o640


# ---------------------------------------------------------------- generated ledgers

COMMENTS = st.sampled_from(["# note", "# 注释: 说明", "#", "# - id: fake/1", "# progress:"])


@st.composite
def ledgers(draw: st.DrawFn) -> tuple[str, bool, bool, bool]:
    """A valid ledger file with comments in many places; (text, crlf, bom, final newline)."""
    lines = ["# head"] if draw(st.booleans()) else []
    lines += [
        "source:",
        "  id: src-a",
        "  title: 报告",
        "  title_en: Report",
        "  publisher: 政府",
        "  jurisdiction: cn",
        "  date: 2023",
        "",
        "pledges:",
    ]
    count = draw(st.integers(1, 4))
    for n in range(count):
        if draw(st.booleans()):
            lines.append("  " + draw(COMMENTS))
        lines += [
            f"  - id: g/{n}",
            f"    title: Pledge {n}",
            "    quote: 承诺",
            "    deadline: 2025",
        ]
        lines += ["    metric: {name: Count, unit: count}", '    target: {op: ">=", value: 10}']
        if draw(st.booleans()):
            lines.append("    progress:")
            for k in range(draw(st.integers(1, 2))):
                eol = "  " + draw(COMMENTS) if draw(st.booleans()) else ""
                lines += [
                    f"      - period: {2021 + k}",
                    f"        value: {k}{eol}",
                    "        evidence:",
                    "          - source: src-a",
                    "            quote: 进展" + eol,
                ]
                if draw(st.booleans()):
                    lines.append("      " + draw(COMMENTS))
        if draw(st.booleans()):
            lines.append("    note: a note" + ("  # why" if draw(st.booleans()) else ""))
        if draw(st.booleans()):
            lines.append("    " + draw(COMMENTS))
        if draw(st.booleans()):
            lines.append("")
    if draw(st.booleans()):
        lines.append("# end")
    return "\n".join(lines), draw(st.booleans()), draw(st.booleans()), draw(st.booleans())


def _common_prefix(left: bytes, right: bytes) -> int:
    pairs = zip(left, right, strict=False)
    return next((i for i, (a, b) in enumerate(pairs) if a != b), min(len(left), len(right)))


def _encode(text: str, crlf: bool, bom: bool, final: bool) -> bytes:
    body = (text + "\n" if final else text).replace("\n", "\r\n" if crlf else "\n")
    return (b"\xef\xbb\xbf" if bom else b"") + body.encode("utf-8")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ledger=ledgers(), target=st.integers(0, 3))
def test_observe_leaves_every_other_byte_alone(
    tmp_path: Path, ledger: tuple[str, bool, bool, bool], target: int
) -> None:
    text, crlf, bom, final = ledger
    old = _encode(text, crlf, bom, final)
    path = make_ledger(tmp_path, raw=old)
    loaded = opened(path)
    pledge_id = f"g/{min(target, len(loaded.doc.data['pledges']) - 1)}"
    edit_and_write(
        path,
        lambda f: splice.plan_observe(
            f, pledge_id, OBSERVATION | {"evidence": [{"source": "src-a", "quote": "新增"}]}
        ),
    )
    new = path.read_bytes()
    prefix = _common_prefix(old, new)
    suffix = _common_prefix(old[::-1], new[::-1])
    assert prefix + suffix >= len(old)  # the old bytes are intact around one inserted run
    assert new.startswith(b"\xef\xbb\xbf") == bom
    assert new.count(b"\r\n") == (new.count(b"\n") if crlf else 0)
    assert new.endswith(b"\n") == old.endswith(b"\n")
    doc, found = read_document("x", new.decode("utf-8-sig"))
    assert found == []
    pledge = next(p for p in doc.data["pledges"] if p["id"] == pledge_id)
    assert pledge["progress"][-1]["value"] == 110
    old_pledges = loaded.doc.data["pledges"]
    assert [p for p in doc.data["pledges"] if p["id"] != pledge_id] == [
        p for p in old_pledges if p["id"] != pledge_id
    ]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ledger=ledgers(), shuffle=st.randoms(use_true_random=False))
def test_fmt_is_idempotent_and_keeps_data(
    tmp_path: Path, ledger: tuple[str, bool, bool, bool], shuffle: Any
) -> None:
    text, crlf, bom, final = ledger
    lines = text.split("\n")
    source = lines.index("  id: src-a")
    block = lines[source : source + 6]
    shuffle.shuffle(block)  # source keys out of order
    text = "\n".join(lines[:source] + block + lines[source + 6 :])
    path = make_ledger(tmp_path, raw=_encode(text, crlf, bom, final))
    first = fmt.format_file(path)
    assert first.diagnostics == [] and first.data is not None
    assert fmt.write_formatted(first) is None
    second = fmt.format_file(path)
    assert second.diagnostics == [] and not second.changed
    old, _ = read_document("x", text)
    new, _ = read_document("x", path.read_bytes().decode("utf-8-sig"))
    assert new.data == old.data
    assert list(new.data["source"]) == [
        "id",
        "title",
        "title_en",
        "publisher",
        "jurisdiction",
        "date",
    ]
    out = path.read_bytes()
    assert out.startswith(b"\xef\xbb\xbf") == bom
    assert out.count(b"\r\n") == (out.count(b"\n") if crlf else 0)
    assert fmt._comment_lines(out.decode("utf-8-sig")) == fmt._comment_lines(text)


def test_fmt_canonical_layout(tmp_path: Path) -> None:
    messy = (
        "source:\n"
        "    title: 报告   # original title\n"
        "    id: src-a\n"
        "    title_en: Report\n"
        "    publisher: 政府\n"
        "    date: 2023\n"
        "    jurisdiction: cn\n"
        "pledges:\n"
        "- quote: 承诺\n"
        "  id: g/1\n"
        "  title: A title long enough that a default emitter would certainly wrap it somewhere"
        " before the end of the line\n"
        "  deadline: 2025\n"
        '  target: {op: ">=", value: 10}\n'
        "  metric: {name: Count, unit: count}\n"
    )
    path = make_ledger(tmp_path, messy)
    formatted = fmt.format_file(path)
    assert formatted.data is not None
    assert formatted.data.decode() == (
        "source:\n"
        "  id: src-a\n"
        "  title: 报告     # original title\n"
        "  title_en: Report\n"
        "  publisher: 政府\n"
        "  jurisdiction: cn\n"
        "  date: 2023\n"
        "pledges:\n"
        "  - id: g/1\n"
        "    title: A title long enough that a default emitter would certainly wrap it somewhere"
        " before the end of the line\n"
        "    quote: 承诺\n"
        "    deadline: 2025\n"
        "    metric: {name: Count, unit: count}\n"
        '    target: {op: ">=", value: 10}\n'
    )
    path.write_bytes(formatted.data)
    assert not fmt.format_file(path).changed


def test_fmt_reports_a_file_it_cannot_read_as_yaml(tmp_path: Path) -> None:
    path = make_ledger(tmp_path, "source: [unclosed\n")
    formatted = fmt.format_file(path)
    assert formatted.data is None
    assert formatted.diagnostics[0].code == "PL002"
