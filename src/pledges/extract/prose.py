"""Candidate pledges from running text: one per quantified commitment in a clause."""

from __future__ import annotations

import re
from typing import Any

from pledges.extract import rules
from pledges.extract.candidate import Candidate, tags_for
from pledges.extract.context import DocumentContext
from pledges.extract.figures import Figure, cn_number, figures
from pledges.extract.text import SENTENCE_END, SourceText, clause_at, quote_of
from pledges.model.registries import Unit

_TO_YEAR = re.compile(r"(到|至|于|截至)?\s*(20[0-9]{2})\s*年\s*(底|末)?(前)?")
_MONTH = re.compile(r"(?<![0-9])([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*月(底|份|末|中旬|初)?")
_QUARTER = re.compile(r"([一二三四])季度")
_PLAN_SPAN = re.compile(r"十[一二三四五六七八九]五”?(期间|末|时期)|五年")
_HALF = {"上半年": "H1", "下半年": "H2"}
_HALF_WORDS = re.compile("上半年|下半年")
_QUOTED = re.compile(r"“[^”]{0,30}”|\"[^\"]{0,30}\"")
_QUALIFIER = re.compile(r"^(及以上|以上)?的?[\u4e00-\u9fff“]")
_PERSONS_CONTEXT = re.compile(r"(就业|人才|人员|人口|学生|游客|职工|劳动力|志愿者)")
_FUTURE_STRONG = re.compile(r"(力争|确保|争取|计划|预计到|目标|将|到20[0-9]{2}年|下半年|明年|今年)")


def sentence_start(text: SourceText, index: int) -> int:
    start = index
    while start > 0 and text.simp[start - 1] not in SENTENCE_END:
        start -= 1
    return start


def _nearest(pattern: re.Pattern[str], before: str, after: str) -> re.Match[str] | None:
    """The last match before a figure in its clause, else the first after it."""
    found = list(pattern.finditer(before))
    return found[-1] if found else pattern.search(after)


def deadline(
    prefix: str, ctx: DocumentContext, clause: tuple[str, str] = ("", "")
) -> tuple[str | int, str]:
    """The period a target is due: a year from the sentence up to the figure, a month,
    quarter or half year from the figure's own clause."""
    years = [int(m.group(2)) for m in _TO_YEAR.finditer(prefix)]
    year = years[-1] if years else None
    base = year or ctx.year
    before, after = clause
    half = _nearest(_HALF_WORDS, before, after)
    if half:
        return f"{base}-{_HALF[half.group(0)]}", "half"
    quarter = _nearest(_QUARTER, before, after)
    if quarter:
        return f"{base}-Q{'一二三四'.index(quarter.group(1)) + 1}", "quarter"
    month = _nearest(_MONTH, before, after)
    if month:
        number = cn_number(month.group(1))
        if isinstance(number, int) and 1 <= number <= 12:
            return f"{base}-{number:02d}", "month"
    if year is not None:
        return year, "year"
    if ctx.plan_end and _PLAN_SPAN.search(prefix):
        return ctx.plan_end, "plan"
    return ctx.default_deadline, "default"


def operator(before: str, after: str) -> tuple[str, str]:
    for word, op in rules.OP_AFTER:
        if after.startswith(word):
            return op, word
    best: tuple[int, str, str] | None = None
    for word, op in rules.OP_BEFORE:
        at = before.rfind(word)
        if at >= 0 and (best is None or at + len(word) > best[0]):
            best = (at + len(word), op, word)
    if best is not None:
        return best[1], best[2]
    return ">=", "floor"


def metric_name(before: str, after: str) -> str:
    """The words that name what a figure measures: the text before it in its clause,
    from the last enumeration comma on, with cue words and other figures taken out."""
    from pledges.extract.figures import FIGURE

    last = before.rsplit("、", 1)[-1]
    if len(_trimmed(last)) >= 2:
        return _trimmed(last, after)
    return _trimmed(FIGURE.sub("", before).replace("、", ""), after)


def _trimmed(before: str, after: str = "") -> str:
    name = rules.NAME_TRIM_START.sub("", before)
    name = rules.NAME_TRIM_END.sub("", name)
    name = re.sub(r"(增长|增速|增幅|涨幅|降幅|下降|降低|减少|上涨|提高)$", "", name)
    name = rules.NAME_TRIM_END.sub("", name)
    if len(name) < 2:
        tail = re.split(r"[，,。；;、（(]", after, maxsplit=1)[0]
        tail = re.sub(r"^(以上|以内|左右|以下|及以上)", "", tail)
        name = (name + tail).strip()
    return name.strip(" 　“”\"'")


