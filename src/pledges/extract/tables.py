"""Indicator tables: rows of cells, one candidate per target column.

Two layouts are read: cells separated by `|` on one line per row, and the flattened
form a web page's table often becomes in plain text, one cell per line, rows started by
their serial number (序号).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pledges.extract import rules
from pledges.extract.candidate import Candidate, tags_for
from pledges.extract.context import DocumentContext
from pledges.extract.figures import UNIT_WORDS, figures
from pledges.extract.prose import kind_of, operator
from pledges.extract.text import SourceText, quote_of
from pledges.model.registries import Unit

_SERIAL = re.compile(r"^\s*[0-9]{1,3}\s*$")
_YEAR_LABEL = re.compile(r"(20[0-9]{2})\s*年")
_TARGET_LABEL = re.compile(r"(目标|规划|建议|计划|预期)")
_DONE_LABEL = re.compile(r"(完成|实际|执行|情况|现状|基期)")
_GROUP_LABEL = re.compile(r"(目标|完成|情况|实际|预计)")
_UNIT_IN_NAME = re.compile(r"[(（]\s*([^()（）]{1,8}?)\s*[)）]\s*$")
_HIGHER = re.compile(r"(上级|省市|省|市)\s*下\s*达")


@dataclass
class Cell:
    text: str  # folded text
    start: int  # offsets in the source text
    end: int


@dataclass
class Table:
    labels: list[str]  # one per value column after the name
    unit_column: int | None
    binding_column: int | None
    rows: list[tuple[Cell | None, Cell, list[Cell]]]  # serial, name, values
    lines: set[int]


def _cells(text: SourceText, start: int, end: int) -> list[Cell]:
    cells: list[Cell] = []
    position = start
    for part in text.simp[start:end].split("|"):
        stripped = part.strip()
        offset = position + (len(part) - len(part.lstrip()))
        cells.append(Cell(stripped, offset, offset + len(stripped)))
        position += len(part) + 1
    while cells and not cells[-1].text:
        cells.pop()
    return cells


def _labels(header_rows: list[list[Cell]], width: int) -> list[str]:
    """Column labels of the value columns (after the name), from one or two header rows."""
    top = [c.text.replace(" ", "") for c in header_rows[0]] if header_rows else []
    serial_at = next((i for i, t in enumerate(top) if t == "序号"), None)
    if serial_at is not None:
        top = top[serial_at + 2 :]
    else:
        name_at = next((i for i, t in enumerate(top) if "指标" in t or "名称" in t), -1)
        top = top[name_at + 1 :]
    sub = [c.text.replace(" ", "") for c in header_rows[1]] if len(header_rows) > 1 else []
    labels: list[str] = []
    groups = [t for t in top if _GROUP_LABEL.search(t) and not _YEAR_LABEL.search(t)]
    span = len(sub) // len(groups) if groups and sub else 1
    queue = list(sub)
    for label in top:
        if label in groups and queue:
            for _ in range(span):
                labels.append(f"{label}/{queue.pop(0)}" if queue else label)
        else:
            labels.append(label)
    labels.extend(queue)
    return labels[:width] if width else labels


def pipe_tables(text: SourceText) -> list[Table]:
    tables: list[Table] = []
    block: list[int] = []
    spans = text.lines()

    def close() -> None:
        if len(block) >= 3:
            table = _pipe_table(text, block)
            if table is not None:
                tables.append(table)
        block.clear()

    for number, (start, end) in enumerate(spans):
        if text.simp.count("|", start, end) >= 3:
            block.append(number)
        else:
            close()
    close()
    return tables


def _pipe_table(text: SourceText, block: list[int]) -> Table | None:
    spans = text.lines()
    rows = [_cells(text, *spans[n]) for n in block]
    header: list[list[Cell]] = []
    data: list[tuple[Cell | None, Cell, list[Cell]]] = []
    width = 0
    for cells in rows:
        serial_at = next(
            (
                i
                for i, c in enumerate(cells[:-1])
                if _SERIAL.match(c.text)
                and not _SERIAL.match(cells[i + 1].text)
                and cells[i + 1].text
            ),
            None,
        )
        if serial_at is None:
            if not data:
                header.append(cells)
            continue
        values = cells[serial_at + 2 :]
        width = max(width, len(values))
        data.append((cells[serial_at], cells[serial_at + 1], values))
    if not data or not header:
        return None
    labels = _labels(header[:2], width)
    unit_column = next((i for i, label in enumerate(labels) if label == "单位"), None)
    binding_column = next((i for i, label in enumerate(labels) if "属性" in label), None)
    return Table(labels, unit_column, binding_column, data, set(block))


def flattened_tables(text: SourceText) -> list[Table]:
    """Tables flattened to one cell per line: a 序号 line, header lines, serial-led rows."""
    spans = text.lines()
    tables: list[Table] = []
    number = 0
    while number < len(spans):
        line = text.simp[spans[number][0] : spans[number][1]].strip()
        if line != "序号":
            number += 1
            continue
        table, number = _flattened(text, spans, number)
        if table is not None:
            tables.append(table)
    return tables


def _flattened(
    text: SourceText, spans: list[tuple[int, int]], first: int
) -> tuple[Table | None, int]:
    cells: list[tuple[int, Cell]] = []
    number = first + 1
    while number < len(spans):
        start, end = spans[number]
        stripped = text.simp[start:end].strip()
        if len(stripped) > 40:
            break
        if stripped:
            offset = start + text.simp[start:end].index(stripped)
            cells.append((number, Cell(stripped, offset, offset + len(stripped))))
        number += 1
    first_serial = next((i for i, (_, c) in enumerate(cells) if c.text == "1"), None)
    if first_serial is None:
        return None, number
    head = [c.text for _, c in cells[:first_serial] if "指标" not in c.text]
    labels: list[str] = []
    for label in head:
        if labels and _YEAR_LABEL.fullmatch(labels[-1]) and not _YEAR_LABEL.search(label):
            labels[-1] += label
        else:
            labels.append(label)
    rows: list[tuple[Cell | None, Cell, list[Cell]]] = []
    lines = {first} | {n for n, _ in cells[:first_serial]}
    expected = 1
    current: list[tuple[int, Cell]] = []
    for n, cell in cells[first_serial:]:
        if cell.text == str(expected) or (cell.text == str(expected + 1) and current):
            if current:
                _row(current, labels, rows)
            expected = int(cell.text) + 1
            current = [(n, cell)]
        else:
            current.append((n, cell))
        lines.add(n)
    if current:
        _row(current, labels, rows)
    return Table(labels, None, None, rows, lines), number


def _row(
    cells: list[tuple[int, Cell]],
    labels: list[str],
    rows: list[tuple[Cell | None, Cell, list[Cell]]],
) -> None:
    if len(cells) < 3:
        return
    serial, name = cells[0][1], cells[1][1]
    values = [c for _, c in cells[2:]]
    # a cell broken after a comma continues on the next line
    merged: list[Cell] = []
    for cell in values:
        if merged and merged[-1].text.endswith((",", "，")) and len(values) > len(labels):
            last = merged.pop()
            merged.append(Cell(last.text + " " + cell.text, last.start, cell.end))
        else:
            merged.append(cell)
    rows.append((serial, name, merged))


def unit_of(
    name: str, table: Table, values: list[Cell], units: dict[str, Unit]
) -> tuple[str, str | None]:
    """A row's metric name and unit: from the unit column, or from `name(unit)`."""
    if table.unit_column is not None and table.unit_column < len(values):
        word = values[table.unit_column].text.replace(" ", "")
        return name, _unit_word(word, units)
    match = _UNIT_IN_NAME.search(name)
    if match:
        return name[: match.start()].strip(), _unit_word(match.group(1).replace(" ", ""), units)
    return name, None


