"""Reading a ledger as it was at a git revision, without touching the work tree.

Files come from the object database (`git ls-tree` then `git cat-file --batch`, one
process each per revision) and go through the same parse and model steps as the work
tree, named by the path they have in the work tree, so diagnostics line up with it.
Git is always run with an argument list, never through a shell. Problems with git
itself (not installed, not a repository, unknown revision) raise `GitError`, whose
message is fit to show a user; problems in the files are diagnostics, as elsewhere.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from pledges.model.diagnostics import Diagnostic, Severity
from pledges.model.document import Document
from pledges.model.ledger import Ledger, build_file
from pledges.model.registries import BUILTIN_UNITS
from pledges.read.cache import Cache
from pledges.read.loader import (
    JURISDICTIONS_FILE,
    REGISTRY_FILES,
    YAML_SUFFIXES,
    LoadResult,
    add_registry,
    parse_raw,
)
from pledges.read.safe import MAX_FILE_BYTES, decode, display_name

WORK_TREE = "working tree"
SYMLINK_MODE = "120000"


class GitError(Exception):
    """Git cannot answer: not installed, not a repository, or an unknown revision."""


@dataclass(frozen=True)
class Repo:
    """Where a ledger sits in a git repository."""

    top: Path
    prefix: str  # the ledger directory relative to `top`, with a trailing "/" or empty


@dataclass(frozen=True)
class Commit:
    sha: str
    short: str
    day: date
    author: str


# Parsed files by (blob id, display name): history reads many revisions that share most files.
ParseCache = dict[tuple[str, str], tuple[Document, list[Diagnostic]]]


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    # Paths are literal file names, never glob patterns; output must not be localised.
    env.update({"GIT_LITERAL_PATHSPECS": "1", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0"})
    return env


def git(args: Sequence[str], cwd: Path, *, stdin: bytes | None = None) -> bytes:
    """Run git with an argument list and return its output, or raise GitError."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            env=_environment(),
            check=False,
        )
    except FileNotFoundError as exc:
        raise GitError("git is not installed (or not on PATH)") from exc
    except OSError as exc:
        raise GitError(f"git could not be run: {exc.strerror or exc}") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[-1] if message else f"exit status {done.returncode}"
        raise GitError(f"git {args[0]} failed: {detail.removeprefix('fatal: ')}")
    return done.stdout


def find_repo(ledger_root: Path) -> Repo:
    """The repository holding `ledger_root`, and the ledger's path inside it."""
    if not ledger_root.is_dir():
        raise GitError(f"ledger directory '{ledger_root}' does not exist")
    try:
        top = _one_path(git(["rev-parse", "--show-toplevel"], ledger_root))
    except GitError as exc:
        if "not a git repository" in str(exc):
            raise GitError(f"'{ledger_root}' is not inside a git repository") from exc
        raise
    if not top:
        raise GitError(f"'{ledger_root}' is not inside a git work tree")
    # asked apart: a newline may be part of a directory's name
    prefix = _one_path(git(["rev-parse", "--show-prefix"], ledger_root))
    return Repo(Path(top), prefix)


def _one_path(out: bytes) -> str:
    """A path git printed on its own line: only the one line end it adds is removed."""
    return os.fsdecode(out.removesuffix(b"\n"))


def resolve(repo: Repo, revision: str) -> str:
    """The full commit id a revision names, or GitError."""
    if not revision or revision.startswith("-"):
        raise GitError(f"'{revision}' is not a revision")
    try:
        args = ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"]
        out = git(args, repo.top)
    except GitError as exc:
        raise GitError(f"unknown revision '{revision}'") from exc
    return out.decode("ascii").strip()


def short(repo: Repo, sha: str) -> str:
    return git(["rev-parse", "--short", sha], repo.top).decode("ascii").strip()


def default_branch(repo: Repo) -> str:
    """origin/HEAD when the remote names one, else main, else master."""
    for candidate in ("refs/remotes/origin/HEAD", "refs/heads/main", "refs/heads/master"):
        try:
            git(["rev-parse", "--verify", "--quiet", candidate], repo.top)
        except GitError:
            continue
        return candidate.removeprefix("refs/remotes/").removeprefix("refs/heads/")
    raise GitError("no default branch (origin/HEAD, main or master) to compare with; name a BASE")


def merge_base(ledger_root: Path, head: str | None) -> tuple[str, str]:
    """Where `head` (default HEAD) left the default branch: (commit, the branch's name)."""
    repo = find_repo(ledger_root)
    branch = default_branch(repo)
    tip = resolve(repo, head or "HEAD")
    try:
        out = git(["merge-base", tip, branch], repo.top)
    except GitError as exc:
        raise GitError(f"'{head or 'HEAD'}' has no common ancestor with {branch}") from exc
    return out.decode("ascii").strip(), branch


