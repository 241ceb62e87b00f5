"""The ledger as related tables: the one shape behind `pledges export` and `pledges sql`.

Each table has a fixed list of typed columns (documented in docs/exports.md), a primary
key and foreign keys. Statuses come from the evaluated rows of `judge.query`, never from
a second reading of the rules. Rows are tuples in column order, sorted by primary key,
with `None` for a missing value and `datetime.date` for dates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pledges.judge.query import Row
from pledges.judge.status import VERDICTS, describe_target
from pledges.model.ledger import Evidence, Ledger, Observation, Pledge

TYPES = ("string", "integer", "number", "boolean", "date")
DEFAULT_LANGUAGE = "zh-Hans"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    required: bool = False


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    table: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, kind: str, description: str, *, required: bool = False) -> Column:
    assert kind in TYPES, kind
    return Column(name, kind, description, required)


JURISDICTIONS = Table(
    "jurisdictions",
    "The jurisdiction registry (jurisdictions.yaml).",
    (
        _c("id", "string", "Path id, e.g. cn/zhejiang/hangzhou.", required=True),
        _c("name", "string", "Name as written (Chinese)."),
        _c("name_en", "string", "English name."),
        _c("level", "string", "country, province, prefecture, district, county or township."),
        _c("code", "string", "GB/T 2260 code."),
        _c("parent", "string", "The parent jurisdiction's id."),
    ),
    ("id",),
    (ForeignKey(("parent",), "jurisdictions", ("id",)),),
)

SOURCES = Table(
    "sources",
    "Source documents, one per ledger file.",
    (
        _c("id", "string", "Source id.", required=True),
        _c("title", "string", "Title in the original language."),
        _c("title_en", "string", "English title."),
        _c("publisher", "string", "Publisher as written."),
        _c("jurisdiction", "string", "Jurisdiction id."),
        _c("date", "string", "Publication date as written (a period)."),
        _c("date_start", "date", "First day of the publication period."),
        _c("url", "string", "Where the document was published."),
        _c("language", "string", "BCP 47 tag of the quotes (default zh-Hans)."),
        _c("archive", "string", "Path of the archived text, relative to the ledger."),
        _c("sha256", "string", "SHA-256 of the archived text."),
        _c("file", "string", "Ledger file, relative to the ledger directory."),
    ),
    ("id",),
    (ForeignKey(("jurisdiction",), "jurisdictions", ("id",)),),
    (("jurisdiction",),),
)

PLEDGES = Table(
    "pledges",
    "One row per pledge, with its status as of the export's as_of date.",
    (
        _c("id", "string", "Pledge id.", required=True),
        _c("title", "string", "One-line English summary."),
        _c("quote", "string", "The commitment verbatim, in the source's language."),
        _c("language", "string", "BCP 47 tag of the quote."),
        _c("jurisdiction", "string", "Jurisdiction id."),
        _c("source", "string", "Source id."),
        _c("file", "string", "Ledger file, relative to the ledger directory."),
        _c("line", "integer", "Line of the pledge in its file."),
        _c("made", "string", "When it was made, as written (a period)."),
        _c("start", "string", "First period the target covers, as written."),
        _c("start_date", "date", "First day of start."),
        _c("deadline", "string", "Deadline as written (a period)."),
        _c("deadline_date", "date", "Last day of the deadline period."),
        _c("binding", "boolean", "True for binding (约束性) indicators.", required=True),
        _c("tags", "string", "Tags, comma-separated, in ledger order."),
        _c("related", "string", "Related pledge ids, comma-separated."),
        _c("metric_name", "string", "English name of the measured quantity."),
        _c("metric_unit", "string", "Unit id of the metric."),
        _c("metric_aggregate", "string", "latest or sum."),
        _c("metric_kind", "string", "level, rate or flow (a sum over periods is a flow)."),
        _c("metric_better", "string", "higher, lower or empty."),
        _c("target_op", "string", ">=, >, <=, <, about or between."),
        _c("target_value", "number", "Target value (lower bound for between)."),
        _c("target_high", "number", "Upper bound for between."),
        _c("target_stretch", "number", "Stretch level (力争)."),
        _c("target_tolerance", "number", "Tolerance of about."),
        _c("target_ref", "string", "Pledge id the target refers to."),
        _c("target_set_by", "string", "Set by whom, when the target is not published."),
        _c("target_text", "string", "The target in short words, e.g. ≥5% (stretch 5.5)."),
        _c("goal", "number", "The target value the status used (resolved ref)."),
        _c("latest_value", "number", "The figure the status used, in the metric's unit."),
        _c("latest_period", "string", "Period of that figure."),
        _c("latest_final", "boolean", "Whether that figure is final."),
        _c("progress", "number", "Progress toward the target (1 = reached)."),
        _c("status", "string", "Status as of as_of (an assessment may set it).", required=True),
        _c("computed_status", "string", "Status from the figures alone.", required=True),
        _c("stretch_met", "boolean", "The stretch level was met.", required=True),
        _c("explanation", "string", "Why the pledge has its status."),
        _c(
            "verdict",
            "boolean",
            "The status is a verdict: achieved, partly or missed.",
            required=True,
        ),
        _c(
            "latest_low",
            "number",
            "Lowest value the figure allows (bounds, approximations); empty: unbounded.",
        ),
        _c("latest_high", "number", "Highest value the figure allows; empty: unbounded."),
        _c("target_relative", "boolean", "The target is relative to the pledge's baseline."),
        _c("target_every", "string", "year, half, quarter or month for a recurring target."),
        _c("same_as", "string", "The pledge this entry restates, counted once."),
        _c("note", "string", "Editor's note."),
    ),
    ("id",),
    (
        ForeignKey(("jurisdiction",), "jurisdictions", ("id",)),
        ForeignKey(("source",), "sources", ("id",)),
        ForeignKey(("same_as",), "pledges", ("id",)),
    ),
    (("status",), ("jurisdiction",), ("source",), ("deadline_date",)),
)

OBSERVATIONS = Table(
    "observations",
    "Baselines and reported figures (progress), as written.",
    (
        _c("pledge_id", "string", "Pledge id.", required=True),
        _c("kind", "string", "baseline or progress.", required=True),
        _c(
            "seq",
            "integer",
            "Position in the pledge's progress list (0 for a baseline).",
            required=True,
        ),
        _c("period", "string", "Period as written (a period or span)."),
        _c("period_start", "date", "First day of the period."),
        _c("period_end", "date", "Last day of the period."),
        _c("value", "number", "Value as written."),
        _c("unit", "string", "Unit id when it differs from the metric's."),
        _c("outcome", "boolean", "Reported as the final outcome.", required=True),
        _c("note", "string", "Editor's note."),
        _c("level", "string", "The value as written, for an ordinal unit's level."),
        _c("done", "boolean", "A milestone reported done (true) or not done (false)."),
        _c("bound", "string", "lower: at least value; upper: at most value."),
        _c("approx", "boolean", "The value is approximate (约, 左右).", required=True),
    ),
    ("pledge_id", "kind", "seq"),
    (ForeignKey(("pledge_id",), "pledges", ("id",)),),
    (("pledge_id",),),
)

ASSESSMENTS = Table(
    "assessments",
    "Editorial verdicts, at most one per pledge.",
    (
        _c("pledge_id", "string", "Pledge id.", required=True),
        _c("status", "string", "The assessed status."),
        _c("as_of", "string", "From when the verdict applies, as written (a period)."),
        _c("as_of_date", "date", "Last day of as_of."),
        _c("rationale", "string", "Why."),
    ),
    ("pledge_id",),
    (ForeignKey(("pledge_id",), "pledges", ("id",)),),
)

EVIDENCE = Table(
    "evidence",
    "Evidence of observations and assessments.",
    (
        _c("pledge_id", "string", "Pledge id.", required=True),
        _c("item", "string", "baseline, progress or assessment.", required=True),
        _c(
            "seq",
            "integer",
            "Position of the observation (0 for a baseline or assessment).",
            required=True,
        ),
        _c("n", "integer", "Position of the evidence in its list.", required=True),
        _c("source", "string", "Source id."),
        _c("url", "string", "URL of a web source."),
        _c("title", "string", "Title of a web source."),
        _c("quote", "string", "The quoted text."),
    ),
    ("pledge_id", "item", "seq", "n"),
    (
        ForeignKey(("pledge_id",), "pledges", ("id",)),
        ForeignKey(("source",), "sources", ("id",)),
    ),
    (("pledge_id",), ("source",)),
)

OCCURRENCES = Table(
    "occurrences",
    "Each period of a recurring target (`every`), judged on its own figure.",
    (
        _c("pledge_id", "string", "Pledge id.", required=True),
        _c("period", "string", "The period, e.g. 2023.", required=True),
        _c("period_start", "date", "First day of the period."),
        _c("period_end", "date", "Last day of the period."),
        _c("status", "string", "Status of this period.", required=True),
        _c("value", "number", "The figure of this period, in the metric's unit."),
        _c("final", "boolean", "Whether that figure is final."),
        _c("explanation", "string", "Why the period has its status."),
    ),
    ("pledge_id", "period"),
    (ForeignKey(("pledge_id",), "pledges", ("id",)),),
    (("pledge_id",),),
)

TABLES: tuple[Table, ...] = (
    JURISDICTIONS,
    SOURCES,
    PLEDGES,
    OBSERVATIONS,
    ASSESSMENTS,
    EVIDENCE,
    OCCURRENCES,
)
TABLE_NAMES = tuple(t.name for t in TABLES)

Rows = dict[str, list[tuple[Any, ...]]]


@dataclass(frozen=True)
class Dataset:
    """The tables of a ledger as of a date, with where they came from."""

    as_of: date
    commit: str | None
    dirty: bool
    rows: Rows

    def records(self, table: str) -> list[dict[str, Any]]:
        spec = table_spec(table)
        return [dict(zip(spec.names, row, strict=True)) for row in self.rows[table]]


def table_spec(name: str) -> Table:
    for table in TABLES:
        if table.name == name:
            return table
    raise KeyError(name)


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | str):
        return str(value)
    return None


def source_extras(ledger: Ledger) -> dict[str, dict[str, str | None]]:
    """Fields of each source block beyond the model: language, archive, sha256."""
    extras: dict[str, dict[str, str | None]] = {}
    for ledger_file in ledger.files:
        source = ledger_file.source
        if source is None or source.id is None or source.id in extras:
            continue
        data = ledger_file.doc.data if isinstance(ledger_file.doc.data, dict) else {}
        block = data.get("source") if isinstance(data.get("source"), dict) else {}
        assert isinstance(block, dict)
        language = block.get("language")
        archive, sha = block.get("archive"), block.get("sha256")
        extras[source.id] = {
            "language": language if isinstance(language, str) else DEFAULT_LANGUAGE,
            "archive": archive if isinstance(archive, str) else None,
            "sha256": sha if isinstance(sha, str) else None,
        }
    return extras


def relative_file(ledger: Ledger, file: str) -> str:
    """A ledger file's path relative to the ledger directory, with forward slashes."""
    import os

    root = ledger.root
    if not root:
        return file.replace(os.sep, "/")
    try:
        relative = os.path.relpath(os.path.abspath(file), os.path.abspath(root))
    except ValueError:
        return file.replace(os.sep, "/")
    return relative.replace(os.sep, "/")