def per_person(name: str, unit: str) -> str:
    """人均 (per person) money is money per person."""
    if "人均" in name and unit in ("CNY", "万元"):
        return "元/人" if unit == "CNY" else "万元/人"
    return unit


def _unit_word(word: str, units: dict[str, Unit]) -> str | None:
    if word in UNIT_WORDS:
        return UNIT_WORDS[word]
    for unit in units.values():
        if word in (unit.id, unit.name):
            return unit.id
    probe = figures(f"1{word}")
    return probe[0].unit if probe and probe[0].end == len(word) + 1 else None


def candidates(
    text: SourceText, tables: list[Table], ctx: DocumentContext, units: dict[str, Unit]
) -> list[Candidate]:
    found: list[Candidate] = []
    for table in tables:
        targets = [
            i
            for i, label in enumerate(table.labels)
            if (_TARGET_LABEL.search(label) and not _DONE_LABEL.search(label))
            or (
                _YEAR_LABEL.fullmatch(label)
                and int(_YEAR_LABEL.fullmatch(label).group(1)) >= ctx.default_deadline  # type: ignore[union-attr]
                and not _DONE_LABEL.search(label)
            )
        ]
        for serial, name_cell, values in table.rows:
            name, unit = unit_of(name_cell.text, table, values, units)
            binding = None
            if table.binding_column is not None and table.binding_column < len(values):
                flag = values[table.binding_column].text.replace(" ", "")
                binding = (
                    True if flag.startswith("约束") else False if flag.startswith("预期") else None
                )
            for column in targets:
                if column >= len(values):
                    continue
                cell = values[column]
                found.extend(
                    _cell(
                        text,
                        table,
                        serial or name_cell,
                        name,
                        unit,
                        cell,
                        column,
                        binding,
                        ctx,
                        units,
                    )
                )
    return found


