"""The ledger as an edit sees it through the index (docs/index.md).

An edit (`new`, `observe`, `assess`) verifies the file it writes in full and checks it
against the rest of the ledger without loading or linting any other file: the registries
and the file being edited are built in full, and every other pledge, source id and
archived text is looked up in the index when a rule asks for it. The findings for the
edited file are those `check.lint.file_errors` gives on the whole loaded ledger.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pledges.check.rules import RuleContext, local_checks
from pledges.check.rules.ids import IdEntry, duplicate_ids, duplicate_sources
from pledges.judge.indexed import IndexedLedger
from pledges.judge.status import Context
from pledges.model.diagnostics import Diagnostic, Severity, json_path, sort_diagnostics
from pledges.model.ledger import Ledger, LedgerFile, Pledge, Source, build_source, normalize_id
from pledges.read.index import FileState, LedgerIndex, StaleIndexError, decode
from pledges.read.loader import LoadResult

T = TypeVar("T")

# SQLite's default limit on the parameters of one statement is 999 (older builds)
_CHUNK = 500
_AFTER_ALL = 1 << 62  # the place of a file the index does not list: after every other


@dataclass
class IndexView(Ledger):
    """The registries and the files being edited (`files`), built in full; the rest of the
    ledger through `indexed`. Lookups answer as the whole ledger would: the first pledge
    of an id in ledger order, whether it is in a built file or not."""

    indexed: IndexedLedger = field(kw_only=True)
    # the normalised ids outside the built files, once asked for (`new` proposes many ids)
    _taken: set[str] | None = field(default=None, init=False, repr=False, compare=False)
    _by_name: tuple[list[FileState], dict[str, FileState]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def _states(self) -> dict[str, FileState]:
        index = self.indexed.index
        if self._by_name is None or self._by_name[0] is not index.files:
            self._by_name = (index.files, {s.name: s for s in index.files})
        return self._by_name[1]

    def _outside(self) -> tuple[str, list[str]]:
        """A SQL condition leaving out the built files' stored rows, and its parameters."""
        states = self._states()
        rels = [states[f.doc.file].rel for f in self.files if f.doc.file in states]
        if not rels:
            return "1", []
        return f"{{col}} NOT IN ({', '.join('?' * len(rels))})", rels

    def order_of(self, name: str) -> int:
        state = self._states().get(name)
        return state.ord if state is not None else _AFTER_ALL

    def _local(self) -> list[tuple[tuple[int, int], Pledge]]:
        return [((self.order_of(f.doc.file), _idx(p)), p) for f in self.files for p in f.pledges]

    def rows(self, sql: str, params: list[Any], column: str) -> list[Any]:
        where, outside = self._outside()
        query = sql.replace("{outside}", where.format(col=column))
        return self.indexed.index.conn.execute(query, [*params, *outside]).fetchall()

    # -- what Ledger answers ------------------------------------------------------------

    def pledge_index(self) -> Mapping[str, Pledge]:
        return FirstOf(self.first_pledge, self.ordered_ids)

    def source_index(self) -> Mapping[str, Source]:
        return FirstOf(self.first_source, self.ordered_source_ids)

    def taken_ids(self) -> set[str]:
        if self._taken is None:
            rows = self.rows("SELECT norm FROM pledges WHERE {outside}", [], "file")
            self._taken = {r[0] for r in rows}
        return self._taken | {normalize_id(p.id) for p in self.pledges}

    def pledges_by_norm(self, norms: Collection[str]) -> list[Pledge]:
        found = [(order, p) for order, p in self._local() if normalize_id(p.id) in norms]
        wanted = sorted(norms)
        for start in range(0, len(wanted), _CHUNK):
            part = wanted[start : start + _CHUNK]
            rows = self.rows(
                "SELECT p.file, p.idx, f.ord FROM pledges p JOIN files f ON f.path = p.file "
                f"WHERE p.norm IN ({', '.join('?' * len(part))}) AND {{outside}}",
                part,
                "p.file",
            )
            found += [((o, idx), self.indexed.pledge_at(rel, idx)) for rel, idx, o in rows]
        return [p for _, p in sorted(found, key=lambda item: item[0])]

    # -- the first pledge or source of an id ------------------------------------------------

    def first_pledge(self, pledge_id: str) -> Pledge | None:
        mine = min(
            ((o, p) for o, p in self._local() if p.id == pledge_id),
            key=lambda item: item[0],
            default=None,
        )
        row = self.rows(
            "SELECT p.file, p.idx, f.ord FROM pledges p JOIN files f ON f.path = p.file "
            "WHERE p.id = ? AND {outside} ORDER BY f.ord, p.idx LIMIT 1",
            [pledge_id],
            "p.file",
        )
        if row and (mine is None or (row[0][2], row[0][1]) < mine[0]):
            return self.indexed.pledge_at(row[0][0], row[0][1])
        return mine[1] if mine is not None else None

    def ordered_ids(self) -> list[str]:
        rows = self.rows(
            "SELECT f.ord, p.idx, p.id FROM pledges p JOIN files f ON f.path = p.file "
            "WHERE {outside}",
            [],
            "p.file",
        )
        ordered = [((o, idx), pid) for o, idx, pid in rows]
        ordered += [(order, p.id) for order, p in self._local()]
        return list(dict.fromkeys(pid for _, pid in sorted(ordered)))

    def first_source(self, source_id: str) -> Source | None:
        mine = next(
            (f.source for f in sorted(self.files, key=lambda f: self.order_of(f.doc.file))
             if f.source is not None and f.source.id == source_id),
            None,
        )  # fmt: skip
        row = self.rows(
            "SELECT s.file, s.raw, f.ord FROM sources s JOIN files f ON f.path = s.file "
            "WHERE s.id = ? AND s.id != '' AND {outside} ORDER BY f.ord LIMIT 1",
            [source_id],
            "s.file",
        )
        if row and (mine is None or row[0][2] < self.order_of(_file_of(self, mine))):
            state = self.indexed.index.by_rel.get(row[0][0])
            return build_source(decode(row[0][1]), state.name if state else row[0][0])
        return mine

    def ordered_source_ids(self) -> list[str]:
        rows = self.rows(
            "SELECT f.ord, s.id FROM sources s JOIN files f ON f.path = s.file "
            "WHERE s.id IS NOT NULL AND s.id != '' AND {outside}",
            [],
            "s.file",
        )
        ordered = [(o, sid) for o, sid in rows]
        ordered += [
            (self.order_of(f.doc.file), f.source.id) for f in self.files if f.source and f.source.id
        ]
        return list(dict.fromkeys(sid for _, sid in sorted(ordered)))


