"""The ledger model: plain dataclasses built leniently from validated-or-not data.

Building never fails: a field of the wrong type becomes None, and the schema stage and
the rules report why. Every object keeps the path of its node so diagnostics can point
at the right line and column.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from pledges.model.document import Document, Path
from pledges.model.periods import Period, PeriodError, parse_period
from pledges.model.registries import Jurisdiction, Unit

FORMATS = (1, 2)
CURRENT_FORMAT = 2
KINDS = ("level", "flow", "rate")
OPS = (">=", ">", "<=", "<", "about", "between", "done")
EVERY = ("year", "half", "quarter", "month")


@dataclass(frozen=True)
class Evidence:
    source: str | None
    url: str | None
    title: str | None
    quote: str | None


@dataclass(frozen=True)
class Observation:
    """A reported figure (or, for a milestone, a report that it was done)."""

    period: Period | None
    value: float | None
    unit: str | None
    outcome: bool
    note: str | None
    evidence: tuple[Evidence, ...]
    path: Path
    level: str | None = None  # a value written as text: a level of an ordinal unit
    done: bool | None = None
    bound: str | None = None  # "lower": at least `value`; "upper": at most `value`
    approx: bool = False
    draft: bool = False  # `review: draft`: proposed, not yet accepted


@dataclass(frozen=True)
class Metric:
    name: str | None
    unit: str | None
    aggregate: str
    kind: str
    better: str | None


@dataclass(frozen=True)
class Target:
    op: str | None
    value: float | None
    bounds: tuple[float, float] | None
    stretch: float | None
    tolerance: float | None
    ref: str | None
    set_by: str | None
    relative: bool = False  # `value: baseline`: the pledge's own baseline figure
    every: str | None = None  # year | half | quarter | month

    @property
    def milestone(self) -> bool:
        return self.op == "done"


@dataclass(frozen=True)
class Assessment:
    status: str | None
    as_of: Period | None
    rationale: str | None
    evidence: tuple[Evidence, ...]


@dataclass
class Source:
    id: str | None
    title: str | None
    title_en: str | None
    publisher: str | None
    jurisdiction: str | None
    date: Period | None
    url: str | None
    file: str
    language: str | None = None
    archive: str | None = None  # path of the archived text, relative to the ledger root
    sha256: str | None = None
    retrieved: Period | None = None
    archive_url: str | None = None


@dataclass
class Pledge:
    id: str
    title: str | None
    quote: str | None
    made: Period | None
    start: Period | None
    deadline: Period | None
    jurisdiction: str | None
    binding: bool
    tags: tuple[str, ...]
    metric: Metric | None
    baseline: Observation | None
    target: Target | None
    progress: tuple[Observation, ...]
    assessment: Assessment | None
    related: tuple[str, ...]
    source: Source | None
    doc: Document
    path: Path
    raw: dict[str, Any] = field(repr=False)
    same_as: str | None = None
    note: str | None = None
    format: int = 1  # the ledger format version its file declares

    @property
    def metric_kind_written(self) -> bool:
        metric = self.raw.get("metric")
        return isinstance(metric, dict) and "kind" in metric

    @property
    def kind(self) -> str:
        """The metric's kind; a sum over periods is a flow whatever it says."""
        if self.metric is None:
            return "level"
        if self.metric.aggregate == "sum":
            return "flow"
        return self.metric.kind

    @property
    def draft(self) -> bool:
        """`review: draft`: proposed (by `pledges extract --write`), not yet accepted."""
        return self.raw.get("review") == "draft"

    @property
    def has_drafts(self) -> bool:
        """The pledge, or one of its observations, awaits review."""
        return self.draft or any(o.draft for o in self.progress)

    @property
    def file(self) -> str:
        return self.doc.file

    def position(self, *keys: str | int, key: bool = False) -> tuple[int, int]:
        return self.doc.position((*self.path, *keys), key=key)


@dataclass
class LedgerFile:
    doc: Document
    source: Source | None
    pledges: list[Pledge]
    format: int = 1


@dataclass
class Ledger:
    """Everything loaded from a ledger directory (or a list of files)."""

    root: str
    files: list[LedgerFile] = field(default_factory=list)
    units: dict[str, Unit] = field(default_factory=dict)
    jurisdictions: dict[str, Jurisdiction] = field(default_factory=dict)
    jurisdictions_loaded: bool = False
    unit_docs: list[Document] = field(default_factory=list)
    jurisdiction_docs: list[Document] = field(default_factory=list)

    @property
    def pledges(self) -> list[Pledge]:
        return [p for f in self.files for p in f.pledges]

    def pledge_index(self) -> Mapping[str, Pledge]:
        """First pledge of each id (duplicates are a lint error)."""
        index: dict[str, Pledge] = {}
        for pledge in self.pledges:
            index.setdefault(pledge.id, pledge)
        return index

    def taken_ids(self) -> set[str]:
        """Every pledge id as uniqueness compares them (`normalize_id`)."""
        return {normalize_id(p.id) for p in self.pledges}

    def pledges_by_norm(self, norms: Collection[str]) -> list[Pledge]:
        """The pledges whose id compares as one of `norms`, in ledger order."""
        return [p for p in self.pledges if normalize_id(p.id) in norms]

    def source_index(self) -> Mapping[str, Source]:
        index: dict[str, Source] = {}
        for ledger_file in self.files:
            if ledger_file.source and ledger_file.source.id:
                index.setdefault(ledger_file.source.id, ledger_file.source)
        return index


_INVISIBLE = frozenset({"Cf", "Cc", "Zs"})


