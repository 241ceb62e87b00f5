"""Finding and loading a ledger: files → documents → model, with diagnostics.

The loader never raises on bad user data. Each file goes through: safe read → conflict
markers → YAML events → schema; that per-file result is cached by content. The model is
then built from the documents, and the registries are read from the ledger root.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pledges.model.diagnostics import Diagnostic, Severity
from pledges.model.document import Document, Marks
from pledges.model.ledger import Ledger, build_file
from pledges.model.registries import BUILTIN_UNITS, Jurisdiction, Unit
from pledges.read.cache import Cache, Key
from pledges.read.safe import RawFile, conflict_markers_in, display_name, printable, read_raw
from pledges.read.yamlread import MAX_DEPTH, read_document

if TYPE_CHECKING:
    from pledges.read.archive import Archive

JURISDICTIONS_FILE = "jurisdictions.yaml"
UNITS_FILE = "units.yaml"
REGISTRY_FILES = (JURISDICTIONS_FILE, UNITS_FILE)

# progress(done, total): called by long work (loading, judging, linting) as it goes
Progress = Callable[[int, int], None]
YAML_SUFFIXES = (".yaml", ".yml")
EMPTY_FILE = "PL007"


class LedgerNotFoundError(Exception):
    """No ledger could be located; the message says where it looked."""


@dataclass
class LoadResult:
    ledger: Ledger
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # display names of the files the user asked about (None: the whole ledger)
    selected: set[str] | None = None
    unreadable: bool = False
    # the path on disk of each display name (they differ when a name is not UTF-8)
    paths: dict[str, Path] = field(default_factory=dict)
    # the content cache the ledger was read with, for later stages to reuse
    cache: Cache | None = None
    # every file read, in order, with a digest of what it held (see `unchanged`)
    read: dict[Path, str] = field(default_factory=dict)
    # the archived source texts by `archive` value, as the rules read them (None: read
    # from disk when needed)
    archives: Mapping[str, Archive | str] | None = None
    # for a view of the ledger index (`check.editview`): brings it up to date and returns
    # the result to use, or raises when a file changed since (None: see `unchanged`)
    renew: Callable[[], LoadResult] | None = None

    def unloaded(self) -> dict[str, Diagnostic]:
        """Files whose data could not be loaded at all (unreadable, YAML errors), each with
        its first error: whatever they hold is missing from the ledger."""
        ledger = self.ledger
        loaded = {f.doc.file for f in ledger.files}
        loaded |= {d.file for d in (*ledger.unit_docs, *ledger.jurisdiction_docs)}
        found: dict[str, Diagnostic] = {}
        for diagnostic in sorted(self.diagnostics):
            if diagnostic.file in loaded or diagnostic.code == EMPTY_FILE:
                continue  # an empty file holds nothing to miss
            if diagnostic.severity is Severity.ERROR:
                found.setdefault(diagnostic.file, diagnostic)
        return found


def find_ledger(explicit: str | None, start: Path) -> Path:
    """--ledger, else $PLEDGES_LEDGER, else the nearest `ledger/` from `start` upward."""
    if explicit:
        path = Path(explicit)
        if not path.is_dir():
            raise LedgerNotFoundError(f"ledger directory '{explicit}' does not exist")
        return path
    env = os.environ.get("PLEDGES_LEDGER")
    if env:
        path = Path(env)
        if not path.is_dir():
            raise LedgerNotFoundError(f"$PLEDGES_LEDGER names '{env}', which is not a directory")
        return path
    here = start.resolve()
    for folder in (here, *here.parents):
        if (folder / JURISDICTIONS_FILE).is_file():
            return folder
        candidate = folder / "ledger"
        if candidate.is_dir():
            return candidate
    raise LedgerNotFoundError(
        "no ledger found: pass --ledger PATH, set $PLEDGES_LEDGER, or run inside a "
        "directory that has a ledger/ folder"
    )


def ledger_files(root: Path) -> list[Path]:
    """The ledger files under a root: every *.yaml/*.yml but the registries, sorted."""
    return [root / rel for rel in ledger_rels(root)]


def ledger_rels(root: Path) -> list[str]:
    """`ledger_files` as '/'-separated paths relative to the root, in the same order."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        here = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if here == "." else here + "/"
        for name in sorted(files):
            if not name.endswith(YAML_SUFFIXES) or name.startswith("."):
                continue
            if not prefix and name in REGISTRY_FILES:
                continue
            found.append(prefix + name)
    return found


def display_names(root: Path, rels: Sequence[str]) -> list[str]:
    """`display_name(root / rel)` of many files below one root, without a `relpath` each."""
    try:
        relative = os.path.relpath(root)
    except ValueError:
        relative = ""
    if not relative or all(part == ".." for part in relative.split(os.sep)):
        # the command runs inside the root: names are relative to a folder of the ledger
        return [display_name(root / rel) for rel in rels]
    shown_as_given = relative.startswith(".." + os.sep + "..")
    out = []
    for rel in rels:
        native = rel.replace("/", os.sep)
        if shown_as_given:
            name = os.path.join(str(root), native)
        else:
            name = native if relative == "." else os.path.join(relative, native)
            if name.startswith(".." + os.sep + ".."):
                out.append(display_name(root / rel))  # a folder named like '..x' one level up
                continue
        out.append(printable(name))
    return out


def expand(paths: Iterable[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            out.extend(ledger_files(path))
        else:
            out.append(path)
    return out


def parse_file(
    path: Path, name: str, kind: str, cache: Cache | None, read: dict[Path, str] | None = None
) -> tuple[Document, list[Diagnostic], bool]:
    """Read, parse and schema-check one file: (document, diagnostics, unreadable).

    `read`, when given, records a digest of what the file held.
    """
    raw = read_raw(path, name)
    if read is not None:
        read[path] = _digest(raw)
    if isinstance(raw, Diagnostic):
        return Document(name), [raw], True
    doc, diagnostics = parse_raw(raw, kind, cache)
    return doc, diagnostics, False


def parse_raw(raw: RawFile, kind: str, cache: Cache | None) -> tuple[Document, list[Diagnostic]]:
    """Parse and schema-check a file's text, through the cache when there is one."""
    name = raw.name
    if cache:
        key = cache.key(kind, raw.data)
        hit = _cached_parse(name, cache.get(key))
        if hit is not None:
            data, found = hit
            doc = Document(name, data, load_marks=lambda: _marks(cache, key, name, raw.text))
            return doc, found
    # without a cache, positions are found again from the text only if a finding needs one
    doc, diagnostics = parse_text(name, kind, raw.text, depth=None if cache else 0)
    if cache:
        stored = [
            [d.line, d.column, d.code, str(d.severity), d.message, d.hint, d.path]
            for d in diagnostics
        ]
        cache.put(key, [doc.data, stored])
        cache.put(key.with_part("marks"), [[list(p), list(m)] for p, m in doc.marks.items()])
    return doc, diagnostics


def parse_text(
    name: str, kind: str, text: str, *, depth: int | None = None
) -> tuple[Document, list[Diagnostic]]:
    """Conflict markers, YAML and schema: a file's document and what is wrong with it
    (`depth` as for `read_document`: how deep positions are recorded at once)."""
    diagnostics = conflict_markers_in(name, text)
    if diagnostics:
        return Document(name), diagnostics
    doc, diagnostics = read_document(name, text, depth=depth)
    if doc.data is not None and not any(d.code == "PL004" for d in diagnostics):
        from pledges.read.schema import validate

        diagnostics += validate(kind, doc)
    return doc, diagnostics


# ---------------------------------------------------------------- cached results, checked

_SEVERITIES = frozenset(s.value for s in Severity)


def _cached_parse(name: str, value: Any) -> tuple[Any, list[Diagnostic]] | None:
    """A cached (data, diagnostics) pair, or None when it is not exactly that shape."""
    if not isinstance(value, list) or len(value) != 2 or not isinstance(value[1], list):
        return None
    found = []
    for item in value[1]:
        diagnostic = _cached_diagnostic(name, item)
        if diagnostic is None:
            return None
        found.append(diagnostic)
    if not _within_depth(value[0]):
        return None
    return value[0], found


def _position(value: Any) -> bool:
    return type(value) is int and value >= 1


def _cached_diagnostic(name: str, item: Any) -> Diagnostic | None:
    if not isinstance(item, list) or len(item) != 7:
        return None
    line, column, code, severity, message, hint, path = item
    if not (_position(line) and _position(column)):
        return None
    if not (isinstance(code, str) and isinstance(message, str) and severity in _SEVERITIES):
        return None
    if not all(v is None or isinstance(v, str) for v in (hint, path)):
        return None
    return Diagnostic(name, line, column, code, Severity(severity), message, hint, path)


def _within_depth(data: Any) -> bool:
    """Whether data nests no deeper than the reader ever builds it."""
    level = [data]
    for _ in range(MAX_DEPTH + 1):
        nested = []
        for node in level:
            if isinstance(node, dict):
                nested += [v for v in node.values() if isinstance(v, dict | list)]
            elif isinstance(node, list):
                nested += [v for v in node if isinstance(v, dict | list)]
        if not nested:
            return True
        level = nested
    return False


def _cached_marks(value: Any) -> Marks | None:
    if not isinstance(value, list):
        return None
    marks: Marks = {}
    for item in value:
        if not isinstance(item, list) or len(item) != 2:
            return None
        path, mark = item
        if not isinstance(path, list) or not isinstance(mark, list) or len(mark) not in (2, 4):
            return None
        if not all(type(p) is str or (type(p) is int and p >= 0) for p in path):
            return None
        if not all(_position(m) for m in mark):
            return None
        marks[tuple(path)] = tuple(mark)
    return marks


def _marks(cache: Cache, key: Key, name: str, text: str) -> Marks:
    marks = _cached_marks(cache.get(key.with_part("marks")))
    if marks is not None:
        return marks
    return read_document(name, text)[0].marks


def load(
    root: Path | None,
    paths: Sequence[Path] = (),
    *,
    cache: Cache | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Load the ledger at `root` plus any `paths` outside it; diagnostics for all.

    `progress(done, total)` is called with the number of files read, before the first.
    """
    ledger = Ledger(root=str(root) if root else "")
    result = LoadResult(ledger, cache=cache)
    files, requested = _ledger_paths(root, paths)
    if paths:
        result.selected = {display_name(p) for p in requested}
    if progress is not None:
        progress(0, len(files))
    for done, (path, (doc, diagnostics, unreadable)) in enumerate(
        zip(files, _parse_all(files, cache, result.read), strict=True), 1
    ):
        result.paths[doc.file] = path
        result.diagnostics += diagnostics
        result.unreadable |= unreadable
        if doc.data is not None:
            ledger.files.append(build_file(doc))
        if progress is not None:
            progress(done, len(files))
    if root:
        _load_registries(root, result, cache)
    else:
        ledger.units = dict(BUILTIN_UNITS)
    return result


def _ledger_paths(root: Path | None, paths: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """The ledger files `load` reads, in order, and the files asked about."""
    files: list[Path] = ledger_files(root) if root else []
    requested = expand(paths) if paths else []
    if requested:
        known = {p.resolve() for p in files}
        files += [p for p in requested if p.resolve() not in known]
    return files, requested


def _registry_paths(root: Path | None) -> list[tuple[Path, str]]:
    if root is None:
        return []
    found = [(root / JURISDICTIONS_FILE, "jurisdictions"), (root / UNITS_FILE, "units")]
    return [(path, kind) for path, kind in found if path.exists() or path.is_symlink()]


def _digest(raw: RawFile | Diagnostic) -> str:
    if isinstance(raw, Diagnostic):
        return "unreadable: " + raw.message
    return hashlib.blake2b(raw.data, digest_size=16).hexdigest()


def unchanged(result: LoadResult, root: Path | None, paths: Sequence[Path] = ()) -> bool:
    """Whether `load(root, paths)` would now read the very files and bytes `result` read.

    Every file is listed and read again (reading is cheap; parsing is what it saves).
    """
    files, _ = _ledger_paths(root, paths)
    files += [path for path, _ in _registry_paths(root)]
    if files != list(result.read):
        return False
    return all(_digest(read_raw(p, display_name(p))) == d for p, d in result.read.items())


def _parse_all(
    files: list[Path], cache: Cache | None, read: dict[Path, str]
) -> Iterator[tuple[Document, list[Diagnostic], bool]]:
    """`parse_file` of each ledger file, in order; without a cache, over worker processes
    when there are many files (the documents come back without positions, which are
    found again from the text if a finding needs one)."""
    from pledges.read.parallel import PARALLEL_MIN_FILES, each, jobs

    names = [display_name(path) for path in files]
    if cache is not None or len(files) < PARALLEL_MIN_FILES or jobs() < 2:
        for path, name in zip(files, names, strict=True):
            yield parse_file(path, name, "ledger-file", cache, read)
        return
    items = [(str(path), name) for path, name in zip(files, names, strict=True)]
    for path, (name, data, marks, diagnostics, unreadable, text, digest) in zip(
        files, each(_parse_plain, items), strict=True
    ):
        read[path] = digest
        doc = Document(name, data, marks)
        if text is not None:
            doc.load_marks = partial(_all_marks, name, text)
        yield doc, diagnostics, unreadable


def _parse_plain(item: tuple[str, str]) -> tuple[Any, ...]:
    """In a worker: one ledger file read and parsed, as plain data."""
    path, name = item
    raw = read_raw(Path(path), name)
    if isinstance(raw, Diagnostic):
        return name, None, {}, [raw], True, None, _digest(raw)
    doc, diagnostics = parse_text(name, "ledger-file", raw.text, depth=0)
    return name, doc.data, doc.marks, diagnostics, False, raw.text, _digest(raw)


def _all_marks(name: str, text: str) -> Marks:
    return read_document(name, text)[0].marks


def _load_registries(root: Path, result: LoadResult, cache: Cache | None) -> None:
    ledger = result.ledger
    ledger.units = dict(BUILTIN_UNITS)
    for path, kind in _registry_paths(root):
        name = display_name(path)
        doc, diagnostics, unreadable = parse_file(path, name, kind, cache, result.read)
        result.diagnostics += diagnostics
        result.unreadable |= unreadable
        if doc.data is None:
            continue
        add_registry(ledger, doc, kind)


def add_registry(ledger: Ledger, doc: Document, kind: str) -> None:
    """Add the entries of a parsed jurisdictions.yaml or units.yaml to the ledger."""
    entries = registry_items(doc.data, kind)
    if kind == "jurisdictions":
        ledger.jurisdictions_loaded = True
        ledger.jurisdiction_docs.append(doc)
        for entry in entries:
            jurisdiction = jurisdiction_entry(entry)
            if jurisdiction:
                ledger.jurisdictions.setdefault(jurisdiction.id, jurisdiction)
    else:
        ledger.unit_docs.append(doc)
        for entry in entries:
            unit = unit_entry(entry)
            if unit:
                for unit_name in (unit.id, *unit.aliases):
                    ledger.units.setdefault(unit_name, unit)


def registry_items(data: Any, kind: str) -> list[dict[str, Any]]:
    """The mappings listed under `kind` in a registry file's data."""
    items = data.get(kind) if isinstance(data, dict) else None
    return [e for e in items if isinstance(e, dict)] if isinstance(items, list) else []


def jurisdiction_entry(entry: dict[str, Any]) -> Jurisdiction | None:
    jid, name, name_en, level = (entry.get(k) for k in ("id", "name", "name_en", "level"))
    if not (isinstance(jid, str) and isinstance(name, str) and isinstance(name_en, str)):
        return None
    code = entry.get("code")
    return Jurisdiction(
        jid,
        name,
        name_en,
        level if isinstance(level, str) else "",
        code if isinstance(code, str) else None,
    )


def unit_entry(entry: dict[str, Any]) -> Unit | None:
    uid, name, name_en, dimension = (entry.get(k) for k in ("id", "name", "name_en", "dimension"))
    texts = (uid, name, name_en, dimension)
    if not all(isinstance(t, str) for t in texts):
        return None
    levels = _texts(entry.get("levels"))
    factor = entry.get("factor", 1.0 if levels else None)
    if isinstance(factor, bool) or not isinstance(factor, int | float) or not factor > 0:
        return None
    return Unit(
        str(uid),
        str(name),
        str(name_en),
        str(dimension),
        float(factor),
        _texts(entry.get("aliases")),
        levels,
    )


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()
