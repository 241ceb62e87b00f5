"""`pledges site`: a static report site, one folder that works from disk or any host.

Pages are rendered by Jinja2 with autoescaping from the templates shipped in
`present/templates/`; the stylesheet and the filter script are copied from
`present/static/`. No page requests anything from another host.

OUT must be missing, empty, or a site built earlier (it then holds the marker file
`.pledges-site`). A site is rebuilt in place: a file whose content is unchanged is not
rewritten (so its modification time stays, and a sync to a host sends only what
changed), and files the new build did not write, such as pages of removed pledges, are
deleted.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from pledges.history.timeline import Change
from pledges.judge.query import Row, sort_rows
from pledges.judge.tables import Dataset, source_extras
from pledges.model.ledger import Ledger
from pledges.model.registries import within
from pledges.present.escape.controls import show
from pledges.present.feed import atom, feed_id
from pledges.present.siteviews import (
    PledgeView,
    Views,
    page_path,
    safe_href,
    status_options,
)

MARKER = ".pledges-site"
ASSETS = ("site.css", "site.js")
MAX_ARCHIVE_BYTES = 64 * 1024 * 1024
# The registry's names of jurisdictions are written in Chinese.
NAME_LANGUAGE = "zh-Hans"
# Stands for a page's way back to the site's root in table rows rendered once per pledge.
ROOT_MARK = "\ue000root\ue001"


class SiteError(Exception):
    """The site cannot be written; the message is fit to show a user."""


@dataclass
class SiteInput:
    ledger: Ledger
    rows: list[Row]
    as_of: date
    dataset: Dataset
    ledger_root: Path | None
    changes: list[Change] | None  # None: the ledger is not in a git repository
    base_url: str | None = None
    title: str = "Pledge tracker"


@dataclass
class SiteSummary:
    pages: int = 0
    feeds: int = 0
    archives: int = 0
    files: list[str] = field(default_factory=list)


def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("pledges.present", "templates"),
        autoescape=True,
        finalize=_visible_controls,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["status_options"] = status_options
    return env


def _visible_controls(value: Any) -> Any:
    """Ledger text with its control and bidi characters shown as visible escapes, as in
    every output (autoescaping then escapes it for HTML); markup built here passes."""
    if not isinstance(value, str) or isinstance(value, Markup):
        return value
    if value.isascii() and value.isprintable():
        return value  # printable ASCII holds no control or bidi character
    return show(value, keep="\n\r\t")


def _root_of(path: str) -> str:
    """The way back to the site's root from a page at `path`."""
    return "../" * path.count("/")


