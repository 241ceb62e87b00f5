"""Evidence rules: every recorded figure and verdict cites something, by a safe URL."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from pledges.check.rules import Rule, RuleContext
from pledges.model.diagnostics import Diagnostic, Severity, json_path

NO_EVIDENCE = Rule("PL230", Severity.ERROR, "an observation or assessment without evidence")
BAD_URL = Rule("PL231", Severity.ERROR, "a URL that is not a plain http(s) address")
RULES = (NO_EVIDENCE, BAD_URL)


def url_problem(url: str) -> str | None:
    """Why a URL is unsafe to publish, or None."""
    lowered = url.lower()
    if not (lowered.startswith("http://") or lowered.startswith("https://")):
        return "only http:// and https:// URLs are allowed"
    for ch in url:
        if ch.isspace():
            return "the URL contains white space"
        if unicodedata.category(ch) in {"Cc", "Cf"}:
            return f"the URL contains the control character U+{ord(ch):04X}"
    host = url.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if not host or "@" in host:
        return "the URL needs a plain host name (no user name)"
    return None


def _urls(data: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every place a URL may stand: the source, and evidence items."""
    if not isinstance(data, dict):
        return
    source = data.get("source")
    if isinstance(source, dict) and isinstance(source.get("url"), str):
        yield ("source", "url"), source["url"]
    pledges = data.get("pledges")
    for index, pledge in enumerate(pledges if isinstance(pledges, list) else []):
        if not isinstance(pledge, dict):
            continue
        path = ("pledges", index)
        for keys, items in _evidence_lists(pledge):
            for number, item in enumerate(items if isinstance(items, list) else []):
                if isinstance(item, dict) and isinstance(item.get("url"), str):
                    yield (*path, *keys, number, "url"), item["url"]


def _evidence_lists(pledge: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    for key in ("baseline", "assessment"):
        holder = pledge.get(key)
        if isinstance(holder, dict):
            yield (key, "evidence"), holder.get("evidence")
    progress = pledge.get("progress")
    for index, obs in enumerate(progress if isinstance(progress, list) else []):
        if isinstance(obs, dict):
            yield ("progress", index, "evidence"), obs.get("evidence")


def check(ctx: RuleContext) -> Iterator[Diagnostic]:
    """`evidence: []` under an observation is PL230; `url: "https://a.example/\\u202e"` is
    PL231 (control character)."""
    for pledge in ctx.ledger.pledges:
        for index, obs in enumerate(pledge.progress):
            if not obs.evidence:
                yield ctx.at(
                    pledge,
                    NO_EVIDENCE,
                    "observation has no evidence",
                    "progress",
                    index,
                    hint="cite a source and quote the sentence that reports the figure",
                )
        if pledge.assessment is not None and not pledge.assessment.evidence:
            yield ctx.at(
                pledge,
                NO_EVIDENCE,
                "assessment has no evidence",
                "assessment",
                hint="cite a source and quote what supports the verdict",
            )
    for ledger_file in ctx.ledger.files:
        for path, url in _urls(ledger_file.doc.data):
            problem = url_problem(url)
            if problem and url.lower().startswith(("http://", "https://")):
                line, column = ledger_file.doc.position(path)
                yield Diagnostic(
                    ledger_file.doc.file,
                    line,
                    column,
                    BAD_URL.code,
                    BAD_URL.severity,
                    f"unsafe URL: {problem}",
                    None,
                    json_path(path),
                )