def _file_of(view: IndexView, source: Source) -> str:
    return next(f.doc.file for f in view.files if f.source is source)


class FirstOf(Mapping[str, T]):
    """The first entry of each id over the built files and the index (`first`), with
    every id in ledger order (`ids`); each id looked up once."""

    def __init__(self, first: Callable[[str], T | None], ids: Callable[[], list[str]]) -> None:
        self.first, self.ids = first, ids
        self._found: dict[str, T | None] = {}

    def _get(self, key: str) -> T | None:
        if key not in self._found:
            self._found[key] = self.first(key)
        return self._found[key]

    def __getitem__(self, key: str) -> T:
        found = self._get(key) if isinstance(key, str) else None
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._get(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids())

    def __len__(self) -> int:
        return len(self.ids())


# ---------------------------------------------------------------- building a view


def edit_view(
    index: LedgerIndex, *, pledge_id: str | None = None, path: Path | None = None
) -> LoadResult | None:
    """The ledger for an edit of the file that holds `pledge_id` (or of the file at
    `path`), or None when the index cannot answer for it (no such pledge or
    file, a file that did not load): the command then loads the ledger whole.

    The result's `renew`, called with the ledger's lock held, brings the index up to date
    and raises `StaleIndexError` if any file's content changed, or a file came or went,
    since the view was built.
    """
    indexed = IndexedLedger(index)
    if pledge_id is not None:
        where = indexed.first(pledge_id)
        state = index.by_rel.get(where[0]) if where is not None else None
    else:
        wanted = path.resolve() if path is not None else None
        state = next((s for s in index.files if s.path.resolve() == wanted), None)
    return _view(indexed, [state] if state is not None else [])


def files_naming(index: LedgerIndex, value: str) -> list[FileState]:
    """The ledger files whose data holds the string `value` somewhere (a superset of the
    files that hold it as an id or a reference), in ledger order."""
    import json

    written = json.dumps(value)  # as the stored data writes it, quotes included
    rows = index.conn.execute("SELECT path FROM filedata WHERE instr(data, ?) > 0", (written,))
    found = {r[0] for r in rows}
    return [s for s in index.files if s.rel in found]


def view_of(index: LedgerIndex, states: list[FileState]) -> LoadResult | None:
    """The ledger for an edit of several files (built in full) at once."""
    return _view(IndexedLedger(index), states)


def _view(indexed: IndexedLedger, states: list[FileState]) -> LoadResult | None:
    if not states or any(s.special is not None or s.unreadable for s in states):
        return None
    built = [indexed.pin(state) for state in states]
    files = [f for f in built if f is not None]
    if len(files) != len(states):
        return None
    index = indexed.index
    registry = indexed.empty_ledger()
    view = IndexView(
        root=registry.root,
        files=files,
        units=registry.units,
        jurisdictions=registry.jurisdictions,
        jurisdictions_loaded=registry.jurisdictions_loaded,
        unit_docs=registry.unit_docs,
        jurisdiction_docs=registry.jurisdiction_docs,
        indexed=indexed,
    )
    result = LoadResult(view, index.load_diagnostics(), None, index.unreadable())
    for state in states:
        result.paths[state.name] = state.path
    result.archives = indexed.archives()
    result.renew = _renewer(index, result)
    return result


