"""Quote rules: every quote is in the archived text of its source.

Checked: a pledge's `quote` against the archive of its file's source, and the `quote` of
every evidence item that names a `source:` (observations, baselines, assessments)
against that source's archive. Evidence cited only by `url` points outside the ledger and
is not checked. The matching rule is in `pledges.model.sourcetext`: NFC on both sides, a
run of white space in the quote matches any run of white space or none; nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

from pledges.check.rules import Rule, RuleContext
from pledges.model.diagnostics import Diagnostic, Severity, json_path
from pledges.model.document import Path as NodePath
from pledges.model.ledger import Evidence, LedgerFile, Pledge, Source
from pledges.read.archive import Archive, read_archives

QUOTE_NOT_FOUND = Rule(
    "PL260", Severity.ERROR, "a quote that is not in the archived text of its source"
)
NO_ARCHIVE = Rule(
    "PL261", Severity.WARNING, "a source without an archived text: its quotes are not verified"
)
ARCHIVE_CHANGED = Rule(
    "PL262", Severity.ERROR, "an archived text whose SHA-256 is not the one the source records"
)
BAD_ARCHIVE = Rule(
    "PL263",
    Severity.ERROR,
    "an archive that is missing, unreadable or outside the ledger, or lacks its sha256",
)
RULES = (QUOTE_NOT_FOUND, NO_ARCHIVE, ARCHIVE_CHANGED, BAD_ARCHIVE)

# keys of RuleContext.counts this module fills
QUOTES_CHECKED = "quotes_checked"
QUOTES_FOUND = "quotes_verified"
QUOTES_UNARCHIVED = "quotes_unverifiable"
ARCHIVED_SOURCES = "archived_sources"


class QuoteSite(NamedTuple):
    """One quote in a ledger file and the source it must be found in."""

    pledge: Pledge
    keys: NodePath  # below the pledge: ("quote",) or (..., "evidence", i, "quote")
    quote: str
    source: Source | None


def evidence_lists(pledge: Pledge) -> Iterator[tuple[NodePath, tuple[Evidence, ...]]]:
    if pledge.baseline:
        yield ("baseline", "evidence"), pledge.baseline.evidence
    for index, obs in enumerate(pledge.progress):
        yield ("progress", index, "evidence"), obs.evidence
    if pledge.assessment:
        yield ("assessment", "evidence"), pledge.assessment.evidence


def quote_sites(pledge: Pledge, sources: Mapping[str, Source]) -> Iterator[QuoteSite]:
    """The pledge's quote, then its evidence quotes that cite a ledger source."""
    if pledge.quote is not None:
        yield QuoteSite(pledge, ("quote",), pledge.quote, pledge.source)
    for keys, items in evidence_lists(pledge):
        for index, item in enumerate(items):
            if item.quote is None or item.source is None:
                continue
            yield QuoteSite(pledge, (*keys, index, "quote"), item.quote, sources.get(item.source))


def _source_diagnostic(
    ledger_file: LedgerFile, rule: Rule, key: str, message: str, hint: str | None = None
) -> Diagnostic:
    path: NodePath = ("source", key) if key else ("source",)
    line, column = ledger_file.doc.position(path, key=not key)
    return Diagnostic(
        ledger_file.doc.file, line, column, rule.code, rule.severity, message, hint, json_path(path)
    )


def _archive_findings(
    ledger_file: LedgerFile, archive: Archive | str | None
) -> Iterator[Diagnostic]:
    source = ledger_file.source
    assert source is not None
    if source.archive is None:
        if source.sha256 is not None:
            yield _source_diagnostic(
                ledger_file, BAD_ARCHIVE, "sha256", "'sha256' without 'archive': hash of what?"
            )
        yield _source_diagnostic(
            ledger_file,
            NO_ARCHIVE,
            "",
            f"source '{source.id}' has no archived text, so its quotes are not verified",
            f"archive its text: pledges source archive DOCUMENT --id {source.id}",
        )
        return
    if isinstance(archive, str) or archive is None:
        problem = archive or "cannot be located: the file is not inside a ledger directory"
        yield _source_diagnostic(ledger_file, BAD_ARCHIVE, "archive", f"the archive {problem}")
        return
    if source.sha256 is None:
        yield _source_diagnostic(
            ledger_file,
            BAD_ARCHIVE,
            "archive",
            "'archive' needs 'sha256', the SHA-256 of the archived file",
            f"its SHA-256 is {archive.sha256}",
        )
    elif source.sha256 != archive.sha256:
        yield _source_diagnostic(
            ledger_file,
            ARCHIVE_CHANGED,
            "sha256",
            f"{archive.name} has changed: its SHA-256 is {archive.sha256[:12]}…, "
            f"the source records {source.sha256[:12]}…",
            "restore the archived text; if the new text is the document as published, "
            "record its SHA-256 ('pledges source check' lists every archive)",
        )


def _not_found(site: QuoteSite, archive: Archive) -> Diagnostic:
    pledge = site.pledge
    where = f"the archived text of source '{site.source.id if site.source else '?'}'"
    closest = archive.text.closest(site.quote)
    if closest is None:
        message = f"quote not found in {where} ({archive.name})"
        hint = "no passage of the source resembles it; is it the right source?"
    elif closest.only_whitespace_differs:
        message = f"quote not found as written in {where}: the source has white space inside it"
        hint = (
            f"{archive.name}:{closest.span.line} reads “{closest.passage}”; "
            "put a space in the quote where the source has one"
        )
    else:
        message = f"quote not found in {where} ({archive.name})"
        hint = f"did you mean “{closest.passage}” ({archive.name}:{closest.span.line})?"
    line, column = pledge.position(*site.keys)
    return Diagnostic(
        pledge.file,
        line,
        column,
        QUOTE_NOT_FOUND.code,
        QUOTE_NOT_FOUND.severity,
        message,
        hint,
        json_path((*pledge.path, *site.keys)),
    )