class Builder:
    def __init__(self, site: SiteInput, folder: Path) -> None:
        self.site = site
        self.folder = folder
        self.env = _environment()
        self.views = Views(site.ledger, site.rows, site.as_of)
        self.summary = SiteSummary()
        self.history: dict[str, list[Change]] = {}
        for change in site.changes or []:
            self.history.setdefault(change.pledge_id, []).append(change)

    # -- output --------------------------------------------------------------------------
    def write(self, path: str, data: str | bytes) -> None:
        """Write one file of the site, unless it already holds exactly this content."""
        content = data.encode("utf-8") if isinstance(data, str) else data
        target = self.folder / path
        self.summary.files.append(path)
        same_size = target.is_file() and target.stat().st_size == len(content)
        if same_size and target.read_bytes() == content:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)

    def render(self, template: str, path: str, **context: Any) -> None:
        site = self.site
        base = site.base_url.rstrip("/") + "/" if site.base_url else None
        common = {
            "root": _root_of(path),
            "path": path,
            "site_title": site.title,
            "as_of": site.as_of.isoformat(),
            "commit": site.dataset.commit,
            "dirty": site.dataset.dirty,
            "canonical": base + path if base else None,
            "has_feed": site.changes is not None,
        }
        text = self.env.get_template(template).render(**common, **context)
        self.write(path, text)
        self.summary.pages += 1

    # -- pages ---------------------------------------------------------------------------
    def build(self) -> SiteSummary:
        rows = sort_rows(self.site.rows, "id")
        unique: dict[str, Row] = {}
        for row in rows:
            unique.setdefault(row.pledge.id, row)
        rows = list(unique.values())
        listing = [self.views.pledge(r, full=False) for r in rows]
        row_template = self.env.get_template("row.html")
        self.row_html = [row_template.render(p=view, root=ROOT_MARK) for view in listing]
        self.copy_assets()
        self.index(rows, listing)
        self.jurisdictions(rows)
        self.sources(rows)
        for i, row in enumerate(rows):
            view = self.views.complete(listing[i], row, self.history.get(row.pledge.id, ()))
            self.render("pledge.html", view.path, title=view.title, pledge=view)
        self.feeds(unique)
        self.data()
        return self.summary

    def copy_assets(self) -> None:
        static = resources.files("pledges.present") / "static"
        for name in ASSETS:
            self.write(f"assets/{name}", (static / name).read_bytes())

    def body(self, indices: Sequence[int], path: str) -> Markup:
        """The table rows of some pledges, linked from a page at `path`."""
        text = "".join(self.row_html[i] for i in indices)
        return Markup(text.replace(ROOT_MARK, _root_of(path)))

    def index(self, rows: Sequence[Row], listing: Sequence[PledgeView]) -> None:
        ledger = self.views.ledger
        board = self.views.board(rows, "?")
        years = sorted({v.year for v in listing if v.year})
        tags = sorted({t for v in listing for t in v.tags})
        jurisdictions = [
            (jid, ledger.jurisdictions[jid].name_en) for jid in sorted(ledger.jurisdictions)
        ]
        sources = [(sid, s.title_en or sid) for sid, s in sorted(self.views.sources.items())]
        self.render(
            "index.html",
            "index.html",
            title=self.site.title,
            board=board,
            body=self.body(range(len(rows)), "index.html"),
            filters={
                "jurisdictions": jurisdictions,
                "sources": sources,
                "tags": tags,
                "years": years,
            },
            tables=list(self.site.dataset.rows),
        )

    def jurisdictions(self, rows: Sequence[Row]) -> None:
        ledger = self.views.ledger
        members: dict[str, list[int]] = {}
        for i, row in enumerate(rows):
            parts = (row.pledge.jurisdiction or "").split("/")
            for depth in range(1, len(parts) + 1):
                members.setdefault("/".join(parts[:depth]), []).append(i)
        entries = []
        for jid in sorted(ledger.jurisdictions):
            item = ledger.jurisdictions[jid]
            inside = members.get(jid, [])
            path = page_path("jurisdictions", jid)
            board = self.views.board(
                [rows[i] for i in inside],
                f"{_root_of(path)}index.html?jurisdiction={quote(jid, safe='/')}&",
            )
            children = [
                (
                    self.views.jurisdiction_link(c),
                    self.views.board([rows[i] for i in members.get(c, [])], "?"),
                )
                for c in sorted(ledger.jurisdictions)
                if ledger.jurisdictions[c].parent == jid
            ]
            own = [i for i in inside if rows[i].pledge.jurisdiction == jid]
            parent = self.views.jurisdiction_link(item.parent) if item.parent else None
            self.render(
                "group.html",
                path,
                title=item.name_en,
                kind="jurisdiction",
                heading=item.name_en,
                original=item.name,
                lang=NAME_LANGUAGE,
                facts=[("Level", item.level, None), ("Code", item.code or "—", None)],
                parent=parent,
                children=children,
                board=board,
                body=self.body(own, path),
                everything=f"{_root_of(path)}index.html?jurisdiction={quote(jid, safe='/')}",
                feed=self.feed_path(jid) if self.site.changes is not None else None,
                links=[],
            )
            entries.append((self.views.jurisdiction_link(jid), item, board, NAME_LANGUAGE))
        self.render(
            "list.html",
            "jurisdictions.html",
            title="Jurisdictions",
            entries=entries,
            kind="jurisdiction",
        )

    def sources(self, rows: Sequence[Row]) -> None:
        extras = source_extras(self.views.ledger)
        members: dict[str, list[int]] = {}
        for i, row in enumerate(rows):
            if row.pledge.source and row.pledge.source.id:
                members.setdefault(row.pledge.source.id, []).append(i)
        entries = []
        for sid, source in sorted(self.views.sources.items()):
            inside = members.get(sid, [])
            path = page_path("sources", sid)
            board = self.views.board(
                [rows[i] for i in inside], f"{_root_of(path)}index.html?source={quote(sid)}&"
            )
            extra = extras.get(sid, {})
            language = extra.get("language") or NAME_LANGUAGE
            links = []
            href = safe_href(source.url)
            if href:
                links.append(("Published at", href, source.url or href))
            archived = self.copy_archive(sid, extra.get("archive"))
            if archived:
                links.append(("Archived text", archived.rsplit("/", 1)[-1], "plain text, UTF-8"))
            sha = extra.get("sha256")
            self.render(
                "group.html",
                path,
                title=source.title_en or sid,
                kind="source",
                heading=source.title_en or sid,
                original=source.title,
                lang=language,
                facts=[
                    ("Publisher", source.publisher or "—", language),
                    ("Published", source.date.text if source.date else "—", None),
                    ("Jurisdiction id", source.jurisdiction or "—", None),
                    ("Source id", sid, None),
                    *([("SHA-256 of the archived text", sha, None)] if sha and archived else []),
                ],
                parent=self.views.jurisdiction_link(source.jurisdiction),
                children=[],
                board=board,
                body=self.body(inside, path),
                everything=None,
                feed=None,
                links=links,
            )
            entries.append(
                (self.views.source_link(source), source, board, extra.get("language") or "zh-Hans")
            )
        self.render("list.html", "sources.html", title="Sources", entries=entries, kind="source")

    def copy_archive(self, sid: str, archive: str | None) -> str | None:
        """Copy a source's archived text into the site; its path there, or None."""
        root = self.site.ledger_root
        if not archive or root is None:
            return None
        base = root.resolve()
        candidate = root / archive
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not resolved.is_relative_to(base) or candidate.is_symlink() or not resolved.is_file():
            return None
        if resolved.stat().st_size > MAX_ARCHIVE_BYTES:
            return None
        path = page_path("sources", sid)[: -len(".html")] + ".txt"
        self.write(path, resolved.read_bytes())
        self.summary.archives += 1
        return path

    # -- feeds and data --------------------------------------------------------------------
    def feed_path(self, jid: str | None) -> str:
        if jid is None:
            return "feed.xml"
        return page_path("feeds", jid)[: -len(".html")] + ".xml"

    def feeds(self, current: dict[str, Row]) -> None:
        changes = self.site.changes
        if changes is None:
            return
        base = self.site.base_url.rstrip("/") + "/" if self.site.base_url else None
        key = self.views.ledger.root

        def make(jid: str | None, title: str, home: str, members: list[Change]) -> None:
            path = self.feed_path(jid)
            back = _root_of(path)

            def href(target: str) -> str:
                return base + target if base else back + target

            def link_for(change: Change) -> str:
                known = change.pledge_id in current
                return href(page_path("pledges", change.pledge_id) if known else "index.html")

            body = atom(
                title,
                feed_id(base, path, key),
                href(path),
                href(home),
                members,
                link_for,
                self.site.as_of,
            )
            self.write(path, body)
            self.summary.feeds += 1

        make(None, f"{self.site.title}: changes", "index.html", changes)
        for jid, item in sorted(self.views.ledger.jurisdictions.items()):
            members = [c for c in changes if c.jurisdiction and within(c.jurisdiction, jid)]
            make(jid, f"{item.name_en}: changes", page_path("jurisdictions", jid), members)

    def data(self) -> None:
        from pledges.present.exports import write_datapackage

        folder = self.folder / "data"
        written = write_datapackage(self.site.dataset, folder)
        self.summary.files += [p.relative_to(self.folder).as_posix() for p in written]


