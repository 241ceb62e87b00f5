"""`pledges source add|list|check`, text extraction (plain, HTML, PDF) and quotes shown in
the context of their archived source."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledges.edit import atomic
from pledges.edit.session import refusal
from pledges.model.ledger import Source
from pledges.model.sourcetext import SourceText
from pledges.present.layout import Painter, Screen
from pledges.present.quotes import quote_context, wrap_line
from pledges.read.archive import Archive
from pledges.read.extract import decode_text, guess_kind, html_text, pdf_text
from tests.conftest import Result, pledges_file
from tests.documents import HTML_PAGE, make_pdf

# ---------------------------------------------------------------- extraction


def test_html_becomes_readable_text_with_paragraphs_and_cells_apart() -> None:
    assert html_text(HTML_PAGE) == (
        "首页 > 政务公开 > 计划总结\n"
        "\n"
        "示例市2024年国民经济和社会发展计划\n"
        "\n"
        "各位代表:\n"
        "\n"
        "现在,我代表市人民政府向大会报告2024年计划,请予审议。\n"
        "\n"
        "指标名称\t2024年目标\t2023年实际\n"
        "地区生产总值\t增长6%\t5.8%\n"
        "新增城镇就业\t2万人\t2.1万人\n"
        "\n"
        "全年新增城镇就业2.1万人,完成年度目标的105%。\n"
        "\n"
        "版权所有 © 示例市人民政府\n"
    )


@pytest.mark.parametrize(
    ("page", "text"),
    [
        ("<p>a <b>b</b>\n c</p>", "a b c\n"),  # inline elements and collapsed white space
        ("<p>line<br>next</p>", "line\nnext\n"),
        ("<pre>  x   y\nz</pre>", "x   y\nz\n"),  # <pre> keeps its spaces and lines
        ("<p>中文\n中文 and\nEnglish</p>", "中文中文 and English\n"),  # CJK line joins
        ("<div hidden>no</div><noscript>no</noscript><p>yes</p>", "yes\n"),
        ("<ul><li>一</li><li>二</li></ul>", "一\n二\n"),
        ("<p>&lt;&amp;&#x4E00;&nbsp;</p>", "<&一\n"),
    ],
)
def test_html_details(page: str, text: str) -> None:
    assert html_text(page) == text


def test_a_pdf_text_layer_is_extracted_page_by_page() -> None:
    pdf = make_pdf([["Annual plan 2024", "Build 12 new schools (by 2025)."], ["Page two."]])
    assert pdf_text(pdf) == "Annual plan 2024\nBuild 12 new schools (by 2025).\n\nPage two.\n"
    assert pdf_text(b"%PDF-1.4 not really") is None


def test_kinds_and_encodings_are_recognised() -> None:
    assert guess_kind(Path("x.bin"), b"%PDF-1.7") == "pdf"
    assert guess_kind(Path("x.txt"), b"\n <!DOCTYPE html><html>") == "html"
    assert guess_kind(Path("x.htm"), b"<p>hi") == "html"
    assert guess_kind(Path("x"), b"plain") == "text"
    assert decode_text("萬人".encode("gb18030"), None, "gb2312") == "萬人"  # GB2312 named, GBK used
    assert decode_text("萬人".encode("gb18030"), None) is None
    assert decode_text(b"\xef\xbb\xbfx", None) == "x"


# ---------------------------------------------------------------- source add


ADD = (
    "--title",
    "示例市2024年国民经济和社会发展计划",
    "--title-en",
    "Example City plan for 2024",
    "--publisher",
    "示例市人民政府",
    "--jurisdiction",
    "cn/zhejiang/hangzhou/binjiang",
    "--date",
    "2024-01",
    "--retrieved",
    "2024-02-01",
)


@pytest.fixture
def add(
    ledger: Callable[..., Path], run: Callable[..., Result], chdir_tmp: Path
) -> Callable[..., Result]:
    ledger({})

    def invoke(name: str, data: bytes | str, *extra: str) -> Result:
        document = chdir_tmp / name
        if isinstance(data, str):
            document.write_text(data, encoding="utf-8")
        else:
            document.write_bytes(data)
        return run("source", "add", name, *extra, "--ledger", "ledger")

    return invoke


def test_source_add_archives_html_and_creates_the_ledger_file(
    add: Callable[..., Result], run: Callable[..., Result], chdir_tmp: Path
) -> None:
    result = add(
        "plan.html",
        HTML_PAGE,
        "--id",
        "binjiang-2024-plan",
        *ADD,
        "--url",
        "https://example.org/p.html",
    )
    archive = chdir_tmp / "ledger" / "sources" / "binjiang-2024-plan.txt"
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"archived ledger/sources/binjiang-2024-plan.txt (html, {len(html_text(HTML_PAGE))} "
        f"characters, sha256 {digest[:12]}…)",
        "created ledger/cn/zhejiang/hangzhou/binjiang/2024-plan.yaml with source "
        "'binjiang-2024-plan'; add its pledges with",
        "  pledges new --file ledger/cn/zhejiang/hangzhou/binjiang/2024-plan.yaml --title … "
        "--quote … --deadline …",
    ]
    assert archive.read_text(encoding="utf-8") == html_text(HTML_PAGE)
    created = chdir_tmp / "ledger" / "cn" / "zhejiang" / "hangzhou" / "binjiang" / "2024-plan.yaml"
    assert created.read_text(encoding="utf-8") == (
        "format: 2\n"
        "source:\n"
        "  id: binjiang-2024-plan\n"
        "  title: 示例市2024年国民经济和社会发展计划\n"
        "  title_en: Example City plan for 2024\n"
        "  publisher: 示例市人民政府\n"
        "  jurisdiction: cn/zhejiang/hangzhou/binjiang\n"
        "  date: 2024-01\n"
        "  url: https://example.org/p.html\n"
        "  archive: sources/binjiang-2024-plan.txt\n"
        f"  sha256: {digest}\n"
        "  retrieved: 2024-02-01\n"
        "  language: zh-Hans\n"
        "\n"
        "pledges: []\n"
    )
    assert run("lint", "--strict", "--ledger", "ledger").stdout == "no problems found\n"


def test_source_add_keeps_utf8_text_byte_for_byte_and_reads_pdf(
    add: Callable[..., Result], chdir_tmp: Path
) -> None:
    text = "第一行\r\n\r\n  第二行 \r\n"
    assert add("a.txt", text, "--id", "binjiang-a", *ADD).exit_code == 0
    assert (chdir_tmp / "ledger" / "sources" / "binjiang-a.txt").read_bytes() == text.encode()
    pdf = make_pdf([["Plant 3,000 trees in 2024."]])
    result = add("b.pdf", pdf, "--id", "binjiang-b", *ADD, "--language", "en")
    assert result.exit_code == 0, result.stderr
    assert (chdir_tmp / "ledger" / "sources" / "binjiang-b.txt").read_text() == (
        "Plant 3,000 trees in 2024.\n"
    )


def test_english_sources_default_their_english_title(
    add: Callable[..., Result], chdir_tmp: Path
) -> None:
    options = [a for a in ADD if a not in ("--title-en", "Example City plan for 2024")]
    result = add("a.txt", "text\n", "--id", "binjiang-en", *options, "--language", "en")
    assert result.exit_code == 0, result.stderr
    created = chdir_tmp / "ledger" / "cn" / "zhejiang" / "hangzhou" / "binjiang" / "en.yaml"
    assert "  title_en: 示例市2024年国民经济和社会发展计划\n" in created.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (
            ("--id", "Bad Id"),
            2,
            "pledges: --id: 'Bad Id' is not a source id: lowercase ASCII letters, digits, '.', "
            "'_' and '-', starting with a letter or digit (the schema's ^[a-z0-9][a-z0-9._-]*$)",
        ),
        (("--id", "binjiang-x", "--date", "2024-13"), 2, "pledges: --date: "),
        (("--id", "binjiang-x", "--url", "javascript:alert(1)"), 2, "pledges: --url: only http"),
        (
            ("--id", "binjiang-x", "--jurisdiction", "cn/zhejiang/hangzhou/binjang"),
            1,
            "pledges source add:1:1: PL900 error --jurisdiction: 'cn/zhejiang/hangzhou/binjang' "
            "is not in jurisdictions.yaml (did you mean 'cn/zhejiang/hangzhou/binjiang'?)",
        ),
        (
            ("--id", "binjiang-x", "--jurisdiction", "cn/atlantis"),
            1,
            "pledges source add:1:1: PL900 error --jurisdiction: 'cn/atlantis' is not in "
            "jurisdictions.yaml (add it first: pledges jurisdiction add cn/atlantis --name … "
            "--level …)",
        ),
    ],
)
def test_source_add_refuses_bad_options_and_writes_nothing(
    add: Callable[..., Result], chdir_tmp: Path, extra: tuple[str, ...], code: int, message: str
) -> None:
    result = add("a.txt", "text\n", *ADD, *extra)
    assert result.exit_code == code
    assert result.stderr.startswith(message), result.stderr
    assert not (chdir_tmp / "ledger" / "sources").exists()
    assert not (chdir_tmp / "ledger" / "cn").exists()


def test_source_add_never_overwrites(add: Callable[..., Result], chdir_tmp: Path) -> None:
    assert add("a.txt", "one\n", "--id", "binjiang-a", *ADD).exit_code == 0
    again = add("a.txt", "two\n", "--id", "binjiang-a", *ADD)
    assert again.exit_code == 1
    assert again.stderr.strip() == (
        "ledger/cn/zhejiang/hangzhou/binjiang/a.yaml:3:7: PL902 error source id 'binjiang-a' "
        "is already declared here (choose another --id)"
    )
    # the same file name from another id: both files are checked before anything is written
    (chdir_tmp / "ledger" / "sources" / "binjiang-c.txt").write_text("mine\n", encoding="utf-8")
    clash = add("c.txt", "three\n", "--id", "binjiang-c", *ADD)
    assert clash.exit_code == 1
    assert clash.stderr.strip() == (
        "ledger/sources/binjiang-c.txt:1:1: PL902 error already exists; refusing to overwrite it"
    )
    assert (chdir_tmp / "ledger" / "sources" / "binjiang-c.txt").read_text() == "mine\n"
    assert not (
        chdir_tmp / "ledger" / "cn" / "zhejiang" / "hangzhou" / "binjiang" / "c.yaml"
    ).exists()


def test_source_add_writes_both_files_or_neither(
    add: Callable[..., Result], chdir_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = atomic.create
    calls: list[str] = []

    def second_fails(path: Path, name: str, data: bytes, mode: int = 0o666) -> object:
        calls.append(name)
        if len(calls) == 2:
            return refusal(name, "PL905", "was not written: disk full")
        return real(path, name, data, mode)

    monkeypatch.setattr(atomic, "create", second_fails)
    result = add("a.txt", "text\n", "--id", "binjiang-a", *ADD)
    assert result.exit_code == 1
    assert calls == ["ledger/sources/binjiang-a.txt", "ledger/cn/zhejiang/hangzhou/binjiang/a.yaml"]
    assert not (chdir_tmp / "ledger" / "sources" / "binjiang-a.txt").exists()
    assert not (
        chdir_tmp / "ledger" / "cn" / "zhejiang" / "hangzhou" / "binjiang" / "a.yaml"
    ).exists()


def test_source_add_reports_unreadable_documents(add: Callable[..., Result]) -> None:
    gbk = add("a.txt", "萬人".encode("gb18030"), "--id", "binjiang-a", *ADD)
    assert (gbk.exit_code, gbk.stderr.strip()) == (
        3,
        "a.txt:1:1: PL001 error is not UTF-8 text; name its encoding with --encoding "
        "(e.g. gb18030)",
    )
    ok = add("a.txt", "萬人".encode("gb18030"), "--id", "binjiang-a", *ADD, "--encoding", "gb18030")
    assert ok.exit_code == 0, ok.stderr
    broken = add("b.pdf", b"%PDF-1.4\nbroken", "--id", "binjiang-b", *ADD)
    assert (broken.exit_code, broken.stderr.strip()) == (
        3,
        "b.pdf:1:1: PL001 error is not a PDF pypdf can read (damaged or encrypted)",
    )
    empty = add("c.pdf", make_pdf([[]]), "--id", "binjiang-c", *ADD)
    assert empty.stderr.strip() == (
        "c.pdf:1:1: PL001 error holds no text layer (a scanned PDF?); archive a text version of it"
    )


def test_missing_english_title_is_a_usage_error_without_a_terminal(
    add: Callable[..., Result],
) -> None:
    options = [a for a in ADD if a not in ("--publisher", "示例市人民政府")]
    result = add("a.txt", "x\n", "--id", "binjiang-a", *options)
    assert (result.exit_code, result.stderr.strip()) == (
        2,
        "pledges: missing required option: --publisher",
    )


# ---------------------------------------------------------------- source list and check


def test_source_list_and_check(
    add: Callable[..., Result], run: Callable[..., Result], chdir_tmp: Path
) -> None:
    assert add("a.txt", "一\n", "--id", "binjiang-a", *ADD).exit_code == 0
    assert add("b.txt", "二\n", "--id", "binjiang-b", *ADD).exit_code == 0
    listed = json.loads(run("source", "list", "--format", "json", "--ledger", "ledger").stdout)
    assert [(s["id"], s["archive"], s["archive_status"], s["line"]) for s in listed] == [
        ("binjiang-a", "sources/binjiang-a.txt", "ok", 2),
        ("binjiang-b", "sources/binjiang-b.txt", "ok", 2),
    ]
    table = run("source", "list", "--ledger", "ledger").stdout.splitlines()
    assert table[0].split() == ["id", "date", "archive", "file"]
    assert table[1].split()[:3] == ["binjiang-a", "2024-01", "ok"]
    check = run("source", "check", "--ledger", "ledger")
    assert (check.exit_code, check.stdout.splitlines()[-1]) == (0, "2 archives match their sha256")
    (chdir_tmp / "ledger" / "sources" / "binjiang-b.txt").write_text("改\n", encoding="utf-8")
    (chdir_tmp / "ledger" / "sources" / "binjiang-a.txt").unlink()
    check = run("source", "check", "--ledger", "ledger")
    assert (check.exit_code, check.stdout.splitlines()) == (
        1,
        [
            "unreadable   binjiang-a  sources/binjiang-a.txt: ledger/sources/binjiang-a.txt "
            "cannot be read: No such file or directory",
            "changed      binjiang-b  sources/binjiang-b.txt",
            "2 of 2 archives do not match",
        ],
    )


# ---------------------------------------------------------------- show


def _context(quote: str, terminal: bool) -> list[str]:
    text = SourceText("第一段\n\n指标\n地区生产总值\n增长6%\n\n尾声\n")
    archive = Archive("sources/a.txt", "ledger/sources/a.txt", "0" * 64, text)
    source = Source("a", None, None, None, None, None, None, "a.yaml", archive="sources/a.txt")
    screen = Screen(terminal=terminal, width=60, color_system="standard" if terminal else None)
    lines = quote_context(quote, source, {"sources/a.txt": archive}, not terminal, 2)
    return Painter(screen).lines(lines)


def test_a_quote_in_context_is_marked_plainly_off_a_terminal() -> None:
    assert _context("地区生产总值 增长6%", terminal=False) == [
        "  ledger/sources/a.txt:4",
        "  3 │ 指标",
        "  4 │ [[地区生产总值]]",
        "  5 │ [[增长6%]]",
        "  7 │ 尾声",
    ]


def test_a_quote_in_context_is_highlighted_in_a_terminal() -> None:
    shown = "\n".join(_context("地区生产总值 增长6%", terminal=True))
    assert "[[" not in shown
    assert "\x1b[1;7m地区生产总值\x1b[0m" in shown
    assert "\x1b[1;7m增长6%\x1b[0m" in shown


def test_a_long_context_line_wraps_under_its_text() -> None:
    line = [("  12 │ ", "dim"), ("甲" * 30, ""), ("乙乙", "bold reverse")]
    assert wrap_line(line, 40, 7) == [
        [("  12 │ ", "dim"), ("甲" * 16, "")],
        [("       ", ""), ("甲" * 14, ""), ("乙乙", "bold reverse")],
    ]


_HTML_PIECES = [
    *"<>/=\"' &;#x0a-zA-Z中文\n\t\r\x00\x85",
    *("<p>", "</p>", "<td>", "<tr>", "<table>", "<br>", "<script>", "</script>", "<pre>"),
    *("</pre>", "&amp;", "&#0;", "&#x85;", "<!--", "-->", "<![CDATA[", "<div hidden>"),
]


@given(st.lists(st.sampled_from(_HTML_PIECES), max_size=60).map("".join))
def test_html_text_never_raises_and_keeps_no_control_characters(page: str) -> None:
    text = html_text(page)
    assert all(ch in "\t\n" or not unicodedata.category(ch).startswith("C") for ch in text)
    assert text == "" or text.endswith("\n")
    assert "\n\n\n" not in text


@settings(deadline=None, max_examples=40)
@given(st.binary(max_size=300))
def test_pdf_text_of_any_bytes_is_text_or_none(data: bytes) -> None:
    text = pdf_text(b"%PDF-1.4\n" + data)
    assert text is None or isinstance(text, str)


def test_hostile_archive_text_is_escaped_in_show_and_source_commands(
    add: Callable[..., Result], run: Callable[..., Result], chdir_tmp: Path
) -> None:
    hostile = "目标\x1b[2J:\u202e地区生产总值增长6%\x1b]8;;https://evil.example/\x07\n"
    assert add("a.txt", hostile, "--id", "binjiang-a", *ADD).exit_code == 0
    created = "ledger/cn/zhejiang/hangzhou/binjiang/a.yaml"
    new = run(
        "new", "--file", created, "--id", "binjiang/2024/gdp", "--title", "GDP",
        "--quote", "地区生产总值增长6%", "--deadline", "2024", "--ledger", "ledger",
    )  # fmt: skip
    assert new.exit_code == 0, new.stderr
    outputs = [
        run("show", "binjiang/2024/gdp", "--ledger", "ledger").stdout,
        run("source", "list", "--ledger", "ledger").stdout,
        run("source", "list", "--format", "json", "--ledger", "ledger").stdout,
        run("source", "check", "--ledger", "ledger").stdout,
    ]
    for output in outputs:
        assert "\x1b" not in output and "\u202e" not in output and "\x07" not in output
    context = [line.rstrip() for line in outputs[0].splitlines()]
    line = "1 │ 目标\\x1b[2J:\\u202e[[地区生产总值增长6%]]\\x1b]8;;https://evil.example/\\x07"
    assert " " * 14 + line in context  # under the quote, in the label column


# ---------------------------------------------------------------- source archive


ARCHIVABLE = """\
- id: t/gdp
  title: Grow GDP
  quote: 地区生产总值增长6%
  deadline: 2024
  progress:
    - period: 2024
      value: 6.1
      evidence:
        - source: test-report
          quote: 增长6.1%
