"""`pledges diff` through the files that differ: blob ids first, parsing after.

Each side is listed by blob id (`git ls-tree -r -z`, or the work tree's files hashed as
git hashes them) and only the files whose blob differs are parsed. A pledge can come out
of the comparison changed, added, removed or with another status only if its id is
defined in a changed file, or if the pledge its target refers to is. Those ids are read
from the changed files; the unchanged files that may hold them (by their bytes,
`blobs.may_define`) are parsed too, so each id resolves to the pledge a full load would
index. `semdiff.diff_pledges` then compares those ids, judging statuses against lazy
indexes of the whole sides, which gives the full comparison's result. Files that cannot
be loaded are reported as a full load reports them, an unchanged one answered from the
parse cache by its blob id (`BlobFiles.unloaded`).

Both sides are loaded in full instead when units.yaml differs (any status may change)
or when the work tree lists the files both sides have in another order than git does
(an id defined twice could then resolve to different files).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from pledges.history.blobs import BlobFiles, LazyIndex, first_error, git_order, may_define
from pledges.history.briefs import (
    BlobBriefs,
    Brief,
    brief,
    store,
    store_side,
    stored,
    stored_side,
)
from pledges.history.lifeline import Files, listing
from pledges.history.revisions import (
    SYMLINK_MODE,
    BlobReader,
    Repo,
    blob_id,
    ledger_relative,
    load_revision,
)
from pledges.history.semdiff import Diff, diff, diff_pledges
from pledges.judge.status import Context
from pledges.model.diagnostics import Diagnostic, Severity
from pledges.model.ledger import Pledge
from pledges.read.cache import Cache
from pledges.read.loader import JURISDICTIONS_FILE, REGISTRY_FILES, UNITS_FILE, ledger_files, load
from pledges.read.safe import RawFile, display_name, read_raw

ERROR = Severity.ERROR

# Changed files past which each side's briefs are read, and kept, in one cache entry.
BUNDLE_FROM = 64
# Ids to look for by their bytes in the unchanged files; past this many, every file is
# parsed instead (a scan of the bytes costs about 1/100 of a parse).
SCAN_LIMIT = 64


@dataclass(frozen=True)
class SideFile:
    """A ledger file of one side: where it is, its blob id and, in the work tree, its text."""

    path: str  # in the repository
    name: str  # as diagnostics and outputs name it
    mode: str  # git's file mode; "" for a file of the work tree
    blob: str  # "" when the work tree's file could not be read
    raw: RawFile | None = None
    problem: Diagnostic | None = None  # why it cannot be read at all (a link, a bad read)

    @property
    def holds_pledges(self) -> bool:
        return self.problem is None


class Shared:
    """What both sides share: the blob reader, parsed files, briefs and byte checks, by
    blob id."""

    def __init__(self, reader: BlobReader, disk: Cache | None, known: list[SideFile]) -> None:
        self._reader = reader
        self._disk = disk
        self.blobs = BlobFiles(reader.read, disk)
        self._data = {f.blob: f.raw.data for f in known if f.raw is not None}
        self._may: dict[tuple[str, str], bool] = {}
        self._briefs: dict[str, BlobBriefs] = {}
        self._named: dict[tuple[str, str], list[Brief]] = {}
        self._unloaded: dict[tuple[str, str, str], Diagnostic | None] = {}

    def data(self, file: SideFile) -> bytes:
        found = self._data.get(file.blob)
        if found is None:
            found = self._data[file.blob] = self._reader.read(file.blob)
        return found

    def may_define(self, file: SideFile, ident: str) -> bool:
        key = (file.blob, ident)
        found = self._may.get(key)
        if found is None:
            found = self._may[key] = may_define(self.data(file), ident)
        return found

    def pledges(self, file: SideFile) -> list[Pledge]:
        if not file.holds_pledges:
            return []
        data = file.raw.data if file.raw is not None else None
        parsed = self.blobs.parsed(file.blob, file.name, "ledger-file", data)
        return parsed.file.pledges if parsed.file is not None else []

    def briefs(self, file: SideFile) -> list[Brief]:
        """The file's pledges in brief: stored by blob id, or made from the parsed file."""
        if not file.holds_pledges:
            return []
        named = self._named.get((file.blob, file.name))
        if named is None:
            named = [b.named(file.name) for b in self._blob_briefs(file).briefs]
            self._named[(file.blob, file.name)] = named
        return named

    def _blob_briefs(self, file: SideFile) -> BlobBriefs:
        found = self._briefs.get(file.blob)
        if found is None and self._disk is not None:
            found = stored(self._disk, file.blob)
        if found is None:
            data = file.raw.data if file.raw is not None else None
            parsed = self.blobs.parsed(file.blob, file.name, "ledger-file", data)
            pledges = parsed.file.pledges if parsed.file is not None else []
            error = first_error(parsed.doc, parsed.diagnostics)
            found = BlobBriefs(error, [brief(p) for p in pledges])
            if self._disk is not None:
                store(self._disk, file.blob, found)
        self._briefs[file.blob] = found
        return found

    def read_side(self, files: list[SideFile]) -> bool:
        """Every file's briefs from the side's one entry; False when it is not stored."""
        blobs = [f.blob for f in files if f.holds_pledges]
        found = stored_side(self._disk, blobs) if self._disk is not None else None
        for blob, item in zip(blobs, found or [], strict=False):
            self._briefs.setdefault(blob, item)
        return found is not None

    def keep_side(self, files: list[SideFile]) -> None:
        """Store the side's briefs in one entry, when every file of it was read."""
        blobs = [f.blob for f in files if f.holds_pledges]
        if self._disk is not None and all(b in self._briefs for b in blobs):
            store_side(self._disk, blobs, [self._briefs[b] for b in blobs])

    def unloaded(self, file: SideFile, kind: str) -> Diagnostic | None:
        """The error that keeps a load from reading the file (`LoadResult.unloaded`)."""
        if file.problem is not None:
            return file.problem
        known = self._briefs.get(file.blob) if kind == "ledger-file" else None
        if known is not None:
            return known.unloaded(file.name)
        key = (file.blob, file.name, kind)
        if key not in self._unloaded:
            data = file.raw.data if file.raw is not None else None
            self._unloaded[key] = self.blobs.unloaded(file.blob, file.name, kind, data)
        return self._unloaded[key]


