"""The ledger model read from the index, one file or one pledge at a time.

`IndexedLedger` builds pledges from the data the index stores (no YAML is parsed; node
positions are read again from the file only if a finding needs one) and answers the
lookups judging a pledge makes into the rest of the ledger (`Context.pledges`, source
ids) with queries. A `Tracker` records those lookups, so a result derived from one file
can be dropped when something it read changes.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pledges.model.document import Document, Marks
from pledges.model.ledger import Ledger, LedgerFile, Pledge, Source, build_file, build_source
from pledges.model.registries import BUILTIN_UNITS
from pledges.read.index import FileState, LedgerIndex, StaleIndexError, decode
from pledges.read.loader import LoadResult, add_registry

if TYPE_CHECKING:
    from pledges.judge.status import Context
    from pledges.read.archive import Archive

# files built from the index kept at once (a lookup into another file builds that file)
_KEEP_FILES = 64


@dataclass
class Tracker:
    """What was read of the rest of the ledger: ids, source ids, or all of either."""

    pledges: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    archives: set[str] = field(default_factory=set)
    all_pledges: bool = False
    all_sources: bool = False

    def rows(self) -> list[tuple[str, str]]:
        """(kind, key) pairs as the index's `deps` table stores them."""
        found = [("pledge", k) for k in sorted(self.pledges)]
        found += [("source", k) for k in sorted(self.sources)]
        found += [("archive", k) for k in sorted(self.archives)]
        if self.all_pledges:
            found.append(("pledges", ""))
        if self.all_sources:
            found.append(("sources", ""))
        return found


