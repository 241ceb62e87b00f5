"""Proposed ids for new pledges: short, made of key words, unique in the ledger."""

from __future__ import annotations

import os

from pledges.edit.emit import ID_LIMIT, key_words, short_slug
from pledges.edit.session import Loaded


def propose_id(loaded: Loaded, title: str, metric_name: str | None = None) -> str:
    """A short id (at most ID_LIMIT characters) unique in the ledger: the file's common id
    prefix plus the key words of the metric's name (else of the title)."""
    from pledges.check.rules.ids import normalize_id

    prefix = _id_prefix(loaded)
    while len(prefix) > ID_LIMIT - 12 and "/" in prefix.rstrip("/"):
        prefix = prefix.rstrip("/").rsplit("/", 1)[0] + "/"
    if len(prefix) > ID_LIMIT - 12:
        prefix = ""
    words = key_words(metric_name or "") or key_words(title) or ["pledge"]
    taken = loaded.result.ledger.taken_ids()
    base = short_slug(words, ID_LIMIT - len(prefix))
    candidate, n = prefix + base, 2
    while normalize_id(candidate) in taken:
        suffix = f"-{n}"
        candidate = prefix + short_slug(words, ID_LIMIT - len(prefix) - len(suffix)) + suffix
        n += 1
    return candidate


def _id_prefix(loaded: Loaded) -> str:
    """The ids' common prefix up to a '/', else jurisdiction leaf and year of the source."""
    data = loaded.doc.data
    ids: list[str] = [
        p["id"]
        for p in data.get("pledges") or []
        if isinstance(p, dict) and isinstance(p.get("id"), str)
    ]
    if ids:
        prefix: str = os.path.commonprefix(ids)  # noqa: RUF071 ids are slugs, not paths
        return prefix[: prefix.rfind("/") + 1]
    source = data.get("source") or {}
    place = str(source.get("jurisdiction") or "").rsplit("/", 1)[-1]
    year = str(source.get("date") or "")[:4]
    return "/".join(p for p in (place, year) if p) + "/" if place or year else ""