class Side:
    """One side's ledger files in load order, answering "which pledge has this id".

    Files are read (in brief) as they are needed; an id is looked for in the files read,
    and in the files not yet read (before the first read one that defines it) whose bytes
    may define it. A pledge is built only for an id both sides have.
    """

    def __init__(self, files: list[SideFile], shared: Shared) -> None:
        self.files = files
        self._shared = shared
        self._unread = [i for i, f in enumerate(files) if f.holds_pledges]  # in order
        self._waiting = set(self._unread)
        self._first: dict[str, tuple[int, Brief]] = {}  # id -> (file index, brief)

    def briefs_of(self, index: int) -> list[Brief]:
        briefs = self._shared.briefs(self.files[index])
        if index in self._waiting:
            self._waiting.discard(index)
            self._unread.remove(index)
            for item in briefs:
                known = self._first.get(item.id)
                if known is None or known[0] > index:
                    self._first[item.id] = (index, item)
        return briefs

    def read(self, index: int) -> bool:
        return index not in self._waiting

    def may_define(self, index: int, ident: str) -> bool:
        file = self.files[index]
        return file.holds_pledges and self._shared.may_define(file, ident)

    def read_all(self) -> None:
        for index in list(self._unread):
            self.briefs_of(index)

    def first(self, ident: str) -> Brief | None:
        """The brief of the pledge with this id that a full load of the side would index."""
        if not self._unread:  # every file read: the index is complete
            known = self._first.get(ident)
            return known[1] if known else None
        while True:
            known = self._first.get(ident)
            limit = known[0] if known else len(self.files)
            hit = None
            for index in self._unread:
                if index >= limit:
                    break
                if self._shared.may_define(self.files[index], ident):
                    hit = index
                    break
            if hit is None:
                return known[1] if known else None
            self.briefs_of(hit)

    def pledge(self, ident: str) -> Pledge | None:
        """The pledge with this id that a full load of the side would index."""
        if self.first(ident) is None:
            return None
        index = self._first[ident][0]
        return next(p for p in self._shared.pledges(self.files[index]) if p.id == ident)

    def all_pledges(self) -> dict[str, Pledge]:
        index: dict[str, Pledge] = {}
        for file in self.files:
            for pledge in self._shared.pledges(file):
                index.setdefault(pledge.id, pledge)
        return index