class IndexedLedger:
    """Pledges, sources and registries of an index snapshot, built when asked for."""

    def __init__(self, index: LedgerIndex) -> None:
        self.index = index
        self.registry = self._registries()
        self._built: OrderedDict[str, LedgerFile | None] = OrderedDict()
        self._pinned: dict[str, LedgerFile | None] = {}
        self._first: dict[str, tuple[str, int] | None] = {}
        self._ids: list[str] | None = None
        self._source_ids: list[str] | None = None
        self._sources: dict[str, Source | None] = {}
        self._archives: dict[str, Archive | str] = {}

    def _registries(self) -> Ledger:
        """The registries as the loader reads them: built-in units, then the files'."""
        ledger = Ledger(root=str(self.index.root))
        ledger.units = dict(BUILTIN_UNITS)
        for state in self.index.registries:
            if state.special is not None:
                continue
            data = self.index.data(state.rel)
            if data is None:
                continue
            doc = Document(state.name, data, load_marks=self.index.marks_loader(state))
            add_registry(ledger, doc, state.kind)
        return ledger

    def empty_ledger(self) -> Ledger:
        """A ledger holding the registries and no files, for rules run file by file."""
        reg = self.registry
        return Ledger(
            root=reg.root,
            units=reg.units,
            jurisdictions=reg.jurisdictions,
            jurisdictions_loaded=reg.jurisdictions_loaded,
            unit_docs=reg.unit_docs,
            jurisdiction_docs=reg.jurisdiction_docs,
        )

    # -- files and pledges ----------------------------------------------------------------

    def ledger_file(self, state: FileState) -> LedgerFile | None:
        """One file's model (None when it did not parse), built once per run while kept."""
        if state.rel in self._pinned:
            return self._pinned[state.rel]
        if state.rel in self._built:
            self._built.move_to_end(state.rel)
            return self._built[state.rel]
        built = self._build(state)
        self._built[state.rel] = built
        while len(self._built) > _KEEP_FILES:
            self._built.popitem(last=False)
        return built

    def pin(self, state: FileState) -> LedgerFile | None:
        """Build a file and keep its objects for the rest of the run (their identity
        matters: a pledge whose `ref` names itself is recognised by identity)."""
        built = self.ledger_file(state)
        self._pinned[state.rel] = built
        return built

    def unpin(self, state: FileState) -> None:
        self._pinned.pop(state.rel, None)

    def _build(self, state: FileState) -> LedgerFile | None:
        if state.special is not None:
            return None
        data = self.index.data(state.rel)
        if data is None:
            return None
        marks: Marks = {}
        for idx, line, column, id_line, id_column in self.index.conn.execute(
            "SELECT idx, line, column, id_line, id_column FROM pledges WHERE file = ?",
            (state.rel,),
        ):
            marks[("pledges", idx)] = (line, column)
            marks[("pledges", idx, "id")] = (id_line, id_column)
        doc = Document(state.name, data, marks, self.index.marks_loader(state))
        return build_file(doc)

    def pledge_at(self, rel: str, idx: int) -> Pledge:
        state = self.index.by_rel.get(rel)
        built = self.ledger_file(state) if state is not None else None
        for pledge in built.pledges if built is not None else ():
            if pledge.path[1] == idx:
                return pledge
        raise StaleIndexError(f"pledge {idx} of {rel} left the index")

    def first(self, pledge_id: str) -> tuple[str, int] | None:
        """Where the first pledge with this id is (duplicates are a lint error)."""
        if pledge_id not in self._first:
            row = self.index.conn.execute(
                "SELECT p.file, p.idx FROM pledges p JOIN files f ON f.path = p.file "
                "WHERE p.id = ? ORDER BY f.ord, p.idx LIMIT 1",
                (pledge_id,),
            ).fetchone()
            self._first[pledge_id] = (row[0], row[1]) if row else None
        return self._first[pledge_id]

    def places(self, pledge_ids: Iterable[str]) -> list[tuple[str, int]]:
        """Where every pledge with one of these ids is (duplicates too), in ledger order."""
        wanted = sorted(set(pledge_ids))
        found: list[tuple[str, int, int]] = []
        for start in range(0, len(wanted), 500):  # within SQLite's limit on parameters
            chunk = wanted[start : start + 500]
            found += self.index.conn.execute(
                "SELECT p.file, p.idx, f.ord FROM pledges p JOIN files f ON f.path = p.file "
                f"WHERE p.id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
        return [(rel, idx) for rel, idx, _ in sorted(found, key=lambda r: (r[2], r[1]))]

    def ids(self) -> list[str]:
        """Every pledge id once, in ledger order (the order of `Ledger.pledge_index`)."""
        if self._ids is None:
            rows = self.index.conn.execute(
                "SELECT p.id FROM pledges p JOIN files f ON f.path = p.file ORDER BY f.ord, p.idx"
            )
            self._ids = list(dict.fromkeys(r[0] for r in rows))
        return self._ids

    def source_ids(self) -> list[str]:
        if self._source_ids is None:
            rows = self.index.conn.execute(
                "SELECT s.id FROM sources s JOIN files f ON f.path = s.file "
                "WHERE s.id IS NOT NULL AND s.id != '' ORDER BY f.ord"
            )
            self._source_ids = list(dict.fromkeys(r[0] for r in rows))
        return self._source_ids

    def source(self, source_id: str) -> Source | None:
        """The first declaration of a source id, the same object every time it is asked."""
        if source_id not in self._sources:
            self._sources[source_id] = self._source(source_id)
        return self._sources[source_id]

    def _source(self, source_id: str) -> Source | None:
        row = self.index.conn.execute(
            "SELECT s.file, s.raw FROM sources s JOIN files f ON f.path = s.file "
            "WHERE s.id = ? AND s.id != '' ORDER BY f.ord LIMIT 1",
            (source_id,),
        ).fetchone()
        if row is None:
            return None
        state = self.index.by_rel.get(row[0])
        return build_source(decode(row[1]), state.name if state else row[0])

    def context(self, tracker: Tracker | None = None) -> Context:
        from pledges.judge.status import Context

        return Context(units=self.registry.units, pledges=TrackedPledges(self, tracker))

    def sources(self, tracker: Tracker | None = None) -> TrackedSources:
        return TrackedSources(self, tracker)

    def archives(self, tracker: Tracker | None = None) -> TrackedArchives:
        return TrackedArchives(self, tracker)

    def archive(self, relative: str) -> Archive | str:
        """An archived text of the ledger (or why it cannot be read), read once per run."""
        if relative not in self._archives:
            from pledges.read.archive import read_archive

            self._archives[relative] = read_archive(self.index.root, relative)
        return self._archives[relative]

    def load_result(self, selected: set[str] | None = None) -> LoadResult:
        """The whole ledger as `read.loader.load` gives it, from the stored data."""
        ledger = self.empty_ledger()
        result = LoadResult(
            ledger,
            self.index.load_diagnostics(),
            selected,
            self.index.unreadable(),
        )
        for state in self.index.files:
            result.paths[state.name] = state.path
            built = self._build(state)
            if built is not None:
                ledger.files.append(built)
        return result

    def load_summary(self) -> LoadResult:
        """What a command reports about loading (which files loaded, the diagnostics of
        reading them) without building the model."""
        ledger = self.empty_ledger()
        loaded = {r[0] for r in self.index.conn.execute("SELECT path FROM filedata")}
        ledger.files = [
            LedgerFile(Document(s.name), None, []) for s in self.index.files if s.rel in loaded
        ]
        return LoadResult(ledger, self.index.load_diagnostics(), None, self.index.unreadable())

    def pledges(self) -> Iterator[Pledge]:
        """Every pledge in ledger order, one file built at a time."""
        for state in self.index.files:
            built = self.pin(state)
            yield from built.pledges if built is not None else ()
            self.unpin(state)


class TrackedPledges(Mapping[str, Pledge]):
    """`Context.pledges` over the index: the first pledge of each id, lookups recorded."""

    def __init__(self, ledger: IndexedLedger, tracker: Tracker | None) -> None:
        self.ledger = ledger
        self.tracker = tracker

    def __getitem__(self, key: str) -> Pledge:
        if self.tracker is not None:
            self.tracker.pledges.add(key)
        where = self.ledger.first(key) if isinstance(key, str) else None
        if where is None:
            raise KeyError(key)
        return self.ledger.pledge_at(*where)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        if self.tracker is not None:
            self.tracker.pledges.add(key)
        return self.ledger.first(key) is not None

    def __iter__(self) -> Iterator[str]:
        if self.tracker is not None:
            self.tracker.all_pledges = True
        return iter(self.ledger.ids())

    def __len__(self) -> int:
        if self.tracker is not None:
            self.tracker.all_pledges = True
        return len(self.ledger.ids())


class TrackedSources(Mapping[str, Source]):
    """The ledger's source ids over the index (first declaration of each), recorded."""

    def __init__(self, ledger: IndexedLedger, tracker: Tracker | None) -> None:
        self.ledger = ledger
        self.tracker = tracker

    def __getitem__(self, key: str) -> Source:
        if self.tracker is not None:
            self.tracker.sources.add(key)
        found = self.ledger.source(key) if isinstance(key, str) else None
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        if self.tracker is not None:
            self.tracker.sources.add(key)
        row = self.ledger.index.conn.execute(
            "SELECT 1 FROM sources WHERE id = ? AND id != '' LIMIT 1", (key,)
        ).fetchone()
        return row is not None

    def __iter__(self) -> Iterator[str]:
        if self.tracker is not None:
            self.tracker.all_sources = True
        return iter(self.ledger.source_ids())

    def __len__(self) -> int:
        if self.tracker is not None:
            self.tracker.all_sources = True
        return len(self.ledger.source_ids())


class TrackedArchives(Mapping[str, "Archive | str"]):
    """Archived texts by their path, read when first asked for, each read recorded."""

    def __init__(self, ledger: IndexedLedger, tracker: Tracker | None) -> None:
        self.ledger = ledger
        self.tracker = tracker

    def __getitem__(self, key: str) -> Archive | str:
        if not isinstance(key, str):
            raise KeyError(key)
        if self.tracker is not None:
            self.tracker.archives.add(key)
        return self.ledger.archive(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0