def parse_cell(
    cell: str, unit: str | None, units: dict[str, Unit]
) -> tuple[dict[str, Any], str, str] | None:
    """A target cell (`78 左右`, `>90`, `96-97`, `确保5.0%, 力争5.5%以上`, `〔43〕`):
    the target, its unit and the cue that set the comparison."""
    text = cell.replace(" ", "").rstrip("∗*")
    comparison = re.match(r"^(>=|>|<=|<|≥|≤)", text)
    body = text[comparison.end() :] if comparison else text
    number = re.match(r"[〔\[]?[0-9]+(\.[0-9]+)?(-[0-9]+(\.[0-9]+)?)?[〕\]]?", body)
    rest = body[number.end() :] if number else body
    bare = number is not None and not figures("1" + rest[:4], 0, units)
    probe = body
    if bare and number is not None:
        probe = number.group(0) + ("%" if unit == "percent" else "个") + rest
    figs = figures(probe, 0, units)
    if not figs:
        return None
    fig = figs[0]
    value_unit = unit if bare else (fig.unit if fig.unit != "count" or unit is None else unit)
    if value_unit is None:
        return None
    if fig.high is not None:
        return {"op": "between", "value": [fig.value, fig.high]}, value_unit, "range"
    if comparison:
        op = {"≥": ">=", "≤": "<="}.get(comparison.group(1), comparison.group(1))
        cue = comparison.group(1)
    else:
        op, cue = operator(probe[: fig.start], probe[fig.end :])
    target: dict[str, Any] = {"op": op, "value": fig.value}
    if "确保" in body and rules.STRETCH_TOP.search(body) and len(figs) > 1:
        target["stretch"] = figs[1].value
        cue = "确保…力争"
    return target, value_unit, cue


def _cell(
    text: SourceText,
    table: Table,
    first: Cell,
    name: str,
    unit: str | None,
    cell: Cell,
    column: int,
    binding: bool | None,
    ctx: DocumentContext,
    units: dict[str, Unit],
) -> list[Candidate]:
    label = table.labels[column]
    due = _column_year(table, label) or ctx.default_deadline
    growth = any(word in label for word in ("年均", "增长", "增速"))
    quote = quote_of(text, first.start, cell.end)
    line = text.line_of(first.start)
    tags = tags_for(name)
    if _HIGHER.search(cell.text.replace(" ", "")):
        target: dict[str, Any] = {"set_by": "higher-level"}
        value_unit, kind, rule, score = unit or "percent", "level", "table:上级下达", 0.7
    else:
        parsed = parse_cell(cell.text, "percent" if growth else unit, units)
        if parsed is None:
            return []
        target, value_unit, cue = parsed
        value_unit = per_person(name, value_unit)
        plan = ctx.plan_end is not None
        kind = "rate" if growth else kind_of("", name, value_unit, plan=plan or due < ctx.year)
        rule, score = f"table:{label}:{cue}", 0.9
    return [
        Candidate(
            quote=quote,
            start=first.start,
            end=cell.end,
            line=line,
            metric=name,
            unit=value_unit,
            kind=kind,
            target=target,
            deadline=due,
            rule=rule,
            score=score,
            binding=binding,
            tags=tags,
        )
    ]


def _column_year(table: Table, label: str) -> int | None:
    """The year a column is for: in its label, or in its group's other labels."""
    match = _YEAR_LABEL.search(label)
    if match is None and "/" in label:
        group = label.split("/", 1)[0] + "/"
        for other in table.labels:
            if other.startswith(group):
                match = _YEAR_LABEL.search(other)
                if match:
                    break
    return int(match.group(1)) if match else None