@dataclass
class Listed:
    """A side as blob ids: its ledger files in load order, and its registries."""

    files: list[SideFile]
    registries: list[tuple[SideFile, str]]  # with their kind: "jurisdictions" or "units"

    @property
    def units(self) -> SideFile | None:
        return next((f for f, kind in self.registries if kind == "units"), None)


def _kind(relative: str | None) -> str:
    if relative == JURISDICTIONS_FILE:
        return "jurisdictions"
    return "units" if relative == UNITS_FILE else "ledger-file"


def _from_git(repo: Repo, files: Files) -> Listed:
    listed = Listed([], [])
    for path, (mode, blob) in sorted(files.items(), key=lambda item: git_order(item[0])):
        file = SideFile(path, display_name(repo.top / path), mode, blob)
        if mode == SYMLINK_MODE:
            message = "is a symbolic link; ledger files must be regular files"
            file = replace(file, problem=Diagnostic(file.name, 1, 1, "PL001", ERROR, message))
        kind = _kind(ledger_relative(repo, path))
        if kind == "ledger-file":
            listed.files.append(file)
        else:
            listed.registries.append((file, kind))
    return listed


def _from_work_tree(repo: Repo, root: Path, length: int) -> Listed:
    """The work tree's files as the loader lists them, each hashed as git would."""
    listed = Listed([], [])
    registries = [root / name for name in REGISTRY_FILES]
    for path in [*ledger_files(root), *registries]:
        if path in registries and not path.exists() and not path.is_symlink():
            continue
        name = display_name(path)
        raw = read_raw(path, name)
        relative = repo.prefix + path.relative_to(root).as_posix()
        if isinstance(raw, Diagnostic):
            file = SideFile(relative, name, "", "", problem=raw)
        else:
            file = SideFile(relative, name, "", blob_id(raw.data, length), raw)
        if path in registries:
            listed.registries.append((file, _kind(path.name)))
        else:
            listed.files.append(file)
    return listed


def _unloaded(listed: Listed, shared: Shared) -> dict[str, Diagnostic]:
    """Each file of a side that does not load, with its first error (LoadResult.unloaded)."""
    found: dict[str, Diagnostic] = {}
    for file, kind in [*((f, "ledger-file") for f in listed.files), *listed.registries]:
        error = shared.unloaded(file, kind)
        if error is not None:
            found[file.name] = error
    return found


def _same_units(base: SideFile | None, head: SideFile | None) -> bool:
    if base is None or head is None:
        return base is head
    return base.holds_pledges and head.holds_pledges and base.blob == head.blob


def _unchanged(base: Listed, head: Listed) -> set[str]:
    """Paths whose file is the same readable blob on both sides."""
    before = {f.path: f for f in base.files if f.holds_pledges}
    return {
        f.path
        for f in head.files
        if f.holds_pledges and f.path in before and before[f.path].blob == f.blob
    }


def _same_order(base: Listed, head: Listed) -> bool:
    """Whether the files both sides have come in the same order on both (git's order and
    the work tree's walk differ where a folder's files and subfolders interleave)."""
    common = {f.path for f in base.files} & {f.path for f in head.files}
    return [f.path for f in base.files if f.path in common] == [
        f.path for f in head.files if f.path in common
    ]


