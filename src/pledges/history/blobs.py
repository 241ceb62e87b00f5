"""Ledger files by git blob id: each blob read and parsed at most once per process.

`history` and `diff` look at many revisions that share most of their files. A file is
named here by its blob id (the hash of its bytes), so a file unchanged between two
revisions is one entry, parsed once. Whether a file is worth parsing at all is decided
on its bytes first: `may_define` tells when a file cannot hold an id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pledges.history.revisions import SYMLINK_MODE, parse_blob
from pledges.model.diagnostics import Diagnostic, Severity
from pledges.model.document import Document
from pledges.model.ledger import Ledger, LedgerFile, Pledge, build_file
from pledges.model.registries import BUILTIN_UNITS, Unit
from pledges.read.cache import Cache
from pledges.read.loader import EMPTY_FILE, add_registry

Read = Callable[[str], bytes]


def git_order(path: str) -> bytes:
    """The sort key that puts paths in the order `git ls-tree -r` lists them."""
    return path.encode("utf-8", "surrogateescape")


def plain_id(ident: str) -> bool:
    """Whether YAML can spell `ident` only as its own characters or with a backslash escape.

    Whitespace can come from line folding and a quote from a doubled `''`; an id with
    either is not decided from bytes.
    """
    return bool(ident) and "'" not in ident and not any(c.isspace() for c in ident)


def may_define(data: bytes, ident: str) -> bool:
    """False only when the YAML text `data` cannot hold the string `ident` anywhere.

    A plain scalar, a single-quoted one and a block scalar hold their characters as they
    are written; a double-quoted one may spell any character with a backslash escape.
    Line folding only adds spaces and line breaks. So a file that has neither the id's
    own bytes nor a backslash cannot hold it.
    """
    if not plain_id(ident):
        return True
    return ident.encode("utf-8", "surrogateescape") in data or b"\\" in data


@dataclass(frozen=True)
class Parsed:
    """One blob under one name: its document, diagnostics and, for a ledger file, model."""

    doc: Document
    diagnostics: list[Diagnostic]
    file: LedgerFile | None


class BlobFiles:
    """Blobs parsed once per (blob id, file name), with their model built once too.

    `disk` is the work tree's parse cache: a blob with the bytes of a file lint has seen
    is not parsed at all, and one parsed here is there for the next command.
    """

    def __init__(self, read: Read, disk: Cache | None = None) -> None:
        self._read = read
        self._disk = disk
        self._parsed: dict[tuple[str, str], Parsed] = {}
        self._units: dict[tuple[str, str], dict[str, Unit]] = {}

    def parsed(self, blob: str, name: str, kind: str, data: bytes | None = None) -> Parsed:
        """The blob parsed as `kind` ("ledger-file", "units" or "jurisdictions")."""
        key = (blob, name)
        found = self._parsed.get(key)
        if found is None:
            if data is None:
                data = self._read(blob)
            doc, diagnostics = parse_blob(name, data, kind, self._disk)
            built = kind == "ledger-file" and doc.data is not None
            ledger_file = build_file(doc) if built else None
            found = self._parsed[key] = Parsed(doc, diagnostics, ledger_file)
        return found

    def unloaded(
        self, blob: str, name: str, kind: str, data: bytes | None = None
    ) -> Diagnostic | None:
        """The error that keeps a load from reading this blob at all, or None when it loads.

        Answered without parsing when the parse cache holds the answer for this blob id;
        otherwise the blob is parsed and the answer stored there.
        """
        disk = self._disk
        # keyed by the git blob id (whose bytes it names), not by the file's own bytes
        key = disk.key("git-blob " + kind, blob.encode()).with_part("unloaded") if disk else None
        if disk is not None and key is not None:
            stored = stored_error(disk.get(key))
            if stored is not None:
                return Diagnostic(name, *stored) if stored else None
        parsed = self.parsed(blob, name, kind, data)
        found = first_error(parsed.doc, parsed.diagnostics)
        if disk is not None and key is not None:
            disk.put(key, [] if found is None else error_record(found))
        return found

    def units(self, entry: tuple[str, str] | None, name: str) -> dict[str, Unit]:
        """The units a ledger has with this units.yaml (mode, blob), or with none."""
        if entry is None or entry[0] == SYMLINK_MODE:
            return dict(BUILTIN_UNITS)
        key = (entry[1], name)
        if key not in self._units:
            ledger = Ledger(root="")
            ledger.units = dict(BUILTIN_UNITS)
            doc = self.parsed(entry[1], name, "units").doc
            if doc.data is not None:
                add_registry(ledger, doc, "units")
            self._units[key] = ledger.units
        return self._units[key]


class LazyIndex(Mapping[str, Pledge]):
    """Pledges by id, each found when asked for: what the status engine needs of a ledger.

    `first` answers one id as a full load's index would; `everything` builds that whole
    index, only for iteration, which judging one pledge never does.
    """

    def __init__(
        self, first: Callable[[str], Pledge | None], everything: Callable[[], dict[str, Pledge]]
    ) -> None:
        self._first = first
        self._everything = everything

    def __getitem__(self, key: str) -> Pledge:
        found = self._first(key) if isinstance(key, str) else None
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._everything())

    def __len__(self) -> int:
        return len(self._everything())


def first_error(doc: Document, diagnostics: list[Diagnostic]) -> Diagnostic | None:
    """What `LoadResult.unloaded` says of one file: its first error when it did not load."""
    if doc.data is not None:
        return None
    for diagnostic in sorted(diagnostics):
        if diagnostic.code != EMPTY_FILE and diagnostic.severity is Severity.ERROR:
            return diagnostic
    return None


def error_record(found: Diagnostic) -> list[Any]:
    return [
        found.line,
        found.column,
        found.code,
        found.severity.value,
        found.message,
        found.hint,
        found.path,
    ]


def stored_error(value: Any) -> tuple[Any, ...] | None:
    """A stored answer of `BlobFiles.unloaded`: () for none, the error's fields, or None
    when the value is not one."""
    if not isinstance(value, list):
        return None
    if not value:
        return ()
    if len(value) != 7:
        return None
    line, column, code, severity, message, hint, path = value
    if not (type(line) is int and type(column) is int and line >= 1 and column >= 1):
        return None
    if not (isinstance(code, str) and isinstance(message, str)):
        return None
    if severity not in {s.value for s in Severity}:
        return None
    if not all(v is None or isinstance(v, str) for v in (hint, path)):
        return None
    return (line, column, code, Severity(severity), message, hint, path)