def normalize_id(value: str) -> str:
    """How ids compare for uniqueness: NFKC, case-folded, without format characters or spaces."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch) not in _INVISIBLE)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer beyond the range of a float
        return None
    return number if math.isfinite(number) else None


def _period(value: Any, *, allow_span: bool = False) -> Period | None:
    if value is None:
        return None
    try:
        return parse_period(value, allow_span=allow_span)
    except PeriodError:
        return None


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _evidence(items: Any) -> tuple[Evidence, ...]:
    out = []
    for item in _list(items):
        data = _map(item)
        out.append(
            Evidence(
                _str(data.get("source")),
                _str(data.get("url")),
                _str(data.get("title")),
                _str(data.get("quote")),
            )
        )
    return tuple(out)


def build_observation(data: Any, path: Path) -> Observation | None:
    item = _map(data)
    if not item:
        return None
    done = item.get("done")
    bound = item.get("bound")
    return Observation(
        period=_period(item.get("period"), allow_span=True),
        value=_num(item.get("value")),
        unit=_str(item.get("unit")),
        outcome=item.get("outcome") is True,
        note=_str(item.get("note")),
        evidence=_evidence(item.get("evidence")),
        path=path,
        level=_str(item.get("value")),
        done=done if isinstance(done, bool) else None,
        bound=bound if bound in {"lower", "upper"} else None,
        approx=item.get("approx") is True,
        draft=item.get("review") == "draft",
    )


def _metric(data: Any) -> Metric | None:
    item = _map(data)
    if not item:
        return None
    aggregate = item.get("aggregate")
    kind = item.get("kind")
    better = item.get("better")
    return Metric(
        name=_str(item.get("name")),
        unit=_str(item.get("unit")),
        aggregate=aggregate if aggregate in {"latest", "sum"} else "latest",
        kind=kind if kind in KINDS else "level",
        better=better if better in {"higher", "lower"} else None,
    )


def _target(data: Any) -> Target | None:
    item = _map(data)
    if not item:
        return None
    raw_value = item.get("value")
    bounds = None
    if isinstance(raw_value, list) and len(raw_value) == 2:
        low, high = _num(raw_value[0]), _num(raw_value[1])
        if low is not None and high is not None:
            bounds = (low, high)
    op = _str(item.get("op"))
    every = item.get("every")
    return Target(
        op=op if op in OPS else None,
        value=_num(raw_value),
        bounds=bounds,
        stretch=_num(item.get("stretch")),
        tolerance=_num(item.get("tolerance")),
        ref=_str(item.get("ref")),
        set_by=_str(item.get("set_by")),
        relative=raw_value == "baseline",
        every=every if every in EVERY else None,
    )


def _assessment(data: Any) -> Assessment | None:
    item = _map(data)
    if not item:
        return None
    return Assessment(
        status=_str(item.get("status")),
        as_of=_period(item.get("as_of")),
        rationale=_str(item.get("rationale")),
        evidence=_evidence(item.get("evidence")),
    )


def build_source(data: Any, file: str) -> Source | None:
    item = _map(data)
    if not item:
        return None
    return Source(
        id=_str(item.get("id")),
        title=_str(item.get("title")),
        title_en=_str(item.get("title_en")),
        publisher=_str(item.get("publisher")),
        jurisdiction=_str(item.get("jurisdiction")),
        date=_period(item.get("date")),
        url=_str(item.get("url")),
        file=file,
        language=_str(item.get("language")),
        archive=_str(item.get("archive")),
        sha256=_str(item.get("sha256")),
        retrieved=_period(item.get("retrieved")),
        archive_url=_str(item.get("archive_url")),
    )


def build_pledge(
    data: Any, doc: Document, path: Path, source: Source | None, version: int = 1
) -> Pledge | None:
    item = _map(data)
    pledge_id = item.get("id")
    if not isinstance(pledge_id, str):
        return None
    made = _period(item.get("made")) or (source.date if source else None)
    progress = [
        build_observation(obs, (*path, "progress", i))
        for i, obs in enumerate(_list(item.get("progress")))
    ]
    return Pledge(
        id=pledge_id,
        title=_str(item.get("title")),
        quote=_str(item.get("quote")),
        made=made,
        start=_period(item.get("start")) or made,
        deadline=_period(item.get("deadline")),
        jurisdiction=_str(item.get("jurisdiction")) or (source.jurisdiction if source else None),
        binding=item.get("binding") is True,
        tags=tuple(t for t in _list(item.get("tags")) if isinstance(t, str)),
        metric=_metric(item.get("metric")),
        baseline=build_observation(item.get("baseline"), (*path, "baseline")),
        target=_target(item.get("target")),
        progress=tuple(o for o in progress if o is not None),
        assessment=_assessment(item.get("assessment")),
        related=tuple(r for r in _list(item.get("related")) if isinstance(r, str)),
        source=source,
        doc=doc,
        path=path,
        raw=item,
        same_as=_str(item.get("same_as")),
        note=_str(item.get("note")),
        format=version,
    )


def build_file(doc: Document) -> LedgerFile:
    data = _map(doc.data)
    source = build_source(data.get("source"), doc.file)
    version = file_format(data)
    pledges = []
    for index, item in enumerate(_list(data.get("pledges"))):
        pledge = build_pledge(item, doc, ("pledges", index), source, version)
        if pledge is not None:
            pledges.append(pledge)
    return LedgerFile(doc, source, pledges, version)


def file_format(data: dict[str, Any]) -> int:
    """The ledger format a file declares (`format: 2`); a file without one is v1."""
    value = data.get("format")
    return value if value in FORMATS and not isinstance(value, bool) else 1