def _renewer(index: LedgerIndex, result: LoadResult) -> Callable[[], LoadResult]:
    def contents() -> dict[str, tuple[str, str | None]]:
        return {
            s.rel: (s.sha256, s.special.message if s.special else None)
            for s in (*index.files, *index.registries)
        }

    before = contents()

    def renew() -> LoadResult:
        index.refresh()
        if contents() != before:
            raise StaleIndexError("the ledger changed while the edit was prepared")
        return result

    return renew


# ---------------------------------------------------------------- the edited file's errors


def view_file_errors(result: LoadResult, name: str, as_of: date) -> list[Diagnostic]:
    """`check.lint.file_errors` for a result whose ledger is an `IndexView`: the rules
    that look at one file run on the file; the ids and source id it declares are checked
    against the index's."""
    view = result.ledger
    assert isinstance(view, IndexView)
    target = next((f for f in view.files if f.doc.file == name), None)
    found = [d for d in result.diagnostics if d.file == name]
    if target is not None:
        local = replace(view, files=[target])
        ctx = RuleContext(
            local,
            Context(units=view.units, pledges=view.pledge_index()),
            as_of,
            archives=result.archives,
            selected={name},
            cache=result.cache,
            sources=view.source_index(),
        )
        found += [d for check in local_checks() for d in check(ctx)]
        found += _repeated_ids(view, target)
    return sort_diagnostics([d for d in found if d.file == name and d.severity is Severity.ERROR])


def _repeated_ids(view: IndexView, target: LedgerFile) -> list[Diagnostic]:
    """PL201-PL203 for the ids of one file: its pledges and source among every other
    file's that compare the same, in ledger order."""
    order = view.order_of(target.doc.file)
    names = {s.rel: s.name for s in view.indexed.index.files}
    entries: list[tuple[tuple[int, int], IdEntry]] = []
    norms = sorted({normalize_id(p.id) for p in target.pledges})
    for built in view.files:  # the file, and any other file the edit changes with it
        place = view.order_of(built.doc.file)
        for pledge in built.pledges:
            norm = normalize_id(pledge.id)
            if built is target or norm in norms:
                path = json_path((*pledge.path, "id"))
                entry = IdEntry(pledge.id, norm, pledge.file, path, _locator(pledge))
                entries.append(((place, _idx(pledge)), entry))
    for start in range(0, len(norms), _CHUNK):
        part = norms[start : start + _CHUNK]
        for rel, idx, pid, norm, line, column, o in view.rows(
            "SELECT p.file, p.idx, p.id, p.norm, p.id_line, p.id_column, f.ord FROM pledges p "
            f"JOIN files f ON f.path = p.file WHERE p.norm IN ({', '.join('?' * len(part))}) "
            "AND {outside}",
            part,
            "p.file",
        ):
            path = f"$.pledges[{idx}].id"
            entry = IdEntry(pid, norm, names[rel], path, _fixed(line, column))
            entries.append(((o, idx), entry))
    found = list(duplicate_ids(e for _, e in sorted(entries, key=lambda item: item[0])))
    source = target.source
    if source is not None and source.id:
        doc = target.doc
        own = IdEntry(source.id, source.id, doc.file, "$.source.id", _doc_locator(doc))
        sources = [((order, 0), own)]
        for built in view.files:
            other = built.source
            if built is not target and other is not None and other.id == source.id:
                locate = _doc_locator(built.doc)
                entry = IdEntry(source.id, source.id, built.doc.file, "$.source.id", locate)
                sources.append(((view.order_of(built.doc.file), 0), entry))
        for rel, line, column, o in view.rows(
            "SELECT s.file, s.id_line, s.id_column, f.ord FROM sources s "
            "JOIN files f ON f.path = s.file WHERE s.id = ? AND {outside}",
            [source.id],
            "s.file",
        ):
            entry = IdEntry(source.id, source.id, names[rel], "$.source.id", _fixed(line, column))
            sources.append(((o, 0), entry))
        found += duplicate_sources(e for _, e in sorted(sources, key=lambda item: item[0]))
    return found


def _idx(pledge: Pledge) -> int:
    """The pledge's position in its file's `pledges` list."""
    position = pledge.path[1] if len(pledge.path) > 1 else 0
    return position if isinstance(position, int) else 0


def _locator(pledge: Pledge) -> Callable[[], tuple[int, int]]:
    return lambda: pledge.position("id")


def _doc_locator(doc: Any) -> Callable[[], tuple[int, int]]:
    return lambda: doc.position(("source", "id"))


def _fixed(line: int, column: int) -> Callable[[], tuple[int, int]]:
    return lambda: (line, column)