def kind_of(
    before: str, name: str, unit: str, *, plan: bool = False, every: str | None = None
) -> str:
    """level, flow or rate, from the words of the clause and the kind of document.

    A percent is a rate (growth) unless the name is a share, ratio or coverage; in a
    multi-year plan a count is what the period adds up to (a level) unless it recurs
    every year; in an annual document a count or amount is this year's (a flow) unless
    the words say it is a standing level (达到, 保持, 累计, 总量 …).
    """
    if unit in ("percent", "percentage-points"):
        if rules.GROWTH.search(before) or rules.RATE_NAMES.search(name):
            return "rate"
        return "level" if rules.SHARE.search(name) else "rate"
    if every is not None:
        return "flow"
    if rules.CUMULATIVE.search(before) or rules.STANDING.search(before) or plan:
        return "level"
    return "flow" if rules.FLOW.search(before) or unit in rules.FLOW_UNITS else "level"


def _first_period(every: str | None, due: str | int, ctx: DocumentContext) -> int | None:
    """A recurring target runs from the plan's first year, else from its deadline's year."""
    if every is None:
        return None
    year = int(str(due)[:4])
    return ctx.plan_start if ctx.plan_start and ctx.plan_start <= year else year


def every_of(prefix: str) -> str | None:
    for word, value in rules.EVERY:
        if word in prefix:
            return value
    return None


def _resolve_unit(fig: Figure, clause: str, before: str) -> str:
    return fig.unit


def _target(fig: Figure, op: str, before: str) -> dict[str, Any]:
    value: float | int = fig.value
    if fig.high is not None:
        return {"op": "between", "value": [fig.value, fig.high]}
    if fig.unit in ("percent", "percentage-points") and rules.DECLINE.search(before.rstrip()):
        value = -value
        op = {">=": "<=", ">": "<", "about": "about"}.get(op, op)
    return {"op": op, "value": value}


def _inside_quotes(clause: str, at: int) -> bool:
    return any(m.start() < at < m.end() for m in _QUOTED.finditer(clause))


def _qualifier(after: str, figs: list[Figure], index: int, clause_end: int) -> bool:
    """`10亿元以上项目20个`: the first figure describes what the second counts."""
    following = figs[index + 1] if index + 1 < len(figs) else None
    return bool(
        following is not None
        and following.start < clause_end
        and _QUALIFIER.match(after)
        and following.unit != figs[index].unit
    )


def commits(clause: str, in_review: bool) -> bool:
    if rules.PAST.search(clause) and not _FUTURE_STRONG.search(clause):
        return False
    if in_review:
        return bool(_FUTURE_STRONG.search(clause))
    return True


def from_prose(
    text: SourceText,
    review: list[bool],
    skip_lines: set[int],
    ctx: DocumentContext,
    units: dict[str, Unit],
) -> list[Candidate]:
    found: list[Candidate] = []
    for number, (start, end) in enumerate(text.lines()):
        if number in skip_lines or end - start < 4:
            continue
        line = text.simp[start:end]
        figs = figures(line, start, units)
        used: set[int] = set()
        for index, fig in enumerate(figs):
            if index in used:
                continue
            cs, ce = clause_at(text, fig.start)
            clause = text.simp[cs:ce]
            if not commits(clause, review[number]) or _inside_quotes(clause, fig.start - cs):
                continue
            before = text.simp[cs : fig.start]
            after = text.simp[fig.end : ce]
            if _qualifier(after, figs, index, ce):
                continue
            op, cue = operator(before, after)
            target = _target(fig, op, before)
            quote_end = ce
            rule = f"prose:{cue}"
            if "确保" in before or (op == ">=" and cue == "floor" and "确保" in clause):
                stretch = _stretch(text, figs, index, ce, used)
                if stretch is not None:
                    target["stretch"], quote_end = stretch
                    rule = "prose:确保…力争"
            prefix = text.simp[sentence_start(text, cs) : fig.start]
            due, how = deadline(prefix, ctx, (before, after))
            name = metric_name(before, after)
            unit = fig.unit
            if fig.unit == "count" and "万" in text.simp[fig.start : fig.end]:
                unit = "万个"
            every = every_of(before)
            kind = kind_of(before, name, unit, plan=ctx.plan_end is not None, every=every)
            score = 0.8 if cue != "floor" else 0.6
            found.append(
                Candidate(
                    quote=quote_of(text, cs, quote_end),
                    start=cs,
                    end=quote_end,
                    line=number + 1,
                    metric=name,
                    unit=unit,
                    kind=kind,
                    target=target,
                    deadline=due,
                    rule=f"{rule};deadline:{how}",
                    score=score,
                    every=every,
                    first_period=_first_period(every, due, ctx),
                    tags=tags_for(clause),
                )
            )
    return found


def _stretch(
    text: SourceText, figs: list[Figure], index: int, clause_end: int, used: set[int]
) -> tuple[float | int, int] | None:
    """确保 X, 力争 Y: the striving level Y, from the same or the next clause."""
    fig = figs[index]
    for later in range(index + 1, len(figs)):
        other = figs[later]
        if other.unit != fig.unit:
            continue
        cs, ce = clause_at(text, other.start)
        between = text.simp[fig.end : other.start]
        if cs > clause_end + 1 or not rules.STRETCH_TOP.search(between):
            return None
        used.add(later)
        return other.value, max(ce, clause_end)
    return None
