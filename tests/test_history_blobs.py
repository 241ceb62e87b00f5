"""`history` and `diff` by blob give what loading every revision in full gives.

The reference implementations below are the ones the commands used before: every
revision loaded in full (`load_revision`), every pledge compared. Random histories
(files added, edited, moved and deleted, pledges moved between files, ids defined twice
or spelled with escapes, units.yaml edited, targets that refer to other pledges, merge
commits, dates across deadlines) must give the same events and the same diffs.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pledges.history import lifeline
from pledges.history.blobs import may_define
from pledges.history.compare import compare
from pledges.history.lifeline import commit_changes, listing, pledge_history
from pledges.history.revisions import (
    BlobReader,
    Event,
    blob_id,
    find_repo,
    ledger_log,
    load_revision,
)
from pledges.history.semdiff import Diff, diff, history_events
from pledges.judge.status import Context, evaluate
from pledges.read.cache import Cache
from pledges.read.loader import load
from pledges.read.yamlread import read_document

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

AS_OF = date(2024, 6, 30)

# ---------------------------------------------------------------- the reference


def full_history(root: Path, pledge_id: str) -> list[Event] | None:
    """Every revision loaded in full, as `history` did before it read by blob."""
    repo = find_repo(root)
    events: list[Event] = []
    previous = None
    last_status: str | None = None
    seen = False
    for commit in ledger_log(repo):
        loaded = load_revision(repo, commit.sha)
        ledger = loaded.ledger
        index = ledger.pledge_index()
        current = index.get(pledge_id)
        broken = loaded.unloaded().get(previous.file) if previous is not None else None
        if current is None and broken is not None:
            where = f"{broken.line}:{broken.column}: {broken.code} {broken.message}"
            events.append(Event(commit, f"{broken.file} could not be read ({where})"))
            continue
        seen = seen or current is not None
        status = None
        if current is not None:
            status = evaluate(current, commit.day, Context(ledger.units, index)).status
        texts = history_events(previous, current, last_status, status)
        events += [Event(commit, text) for text in texts]
        previous = current
        last_status = status
    return events if seen else None


def full_diff(root: Path, base: str, head: str | None) -> Diff:
    """Both sides loaded in full, as `diff` did before it read by blob."""
    repo = find_repo(root)
    old = load_revision(repo, base)
    new = load(root) if head is None else load_revision(repo, head)
    return diff(
        old.ledger,
        new.ledger,
        AS_OF,
        "base",
        "head",
        base_unloaded=old.unloaded(),
        head_unloaded=new.unloaded(),
    )


# ---------------------------------------------------------------- random histories

IDS = ["p/one", "p/on", "p/one-2", "p/two", "o'k", "sp ace", "q/x"]
PATHS = [
    "a.yaml",
    "a.b.yaml",
    "a-b/x.yaml",
    "a/x.yaml",
    "a/b/y.yml",
    "z.yaml",
    "b/units.yaml",  # not at the root: a ledger file
    ".hidden/h.yaml",  # never read
    "notes.txt",  # never read
]
UNITS = [
    None,
    "units:\n  - {id: kthing, name: kthing, name_en: kthing, dimension: things, factor: 1000}\n"
    "  - {id: thing, name: thing, name_en: thing, dimension: things, factor: 1}\n",
    "units:\n  - {id: kthing, name: kthing, name_en: kthing, dimension: things, factor: 10}\n"
    "  - {id: thing, name: thing, name_en: thing, dimension: things, factor: 1}\n",
    "units: [\n",  # broken
]


def spell(ident: str, rng: random.Random) -> str:
    """An id as YAML, in one of the ways YAML can write it."""
    style = rng.choice(["plain", "double", "single", "escaped", "folded"])
    if style == "double":
        return '"' + ident + '"'
    if style == "single":
        return "'" + ident.replace("'", "''") + "'"
    if style == "escaped":
        return '"\\x' + format(ord(ident[0]), "02x") + ident[1:].replace('"', '\\"') + '"'
    if style == "folded" and " " in ident:
        first, rest = ident.split(" ", 1)
        return '"' + first + "\n      " + rest + '"'
    if ident.startswith(("'", '"')) or ": " in ident:
        return '"' + ident + '"'
    return ident


def pledge_text(rng: random.Random) -> str:
    ident = rng.choice(IDS)
    year = rng.randint(2019, 2024)
    lines = [
        f"  - id: {spell(ident, rng)}",
        f"    title: Pledge {rng.randint(0, 3)}",
        f"    quote: 承诺{rng.randint(0, 2)}",
        f"    deadline: {year}",
        f"    metric: {{name: Things, unit: {rng.choice(['thing', 'count'])}}}",
    ]
    if rng.random() < 0.3:
        ref = spell(rng.choice(IDS), rng)
        lines.append(f"    target: {{op: about, ref: {ref}, tolerance: 1}}")
    else:
        lines.append(f'    target: {{op: ">=", value: {rng.choice([5, 10, 20])}}}')
    observations = rng.randint(0, 2)
    if observations:
        lines.append("    progress:")
    for _ in range(observations):
        lines.append(f"      - period: {rng.randint(2019, year)}")
        lines.append(f"        value: {rng.choice([3, 8, 12, 25])}")
        if rng.random() < 0.3:
            lines.append("        unit: kthing")
    return "\n".join(lines) + "\n"


def file_text(rng: random.Random) -> str:
    if rng.random() < 0.07:
        return "pledges: [unclosed\n"
    head = f"source:\n  id: src-{rng.randint(0, 3)}\n  date: {rng.randint(2018, 2023)}-01\n"
    return head + "pledges:\n" + "".join(pledge_text(rng) for _ in range(rng.randint(0, 3)))


class History:
    """A repository whose ledger (in `ledger/`) goes through random commits."""

    def __init__(self, top: Path, seed: int) -> None:
        self.top = top
        self.root = top / "ledger"
        self.rng = random.Random(seed)
        self.day = date(2019, 1, 1)
        self.files: dict[str, str] = {}
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        stamp = f"{self.day.isoformat()}T12:00:00+00:00"
        env = dict(
            os.environ,
            GIT_AUTHOR_NAME="Ed",
            GIT_AUTHOR_EMAIL="ed@example.org",
            GIT_COMMITTER_NAME="Ed",
            GIT_COMMITTER_EMAIL="ed@example.org",
            GIT_AUTHOR_DATE=stamp,
            GIT_COMMITTER_DATE=stamp,
        )
        done = subprocess.run(
            ["git", *args], cwd=self.top, env=env, check=True, capture_output=True, text=True
        )
        return done.stdout.strip()

    def write(self) -> None:
        if self.root.exists():
            shutil.rmtree(self.root)
        self.root.mkdir()
        (self.root / "jurisdictions.yaml").write_text("jurisdictions: []\n", encoding="utf-8")
        for path, text in self.files.items():
            target = self.root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if text.startswith("->"):
                os.symlink(text[2:], target)
            else:
                target.write_text(text, encoding="utf-8")

    def change(self, paths: list[str], units: bool = True) -> None:
        """One to three random changes, to files in `paths` only (and units.yaml)."""
        rng = self.rng
        for _ in range(rng.randint(1, 3)):
            action = rng.random()
            path = rng.choice(paths)
            present = sorted(p for p in self.files if p in paths)
            if action < 0.45:
                self.files[path] = file_text(rng)
            elif action < 0.6 and present:
                self.files.pop(rng.choice(present))
            elif action < 0.72 and present:  # a file moved, or a pledge moved across files
                source = rng.choice(present)
                text = self.files.pop(source)
                if rng.random() < 0.5 and "\n  - id:" in text:
                    head, *items = text.split("\n  - id:")
                    moved = items.pop(rng.randrange(len(items)))
                    self.files[source] = "\n  - id:".join([head, *items]) + "\n"
                    kept = self.files.get(path, "pledges:\n")
                    if "pledges:\n" in kept:
                        self.files[path] = kept + "  - id:" + moved
                else:
                    self.files[path] = text
            elif action < 0.78:
                self.files[path] = "->" + rng.choice(["a.yaml", "z.yaml"])
            elif action < 0.9 and units:
                chosen = rng.choice(UNITS)
                if chosen is None:
                    self.files.pop("units.yaml", None)
                else:
                    self.files["units.yaml"] = chosen
            else:
                self.files[path] = self.files.get(path, "pledges:\n") + pledge_text(rng)

    def commit(self, paths: list[str] = PATHS, units: bool = True) -> None:
        self.change(paths, units)
        self.day += timedelta(days=self.rng.randint(20, 400))
        self.write()
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", "change")

    def merge(self) -> None:
        """A side branch and a commit on main, on disjoint files, merged."""
        self.git("checkout", "-q", "-b", "side")
        self.commit(PATHS[:4], units=False)
        side = self.files
        self.git("checkout", "-q", "main")
        self.files = self._committed()
        self.commit(PATHS[4:])
        self.files = {**self.files, **{p: t for p, t in side.items() if p in PATHS[:4]}}
        for path in PATHS[:4]:
            if path not in side:
                self.files.pop(path, None)
        self.day += timedelta(days=3)
        self.git("merge", "-q", "--no-ff", "--no-edit", "side")
        self.git("branch", "-q", "-D", "side")

    def _committed(self) -> dict[str, str]:
        files: dict[str, str] = {}
        for path in [*PATHS, "units.yaml"]:
            target = self.root / path
            if target.is_symlink():
                files[path] = "->" + os.readlink(target)
            elif target.is_file():
                files[path] = target.read_text(encoding="utf-8")
        return files


def build(top: Path, seed: int) -> History:
    history = History(top, seed)
    for _ in range(history.rng.randint(3, 7)):
        if history.rng.random() < 0.2 and history.files:
            history.merge()
        else:
            history.commit()
    return history


@pytest.fixture(autouse=True)
def _quiet_git(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


RANDOM = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@RANDOM
@given(seed=st.integers(0, 2**32 - 1))
def test_history_by_blob_is_the_full_history(
    tmp_path_factory: pytest.TempPathFactory, seed: int
) -> None:
    history = build(tmp_path_factory.mktemp("history"), seed)
    cache = Cache(tmp_path_factory.mktemp("cache"), "test")
    for number, ident in enumerate(random.Random(seed).sample(IDS, 4)):
        expected = full_history(history.root, ident)
        assert pledge_history(history.root, ident) == expected
        if number == 0:
            assert pledge_history(history.root, ident, cache) == expected
            assert pledge_history(history.root, ident, cache) == expected  # from the cache


@RANDOM
@given(seed=st.integers(0, 2**32 - 1))
def test_commit_changes_replay_every_tree(
    tmp_path_factory: pytest.TempPathFactory, seed: int
) -> None:
    history = build(tmp_path_factory.mktemp("history"), seed)
    repo = find_repo(history.root)
    commits = ledger_log(repo)
    files: dict[str, tuple[str, str]] = {}
    for commit, changes in zip(commits, commit_changes(repo, commits), strict=True):
        lifeline.replay(files, changes)
        assert files == listing(repo, commit.sha)


@RANDOM
@given(seed=st.integers(0, 2**32 - 1))
def test_diff_by_blob_is_the_full_diff(tmp_path_factory: pytest.TempPathFactory, seed: int) -> None:
    history = build(tmp_path_factory.mktemp("history"), seed)
    repo = find_repo(history.root)
    shas = [c.sha for c in ledger_log(repo)]
    rng = random.Random(seed)
    pairs = [(rng.choice(shas), rng.choice(shas)) for _ in range(4)]
    cache = Cache(tmp_path_factory.mktemp("cache"), "test")  # briefs by blob id, kept
    for base, head in pairs:
        expected = full_diff(history.root, base, head)
        assert compare(repo, history.root, base, head, AS_OF, "base", "head") == expected
        assert compare(repo, history.root, base, head, AS_OF, "base", "head", cache) == expected
    history.change(PATHS)  # the work tree moves on from the last commit
    history.write()
    for base in {shas[0], shas[-1]}:
        expected = full_diff(history.root, base, None)
        assert compare(repo, history.root, base, None, AS_OF, "base", "head") == expected
        assert compare(repo, history.root, base, None, AS_OF, "base", "head", cache) == expected


# ---------------------------------------------------------------- pieces


def test_a_pledge_moved_to_another_file_keeps_its_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    history = History(tmp_path, 0)
    first = "  - id: p/one\n    title: One\n    quote: 一\n    deadline: 2030\n"
    first += '    metric: {name: Things, unit: count}\n    target: {op: ">=", value: 5}\n'
    steps = [
        {"a.yaml": "pledges:\n" + first},
        {"a.yaml": "pledges: []\n", "b/c.yaml": "pledges:\n" + first},
        {"b/c.yaml": "pledges:\n" + first + "    progress:\n      - {period: 2024, value: 6}\n"},
        {"b/d.yaml": "pledges:\n" + first.replace("One", "Moved") + "    progress: []\n"},
    ]
    for number, files in enumerate(steps):
        history.files = files
        history.day = date(2025, 3, 1 + number)
        history.write()
        history.git("add", "-A")
        history.git("commit", "-q", "-m", f"step {number}")
    events = pledge_history(history.root, "p/one")
    assert events == full_history(history.root, "p/one")
    assert [(e.commit.day.isoformat(), e.text) for e in events or []] == [
        ("2025-03-01", "added in ledger/a.yaml: target ≥5 count; status pending"),
        ("2025-03-03", "added observation 2024: 6 (evidence: none)"),
        ("2025-03-04", "progress[2024]: 6 → (absent)"),
        ("2025-03-04", "edited: title"),
    ]


def test_work_tree_order_that_differs_from_git_is_compared_in_full(tmp_path: Path) -> None:
    """Git lists a/x.yaml before z.yaml; the work tree's walk lists z.yaml first. An id
    defined in both resolves to a/x.yaml in the commit and to z.yaml in the work tree."""
    history = History(tmp_path, 0)
    one = "  - id: p/one\n    title: {}\n    quote: 一\n    deadline: 2030\n"
    history.files = {
        "a/x.yaml": "pledges:\n" + one.format("In a") + "  - id: p/two\n    title: Two\n",
        "z.yaml": "pledges:\n" + one.format("In z"),
    }
    history.write()
    history.git("add", "-A")
    history.git("commit", "-q", "-m", "one")
    text = (history.root / "a/x.yaml").read_text(encoding="utf-8")
    (history.root / "a/x.yaml").write_text(text.replace("Two", "Edited"), encoding="utf-8")
    repo = find_repo(history.root)
    head = ledger_log(repo)[-1].sha
    got = compare(repo, history.root, head, None, AS_OF, "base", "head")
    assert got == full_diff(history.root, head, None)
    assert [(c.id, [f.field for f in c.change.fields]) for c in got.changed] == [
        ("p/one", ["title"]),
        ("p/two", ["title"]),
    ]


@given(
    ident=st.text(min_size=1, max_size=8),
    style=st.sampled_from(['"', "'", "|", ">", None]),
    width=st.integers(2, 80),
)
def test_may_define_never_misses_a_spelling(ident: str, style: str | None, width: int) -> None:
    """Whatever way YAML writes an id, a file holding it is never ruled out."""
    import yaml

    text = yaml.safe_dump({"id": ident}, default_style=style, width=width, allow_unicode=True)
    doc, _ = read_document("t.yaml", text)
    if doc.data == {"id": ident}:
        assert may_define(text.encode("utf-8", "surrogatepass"), ident)


def test_may_define_rules_out_a_file_without_the_bytes() -> None:
    assert not may_define(b"pledges:\n  - id: p/two\n", "p/one")
    assert may_define(b'pledges:\n  - id: "\\x70/one"\n', "p/one")
    assert may_define(b"pledges:\n  - id: 'o''k'\n", "o'k")
    assert may_define(b'pledges:\n  - id: "sp\n    ace"\n', "sp ace")


def test_blob_reader_reads_and_reports_missing_blobs(tmp_path: Path) -> None:
    history = History(tmp_path, 0)
    history.files = {"a.yaml": "pledges: []\n"}
    history.write()
    history.git("add", "-A")
    history.git("commit", "-q", "-m", "one")
    data = (history.root / "a.yaml").read_bytes()
    with BlobReader(find_repo(history.root)) as reader:
        assert reader.read(blob_id(data)) == data
        assert reader.read("0" * 40) == b""
        assert reader.read(blob_id(data)) == data