def tree_entries(repo: Repo, sha: str) -> list[tuple[str, str, str]]:
    """(mode, blob id, path) of every file under the ledger at a commit."""
    args = ["ls-tree", "-r", "-z", "--full-tree", sha]
    if repo.prefix:
        args += ["--", repo.prefix.rstrip("/")]
    entries = []
    for record in git(args, repo.top).split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, blob = meta.decode("ascii").split(" ")
        if kind == "blob":
            entries.append((mode, blob, raw_path.decode("utf-8", "surrogateescape")))
    return entries


def _blobs(repo: Repo, ids: Sequence[str]) -> dict[str, bytes]:
    """The contents of several blobs from one `git cat-file --batch`."""
    if not ids:
        return {}
    out = git(["cat-file", "--batch"], repo.top, stdin="".join(f"{i}\n" for i in ids).encode())
    found: dict[str, bytes] = {}
    at = 0
    for blob in ids:
        end = out.index(b"\n", at)
        header = out[at:end].decode("ascii").split(" ")
        at = end + 1
        if len(header) == 3:
            size = int(header[2])
            found[blob] = out[at : at + size]
            at += size + 1
    return found


class BlobReader:
    """Blobs read one at a time, as they are needed, from one `git cat-file --batch`.

    Use it as a context manager; the process ends when the block does.
    """

    def __init__(self, repo: Repo) -> None:
        self._repo = repo
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> BlobReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            try:
                self._process = subprocess.Popen(
                    ["git", "cat-file", "--batch"],
                    cwd=self._repo.top,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env=_environment(),
                )
            except OSError as exc:
                raise GitError(f"git could not be run: {exc.strerror or exc}") from exc
        return self._process

    def read(self, blob: str) -> bytes:
        """The blob's bytes; empty when the repository does not have it."""
        process = self._start()
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(f"{blob}\n".encode("ascii"))
            process.stdin.flush()
            header = process.stdout.readline().split()
            if len(header) != 3:
                if header[-1:] == [b"missing"]:
                    return b""
                raise GitError(f"git cat-file failed on {blob}")
            size = int(header[2])
            data = process.stdout.read(size)
            process.stdout.read(1)  # the line feed after the contents
        except (OSError, ValueError) as exc:
            raise GitError(f"git cat-file failed: {exc}") from exc
        if len(data) != size:
            raise GitError(f"git cat-file ended early on {blob}")
        return data

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()
        process.wait()