def unique_rows(rows: Sequence[Row]) -> list[Row]:
    """The first row of each pledge id, sorted by id (duplicate ids are a lint error)."""
    seen: dict[str, Row] = {}
    for row in rows:
        seen.setdefault(row.pledge.id, row)
    return [seen[key] for key in sorted(seen)]


def build(
    ledger: Ledger,
    rows: Sequence[Row],
    as_of: date,
    commit: str | None = None,
    *,
    dirty: bool = False,
) -> Dataset:
    """The tables of the ledger for the evaluated `rows` (see `judge.query.evaluate_all`)."""
    extras = source_extras(ledger)
    sources = ledger.source_index()
    tables: Rows = {name: [] for name in TABLE_NAMES}
    for jid in sorted(ledger.jurisdictions):
        item = ledger.jurisdictions[jid]
        parent = item.parent if item.parent in ledger.jurisdictions else None
        tables["jurisdictions"].append(
            (item.id, item.name, item.name_en, item.level or None, item.code, parent)
        )
    for sid in sorted(sources):
        source = sources[sid]
        extra = extras.get(sid, {})
        tables["sources"].append(
            (
                sid,
                source.title,
                source.title_en,
                source.publisher,
                source.jurisdiction,
                source.date.text if source.date else None,
                source.date.start if source.date else None,
                source.url,
                extra.get("language", DEFAULT_LANGUAGE),
                extra.get("archive"),
                extra.get("sha256"),
                relative_file(ledger, source.file),
            )
        )
    for row in unique_rows(rows):
        pledge = row.pledge
        tables["pledges"].append(_pledge_row(ledger, row, extras))
        if pledge.baseline is not None:
            tables["observations"].append(_observation_row(pledge, "baseline", 0, pledge.baseline))
            tables["evidence"] += _evidence_rows(pledge, "baseline", 0, pledge.baseline.evidence)
        for seq, obs in enumerate(pledge.progress):
            tables["observations"].append(_observation_row(pledge, "progress", seq, obs))
            tables["evidence"] += _evidence_rows(pledge, "progress", seq, obs.evidence)
        for occurrence in row.evaluation.occurrences:
            fig = occurrence.figure
            tables["occurrences"].append(
                (
                    pledge.id,
                    occurrence.period.text,
                    occurrence.period.start,
                    occurrence.period.end,
                    occurrence.status,
                    fig.value if fig else None,
                    fig.final if fig else None,
                    occurrence.explanation,
                )
            )
        assessment = pledge.assessment
        if assessment is not None:
            tables["assessments"].append(
                (
                    pledge.id,
                    assessment.status,
                    assessment.as_of.text if assessment.as_of else None,
                    assessment.as_of.end if assessment.as_of else None,
                    assessment.rationale,
                )
            )
            tables["evidence"] += _evidence_rows(pledge, "assessment", 0, assessment.evidence)
    tables["observations"].sort(key=lambda r: (r[0], r[1], r[2]))
    tables["evidence"].sort(key=lambda r: (r[0], r[1], r[2], r[3]))
    tables["occurrences"].sort(key=lambda r: (r[0], r[2] or date.min, r[1]))
    return Dataset(as_of, commit, dirty, tables)


