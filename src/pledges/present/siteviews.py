"""What the site's templates show: plain view objects built from evaluated rows.

Paths are relative to the site's root, with forward slashes; templates prefix them with
the page's way back to the root, so the site works from disk and under any base URL.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from markupsafe import Markup

from pledges.history.timeline import Change
from pledges.judge.detail import figure_words
from pledges.judge.query import Row
from pledges.judge.scoreboard import scoreboard
from pledges.judge.status import IN_PROGRESS, NO_VERDICT, STATUSES, VERDICTS, format_number
from pledges.judge.tables import DEFAULT_LANGUAGE, source_extras
from pledges.model.ledger import Evidence, Ledger, Observation, Source
from pledges.model.registries import Unit
from pledges.present.charts import Bar, pledge_chart, status_bars
from pledges.present.words import (
    observation_words,
    status_label,
    target_words,
    unit_words,
    value_words,
)

_SEGMENT = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def page_path(folder: str, ident: str) -> str:
    """`pledges/xiaoshan/2023/gdp.html` for an id; a hashed name for an id unsafe as a path."""
    segments = ident.split("/")
    if ident and all(_SEGMENT.match(s) for s in segments):
        return f"{folder}/{ident}.html"
    digest = hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{folder}/_/{digest}.html"


def safe_href(url: str | None) -> str | None:
    """An http(s) URL with a host, or None: no javascript:, data: or relative tricks."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    return url.strip()


@dataclass(frozen=True)
class Link:
    text: str
    path: str | None = None  # inside the site
    href: str | None = None  # outside the site
    lang: str | None = None


@dataclass(frozen=True)
class EvidenceView:
    quote: str | None
    lang: str
    where: Link | None


@dataclass(frozen=True)
class ObservationView:
    period: str
    value: str
    outcome: bool
    note: str | None
    evidence: list[EvidenceView]


@dataclass(frozen=True)
class HistoryView:
    day: str
    commit: str
    author: str
    text: str


@dataclass
class PledgeView:
    id: str
    path: str
    title: str
    quote: str | None
    lang: str
    status: str
    status_label: str
    computed_status: str
    explanation: str
    progress: float | None
    deadline: str
    year: str
    jurisdiction: Link | None
    jurisdiction_id: str
    source: Link | None
    source_id: str
    binding: bool
    tags: list[str]
    metric: str | None
    target: str
    baseline: str | None
    latest: str
    metric_name: str
    stretch_met: bool
    from_baseline: bool = False
    observations: list[ObservationView] = field(default_factory=list)
    assessment: dict[str, object] | None = None
    related: list[Link] = field(default_factory=list)
    history: list[HistoryView] = field(default_factory=list)
    occurrences: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    chart: Markup | None = None

    @property
    def progress_width(self) -> str:
        """The bar's width in percent, 0 to 100."""
        share = max(0.0, min(1.0, self.progress or 0.0))
        return f"{share * 100:.1f}"

    @property
    def progress_percent(self) -> str:
        return "" if self.progress is None else f"{self.progress * 100:.0f}%"


# status, label, count, share, binding, expected
CountRow = tuple[str, str, int, str, int, int]


@dataclass(frozen=True)
class BoardView:
    total: int
    rate: str | None
    with_verdict: int
    verdicts: list[tuple[str, int]]
    groups: list[tuple[str, list[CountRow]]]
    no_verdict: list[tuple[str, int]]
    restatements: int
    chart: Markup


