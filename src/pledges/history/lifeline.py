"""The life of one pledge along the ledger's commits, reading only what can hold it.

`pledges history ID` judges the pledge at every commit that touched the ledger (a
status can change with the date alone), but it does not load every revision:

- one `git log --raw` lists the blobs each commit changed, so a commit's files are the
  previous commit's plus its changes (checked against `git ls-tree` of the last commit;
  when they disagree, every commit is listed with `ls-tree` instead);
- a file is parsed only when its blob may define an id the history needs: the pledge's
  id, or an id the status engine asks for (the pledge a target refers to). A blob that
  has neither the id's bytes nor a backslash cannot define it (`blobs.may_define`);
- a blob is read and parsed once, whichever commits share it.

The first file in `git ls-tree` order that defines the id holds the pledge, as in a full
load, and a file that cannot be read at a commit is told apart from a pledge removed
(`BlobFiles.unloaded`), so the events are the ones a full load of every revision gives.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pledges.history.blobs import BlobFiles, LazyIndex, git_order, may_define
from pledges.history.revisions import (
    SYMLINK_MODE,
    BlobReader,
    Commit,
    Event,
    GitError,
    Repo,
    find_repo,
    git,
    ledger_log,
    ledger_relative,
    tree_entries,
)
from pledges.model.diagnostics import Diagnostic, Severity
from pledges.model.ledger import Pledge
from pledges.model.registries import Unit
from pledges.read.cache import Cache
from pledges.read.loader import REGISTRY_FILES, UNITS_FILE
from pledges.read.safe import display_name

# (path, mode, blob) of a file a commit changed; mode and blob are None when it is gone
Change = tuple[str, str | None, str | None]
Files = dict[str, tuple[str, str]]  # path -> (mode, blob) of the YAML files of the ledger


def listing(repo: Repo, sha: str) -> Files:
    """The ledger's YAML files at a commit (registries included), by path."""
    return {
        path: (mode, blob)
        for mode, blob, path in tree_entries(repo, sha)
        if ledger_relative(repo, path) is not None
    }


def _raw_changes(repo: Repo) -> dict[str, list[Change]] | None:
    """What each ledger commit of `ledger_log` changed under the ledger, by commit id.

    None when git cannot say (an old git, an odd configuration): callers list trees then.
    """
    args = [
        "log",
        "-z",
        "--first-parent",
        "--diff-merges=first-parent",
        "--raw",
        "--no-renames",
        "--no-abbrev",
        "--no-color",
        "--no-show-signature",
        "--format=%H",
        "HEAD",
    ]
    if repo.prefix:
        args += ["--", repo.prefix.rstrip("/")]
    try:
        out = git(args, repo.top)
    except GitError:
        return None
    changes: dict[str, list[Change]] = {}
    current: list[Change] | None = None
    tokens = out.split(b"\0")
    at = 0
    while at < len(tokens):
        token = tokens[at].lstrip(b"\n")
        at += 1
        if token.startswith(b":"):
            meta = token[1:].decode("ascii", "replace").split(" ")
            if current is None or at >= len(tokens) or len(meta) != 5:
                return None
            path = tokens[at].decode("utf-8", "surrogateescape")
            at += 1
            if ledger_relative(repo, path) is None:
                continue
            _, mode, _, blob, status = meta
            gone = status.startswith("D") or mode in ("000000", "160000")
            current.append((path, None, None) if gone else (path, mode, blob))
        elif token:
            current = changes.setdefault(token.decode("ascii", "replace"), [])
    return changes


def replay(files: Files, changes: list[Change]) -> None:
    for path, mode, blob in changes:
        if mode is None or blob is None:
            files.pop(path, None)
        else:
            files[path] = (mode, blob)


def _difference(before: Files, after: Files) -> list[Change]:
    changed: list[Change] = [(p, *e) for p, e in after.items() if before.get(p) != e]
    return changed + [(p, None, None) for p in before if p not in after]


def commit_changes(repo: Repo, commits: list[Commit]) -> Iterator[list[Change]]:
    """For each commit, the ledger files it changed (the first: all of its files)."""
    if not commits:
        return
    first = listing(repo, commits[0].sha)
    raw = _raw_changes(repo) if len(commits) > 1 else {}
    if raw is not None and all(c.sha in raw for c in commits[1:]):
        files = dict(first)
        for commit in commits[1:]:
            replay(files, raw[commit.sha])
        if files == listing(repo, commits[-1].sha):
            yield _difference({}, first)
            for commit in commits[1:]:
                yield raw[commit.sha]
            return
    before: Files = {}
    for commit in commits:
        after = first if commit is commits[0] else listing(repo, commit.sha)
        yield _difference(before, after)
        before = after


