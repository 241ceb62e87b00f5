"""Renaming a pledge: its id and every reference to it, in every file, as one edit.

The fields that hold pledge ids are read from the ledger-file schema (every use of its
`pledgeId` definition), so a new kind of reference is renamed as soon as the schema
has it. Each changed file is verified like any other edit (the new text re-parses to
the old data with exactly the renamed values, every other byte unchanged), the ledger
with all the new texts must add no lint error, and the files are written together by
`atomic.write_all`: all of them or none.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from pledges.edit.session import (
    EXISTS,
    NOT_FOUND,
    REFUSED,
    UNVERIFIED,
    Edit,
    Loaded,
    open_all,
    refusal,
)
from pledges.model.diagnostics import Diagnostic, Severity
from pledges.model.document import Document
from pledges.read.cache import Cache
from pledges.read.index import LedgerIndex
from pledges.read.loader import LoadResult, load
from pledges.read.safe import display_name
from pledges.read.yamlread import read_document, resolve_plain

FieldPath = tuple[str | None, ...]  # None: any item of a list
DocPath = tuple[str | int, ...]
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$")
_ID_CHAR = re.compile(r"[a-z0-9._/-]")


@dataclass(frozen=True)
class Reference:
    """One place a renamed id is written: a file, the value's path and position."""

    file: str
    path: DocPath
    line: int
    column: int
    width: int = 0  # characters of the id as written on disk (with its quotes)
    grown: int = 0  # characters the new text has more than that

    @property
    def field(self) -> str:
        parts = [p for p in self.path[2:] if isinstance(p, str)]
        return ".".join(parts) or "id"


@dataclass
class Renaming:
    """A verified rename: the edits to write, every place that changes, and the lines
    where the old id still appears in free text (notes, titles), which stay as written."""

    edits: list[Edit]
    references: list[Reference]
    mentions: list[tuple[str, int]]


@cache
def id_fields() -> tuple[FieldPath, ...]:
    """Paths in a ledger file whose values are pledge ids, besides each pledge's own id."""
    from pledges.read.schema import load_schema

    return id_fields_in(load_schema("ledger-file"))


def id_fields_in(schema: dict[str, Any]) -> tuple[FieldPath, ...]:
    """Paths in documents of `schema` whose values are pledge ids (`$defs/pledgeId`)."""
    defs = schema.get("$defs", {})
    found: set[FieldPath] = set()

    def walk(node: Any, path: FieldPath, seen: frozenset[str]) -> None:
        if not isinstance(node, dict):
            return
        ref = node.get("$ref")
        local = ref.partition("#")[2] if isinstance(ref, str) else ""
        if local == "/$defs/pledgeId":
            found.add(path)
            return
        if local.startswith("/$defs/"):
            name = local.rsplit("/", 1)[-1]
            if name not in seen:
                walk(defs.get(name), path, seen | {name})
        for key, sub in (node.get("properties") or {}).items():
            walk(sub, (*path, key), seen)
        if "items" in node:
            walk(node["items"], (*path, None), seen)
        for keyword in ("anyOf", "oneOf", "allOf"):
            for sub in node.get(keyword) or []:
                walk(sub, path, seen)

    walk(schema, (), frozenset())
    found.discard(("pledges", None, "id"))
    return tuple(sorted(found, key=lambda p: tuple(str(x) for x in p)))


def _matches(data: Any, field: FieldPath, wanted: str, at: DocPath = ()) -> Iterator[DocPath]:
    """The paths in `data` along `field` whose value is `wanted`."""
    if not field:
        if data == wanted:
            yield at
        return
    head, rest = field[0], field[1:]
    if head is None:
        for index, item in enumerate(data if isinstance(data, list) else []):
            yield from _matches(item, rest, wanted, (*at, index))
    elif isinstance(data, dict) and head in data:
        yield from _matches(data[head], rest, wanted, (*at, head))


def places(data: Any, old: str) -> list[DocPath]:
    """Every path of a file's data that holds the id `old`: its pledge's id, references."""
    found = list(_matches(data, ("pledges", None, "id"), old))
    for field in id_fields():
        found += _matches(data, field, old)
    return sorted(found, key=lambda p: tuple(str(x) for x in p))


def check_new_id(new: str) -> str | None:
    """Why `new` cannot be an id, or None."""
    if not ID_PATTERN.match(new):
        return (
            f"'{new}' is not a valid id: lowercase ASCII slugs joined by '/', "
            "e.g. xiaoshan/2023/gdp-growth"
        )
    return None


