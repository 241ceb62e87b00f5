"""`pledges site`: the static site built from the bundled ledger in a git repository with
two commits, checked on disk and in headless Chromium (skipped without a browser)."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markupsafe import escape
from typer.testing import CliRunner

from pledges.cli.common import app
from pledges.judge.query import Filters, evaluate_all, select
from pledges.read.loader import load
from tests.browser import Browser, find_chromium
from tests.conftest import ROOT, Result, pledges_file

AS_OF = "2025-03-01"
ATOM = "{http://www.w3.org/2005/Atom}"
VENDOR = ROOT / "tests" / "vendor"
FIRST_COMMIT_LEFT_OUT = "cn/zhejiang/hangzhou/binjiang"
SOLAR = "光伏"


def _git(folder: Path, *args: str, day: str | None = None) -> None:
    env = dict(os.environ)
    if day:
        env.update(GIT_AUTHOR_DATE=f"{day}T12:00:00Z", GIT_COMMITTER_DATE=f"{day}T12:00:00Z")
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, env=env)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled ledger in a new repository: Binjiang's file arrives in the second commit."""
    top = tmp_path_factory.mktemp("repo")
    ledger = top / "ledger"
    shutil.copytree(ROOT / "ledger", ledger)
    held = top / "held"
    shutil.move(ledger / FIRST_COMMIT_LEFT_OUT, held)
    _git(top, "init", "-q", "-b", "main")
    _git(top, "config", "user.email", "editor@example.org")
    _git(top, "config", "user.name", "Ledger Editor")
    _git(top, "add", "-A")
    _git(top, "commit", "-q", "-m", "Xiaoshan's documents", day="2023-06-01")
    shutil.move(held, ledger / FIRST_COMMIT_LEFT_OUT)
    _git(top, "add", "-A")
    _git(top, "commit", "-q", "-m", "Binjiang's plan report", day="2024-06-01")
    return ledger