def archives_for(ctx: RuleContext) -> Mapping[str, Archive | str]:
    """The archives the ledger's sources name, read once per context."""
    if ctx.archives is None:
        wanted = [f.source.archive for f in ctx.ledger.files if f.source and f.source.archive]
        root = ctx.ledger.root
        ctx.archives = read_archives(Path(root), wanted) if root else {}
    return ctx.archives


def _missing(ctx: RuleContext, archive: Archive, quotes: list[str]) -> set[str]:
    """The quotes not in an archive; kept in the content cache under the archive's SHA-256
    and the quotes (in the order the ledger has them), so a warm run does not search."""
    cache = ctx.cache
    key = None
    if cache is not None:
        data = "\0".join([archive.sha256, *quotes]).encode("utf-8", "surrogatepass")
        key = cache.key("quotes", data)
        hit = cache.get(key)
        if isinstance(hit, list) and all(isinstance(q, str) for q in hit):
            return set(hit)
    missing = {quote for quote in quotes if archive.text.find(quote) is None}
    if cache is not None and key is not None:
        cache.put(key, sorted(missing))
    return missing


class _Buckets:
    """The quotes a cited source's archive must hold, by source. A source not among the
    files checked (the ledger index checks one file at a time) has its archive read here."""

    def __init__(
        self,
        archives: Mapping[str, Archive | str],
        by_source: dict[int, Archive],
        wanted: dict[int, dict[str, None]],
    ) -> None:
        self.archives, self.by_source, self.wanted = archives, by_source, wanted
        self.looked_up = set(by_source)

    def __call__(self, source: Source) -> dict[str, None] | None:
        key = id(source)
        if key not in self.looked_up:
            self.looked_up.add(key)
            archive = self.archives.get(source.archive) if source.archive else None
            if isinstance(archive, Archive):
                self.by_source[key] = archive
                self.wanted[key] = {}
        return self.wanted.get(key)


def check(ctx: RuleContext) -> Iterator[Diagnostic]:
    """A pledge `quote: 地区生产总值增长5.6%以上` whose source's archive reads
    地区生产总值增长5.5%以上 is PL260 (did you mean “地区生产总值增长5.5%以上”
    (sources/report.txt:112)?); a source without `archive` is PL261; an archive whose
    bytes no longer hash to `sha256` is PL262; `archive: ../elsewhere.txt` is PL263."""
    archives = archives_for(ctx)
    by_source: dict[int, Archive] = {}
    counts = dict.fromkeys((QUOTES_CHECKED, QUOTES_FOUND, QUOTES_UNARCHIVED, ARCHIVED_SOURCES), 0)
    sources = ctx.source_index()
    for ledger_file in ctx.ledger.files:
        source = ledger_file.source
        if source is None:
            continue
        archive = archives.get(source.archive) if source.archive else None
        if isinstance(archive, Archive):
            by_source[id(source)] = archive
        yield from _archive_findings(ledger_file, archive)
    pledges = [
        pledge
        for ledger_file in ctx.ledger.files
        if ctx.selected is None or ledger_file.doc.file in ctx.selected
        for pledge in ledger_file.pledges
    ]
    for ledger_file in ctx.ledger.files:
        if ctx.selected is None or ledger_file.doc.file in ctx.selected:
            source = ledger_file.source
            counts[ARCHIVED_SOURCES] += source is not None and id(source) in by_source
    # one pass gathers the quotes each archive must hold; a second, only when some are
    # missing, places the findings (most runs find every quote)
    wanted: dict[int, dict[str, None]] = {key: {} for key in by_source}
    bucket_of = _Buckets(archives, by_source, wanted)
    for pledge in pledges:
        own = pledge.source
        if pledge.quote is not None and own is not None:
            bucket = wanted.get(id(own))
            if bucket is None:
                counts[QUOTES_UNARCHIVED] += 1
            else:
                counts[QUOTES_CHECKED] += 1
                bucket[pledge.quote] = None
        for _, items in evidence_lists(pledge):
            for item in items:
                quote, cited = item.quote, item.source
                if quote is None or cited is None:
                    continue
                source = sources.get(cited)
                if source is None:
                    continue  # an unknown source id is PL210
                bucket = bucket_of(source)
                if bucket is None:
                    counts[QUOTES_UNARCHIVED] += 1
                else:
                    counts[QUOTES_CHECKED] += 1
                    bucket[quote] = None
    missing = {
        key: _missing(ctx, by_source[key], list(quotes)) for key, quotes in wanted.items() if quotes
    }
    counts[QUOTES_FOUND] = counts[QUOTES_CHECKED]
    if any(missing.values()):
        for pledge in pledges:
            for site in quote_sites(pledge, sources):
                if site.source is not None and site.quote in missing.get(id(site.source), ()):
                    counts[QUOTES_FOUND] -= 1
                    yield _not_found(site, by_source[id(site.source)])
    ctx.counts.update(counts)


__all__ = [
    "ARCHIVED_SOURCES",
    "QUOTES_CHECKED",
    "QUOTES_FOUND",
    "QUOTES_UNARCHIVED",
    "RULES",
    "QuoteSite",
    "archives_for",
    "check",
    "evidence_lists",
    "quote_sites",
]