def plan_rename(
    root: Path, old: str, new: str, as_of: date, cache: Cache | None = None
) -> Renaming | list[Diagnostic]:
    """Compute and verify the rename of `old` to `new` across the ledger at `root`."""
    return _plan(load(root, cache=cache), root, old, new, as_of)


def plan_rename_indexed(
    ledger: LedgerIndex, old: str, new: str, as_of: date
) -> Renaming | list[Diagnostic] | None:
    """`plan_rename` through the ledger index (`check.editview`): only the files that
    name `old` are built and checked, the rest of the ledger is looked up. None when the
    index cannot serve it (no such pledge, a file that did not load)."""
    from pledges.check.editview import files_naming, view_of

    states = files_naming(ledger, old)
    result = view_of(ledger, states) if states else None
    if result is None or old not in result.ledger.pledge_index():
        return None
    return _plan(result, ledger.root, old, new, as_of)


def _plan(
    result: LoadResult, root: Path, old: str, new: str, as_of: date
) -> Renaming | list[Diagnostic]:
    from pledges.check.rules.ids import normalize_id
    from pledges.check.rules.references import did_you_mean

    index = result.ledger.pledge_index()
    target = index.get(old)
    if target is None:
        return [
            refusal(
                display_name(root),
                NOT_FOUND,
                f"no pledge '{old}' in the ledger",
                did_you_mean(old, index),
            )
        ]
    same = result.ledger.pledges_by_norm({normalize_id(new)})
    other = same[0] if same else None
    if other is not None:
        line, column = other.position("id")
        return [
            refusal(
                other.file,
                EXISTS,
                f"pledge id '{other.id}' already exists here",
                "choose another id",
                line,
                column,
            )
        ]
    files = [
        Path(f.doc.file)
        for f in result.ledger.files
        if f.doc.file == target.file or _mentions(f.doc.data, old)
    ]
    found = _errors(result, [display_name(p) for p in files], as_of)
    opened = open_all(files, as_of, result, found)
    if opened and isinstance(opened[0], Diagnostic):
        return [d for d in opened if isinstance(d, Diagnostic)]
    loaded = [f for f in opened if isinstance(f, Loaded)]
    edits: list[Edit] = []
    references: list[Reference] = []
    problems: list[Diagnostic] = []
    for one in loaded:
        planned = _plan_file(one, old, new)
        if isinstance(planned, list):
            problems += planned
            continue
        edit, written = planned
        edits.append(edit)
        references += written
    if problems:
        return problems
    references.sort(key=lambda r: (r.file, r.line, r.column))
    introduced = _new_lint_errors(result, found, edits, as_of)
    if introduced:
        return [on_disk(d, references) for d in introduced]
    return Renaming(edits, references, _mentions_in_text(result, edits, old))


def _mentions_in_text(result: LoadResult, edits: list[Edit], old: str) -> list[tuple[str, int]]:
    from pledges.check.editview import IndexView
    from pledges.read.safe import read_raw

    texts = {edit.loaded.name: edit.text for edit in edits}
    pattern = re.compile(rf"(?<![a-z0-9._/-]){re.escape(old)}(?![a-z0-9._/-])")
    found: list[tuple[str, int]] = []
    ledger = result.ledger
    if isinstance(ledger, IndexView):  # every file that loaded, as the index lists them
        index = ledger.indexed.index
        loaded = {r[0] for r in index.conn.execute("SELECT path FROM filedata")}
        files = [(s.name, s.path) for s in index.files if s.rel in loaded]
    else:
        files = [(f.doc.file, Path(f.doc.file)) for f in ledger.files]
    for name, path in files:
        text = texts.get(name)
        if text is None:
            raw = read_raw(path, name)
            text = raw.text if not isinstance(raw, Diagnostic) else ""
        if old not in text:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if pattern.search(line):
                found.append((name, number))
    return found


def on_disk(diagnostic: Diagnostic, references: list[Reference]) -> Diagnostic:
    """A finding in a renamed text at its column in the file on disk (lines do not move;
    on a line with a renamed id, columns after it shift by the id's change in length)."""
    shift = 0
    for ref in references:  # sorted by file, line, column
        if ref.file != diagnostic.file or ref.line != diagnostic.line:
            continue
        start = ref.column + shift
        if diagnostic.column <= start:
            break
        if diagnostic.column < start + ref.width + ref.grown:
            return replace(diagnostic, column=ref.column)  # inside the renamed id
        shift += ref.grown
    return replace(diagnostic, column=diagnostic.column - shift)