class Views:
    """Builds the view objects of one site build; knows the ledger and its registries."""

    def __init__(self, ledger: Ledger, rows: Sequence[Row], as_of: date) -> None:
        self.ledger = ledger
        self.as_of = as_of
        self.units: Mapping[str, Unit] = ledger.units
        self.sources = ledger.source_index()
        self.languages = {
            sid: extra.get("language") or DEFAULT_LANGUAGE
            for sid, extra in source_extras(ledger).items()
        }
        self.titles = {r.pledge.id: r.pledge.title or r.pledge.id for r in rows}
        self.known = {r.pledge.id for r in rows}

    def jurisdiction_link(self, jid: str | None) -> Link | None:
        if jid is None:
            return None
        known = self.ledger.jurisdictions.get(jid)
        if known is None:
            return Link(jid)
        return Link(known.name_en, page_path("jurisdictions", jid))

    def source_link(self, source: Source | None) -> Link | None:
        if source is None or source.id is None:
            return None
        return Link(source.title_en or source.id, page_path("sources", source.id))

    def evidence(self, items: Sequence[Evidence], lang: str) -> list[EvidenceView]:
        out = []
        for item in items:
            where: Link | None = None
            if item.source and item.source in self.sources:
                source = self.sources[item.source]
                where = Link(source.title_en or item.source, page_path("sources", item.source))
            elif item.url:
                href = safe_href(item.url)
                where = Link(item.title or item.url, href=href)
            elif item.source:
                where = Link(item.source)
            out.append(EvidenceView(item.quote, lang, where))
        return out

    def observation(self, obs: Observation, unit: str | None, lang: str) -> ObservationView:
        return ObservationView(
            obs.period.text if obs.period else "?",
            value_words(obs, unit, self.units),
            obs.outcome,
            obs.note,
            self.evidence(obs.evidence, lang),
        )

    def pledge(self, row: Row, *, full: bool, history: Sequence[Change] = ()) -> PledgeView:
        pledge, evaluation = row.pledge, row.evaluation
        source_id = pledge.source.id if pledge.source and pledge.source.id else ""
        lang = self.languages.get(source_id, DEFAULT_LANGUAGE)
        metric = pledge.metric
        unit = metric.unit if metric else None
        fig = evaluation.figure
        latest = "no figure yet"
        if fig is not None:
            # the figure in the words `list` and `show` use: `8%`, `above 900 亿元`
            shown = f"{figure_words(row)} for {fig.period.text}"
            latest = shown + ("" if fig.final else " (interim)")
        view = PledgeView(
            id=pledge.id,
            path=page_path("pledges", pledge.id),
            title=pledge.title or pledge.id,
            quote=pledge.quote,
            lang=lang,
            status=evaluation.status,
            status_label=status_label(evaluation.status),
            computed_status=evaluation.computed_status,
            explanation=evaluation.explanation,
            progress=evaluation.progress,
            deadline=pledge.deadline.text if pledge.deadline else "—",
            year=str(pledge.deadline.end.year) if pledge.deadline else "",
            jurisdiction=self.jurisdiction_link(pledge.jurisdiction),
            jurisdiction_id=pledge.jurisdiction or "",
            source=self.source_link(pledge.source),
            source_id=source_id,
            binding=pledge.binding,
            tags=list(pledge.tags),
            metric=_metric_text(metric.name, unit, metric.aggregate, metric.kind)
            if metric
            else None,
            target=target_words(pledge, self.units, evaluation.target_value, self.titles),
            baseline=observation_words(pledge.baseline, unit, self.units)
            if pledge.baseline
            else None,
            latest=latest,
            metric_name=metric.name or "" if metric else "",
            stretch_met=evaluation.stretch_met,
            from_baseline=bool(
                metric
                and metric.kind == "level"
                and metric.aggregate == "latest"
                and pledge.baseline is not None
            ),
        )
        return self.complete(view, row, history) if full else view

    def complete(self, view: PledgeView, row: Row, history: Sequence[Change] = ()) -> PledgeView:
        """A pledge's view with what only its own page shows: figures, evidence, chart."""
        pledge, evaluation = row.pledge, row.evaluation
        unit = pledge.metric.unit if pledge.metric else None
        lang = view.lang
        ordered = sorted(pledge.progress, key=lambda o: o.period.end if o.period else date.max)
        view.observations = [self.observation(o, unit, lang) for o in ordered]
        if pledge.assessment is not None:
            assessment = pledge.assessment
            view.assessment = {
                "status": status_label(assessment.status or "?"),
                "as_of": assessment.as_of.text if assessment.as_of else "?",
                "rationale": assessment.rationale,
                "evidence": self.evidence(assessment.evidence, lang),
            }
        view.related = [
            Link(self.titles.get(r, r), page_path("pledges", r) if r in self.known else None)
            for r in pledge.related
        ]
        view.history = [_history(c) for c in history]
        view.occurrences = [
            (
                o.period.text,
                o.status,
                status_label(o.status),
                "—"
                if o.figure is None
                else f"{format_number(o.figure.value)}{unit_words(unit, self.units)}",
                o.explanation,
            )
            for o in evaluation.occurrences
        ]
        view.chart = pledge_chart(pledge, evaluation, self.units, self.as_of)
        return view

    def board(self, rows: Sequence[Row], link: str) -> BoardView:
        """The scoreboard of some rows; `link` is the page a status bar links to, with a
        query string to which `status=` is appended."""
        board = scoreboard(rows)
        groups = []
        charted = []
        for heading, statuses in status_groups():
            present = [s for s in statuses if board.counts.get(s, 0)]
            if not present:
                continue
            groups.append(
                (
                    heading,
                    [
                        (
                            s,
                            status_label(s),
                            board.counts[s],
                            f"{board.share(s):.0%}",
                            board.binding.get(s, 0),
                            board.expected.get(s, 0),
                        )
                        for s in present
                    ],
                )
            )
            bars = [Bar(s, board.counts[s], board.share(s), f"{link}status={s}") for s in present]
            charted.append((heading, bars))
        rate = board.delivery_rate
        return BoardView(
            total=board.total,
            rate=None if rate is None else f"{rate:.0%}",
            with_verdict=board.with_verdict,
            verdicts=[(status_label(s), board.counts.get(s, 0)) for s in VERDICTS],
            groups=groups,
            no_verdict=[(status_label(s), board.counts.get(s, 0)) for s in NO_VERDICT],
            restatements=board.restatements,
            chart=status_bars(charted, f"Pledges by status ({board.total} in all)"),
        )


def status_groups() -> list[tuple[str, tuple[str, ...]]]:
    """The statuses in the groups the scoreboard keeps apart, then any others."""
    grouped = (
        ("Verdicts", VERDICTS),
        ("In progress", IN_PROGRESS),
        ("No verdict yet", NO_VERDICT),
    )
    rest = tuple(s for s in STATUSES if not any(s in g for _, g in grouped))
    return [*grouped, ("Other", rest)]


def status_options() -> list[tuple[str, str]]:
    return [(s, status_label(s)) for s in STATUSES]


def _metric_text(name: str | None, unit: str | None, aggregate: str, kind: str) -> str:
    extra = []
    if aggregate == "sum":
        extra.append("summed over the period")
    if kind == "rate":
        extra.append("a rate, judged as it stands")
    suffix = f" ({'; '.join(extra)})" if extra else ""
    return f"{name or 'unnamed'} [{unit or 'no unit'}]{suffix}"


def _history(change: Change) -> HistoryView:
    if change.kind == "added":
        text = f"added ({status_label(change.new or '')})"
    elif change.kind == "removed":
        text = "removed"
    else:
        text = f"{status_label(change.old or '')} → {status_label(change.new or '')}"
    return HistoryView(
        change.commit.day.isoformat(), change.commit.short, change.commit.author, text
    )


def format_share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def number(value: float) -> str:
    return format_number(value)