def _firsts(briefs: list[Brief]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for item in briefs:
        if item.id not in found:
            found[item.id] = item.digest
    return found


def _touched(base: Side, head: Side, unchanged: set[str]) -> set[str]:
    """Ids whose first pledge in some changed file differs between the sides.

    Any other id is defined by the same data in the same files in the same order on
    both sides, so it resolves to the same pledge data on both.
    """
    before = {f.path: i for i, f in enumerate(base.files) if f.path not in unchanged}
    after = {f.path: i for i, f in enumerate(head.files) if f.path not in unchanged}
    touched: set[str] = set()
    for path in before.keys() | after.keys():
        old = _firsts(base.briefs_of(before[path])) if path in before else {}
        new = _firsts(head.briefs_of(after[path])) if path in after else {}
        for ident in old.keys() | new.keys():
            was, now = old.get(ident), new.get(ident)
            if was is None or now is None or was != now:
                touched.add(ident)
    return touched


def _referring(base: Side, head: Side, unchanged: set[str], touched: set[str]) -> set[str]:
    """Ids of pledges whose target refers to a touched id: their status may change."""
    found: set[str] = set()
    for side in (base, head):
        for index, file in enumerate(side.files):
            if file.path in unchanged and side is head:
                continue  # the same file as on the base side
            scan = file.path in unchanged and not side.read(index)
            if scan and not any(side.may_define(index, ident) for ident in touched):
                continue
            for item in side.briefs_of(index):
                if item.ref is not None and item.ref in touched:
                    found.add(item.id)
    return found


def compare(
    repo: Repo,
    ledger_root: Path,
    base_sha: str,
    head_sha: str | None,
    as_of: date,
    base_label: str,
    head_label: str,
    disk: Cache | None = None,
) -> Diff:
    """The diff of the ledger between two commits, or a commit and the work tree (None)."""
    base_files = listing(repo, base_sha)
    length = len(next(iter(base_files.values()))[1]) if base_files else 40
    base_listed = _from_git(repo, base_files)
    if head_sha is None:
        head_listed = _from_work_tree(repo, ledger_root, length)
    else:
        head_listed = _from_git(repo, listing(repo, head_sha))
    unchanged = _unchanged(base_listed, head_listed)
    if not _same_units(base_listed.units, head_listed.units) or not _same_order(
        base_listed, head_listed
    ):
        return _in_full(repo, ledger_root, base_sha, head_sha, as_of, base_label, head_label, disk)
    with BlobReader(repo) as reader:
        shared = Shared(reader, disk, head_listed.files)
        found = base_listed.units
        units = shared.blobs.units((found.mode, found.blob) if found else None, "")
        base = Side(base_listed.files, shared)
        head = Side(head_listed.files, shared)
        changed = sum(f.path not in unchanged for f in [*base.files, *head.files])
        kept = []  # sides whose briefs are to be stored in one entry
        for side in [] if changed < BUNDLE_FROM else [base, head]:
            if shared.read_side(side.files):
                side.read_all()  # from memory now
            else:
                kept.append(side)
        touched = _touched(base, head, unchanged)
        if len(touched) > SCAN_LIMIT:  # reading every file costs less than so many scans
            base.read_all()
            head.read_all()
        ids = sorted(touched | _referring(base, head, unchanged, touched))
        old_index = {i: b for i in ids if (b := base.first(i)) is not None}
        new_index = {i: b for i in ids if (b := head.first(i)) is not None}

        def pair(ident: str) -> tuple[Pledge, Pledge]:
            old, new = base.pledge(ident), head.pledge(ident)
            assert old is not None and new is not None  # both sides have a brief of it
            return old, new

        result = diff_pledges(
            old_index,
            new_index,
            pair,
            Context(units, LazyIndex(base.pledge, base.all_pledges)),
            Context(units, LazyIndex(head.pledge, head.all_pledges)),
            as_of,
            base_label,
            head_label,
            base_unloaded=_unloaded(base_listed, shared),
            head_unloaded=_unloaded(head_listed, shared),
        )
        for side in kept:
            shared.keep_side(side.files)
        return result


def _in_full(
    repo: Repo,
    ledger_root: Path,
    base_sha: str,
    head_sha: str | None,
    as_of: date,
    base_label: str,
    head_label: str,
    disk: Cache | None,
) -> Diff:
    base = load_revision(repo, base_sha, disk=disk)
    if head_sha is None:
        head = load(ledger_root, cache=disk)
    else:
        head = load_revision(repo, head_sha, disk=disk)
    return diff(
        base.ledger,
        head.ledger,
        as_of,
        base_label,
        head_label,
        base_unloaded=base.unloaded(),
        head_unloaded=head.unloaded(),
    )
