"""A source text prepared for extraction: folded to simplified characters, split into
clauses, each clause knowing its section (review of the past or plan for the future)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

# Characters that end a clause; a quote never crosses one.
CLAUSE_END = "，,。；;！!？?：:\n|"
SENTENCE_END = "。；;！!？?\n"

_REVIEW_HEAD = re.compile(
    r"(回顾|过去(一|五|的)年|工作成效|主要成绩|完成情况|执行情况|取得的成绩|发展基础|发展成就|"
    r"上半年(工作|主要)|一年来|五年来)"
)
_PLAN_HEAD = re.compile(
    r"(工作安排|主要(预期)?目标|目标任务|总体要求|重点工作|下半年|今后五年|"
    r"(20\d\d|今|明)年(的)?(工作|主要|经济社会)|规划|展望|发展目标|奋斗目标|主要任务)"
)
_HEADING = re.compile(
    r"^\s*(第[一二三四五六七八九十]+[章节篇部分]|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]"
    r"|[0-9]+[、.．]\s*\S)"
)


@cache
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """The text in simplified characters, character for character (same length).

    OpenCC converts phrases; where a phrase conversion would change the length, the
    characters are converted one by one, so every index stays valid in the original.
    """
    text = unicodedata.normalize("NFC", text)
    converter = _converter()
    whole: str = converter.convert(text)
    if len(whole) == len(text):
        return whole
    out = []
    for char in text:
        single: str = converter.convert(char)
        out.append(single if len(single) == 1 else char)
    return "".join(out)


@dataclass(frozen=True)
class Clause:
    start: int  # offsets into the text
    end: int
    review: bool  # in a section that reports the past


@dataclass
class SourceText:
    """The original text (for quotes) and its folded form (for matching)."""

    raw: str
    simp: str
    line_starts: list[int]

    @classmethod
    def of(cls, raw: str) -> SourceText:
        raw = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
        starts = [0] + [m.end() for m in re.finditer("\n", raw)]
        return cls(raw, fold(raw), starts)

    def line_of(self, offset: int) -> int:
        import bisect

        return bisect.bisect_right(self.line_starts, offset)

    def lines(self) -> list[tuple[int, int]]:
        ends = [s - 1 for s in self.line_starts[1:]] + [len(self.raw)]
        return list(zip(self.line_starts, ends, strict=True))


def review_lines(text: SourceText) -> list[bool]:
    """For each line, whether it lies in a section that reviews the past.

    A heading line that names a review (回顾, 过去一年, 完成情况…) opens a review section;
    one that names a plan (工作安排, 主要目标, 规划…) opens a plan section. Text before
    any heading counts as plan text.
    """
    marks: list[bool] = []
    review = False
    for start, end in text.lines():
        line = text.simp[start:end]
        short = len(line.strip()) <= 40 and "|" not in line
        if short or _HEADING.match(line):
            head = line[:40]
            if _REVIEW_HEAD.search(head):
                review = True
            elif _PLAN_HEAD.search(head):
                review = False
        marks.append(review)
    return marks


def quote_of(text: SourceText, start: int, end: int) -> str:
    """The original text of a span, each run of whitespace that holds a line break made one
    space: quotes are matched with whitespace runs as equivalent, so it stays verbatim."""
    return re.sub(r"\s*\n\s*", " ", text.raw[start:end]).strip()


def clause_at(text: SourceText, index: int) -> tuple[int, int]:
    """The clause around `index`: between the nearest clause ends on either side."""
    start = index
    while start > 0 and text.simp[start - 1] not in CLAUSE_END:
        start -= 1
    end = index
    while end < len(text.simp) and text.simp[end] not in CLAUSE_END:
        end += 1
    while start < end and text.simp[start].isspace():
        start += 1
    while end > start and text.simp[end - 1].isspace():
        end -= 1
    return start, end