def _pledge_row(
    ledger: Ledger, row: Row, extras: dict[str, dict[str, str | None]]
) -> tuple[Any, ...]:
    pledge, evaluation = row.pledge, row.evaluation
    metric, target, fig = pledge.metric, pledge.target, evaluation.figure
    source_id = pledge.source.id if pledge.source else None
    language = extras.get(source_id or "", {}).get("language", DEFAULT_LANGUAGE)
    low = target.bounds[0] if target and target.bounds else (target.value if target else None)
    high = target.bounds[1] if target and target.bounds else None
    raw = pledge.raw
    return (
        pledge.id,
        pledge.title,
        pledge.quote,
        language,
        pledge.jurisdiction,
        source_id,
        relative_file(ledger, pledge.file),
        pledge.position()[0],
        _text(raw.get("made")) or (pledge.made.text if pledge.made else None),
        _text(raw.get("start")) or (pledge.start.text if pledge.start else None),
        pledge.start.start if pledge.start else None,
        pledge.deadline.text if pledge.deadline else None,
        pledge.deadline.end if pledge.deadline else None,
        pledge.binding,
        ",".join(pledge.tags) or None,
        ",".join(pledge.related) or None,
        metric.name if metric else None,
        metric.unit if metric else None,
        metric.aggregate if metric else None,
        pledge.kind if metric else None,
        metric.better if metric else None,
        target.op if target else None,
        low,
        high,
        target.stretch if target else None,
        target.tolerance if target else None,
        target.ref if target else None,
        target.set_by if target else None,
        describe_target(pledge, evaluation.target_value),
        evaluation.target_value,
        fig.value if fig else None,
        fig.period.text if fig else None,
        fig.final if fig else None,
        evaluation.progress,
        evaluation.status,
        evaluation.computed_status,
        evaluation.stretch_met,
        evaluation.explanation,
        evaluation.status in VERDICTS,
        _finite(fig.low) if fig else None,
        _finite(fig.high) if fig else None,
        target.relative if target else None,
        target.every if target else None,
        pledge.same_as,
        pledge.note,
    )


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _observation_row(pledge: Pledge, kind: str, seq: int, obs: Observation) -> tuple[Any, ...]:
    period = obs.period
    return (
        pledge.id,
        kind,
        seq,
        period.text if period else None,
        period.start if period else None,
        period.end if period else None,
        obs.value,
        obs.unit,
        obs.outcome,
        obs.note,
        obs.level,
        obs.done,
        obs.bound,
        obs.approx,
    )


def _evidence_rows(
    pledge: Pledge, item: str, seq: int, evidence: Sequence[Evidence]
) -> list[tuple[Any, ...]]:
    return [
        (pledge.id, item, seq, n, e.source, e.url, e.title, e.quote) for n, e in enumerate(evidence)
    ]
