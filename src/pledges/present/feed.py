"""Atom feeds (RFC 4287) of new pledges and status changes, from the git history."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from datetime import date

from pledges.history.timeline import ADDED, STATUS, Change
from pledges.present.escape.controls import show
from pledges.present.words import status_label

ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 200
_NAMESPACE = uuid.UUID("6f1c1d52-8b1e-5d7e-9a43-3f4a2b9c0e11")


def entry_id(change: Change) -> str:
    """A stable id: the same change in the same commit always gets the same id."""
    key = f"{change.commit.sha}:{change.kind}:{change.pledge_id}"
    return uuid.uuid5(_NAMESPACE, key).urn


def feed_id(base_url: str | None, path: str, ledger_key: str) -> str:
    if base_url:
        return base_url.rstrip("/") + "/" + path
    return uuid.uuid5(_NAMESPACE, f"feed:{ledger_key}:{path}").urn


_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text XML 1.0 can hold: controls and bidi characters shown as visible escapes, as in
    every output, and the code points XML forbids dropped (ElementTree escapes the rest)."""
    return _NOT_XML.sub("", show(text))


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def entry_title(change: Change) -> str:
    name = change.title or change.pledge_id
    if change.kind == ADDED:
        return f"New pledge: {name} ({status_label(change.new or '')})"
    if change.kind == STATUS:
        return f"{name}: {status_label(change.old or '')} → {status_label(change.new or '')}"
    return f"Removed: {name}"


def entry_summary(change: Change) -> str:
    where = f"commit {change.commit.short} by {change.commit.author}"
    if change.kind == ADDED:
        return (
            f"{change.pledge_id} was added to the ledger in {where}; "
            f"its status was {status_label(change.new or '')}."
        )
    if change.kind == STATUS:
        return (
            f"The status of {change.pledge_id} changed from {status_label(change.old or '')} "
            f"to {status_label(change.new or '')} in {where}."
        )
    return f"{change.pledge_id} was removed from the ledger in {where}."


def atom(
    title: str,
    feed_identity: str,
    self_href: str,
    home_href: str,
    changes: Sequence[Change],
    link_for: Callable[[Change], str],
    fallback_updated: date,
) -> bytes:
    """The feed document, newest change first, at most MAX_ENTRIES entries."""
    ET.register_namespace("", ATOM)
    ordered = sorted(
        changes, key=lambda c: (c.commit.day, c.commit.sha, c.kind, c.pledge_id), reverse=True
    )[:MAX_ENTRIES]
    root = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "en"})
    ET.SubElement(root, f"{{{ATOM}}}title").text = xml_text(title)
    ET.SubElement(root, f"{{{ATOM}}}id").text = feed_identity
    updated = max((c.commit.day for c in ordered), default=fallback_updated)
    ET.SubElement(root, f"{{{ATOM}}}updated").text = _stamp(updated)
    ET.SubElement(root, f"{{{ATOM}}}link", rel="self", href=self_href)
    ET.SubElement(root, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=home_href)
    ET.SubElement(root, f"{{{ATOM}}}generator").text = "pledges"
    for change in ordered:
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = xml_text(entry_title(change))
        ET.SubElement(entry, f"{{{ATOM}}}id").text = entry_id(change)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(change.commit.day)
        ET.SubElement(
            entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=link_for(change)
        )
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = xml_text(change.commit.author) or "unknown"
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = xml_text(entry_summary(change))
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body + b"\n"