def _mentions(data: Any, old: str) -> bool:
    return any(True for field in id_fields() for _ in _matches(data, field, old))


def _plan_file(
    loaded: Loaded, old: str, new: str
) -> tuple[Edit, list[Reference]] | list[Diagnostic]:
    """The file's text with `old` replaced by `new` at each place, verified."""
    paths = places(loaded.doc.data, old)
    spans: list[tuple[int, int, str, Reference]] = []
    for path in paths:
        line, column = loaded.doc.position(path)
        offset = loaded.starts[line - 1] + column - 1
        span = _scalar_span(loaded.text, offset, old)
        if span is None:
            return [
                refusal(
                    loaded.name,
                    REFUSED,
                    f"cannot rename the id written at line {line}, column {column}",
                    "write it as a plain or quoted scalar on one line",
                    line,
                    column,
                )
            ]
        start, end, quote = span
        written = _written(new, quote)
        grown = len(written) - (end - start)
        ref = Reference(loaded.name, path, line, column, end - start, grown)
        spans.append((start, end, written, ref))
    text = loaded.text
    for start, end, written, _ in sorted(spans, key=lambda s: s[0], reverse=True):
        text = text[:start] + written + text[end:]
    expected = copy.deepcopy(loaded.doc.data)
    for path in paths:
        _set(expected, path, new)
    doc, found = read_document(loaded.name, text)
    if found or doc.data != expected or not _outside_unchanged(loaded.text, text, spans):
        return [
            refusal(
                loaded.name,
                UNVERIFIED,
                f"refusing to write: the rename of '{old}' did not verify",
                "no file was changed; please report this with the file",
            )
        ]
    first = min(s[3].line for s in spans)
    return Edit(loaded, text, f"rename {old} to {new}", first), [s[3] for s in spans]


def _scalar_span(text: str, offset: int, value: str) -> tuple[int, int, str] | None:
    """(start, end, quote character or '') of the one-line scalar `value` at `offset`."""
    quote = text[offset : offset + 1]
    if quote in {"'", '"'}:
        end = offset + 1 + len(value)
        if text[offset + 1 : end] == value and text[end : end + 1] == quote:
            return offset, end + 1, quote
        return None
    end = offset + len(value)
    if text[offset:end] != value or _ID_CHAR.match(text[end : end + 1]):
        return None
    return offset, end, ""


def _written(new: str, quote: str) -> str:
    if quote:
        return f"{quote}{new}{quote}"
    return new if resolve_plain(new) == new else f'"{new}"'


def _outside_unchanged(
    before: str, after: str, spans: list[tuple[int, int, str, Reference]]
) -> bool:
    """Every character outside the replaced scalars is as it was."""
    position, shift = 0, 0
    for start, end, written, _ in sorted(spans, key=lambda s: s[0]):
        if before[position:start] != after[position + shift : start + shift]:
            return False
        shift += len(written) - (end - start)
        position = end
    return before[position:] == after[position + shift :]


def _set(data: Any, path: DocPath, value: str) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _new_lint_errors(
    old: LoadResult, found: list[Diagnostic], edits: list[Edit], as_of: date
) -> list[Diagnostic]:
    """Lint errors the ledger would have with every new text that the old one lacks."""
    from pledges.model.ledger import build_file
    from pledges.read.schema import validate

    docs: dict[str, Document] = {}
    for edit in edits:
        docs[edit.loaded.name] = read_document(edit.loaded.name, edit.text)[0]
    files = [build_file(docs[f.doc.file]) if f.doc.file in docs else f for f in old.ledger.files]
    diagnostics = [d for d in old.diagnostics if d.file not in docs]
    for doc in docs.values():
        diagnostics += validate("ledger-file", doc)
    ledger = replace(old.ledger, files=files)
    result = replace(old, ledger=ledger, diagnostics=diagnostics, selected=None)
    before = {(d.file, d.line, d.code) for d in found if d.severity is Severity.ERROR}
    return [
        d
        for d in _errors(result, list(docs), as_of)
        if d.severity is Severity.ERROR and (d.file, d.line, d.code) not in before
    ]


def _errors(result: LoadResult, names: list[str], as_of: date) -> list[Diagnostic]:
    """The ledger's lint; through the index, the errors of the files `names` (the only
    files a rename can give new errors: every other file that names the id changes too)."""
    from pledges.check.editview import IndexView
    from pledges.check.lint import file_errors, lint

    if isinstance(result.ledger, IndexView):
        return [d for name in names for d in file_errors(result, name, as_of)]
    return lint(result, as_of)