class Revision:
    """The ledger at one commit as blob ids, answering "which pledge has this id" lazily.

    `apply` moves it to the next commit. For each id asked about, it keeps the paths
    whose blob may define the id, and parses those (once per blob) in tree order.
    """

    def __init__(self, repo: Repo, reader: BlobReader, disk: Cache | None = None) -> None:
        self._repo = repo
        self._read = reader.read
        self.blobs = BlobFiles(reader.read, disk)
        self.files: Files = {}
        self._holders: dict[str, set[str]] = {}  # id -> paths whose blob may define it
        self._may: dict[tuple[str, str], bool] = {}  # (blob, id) -> may define
        self._names: dict[str, str] = {}
        self._units_path = repo.prefix + UNITS_FILE

    def name(self, path: str) -> str:
        name = self._names.get(path)
        if name is None:
            name = self._names[path] = display_name(self._repo.top / path)
        return name

    def _ledger_file(self, path: str) -> bool:
        relative = ledger_relative(self._repo, path)
        return relative is not None and relative not in REGISTRY_FILES

    def apply(self, changes: list[Change]) -> None:
        replay(self.files, changes)
        for path, _, _ in changes:
            for ident, holders in self._holders.items():
                if self._holds(path, ident):
                    holders.add(path)
                else:
                    holders.discard(path)

    def _holds(self, path: str, ident: str) -> bool:
        entry = self.files.get(path)
        if entry is None or entry[0] == SYMLINK_MODE or not self._ledger_file(path):
            return False
        blob = entry[1]
        if (blob, ident) not in self._may:
            data = self._read(blob)  # decided for every id asked about, from one read
            for other in (ident, *self._holders):
                self._may.setdefault((blob, other), may_define(data, other))
        return self._may[(blob, ident)]

    def first(self, ident: str) -> Pledge | None:
        """The pledge with this id that a full load would index: its first in tree order."""
        found = self.find(ident)
        return found[1] if found else None

    def find(self, ident: str) -> tuple[str, Pledge] | None:
        """`first`, with the path of the file that holds it."""
        holders = self._holders.get(ident)
        if holders is None:
            holders = self._holders[ident] = {p for p in self.files if self._holds(p, ident)}
        for path in sorted(holders, key=git_order):
            ledger_file = self.blobs.parsed(self.files[path][1], self.name(path), "ledger-file")
            if ledger_file.file is None:
                continue
            for pledge in ledger_file.file.pledges:
                if pledge.id == ident:
                    return path, pledge
        return None

    def unloaded(self, path: str) -> Diagnostic | None:
        """The error a full load reports for this file when it cannot read it at all."""
        entry = self.files.get(path)
        if entry is None:
            return None
        if entry[0] == SYMLINK_MODE:
            message = "is a symbolic link; ledger files must be regular files"
            return Diagnostic(self.name(path), 1, 1, "PL001", Severity.ERROR, message)
        return self.blobs.unloaded(entry[1], self.name(path), "ledger-file")

    def units(self) -> dict[str, Unit]:
        return self.blobs.units(self.files.get(self._units_path), self.name(self._units_path))

    def all_pledges(self) -> dict[str, Pledge]:
        """Every pledge by id, as a full load indexes them (parses every ledger file)."""
        index: dict[str, Pledge] = {}
        for path in sorted(self.files, key=git_order):
            mode, blob = self.files[path]
            if mode == SYMLINK_MODE or not self._ledger_file(path):
                continue
            ledger_file = self.blobs.parsed(blob, self.name(path), "ledger-file").file
            for pledge in ledger_file.pledges if ledger_file else ():
                index.setdefault(pledge.id, pledge)
        return index


def pledge_history(
    ledger_root: Path, pledge_id: str, disk: Cache | None = None
) -> list[Event] | None:
    """The life of one pledge along the ledger's commits; None when it never existed.

    Each commit that touched the ledger is compared with the previous one; statuses are
    judged as of each commit's author date and reported when they differ from the last.
    """
    from pledges.history.semdiff import history_events
    from pledges.judge.status import Context, evaluate

    repo = find_repo(ledger_root)
    commits = ledger_log(repo)
    events: list[Event] = []
    previous: Pledge | None = None
    previous_path = ""
    last_status: str | None = None
    seen = False
    with BlobReader(repo) as reader:
        revision = Revision(repo, reader, disk)
        for commit, changes in zip(commits, commit_changes(repo, commits), strict=True):
            revision.apply(changes)
            found = revision.find(pledge_id)
            current = found[1] if found else None
            if current is None and previous is not None:
                broken = revision.unloaded(previous_path)
                if broken is not None:
                    # its file could not be read here: say so, and compare the next readable
                    # version with the last one read, not with an absence
                    where = f"{broken.line}:{broken.column}: {broken.code} {broken.message}"
                    events.append(Event(commit, f"{broken.file} could not be read ({where})"))
                    continue
            seen = seen or current is not None
            status = None
            if current is not None:
                index = LazyIndex(revision.first, revision.all_pledges)
                context = Context(revision.units(), index)
                status = evaluate(current, commit.day, context).status
            texts = history_events(previous, current, last_status, status)
            events += [Event(commit, text) for text in texts]
            previous, previous_path = current, found[0] if found else ""
            last_status = status
    return events if seen else None
