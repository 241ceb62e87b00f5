"""What `diff` needs of a ledger file's pledges, kept by git blob id across runs.

A `Brief` is one pledge reduced to what tells whether it changed and how it is listed
when it is added or removed: its id, title, line, a digest of its quote and its source
id (what a renamed id is matched on), the pledge its target refers to, and a digest of
exactly what the pledge is built from (its entry and its file's source). Two pledges
with the same digest are built from the same data, so they judge and compare the same;
a pledge whose data cannot be written down has no digest and counts as different from
everything. Digests are SHA-256 cut to 128 bits.

The briefs of a blob depend on its bytes alone, which its blob id names, so they are
stored in the parse cache under that id (`Cache`, part "briefs"): a file seen by an
earlier `diff` is neither parsed nor built again to learn its pledges. A diff that reads
many files also stores the briefs of all the files of a side in one entry, named by
their blob ids in order, which a later diff of that side reads at once instead of one
entry per file. Like every cache entry, a stored value is checked in full on read, and
anything that is not exactly what was stored is a miss.
"""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from pledges.history.blobs import error_record, stored_error
from pledges.model.diagnostics import Diagnostic
from pledges.model.ledger import Pledge
from pledges.read.cache import Cache, Key

# the kind of file, in the cache's key: briefs are of ledger files named by git blob id
KIND = "git-blob ledger-file"
PART = "briefs-1"  # the shape of the value below
DIGEST = 32  # hex digits of a digest
# and the briefs of every ledger file of one side of a diff, named by their blob ids
SIDE_KIND = "git-blobs ledger-files"


class Brief(NamedTuple):
    """One pledge as `diff` lists it, and a digest of the data it is built from."""

    id: str
    title: str | None
    line: int
    quote: str | None  # a digest of its quote; None when it has none
    source: str | None  # the id of its file's source
    ref: str | None  # the id its target refers to
    digest: str | None  # None: its data cannot be written down; differs from everything
    file: str = ""  # the name outputs give its file; not stored

    def named(self, file: str) -> Brief:
        return Brief(*self[:7], file)


def digest(pledge: Pledge) -> str | None:
    """A digest of what a pledge is built from (its entry and its file's source), exactly:
    equal digests mean equal data of the same types. None when it cannot be written down.

    marshal's version 0 writes no references and no interning marks, so the same data
    gives the same bytes however its strings were made.
    """
    data = pledge.doc.data
    source = data.get("source") if isinstance(data, dict) else None
    try:
        written = marshal.dumps((pledge.raw, source), 0)
    except ValueError:
        return None
    return _digest(written)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:DIGEST]


def brief(pledge: Pledge) -> Brief:
    """The brief of a built pledge (its line read from its document's positions)."""
    target = pledge.target
    return Brief(
        pledge.id,
        pledge.title,
        pledge.position()[0],
        _digest(pledge.quote.encode("utf-8", "surrogatepass")) if pledge.quote else None,
        pledge.source.id if pledge.source else None,
        target.ref if target is not None else None,
        digest(pledge),
        pledge.file,
    )


class Briefed(Mapping[str, Brief]):
    """Briefs of a mapping of pledges, each made when asked for."""

    def __init__(self, pledges: Mapping[str, Pledge]) -> None:
        self._pledges = pledges

    def __getitem__(self, key: str) -> Brief:
        return brief(self._pledges[key])

    def __contains__(self, key: object) -> bool:
        return key in self._pledges

    def __iter__(self) -> Iterator[str]:
        return iter(self._pledges)

    def __len__(self) -> int:
        return len(self._pledges)


def renamed_ids(added: Sequence[Brief]) -> dict[tuple[str, str | None], str]:
    """The first added pledge by (quote digest, source id): a removed pledge with a quote whose
    pair is here most likely was renamed to it. One dictionary, O(1) per lookup."""
    first: dict[tuple[str, str | None], str] = {}
    for item in added:
        if item.quote:
            first.setdefault((item.quote, item.source), item.id)
    return first


def cache_key(disk: Cache, blob: str) -> Key:
    """The key of a blob's briefs: the blob id names the bytes they were made from."""
    return disk.key(KIND, blob.encode("ascii", "replace")).with_part(PART)


@dataclass(frozen=True)
class BlobBriefs:
    """A ledger file's blob in brief: whether it loads, and its pledges."""

    error: Diagnostic | None  # its first error when it does not load (`first_error`)
    briefs: list[Brief]

    def unloaded(self, file: str) -> Diagnostic | None:
        """Its first error, in the file of this name, when it does not load."""
        return None if self.error is None else replace(self.error, file=file)


def stored(disk: Cache, blob: str) -> BlobBriefs | None:
    """What is stored for this blob id, or None: missing or malformed is a miss."""
    return _blob_briefs(disk.get(cache_key(disk, blob)))


def store(disk: Cache, blob: str, found: BlobBriefs) -> None:
    disk.put(cache_key(disk, blob), _blob_json(found))


def side_key(disk: Cache, blobs: Sequence[str]) -> Key:
    """The key of a side's briefs, in one entry: the blob ids of its files, in order."""
    return disk.key(SIDE_KIND, "\n".join(blobs).encode("ascii", "replace")).with_part(PART)


def stored_side(disk: Cache, blobs: Sequence[str]) -> list[BlobBriefs] | None:
    """The briefs of these blobs stored in one entry, in order, or None (a miss)."""
    value = disk.get(side_key(disk, blobs))
    if type(value) is not list or len(value) != len(blobs):
        return None
    found = []
    for item in value:
        one = _blob_briefs(item)
        if one is None:
            return None
        found.append(one)
    return found


def store_side(disk: Cache, blobs: Sequence[str], found: Sequence[BlobBriefs]) -> None:
    disk.put(side_key(disk, blobs), [_blob_json(item) for item in found])


def _blob_json(found: BlobBriefs) -> list[Any]:
    error = [] if found.error is None else error_record(found.error)
    return [error, to_json(found.briefs)]


def _blob_briefs(value: Any) -> BlobBriefs | None:
    if type(value) is not list or len(value) != 2:
        return None
    error = stored_error(value[0])
    briefs = from_json(value[1])
    if error is None or briefs is None or (error and briefs):
        return None  # a file that does not load has no pledges
    return BlobBriefs(Diagnostic("", *error) if error else None, briefs)


def to_json(briefs: list[Brief]) -> list[list[Any]]:
    return [[b.id, b.title, b.line, b.quote, b.source, b.ref, b.digest] for b in briefs]


_TEXT = frozenset({str, type(None)})


def from_json(value: Any) -> list[Brief] | None:
    """Briefs from a stored value, or None unless it is exactly a list of them."""
    if type(value) is not list:
        return None
    found = []
    for item in value:
        if type(item) is not list or len(item) != 7:
            return None
        ident, title, line, quote, source, ref, sha = item
        if type(ident) is not str or type(line) is not int or line < 1:
            return None
        if not {type(title), type(quote), type(source), type(ref), type(sha)} <= _TEXT:
            return None
        if (quote is not None and len(quote) != DIGEST) or (sha is not None and len(sha) != DIGEST):
            return None
        found.append(Brief(ident, title, line, quote, source, ref, sha))
    return found
