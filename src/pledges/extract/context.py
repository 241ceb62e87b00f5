"""What a document says about itself: the year its targets are for, a plan period."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pledges.extract.text import SourceText

_FIVE_YEAR = re.compile(r"十([一二三四五六七八九])五")
_ORDINAL = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}
_YEAR = re.compile(r"(?<![0-9])(20[0-9]{2})\s*年")
_TITLE_YEAR = re.compile(
    r"(?<![0-9])(20[0-9]{2})\s*年\s*(政府工作报告|国民经济和社会发展计划|工作要点|工作计划)"
)
_DATED = re.compile(r"(成文日期|发布日期|印发日期)\s*[|:：]?\s*(20[0-9]{2})")


@dataclass(frozen=True)
class DocumentContext:
    year: int  # the year the document's annual targets are for
    plan_start: int | None = None  # a five-year plan's first and last years
    plan_end: int | None = None

    @property
    def default_deadline(self) -> int:
        return self.plan_end or self.year


def five_year_plan(text: str) -> tuple[int, int] | None:
    """The period of the five-year plan a document is, if it names one often."""
    counts = Counter(m.group(1) for m in _FIVE_YEAR.finditer(text))
    often = [o for o, seen in counts.items() if seen >= 3]
    if not often or "规划" not in text:
        return None
    # a plan reviews the one before it: the latest plan named is the document's own
    ordinal = max(often, key=lambda o: _ORDINAL[o])
    # the 10th plan covered 2001-2005; each plan five years after
    start = 2001 + _ORDINAL[ordinal] * 5
    return start, start + 4


def detect(text: SourceText, review: list[bool], year: int | None = None) -> DocumentContext:
    """The document's year: given, or the year its plan sections name most often."""
    plan = five_year_plan(text.simp)
    if year is None:
        counts: Counter[int] = Counter()
        for (start, end), in_review in zip(text.lines(), review, strict=True):
            if in_review:
                continue
            counts.update(int(y) for y in _YEAR.findall(text.simp[start:end]))
        titled = _TITLE_YEAR.findall(text.simp[:2000])
        dated = _DATED.search(text.simp[:2000])
        if plan is not None:
            year = plan[1]
        elif titled:
            year = max(int(y) for y, _ in titled)
        elif dated:
            year = int(dated.group(2))
        elif counts:
            top = max(counts.values())
            year = max(y for y, n in counts.items() if n == top)
        else:
            all_years = [int(y) for y in _YEAR.findall(text.simp)]
            year = max(all_years) if all_years else 0
    if plan is not None:
        return DocumentContext(year, plan[0], plan[1])
    return DocumentContext(year)
