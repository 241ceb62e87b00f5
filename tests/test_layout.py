"""Fixed-width layout: truncation, wrapping that never breaks an id, escaping, tables."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from pledges.judge.query import evaluate_all
from pledges.present.layout import Painter, Screen, truncate, wrap
from pledges.present.tables import Cells, header, piped_line, plan, row_cells, row_lines
from pledges.read.loader import load
from tests.conftest import pledges_file

ANSI = re.compile(r"\x1b\[[0-9;]*m")
WORDS = st.lists(
    st.one_of(
        st.from_regex(r"[a-z0-9/.\-]{1,30}", fullmatch=True),
        st.text(alphabet="城镇居民人均可支配收入与经济增长基本同步，。", min_size=1, max_size=12),
    ),
    min_size=1,
    max_size=12,
)


def test_truncate_counts_display_columns() -> None:
    assert truncate("Grow GDP by at least 5.0% in 2023", 12) == "Grow GDP by…"
    assert truncate("地区生产总值2600亿元", 9) == "地区生产…"
    assert cell_len(truncate("地区生产总值2600亿元", 9)) == 9
    assert truncate("short", 5) == "short"
    assert truncate("anything", 0) == ""


def test_wrap_breaks_at_spaces_and_between_wide_characters() -> None:
    assert wrap("the quick brown fox", 9) == ["the quick", "brown fox"]
    assert wrap("实现地区生产总值2467.9亿元、增长8.0%", 12) == [
        "实现地区生产",
        "总值2467.9亿",
        "元、增长8.0%",
    ]
    # closing punctuation never starts a line
    assert wrap("一二三四五，六", 10) == ["一二三四", "五，六"]


def test_wrap_gives_a_too_long_id_its_own_line() -> None:
    text = "see ledger/cn/zhejiang/hangzhou/xiaoshan/14th-five-year-plan.yaml:676:5 now"
    assert wrap(text, 30) == [
        "see",
        "ledger/cn/zhejiang/hangzhou/xiaoshan/14th-five-year-plan.yaml:676:5",
        "now",
    ]
    assert wrap("aaaa bbbb cccc", 9, first=2) == ["", "aaaa bbbb", "cccc"]


@given(WORDS, st.integers(min_value=8, max_value=100))
def test_wrap_keeps_every_word_whole_and_within_the_width(words: list[str], width: int) -> None:
    text = " ".join(words)
    lines = wrap(text, width)
    narrow = [w for w in words if w.isascii()]
    for word in narrow:
        assert any(word in line.split(" ") for line in lines), word
    for line in lines:
        assert cell_len(line) <= width or (line.isascii() and " " not in line)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_painter_styles_only_a_colour_terminal() -> None:
    line = [("achieved", "green"), (" ok", "")]
    assert Painter(Screen(True, 80, "standard")).line(line) == "\x1b[32machieved\x1b[0m ok"
    assert Painter(Screen(True, 80, None)).line(line) == "achieved ok"
    assert Painter(Screen(False)).line(line) == "achieved ok"


def item(pledge_id: str, title: str = "A title") -> Cells:
    return Cells(pledge_id, "on_track", 0.5, "2025", "12%", "≥20%", title, "据")


def test_short_ids_on_a_wide_screen_make_one_line_rows() -> None:
    rows = [item("a/gdp", "Raise GDP " * 10), item("a/jobs")]
    layout = plan(rows, Screen(True, 120))
    assert not layout.stacked
    lines = [Painter(layout.screen).line(line) for line in row_lines(rows[0], layout)]
    assert len(lines) == 1
    assert lines[0].startswith("a/gdp   on_track  █████·····  50%  2025  12%     ≥20%    Raise")
    assert cell_len(lines[0]) == 120 and lines[0].endswith("…")
    head = Painter(layout.screen).line(header(layout)[0])
    assert head.split() == ["pledge", "status", "progress", "due", "figure", "target", "title"]


def test_the_same_rows_stack_on_a_narrow_screen() -> None:
    rows = [item("a/gdp", "Raise GDP " * 10), item("a/jobs")]
    layout = plan(rows, Screen(True, 80))
    assert layout.stacked
    lines = [Painter(layout.screen).line(line) for line in row_lines(rows[0], layout)]
    assert lines == [
        "a/gdp   Raise GDP Raise GDP Raise GDP Raise GDP Raise GDP Raise GDP Raise GDP R…",
        "  on_track  █████·····  50%  2025  12%     ≥20%",
    ]


def test_a_long_id_pushes_its_own_title_and_is_never_cut() -> None:
    long_id = "xiaoshan/14th-fyp/ch11-migrant-children-public-schools-mores"
    assert len(long_id) == 60
    rows = [item("a/b"), item("a/c"), item("a/d"), item("a/e"), item(long_id, "Title " * 9)]
    layout = plan(rows, Screen(True, 80))
    lines = [Painter(layout.screen).line(line) for line in row_lines(rows[-1], layout)]
    assert lines[0] == long_id + "  Title Title Title…"
    first = row_lines(rows[0], layout)[0]
    assert Painter(layout.screen).line(first) == "a/b     A title"
    narrower = plan(rows, Screen(True, 70))
    lines = [Painter(narrower.screen).line(line) for line in row_lines(rows[-1], narrower)]
    assert lines[0] == long_id
    assert lines[1] == "  Title Title Title Title Title Title Title Title Title"


def test_wide_wraps_the_title_instead_of_cutting_it() -> None:
    rows = [item("a/gdp", "Raise GDP to 2600亿元 by 2025 while keeping growth steady")]
    layout = plan(rows, Screen(True, 50), wide=True, quote=True)
    lines = [Painter(layout.screen).line(line) for line in row_lines(rows[0], layout)]
    assert lines[:4] == [
        "a/gdp   Raise GDP to 2600亿元 by 2025 while",
        "        keeping growth steady",
        "        “据”",
        "  on_track  █████·····  50%  2025  12%     ≥20%",
    ]


def test_piped_rows_are_tab_separated_and_untruncated() -> None:
    row = item("a/gdp", "Raise GDP " * 20)
    assert piped_line(row).split("\t") == [
        "a/gdp",
        "on_track",
        "50%",
        "2025",
        "12%",
        "≥20%",
        "Raise GDP " * 20,
    ]
    assert piped_line(row, quote=True).endswith("\t据")


def test_row_texts_are_escaped(ledger: Callable[..., Path]) -> None:
    root = ledger(
        {
            "a.yaml": pledges_file("""\
                - id: t/evil
                  title: "Open \\e[31mred\\e[0m \\u202eschools"
                  quote: "据\\n下一行"
                  deadline: 2024
                """)
        }
    )
    (row,) = evaluate_all(load(root), __import__("datetime").date(2025, 1, 1))
    cells = row_cells(row)
    assert cells.title == "Open \\x1b[31mred\\x1b[0m \\u202eschools"
    assert cells.quote == "据 下一行"
    assert ANSI.search(piped_line(cells, quote=True)) is None