"""


def test_source_archive_archives_an_existing_source_with_an_edit(
    ledger: Callable[..., Path], run: Callable[..., Result], chdir_tmp: Path
) -> None:
    root = ledger(
        {
            "a.yaml": pledges_file(ARCHIVABLE).replace(
                "  date: 2023-01\n",
                "  date: 2023-01\n  language: zh-Hans  # the quotes' language\n",
            )
        }
    )
    before = (root / "a.yaml").read_text(encoding="utf-8")
    assert run("lint", "--strict", "--ledger", "ledger").exit_code == 1  # PL261
    (chdir_tmp / "doc.html").write_text(
        "<p>目标:地区生产总值增长6%。</p><table><tr><td>地区生产总值</td><td>增长6.1%</td></tr></table>",
        encoding="utf-8",
    )
    result = run(
        "source", "archive", "doc.html", "--id", "test-report", "--retrieved", "2024-03-01",
        "--ledger", "ledger",
    )  # fmt: skip
    archive = root / "sources" / "test-report.txt"
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    assert (result.exit_code, result.stdout.splitlines()[1:]) == (
        0,
        ["recorded archive, sha256, retrieved: written to ledger/a.yaml:8"],
    )
    assert (root / "a.yaml").read_text(encoding="utf-8") == before.replace(
        "  language: zh-Hans",
        "  archive: sources/test-report.txt\n"
        f"  sha256: {digest}\n"
        "  retrieved: 2024-03-01\n"
        "  language: zh-Hans",
    )
    lint = run("lint", "--strict", "--ledger", "ledger")
    assert (lint.exit_code, lint.stdout) == (
        0,
        "no problems found; 2 quotes verified against 1 archived source\n",
    )
    again = run("source", "archive", "doc.html", "--id", "test-report", "--ledger", "ledger")
    assert (again.exit_code, again.stderr.strip()) == (
        1,
        "ledger/a.yaml:8:12: PL902 error source 'test-report' already has an archive "
        "('pledges source check' re-hashes it)",
    )


def test_source_archive_refuses_a_text_without_the_quotes_and_keeps_nothing(
    ledger: Callable[..., Path], run: Callable[..., Result], chdir_tmp: Path
) -> None:
    root = ledger({"a.yaml": pledges_file(ARCHIVABLE)})
    before = (root / "a.yaml").read_bytes()
    (chdir_tmp / "doc.txt").write_text("地区生产总值增长6%\n", encoding="utf-8")
    result = run("source", "archive", "doc.txt", "--id", "test-report", "--ledger", "ledger")
    assert result.exit_code == 1
    assert (
        result.stderr.splitlines()[0].startswith(
            "ledger/a.yaml:19:18: PL260 error source test-report: archive, sha256, retrieved, "
            "progress[0].evidence[0].quote: quote not found"
        )
        or "PL260" in result.stderr.splitlines()[0]
    ), result.stderr
    assert (root / "a.yaml").read_bytes() == before
    assert not (root / "sources" / "test-report.txt").exists()
    unknown = run("source", "archive", "doc.txt", "--id", "test-reprot", "--ledger", "ledger")
    assert (unknown.exit_code, unknown.stderr.strip()) == (
        1,
        "pledges source archive:1:1: PL901 error no source 'test-reprot' in the ledger "
        "(did you mean 'test-report'?)",
    )