def blob_id(data: bytes, length: int = 40) -> str:
    """The id git gives a blob of these bytes (SHA-256 when ids are 64 digits long)."""
    digest = hashlib.sha256() if length == 64 else hashlib.sha1(usedforsecurity=False)
    digest.update(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


def ledger_relative(repo: Repo, path: str) -> str | None:
    """The path below the ledger directory, or None for hidden or non-YAML files."""
    relative = path[len(repo.prefix) :] if path.startswith(repo.prefix) else path
    parts = relative.split("/")
    if any(part.startswith(".") for part in parts) or not relative.endswith(YAML_SUFFIXES):
        return None
    return relative


def parse_blob(
    name: str, data: bytes, kind: str, cache: Cache | None = None
) -> tuple[Document, list[Diagnostic]]:
    """A committed file parsed and schema-checked as the loader does a file on disk."""
    if len(data) > MAX_FILE_BYTES:
        message = "is larger than 8 MiB; ledger files are limited to 8 MiB"
        return Document(name), [Diagnostic(name, 1, 1, "PL001", Severity.ERROR, message)]
    raw = decode(name, data)
    if isinstance(raw, Diagnostic):
        return Document(name), [raw]
    return parse_raw(raw, kind, cache)


def load_revision(
    repo: Repo, sha: str, cache: ParseCache | None = None, disk: Cache | None = None
) -> LoadResult:
    """The ledger as committed at `sha`, as a LoadResult like the work tree's.

    `disk` is the parse cache of the work tree's files, shared by content.
    """
    ledger = Ledger(root=display_name(repo.top / repo.prefix) if repo.prefix else ".")
    ledger.units = dict(BUILTIN_UNITS)
    result = LoadResult(ledger)
    entries = []
    for mode, blob, path in tree_entries(repo, sha):
        relative = ledger_relative(repo, path)
        if relative is None:
            continue
        name = display_name(repo.top / path)
        if mode == SYMLINK_MODE:
            result.diagnostics.append(
                Diagnostic(
                    name,
                    1,
                    1,
                    "PL001",
                    Severity.ERROR,
                    "is a symbolic link; ledger files must be regular files",
                )
            )
            result.unreadable = True
            continue
        kind = "ledger-file"
        if relative in REGISTRY_FILES:
            kind = "jurisdictions" if relative == JURISDICTIONS_FILE else "units"
        entries.append((blob, name, kind))
    cache = {} if cache is None else cache
    wanted = [blob for blob, name, _ in entries if (blob, name) not in cache]
    contents = _blobs(repo, sorted(set(wanted)))
    for blob, name, kind in entries:
        if (blob, name) not in cache:
            cache[(blob, name)] = parse_blob(name, contents.get(blob, b""), kind, disk)
        doc, diagnostics = cache[(blob, name)]
        result.diagnostics += diagnostics
        if doc.data is None:
            continue
        if kind == "ledger-file":
            ledger.files.append(build_file(doc))
        else:
            add_registry(ledger, doc, kind)
    return result


def load_at(
    ledger_root: Path, revision: str, name: str | None = None, disk: Cache | None = None
) -> tuple[LoadResult, str]:
    """Resolve `revision` and load the ledger at it: (result, label for output).

    The label is the revision as given with its short commit id, or `name` instead.
    """
    repo = find_repo(ledger_root)
    sha = resolve(repo, revision)
    return load_revision(repo, sha, disk=disk), label(repo, sha, revision, name)


def label(repo: Repo, sha: str, revision: str, name: str | None = None) -> str:
    """A revision for output: as given with its short commit id, or `name` instead."""
    abbrev = short(repo, sha)
    if name is None and not sha.startswith(revision):
        name = revision
    return f"{name} ({abbrev})" if name else abbrev


_RAW_DATE = re.compile(r"(-?[0-9]{1,20})(?: ([+-])([0-9]*?)([0-9]{1,2}))?")
_EPOCH = datetime(1970, 1, 1)


def commit_day(raw: str) -> date | None:
    """The calendar day of a raw git date (`1700000000 +0530`) in its own time zone.

    Git stores any offset it was given (`+9959`, `-123456`) and any timestamp; this reads
    them all, and clamps days beyond the calendar to its ends. None when there is no date.
    """
    found = _RAW_DATE.fullmatch(raw.strip())
    if found is None:
        return None
    seconds = int(found[1])
    if found[2]:
        hours, minutes = int(found[3] or 0), int(found[4])
        seconds += (hours * 3600 + minutes * 60) * (-1 if found[2] == "-" else 1)
    try:
        return (_EPOCH + timedelta(seconds=seconds)).date()
    except OverflowError:
        return date.max if seconds > 0 else date.min


def ledger_log(repo: Repo) -> list[Commit]:
    """Commits that touched the ledger, oldest first, along the first-parent chain.

    A commit's day is its author date in the author's time zone (the committer's when the
    author date is unreadable, 1970-01-01 when both are).
    """
    fields = "%H%x1f%h%x1f%ad%x1f%cd%x1f%an"  # the name last: it may hold anything
    args = ["log", "-z", "--first-parent", "--reverse", "--date=raw", f"--format={fields}"]
    args.append("HEAD")
    if repo.prefix:
        args += ["--", repo.prefix.rstrip("/")]
    try:
        out = git(args, repo.top)
    except GitError as exc:
        if "does not have any commits" in str(exc) or "bad revision 'HEAD'" in str(exc):
            return []
        raise
    commits = []
    for record in out.decode("utf-8", "replace").split("\0"):
        parts = record.split("\x1f", 4)
        if len(parts) != 5:
            continue
        sha, abbrev, authored, committed, author = parts
        day = commit_day(authored) or commit_day(committed) or _EPOCH.date()
        commits.append(Commit(sha, abbrev, day, author))
    return commits


@dataclass(frozen=True)
class Event:
    commit: Commit
    text: str


@dataclass(frozen=True)
class Provenance:
    """The commit a ledger directory was read at, and whether it has uncommitted edits."""

    commit: str
    dirty: bool


def provenance(ledger_root: Path) -> Provenance | None:
    """HEAD's commit id for the ledger, or None outside git (or with no commit yet)."""
    try:
        repo = find_repo(ledger_root)
        sha = resolve(repo, "HEAD")
        args = ["status", "--porcelain", "--untracked-files=normal", "--", "."]
        changes = git(args, ledger_root)
    except GitError:
        return None
    return Provenance(sha, bool(changes.strip()))
