"""The columns of the ledger's tables: names, types, keys (docs/exports.md).

A table's columns never change name or type; new ones are added at the end.
"""

from __future__ import annotations

from dataclasses import dataclass

TYPES = ("string", "integer", "number", "boolean", "date")


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


def table_spec(name: str) -> Table:
    for table in TABLES:
        if table.name == name:
            return table
    raise KeyError(name)