def build_site(out: Path, site: SiteInput) -> SiteSummary:
    """Build the site into OUT (see the module's docstring). Raises SiteError."""
    if out.exists() and not out.is_dir():
        raise SiteError(f"'{out}' is a file; the site is a directory")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise SiteError(
            f"'{out}' is not empty and holds no site built by pledges; "
            "choose a new or empty directory"
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
        _drop_links(out)
        builder = Builder(site, out)
        builder.write(MARKER, "A site built by `pledges site`; rebuilt in place.\n")
        summary = builder.build()
        _remove_stale(out, set(summary.files))
    except OSError as exc:
        raise SiteError(f"cannot write the site to '{out}': {exc.strerror or exc}") from exc
    return summary


def _drop_links(out: Path) -> None:
    """Remove symbolic links inside the site, so no write goes through one elsewhere."""
    for folder, dirs, files in os.walk(out):
        here = Path(folder)
        for name in [*dirs, *files]:
            if (here / name).is_symlink():
                (here / name).unlink()
        dirs[:] = [d for d in dirs if (here / d).is_dir()]


def _remove_stale(out: Path, written: set[str]) -> None:
    """Delete what an earlier build left that this one did not write, then empty folders."""
    for folder, dirs, files in os.walk(out, topdown=False):
        here = Path(folder)
        for name in files:
            path = here / name
            if path.relative_to(out).as_posix() not in written:
                path.unlink()
        for name in dirs:
            path = here / name
            if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
                path.rmdir()
