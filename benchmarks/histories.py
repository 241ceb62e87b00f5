"""Git repositories of a generated ledger, for the `history` and `diff` rows of run.py.

    python benchmarks/histories.py OUT N [--commits 50] [--touch 3]

Writes two repositories under OUT, each with its ledger in `ledger/` (gen_ledger.py):

- `history/`: the ledger committed, then `--commits` commits a day apart, each editing
  the title of one pledge in `--touch` other files and the title of the tracked pledge
  (a pledge with observations and a numeric target), whose file is moved halfway
  through (`git mv`). Every tenth commit also raises its target. The tracked id is
  written to `history/tracked-id`.
- `diff/`: the ledger committed and tagged `base`, then three commits on `base`, each
  tagged: `one` edits a pledge's title in one file, `renamed` gives every pledge a new
  id (`<id>-r`, quotes and sources kept, so each is reported as renamed), `touched`
  edits a comment in every file (every file changes, no pledge does). The work tree is
  `base` with the one-file edit, for `pledges diff` against the working tree.

Deterministic: the same arguments (and seed texts) give the same files and commit ids.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_TITLE = re.compile(r"^(    title: )(.*)$", re.MULTILINE)
_ID = re.compile(r"^(  - id: )(\S+)$", re.MULTILINE)
_COMMENT = re.compile(r"^# Synthetic benchmark data.*$", re.MULTILINE)


def _git(repo: Path, *args: str, day: int = 0) -> str:
    stamp = f"{1704110400 + day * 86400} +0000"  # 2024-01-01 12:00 UTC plus `day` days
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="bench",
        GIT_AUTHOR_EMAIL="bench@example.org",
        GIT_COMMITTER_NAME="bench",
        GIT_COMMITTER_EMAIL="bench@example.org",
        GIT_AUTHOR_DATE=stamp,
        GIT_COMMITTER_DATE=stamp,
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
    )
    done = subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)
    return done.stdout.decode()


def _generate(ledger: Path, pledges: int) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "gen_ledger.py"), str(ledger), str(pledges)],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _files(ledger: Path) -> list[Path]:
    return sorted(p for p in ledger.rglob("*.yaml") if p.parent != ledger)


def _init(repo: Path, pledges: int) -> Path:
    ledger = repo / "ledger"
    _generate(ledger, pledges)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "the generated ledger")
    return ledger


def _retitle(text: str, index: int, mark: str) -> str:
    """The text with the title of its `index`-th pledge (modulo their number) marked."""
    titles = list(_TITLE.finditer(text))
    if not titles:
        return text
    found = titles[index % len(titles)]
    return text[: found.end(2)] + f" [{mark}]" + text[found.end(2) :]


def _tracked(ledger: Path) -> tuple[Path, str]:
    """A pledge with observations and a `>=` target: its file and id."""
    for path in _files(ledger):
        text = path.read_text(encoding="utf-8")
        for block in text.split("\n  - id: ")[1:]:
            if "    progress:" in block and 'target: {op: ">=", value: ' in block:
                return path, block.split("\n", 1)[0]
    raise SystemExit("histories.py: no pledge with progress and a >= target")


def _raise_target(text: str, ident: str) -> str:
    start = text.index(f"  - id: {ident}\n")
    at = text.index('target: {op: ">=", value: ', start) + len('target: {op: ">=", value: ')
    end = min(i for i in (text.find(",", at), text.find("}", at)) if i >= 0)
    value = float(text[at:end])
    return text[:at] + f"{value * 1.1:.1f}" + text[end:]


def history_repository(out: Path, pledges: int, commits: int = 50, touch: int = 3) -> Path:
    """A repository whose tracked pledge changes in each of `commits` commits."""
    repo = out / "history"
    repo.mkdir(parents=True, exist_ok=True)
    ledger = _init(repo, pledges)
    tracked_path, ident = _tracked(ledger)
    (repo / "tracked-id").write_text(ident + "\n", encoding="utf-8")
    rng = random.Random(15)
    for number in range(1, commits + 1):
        others = [p for p in _files(ledger) if p != tracked_path]
        for path in rng.sample(others, min(touch, len(others))):
            text = path.read_text(encoding="utf-8")
            path.write_text(_retitle(text, rng.randrange(1000), f"r{number}"), encoding="utf-8")
        text = tracked_path.read_text(encoding="utf-8")
        start = text.index(f"  - id: {ident}\n")
        index = sum(1 for m in _TITLE.finditer(text) if m.start() < start)
        text = _retitle(text, index, f"r{number}")
        if number % 10 == 0:
            text = _raise_target(text, ident)
        tracked_path.write_text(text, encoding="utf-8")
        if number == commits // 2:
            moved = tracked_path.with_name("moved-" + tracked_path.name)
            _git(repo, "mv", str(tracked_path.relative_to(repo)), str(moved.relative_to(repo)))
            tracked_path = moved
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", f"edit {number}", day=number)
    return repo


def diff_repository(out: Path, pledges: int) -> Path:
    """A repository with the tags base, one, renamed and touched (see the module doc)."""
    repo = out / "diff"
    repo.mkdir(parents=True, exist_ok=True)
    ledger = _init(repo, pledges)
    _git(repo, "tag", "base")
    originals = {p: p.read_text(encoding="utf-8") for p in _files(ledger)}
    first = next(iter(originals))

    def commit(tag: str, texts: dict[Path, str]) -> None:
        for path, text in texts.items():
            path.write_text(text, encoding="utf-8")
        _git(repo, "commit", "-q", "-am", tag, day=1)
        _git(repo, "tag", tag)
        _git(repo, "checkout", "-q", "base")

    commit("one", {first: _retitle(originals[first], 0, "edited")})
    commit("renamed", {p: _ID.sub(r"\1\2-r", t) for p, t in originals.items()})
    commit("touched", {p: _COMMENT.sub("# Edited.", t, count=1) for p, t in originals.items()})
    first.write_text(_retitle(originals[first], 0, "edited"), encoding="utf-8")
    return repo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the history and diff repositories.")
    parser.add_argument("out", type=Path)
    parser.add_argument("pledges", type=int)
    parser.add_argument("--commits", type=int, default=50)
    parser.add_argument("--touch", type=int, default=3)
    args = parser.parse_args(argv)
    history_repository(args.out, args.pledges, args.commits, args.touch)
    diff_repository(args.out, args.pledges)
    return 0


if __name__ == "__main__":
    sys.exit(main())