@pytest.fixture(scope="module")
def site(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("public") / "site"
    cache = tmp_path_factory.mktemp("cache")
    result = CliRunner().invoke(
        app,
        ["site", str(out), "--ledger", str(repo), "--as-of", AS_OF],
        env={"PLEDGES_CACHE_DIR": str(cache), "NO_COLOR": "1"},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    assert "changes in the history" in result.stdout
    return out


@pytest.fixture(scope="module")
def rows(repo: Path) -> list[tuple[str, str, str]]:
    """(id, status, text searched) of every pledge, from the query layer."""
    from datetime import date

    evaluated = evaluate_all(load(repo), date.fromisoformat(AS_OF))
    return [(r.pledge.id, r.evaluation.status, r.pledge.quote or "") for r in evaluated]


@pytest.fixture(scope="module")
def searched(repo: Path) -> list[str]:
    """The ids `pledges list --search 光伏` finds."""
    from datetime import date

    evaluated = evaluate_all(load(repo), date.fromisoformat(AS_OF))
    return sorted(r.pledge.id for r in select(evaluated, Filters(search=SOLAR)))


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("href", "src"):
            value = values.get(name)
            if value is not None:
                self.links.append(value)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "script":
            self._script = values

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self.scripts.append((self._script, data))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None


@functools.cache
def parsed(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


# -- on disk ------------------------------------------------------------------------------


def test_every_internal_link_resolves(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 400
    checked = 0
    for page in pages:
        for link in parsed(page).links:
            parts = urlsplit(link)
            if parts.scheme in {"http", "https", "data"}:
                continue
            assert not parts.scheme and not parts.netloc, f"{page}: {link}"
            assert not link.startswith("/"), f"{page}: root-relative link {link}"
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_relative_to(site.resolve()), f"{page}: {link} leaves the site"
            assert target.is_file(), f"{page}: {link} does not resolve"
            if parts.fragment:
                assert parts.fragment in parsed(target).ids, f"{page}: {link}: no such id"
            checked += 1
    assert checked > 5000


def test_no_inline_script_and_no_other_host(site: Path) -> None:
    for page in sorted(site.rglob("*.html")):
        links = parsed(page)
        assert all(attrs.get("src") for attrs, _ in links.scripts), page
        text = page.read_text(encoding="utf-8")
        assert "\ue000" not in text, page
        for marker in ('<link rel="stylesheet" href="http', '<script src="http', "@import"):
            assert marker not in text, page


def test_pages_per_pledge_jurisdiction_and_source(
    site: Path, rows: list[tuple[str, str, str]]
) -> None:
    for pledge_id, status, _ in rows:
        page = site / "pledges" / f"{pledge_id}.html"
        text = page.read_text(encoding="utf-8")
        assert f'<span class="badge status-{status}">' in text
    for jid in ("cn", "cn/zhejiang/hangzhou/xiaoshan", "cn/zhejiang/hangzhou/binjiang"):
        assert (site / "jurisdictions" / f"{jid}.html").is_file()
    assert (site / "sources" / "xiaoshan-2023-work-report.html").is_file()
    index = (site / "index.html").read_text(encoding="utf-8")
    table = index.split('<table class="pledges" id="pledges">')[1]
    assert table.count("<tr data-status=") == len(rows)
    counts = Counter(status for _, status, _ in rows)
    for status, n in counts.items():
        assert table.count(f'<tr data-status="{status}"') == n


def test_a_pledge_page_in_full(site: Path, repo: Path) -> None:
    from datetime import date

    text = (site / "pledges" / "binjiang" / "2023" / "gdp-growth.html").read_text("utf-8")
    rows = evaluate_all(load(repo), date.fromisoformat(AS_OF))
    why = next(r.evaluation.explanation for r in rows if r.pledge.id == "binjiang/2023/gdp-growth")
    assert "<h1>Grow GDP by at least 5.0% in 2023, striving for 5.5% or more</h1>" in text
    assert '<blockquote lang="zh-Hans">地区生产总值 确保5.0%, 力争5.5%以上</blockquote>' in text
    assert "<dt>Target</dt><dd>at least 5%, striving for 5.5%</dd>" in text
    assert '<svg class="pledge-chart"' in text
    assert "8% for 2023" in text
    assert why.startswith("achieved: 8% for 2023 meets ≥5%")
    assert f"{escape(why)}</p>" in text  # the status engine's own explanation
    # added in the second commit: its history says so
    assert "<td>2024-06-01</td>" in text
    assert "added (achieved)" in text


def test_a_recurring_pledge_shows_each_period(site: Path) -> None:
    page = site / "pledges" / "xiaoshan" / "14th-fyp" / "ch11-urban-jobs-yearly.html"
    text = page.read_text(encoding="utf-8")
    assert '<h2 id="periods-heading">Each period</h2>' in text
    assert "<tr><td>2022</td><td>4.8 万人 (10,000 persons)</td>" in text
    assert "time-proportional path" not in text


def test_status_history_and_feeds_come_from_git(site: Path) -> None:
    feed = ET.parse(site / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") or "" for e in entries]
    assert any(t.startswith("New pledge: ") for t in titles)
    assert any("→" in t for t in titles), "no status change in the feed"
    assert feed.findtext(f"{ATOM}updated") == "2024-06-01T00:00:00Z"
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(ids) == len(set(ids))
    local = ET.parse(site / "feeds" / "cn" / "zhejiang" / "hangzhou" / "binjiang.xml")
    links = [
        link.get("href") or ""
        for link in local.getroot().iter(f"{ATOM}link")
        if link.get("rel") == "alternate"
    ]
    assert links[0] == "../../../../jurisdictions/cn/zhejiang/hangzhou/binjiang.html"
    assert all(link.startswith("../../../../pledges/binjiang/") for link in links[1:])
    assert len(links) > 10


def test_the_data_downloads_are_the_export(site: Path) -> None:
    package = json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    meta = package["pledges"]
    assert meta["as_of"] == AS_OF
    assert len(meta["commit"]) == 40
    assert (site / "data" / "pledges.csv").is_file()


def test_rebuilding_replaces_a_site_but_never_other_folders(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    ledger = str(shutil.copytree(ROOT / "tests" / "cases" / "ledger", tmp_path / "ledger"))
    out = tmp_path / "site"
    assert run("site", str(out), "--ledger", ledger, "--as-of", AS_OF).exit_code == 0
    (out / "pledges" / "stale.html").write_text("old", encoding="utf-8")
    (out / "pledges" / "gone").mkdir()
    (out / "pledges" / "gone" / "page.html").write_text("old", encoding="utf-8")
    index = out / "index.html"
    os.utime(index, (1_000_000_000, 1_000_000_000))
    outside = tmp_path / "outside.txt"
    outside.write_text("mine", encoding="utf-8")
    (out / "sources.html").unlink()
    (out / "sources.html").symlink_to(outside)
    result = run("site", str(out), "--ledger", ledger, "--as-of", AS_OF)
    assert result.exit_code == 0
    assert not (out / "pledges" / "stale.html").exists()
    assert not (out / "pledges" / "gone").exists()
    assert index.stat().st_mtime == 1_000_000_000  # unchanged, so not rewritten
    assert outside.read_text(encoding="utf-8") == "mine"  # never written through a link
    assert not (out / "sources.html").is_symlink()
    assert "<h1>Sources</h1>" in (out / "sources.html").read_text(encoding="utf-8")
    assert "no git history" in result.stdout
    other = tmp_path / "documents"
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("site", str(other), "--ledger", ledger)
    assert result.exit_code == 2
    assert "is not empty and holds no site built by pledges" in result.stderr
    assert (other / "notes.txt").read_text(encoding="utf-8") == "mine"
    bad = run("site", str(tmp_path / "x"), "--ledger", ledger, "--base-url", "javascript:x")
    assert (bad.exit_code, bad.stderr.strip()) == (
        2,
        "pledges: --base-url: 'javascript:x' is not an http(s) URL with a host",
    )


def test_ledger_text_is_escaped_everywhere(
    run: Callable[..., Result], ledger: Callable[..., Path], tmp_path: Path
) -> None:
    root = ledger(
        {
            "a.yaml": pledges_file(
                """\
                - id: test/escape
                  title: <script>alert("t")</script> & <b>bold</b> "\u202egnp.exe"
                  quote: "\\"><img src=x onerror=alert(1)>"
                  deadline: 2023
                  metric: {name: </svg><script>m()</script>, unit: percent, kind: rate}
                  target: {op: ">=", value: 5}
                  progress:
                    - period: 2023
                      value: 6
                      evidence:
                        - url: javascript:alert(2)
                          title: <i>t</i>
                          quote: <q>
                """
            )
        }
    )
    out = tmp_path / "site"
    result = run("site", str(out), "--ledger", str(root), "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text
        assert "<img src=x" not in text
        assert "<script>m()" not in text
        assert "javascript:" not in text
        assert "\u202e" not in text
        for link in parsed(page).links:
            assert not link.lower().startswith("javascript"), page
    text = (out / "pledges" / "test" / "escape.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in text
    assert "&lt;/svg&gt;&lt;script&gt;m()&lt;/script&gt;" in text
    assert "\u202e" not in text  # the override shows as a visible escape
    assert "&lt;b&gt;bold&lt;/b&gt; &#34;\\u202egnp.exe&#34;" in text


# -- in the browser -----------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        pytest.skip("no Chromium found (install the chromium package, or set PLEDGES_CHROMIUM)")
    pytest.importorskip("websocket", reason="websocket-client is not installed")
    browser = Browser(executable, tmp_path_factory.mktemp("profile"))
    try:
        yield browser
    finally:
        browser.close()


def _visible_ids(browser: Browser) -> list[str]:
    script = (
        "Array.from(document.querySelectorAll('#pledges tbody tr'))"
        ".filter(r => !r.hidden && r.offsetParent !== null)"
        ".map(r => r.querySelector('.pid').textContent)"
    )
    ids: list[str] = browser.evaluate(script)
    return ids


def _choose(browser: Browser, field: str, value: str) -> None:
    browser.evaluate(
        f"(() => {{ const f = document.getElementById({json.dumps(field)});"
        f" f.value = {json.dumps(value)};"
        " f.dispatchEvent(new Event(f.tagName === 'INPUT' ? 'input' : 'change',"
        " {bubbles: true})); })()"
    )


def test_index_in_a_browser(
    browser: Browser,
    server: str,
    rows: list[tuple[str, str, str]],
    searched: list[str],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    mark = len(browser.events)
    browser.open(server + "index.html")
    assert browser.evaluate("document.getElementById('filters').hidden") is False
    assert browser.errors()[mark:] == []
    assert sorted(_visible_ids(browser)) == sorted(i for i, _, _ in rows)
    shots = tmp_path_factory.mktemp("screenshots")
    browser.screenshot(shots / "index.png")

    counts = Counter(status for _, status, _ in rows)
    for status in ("achieved", "pending"):
        _choose(browser, "f-status", status)
        visible = _visible_ids(browser)
        assert sorted(visible) == sorted(i for i, s, _ in rows if s == status)
        assert len(visible) == counts[status]
        shown = browser.evaluate("document.getElementById('shown').textContent")
        assert shown == f"{counts[status]} of {len(rows)} pledges shown"
    _choose(browser, "f-status", "")

    _choose(browser, "f-q", SOLAR)
    assert "xiaoshan/2023/new-pv-capacity" in searched
    assert sorted(_visible_ids(browser)) == searched  # the query layer's own search
    _choose(browser, "f-q", "")

    requested = browser.requested()
    assert requested and all(u.startswith((server, "data:")) for u in requested), requested
    assert browser.errors() == []
    assert (shots / "index.png").stat().st_size > 10000


def test_filters_come_from_the_address(
    browser: Browser, server: str, rows: list[tuple[str, str, str]]
) -> None:
    browser.open(server + "index.html?status=missed&jurisdiction=cn/zhejiang/hangzhou/binjiang")
    expected = [i for i, s, _ in rows if s == "missed" and i.startswith("binjiang/")]
    assert sorted(_visible_ids(browser)) == sorted(expected)
    assert browser.errors() == []


def test_pledge_page_in_a_browser(
    browser: Browser, server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    browser.open(server + "pledges/binjiang/2023/gdp-growth.html")
    chart = browser.evaluate(
        "(() => { const s = document.querySelector('svg.pledge-chart');"
        " const r = s.getBoundingClientRect();"
        " return [r.width, r.height, s.querySelectorAll(':scope > circle.observation').length,"
        " s.querySelectorAll(':scope > line.target').length]; })()"
    )
    width, height, dots, target_lines = chart
    assert width > 300 and height > 100
    assert (dots, target_lines) == (1, 1)  # the 2023 figure, the target line
    lang = browser.evaluate("document.querySelector('blockquote').lang")
    font = browser.evaluate("getComputedStyle(document.querySelector('blockquote')).fontFamily")
    assert lang == "zh-Hans"
    assert "Noto Sans CJK SC" in font
    shots = tmp_path_factory.mktemp("screenshots")
    browser.screenshot(shots / "pledge.png")
    assert (shots / "pledge.png").stat().st_size > 10000
    assert browser.errors() == []


def test_the_index_works_from_disk(browser: Browser, site: Path) -> None:
    browser.open((site / "index.html").as_uri())
    assert browser.evaluate("document.getElementById('filters').hidden") is False
    assert browser.evaluate("getComputedStyle(document.body).margin") == "0px"
    _choose(browser, "f-status", "missed")
    rows = browser.evaluate(
        "Array.from(document.querySelectorAll('#pledges tbody tr')).filter(r => !r.hidden)"
        ".map(r => r.dataset.status)"
    )
    assert rows and set(rows) == {"missed"}
    assert browser.errors() == []


@pytest.mark.parametrize(
    "page",
    [
        "index.html",
        "pledges/binjiang/2023/gdp-growth.html",
        "jurisdictions/cn/zhejiang/hangzhou.html",
        "sources/xiaoshan-2023-work-report.html",
    ],
)
def test_no_serious_accessibility_violations(browser: Browser, server: str, page: str) -> None:
    axe = VENDOR / "axe.min.js"
    browser.open(server + page)
    browser.evaluate(axe.read_text(encoding="utf-8"))
    result = browser.evaluate(
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => [v.id, v.impact, v.help,"
        " v.nodes.slice(0, 3).map(n => n.html.slice(0, 200))]))",
        awaited=True,
    )
    serious = [v for v in result if v[1] in {"serious", "critical"}]
    assert serious == []
