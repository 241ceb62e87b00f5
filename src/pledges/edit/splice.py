"""Edits as splices: new text placed at positions the reader reports, so every byte
outside the edited entry stays as it was.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

from pledges.edit.emit import (
    PLEDGE_KEYS,
    mapping_lines,
    sequence_lines,
)
from pledges.edit.session import (
    EXISTS,
    NOT_FOUND,
    REFUSED,
    Edit,
    Loaded,
    Splice,
    refusal,
)
from pledges.edit.verify import verify
from pledges.model.diagnostics import Diagnostic

_DASH = re.compile(r"^( *)- +")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_filler(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _block_end(loaded: Loaded, first: int, indent: int) -> int:
    """Last line with content of the node that starts on line `first` at `indent`.

    Lines indented deeper belong to the node; comments and blank lines after its last
    content line do not (a comment there may introduce what follows).
    """
    last = first
    for number in range(first + 1, loaded.line_count + 1):
        line = loaded.line(number)
        if _is_filler(line):
            continue
        if _indent(line) <= indent:
            break
        last = number
    return last


def _comments_above(loaded: Loaded, line: int, indent: int) -> int:
    """The first line of the comment block directly above `line` at the same indentation."""
    while line > 1:
        above = loaded.line(line - 1)
        if not above.strip().startswith("#") or _indent(above) != indent:
            break
        line -= 1
    return line


def _item_dash(loaded: Loaded, line: int) -> tuple[int, int] | None:
    """(dash column, offset to the item's content) of a block sequence item's first line."""
    match = _DASH.match(loaded.line(line))
    if match is None:
        return None
    return len(match.group(1)), len(match.group(0)) - len(match.group(1))


def _at(loaded: Loaded, line: int, column: int) -> str:
    text = loaded.line(line)
    return text[column - 1] if 0 < column <= len(text) else ""


def key_slot(
    loaded: Loaded, path: tuple[str | int, ...], key: str, order: Sequence[str]
) -> tuple[int, str | None] | Diagnostic:
    """Where a new key goes in the block mapping at `path`: (line to insert before, the key
    it goes before, or None to append after the mapping's end)."""
    mapping = _get(loaded.doc.data, path)
    rank = order.index(key)
    later = [k for k in mapping if k in order and order.index(k) > rank]
    if not later:
        return _end_of_item(loaded, path), None
    following = later[0] if list(mapping).index(later[0]) else None
    if following is None:
        return _end_of_item(loaded, path), None
    line, column = loaded.doc.position((*path, following), key=True)
    return _comments_above(loaded, line, column - 1), following


def _end_of_item(loaded: Loaded, path: tuple[str | int, ...]) -> int:
    line, _ = loaded.doc.position(path)
    dash = _item_dash(loaded, line)
    return _block_end(loaded, line, dash[0] if dash else 0) + 1


def _get(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def insert_key(mapping: dict[str, Any], key: str, value: Any, before: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in mapping.items():
        if k == before:
            out[key] = value
        out[k] = v
    out.setdefault(key, value)
    return out


def _pledge_path(loaded: Loaded, pledge_id: str) -> tuple[str | int, ...] | Diagnostic:
    pledges = loaded.doc.data.get("pledges") if isinstance(loaded.doc.data, dict) else None
    for index, item in enumerate(pledges if isinstance(pledges, list) else []):
        if isinstance(item, dict) and item.get("id") == pledge_id:
            return ("pledges", index)
    return refusal(loaded.name, NOT_FOUND, f"no pledge '{pledge_id}' in this file")


def _block_item_layout(loaded: Loaded, path: tuple[str | int, ...]) -> tuple[int, int] | Diagnostic:
    """(dash column, offset) of the items of the non-empty block sequence at `path`."""
    items = _get(loaded.doc.data, path)
    line, column = loaded.doc.position((*path, len(items) - 1))
    layout = _item_dash(loaded, line)
    if layout is None or layout[0] + layout[1] != column - 1:
        return refusal(
            loaded.name,
            REFUSED,
            f"'{path[-1]}' is not written as a plain block list; cannot append to it",
            "rewrite it with one '- ' item per line (fmt keeps the style)",
            line,
            column,
        )
    return layout


def append_to_list(
    loaded: Loaded,
    path: tuple[str | int, ...],
    item: dict[str, Any],
    order: Sequence[str],
    *,
    blank_between: bool = False,
) -> Splice | Diagnostic:
    """Append an item to the list at `path` (created in canonical key position if absent)."""
    parent, key = path[:-1], str(path[-1])
    mapping = _get(loaded.doc.data, parent)
    if mapping.get(key):
        layout = _block_item_layout(loaded, path)
        if isinstance(layout, Diagnostic):
            return layout
        items = mapping[key]
        last_line = loaded.doc.position((*path, len(items) - 1))[0]
        end = _block_end(loaded, last_line, layout[0])
        lines = sequence_lines([item], layout[0], layout[1])
        if blank_between and _blank_between_items(loaded, path):
            lines.insert(0, "")
        return Splice(end + 1, end, lines)
    if key in mapping:  # present but empty: `key: []` on one line
        line, column = loaded.doc.position(path, key=True)
        text = loaded.line(line)
        match = re.match(rf"^( *){re.escape(key)}:( *)\[ *\]( *#.*)?$", text)
        if match is None or match.group(1) != " " * (column - 1):
            return refusal(
                loaded.name,
                REFUSED,
                f"cannot append to '{key}' as it is written",
                f"write it as '{key}: []' on one line",
                line,
                column,
            )
        head = f"{match.group(1)}{key}:{match.group(3) or ''}"
        return Splice(line, line, [head, *sequence_lines([item], column + 1)])
    slot = key_slot(loaded, parent, key, order)
    if isinstance(slot, Diagnostic):
        return slot
    indent = loaded.doc.position((*parent, next(iter(mapping))), key=True)[1] - 1
    lines = [" " * indent + f"{key}:", *sequence_lines([item], indent + 2)]
    return Splice(slot[0], slot[0] - 1, lines)


def _blank_between_items(loaded: Loaded, path: tuple[str | int, ...]) -> bool:
    """Whether the list's items are separated by blank lines (the default for one item)."""
    items = _get(loaded.doc.data, path)
    if len(items) < 2:
        return True
    line = loaded.doc.position((*path, len(items) - 2))[0]
    dash = _item_dash(loaded, line)
    end = _block_end(loaded, line, dash[0] if dash else 0)
    start = loaded.doc.position((*path, len(items) - 1))[0]
    return any(not loaded.line(n).strip() for n in range(end + 1, start))


def plan_observe(
    loaded: Loaded, pledge_id: str, observation: dict[str, Any]
) -> Edit | list[Diagnostic]:
    """Append an observation to a pledge's progress."""
    path = _pledge_path(loaded, pledge_id)
    if isinstance(path, Diagnostic):
        return [path]
    splice = append_to_list(loaded, (*path, "progress"), observation, PLEDGE_KEYS)
    if isinstance(splice, Diagnostic):
        return [splice]
    expected = copy.deepcopy(loaded.doc.data)
    pledge = _get(expected, path)
    if "progress" in pledge:
        pledge["progress"].append(observation)
    else:
        before = key_slot(loaded, path, "progress", PLEDGE_KEYS)
        assert not isinstance(before, Diagnostic)
        expected["pledges"][path[1]] = insert_key(pledge, "progress", [observation], before[1])
    summary = f"observation {observation.get('period')} of {pledge_id}"
    item = (*path, "progress", len(_get(expected, path)["progress"]) - 1)
    return verify(loaded, splice, expected, summary, item)


def plan_assess(
    loaded: Loaded, pledge_id: str, assessment: dict[str, Any]
) -> Edit | list[Diagnostic]:
    """Record a pledge's assessment, replacing any it has."""
    path = _pledge_path(loaded, pledge_id)
    if isinstance(path, Diagnostic):
        return [path]
    pledge = _get(loaded.doc.data, path)
    expected = copy.deepcopy(loaded.doc.data)
    if "assessment" in pledge:
        line, column = loaded.doc.position((*path, "assessment"), key=True)
        end = _block_end(loaded, line, column - 1)
        splice = Splice(line, end, mapping_lines({"assessment": assessment}, column - 1))
        expected["pledges"][path[1]]["assessment"] = assessment
    else:
        slot = key_slot(loaded, path, "assessment", PLEDGE_KEYS)
        if isinstance(slot, Diagnostic):
            return [slot]
        indent = loaded.doc.position((*path, "id"), key=True)[1] - 1
        splice = Splice(slot[0], slot[0] - 1, mapping_lines({"assessment": assessment}, indent))
        expected["pledges"][path[1]] = insert_key(
            _get(expected, path), "assessment", assessment, slot[1]
        )
    return verify(loaded, splice, expected, f"assessment of {pledge_id}", (*path, "assessment"))


def plan_baseline(
    loaded: Loaded, pledge_id: str, baseline: dict[str, Any]
) -> Edit | list[Diagnostic]:
    """Record a pledge's baseline; a pledge that has one keeps it (edit it by hand)."""
    path = _pledge_path(loaded, pledge_id)
    if isinstance(path, Diagnostic):
        return [path]
    pledge = _get(loaded.doc.data, path)
    if "baseline" in pledge:
        line, column = loaded.doc.position((*path, "baseline"), key=True)
        return [
            refusal(
                loaded.name,
                REFUSED,
                f"'{pledge_id}' already has a baseline",
                "change it in the file if the new figure replaces it",
                line,
                column,
            )
        ]
    slot = key_slot(loaded, path, "baseline", PLEDGE_KEYS)
    if isinstance(slot, Diagnostic):
        return [slot]
    indent = loaded.doc.position((*path, "id"), key=True)[1] - 1
    splice = Splice(slot[0], slot[0] - 1, mapping_lines({"baseline": baseline}, indent))
    expected = copy.deepcopy(loaded.doc.data)
    expected["pledges"][path[1]] = insert_key(_get(expected, path), "baseline", baseline, slot[1])
    return verify(loaded, splice, expected, f"baseline {baseline.get('period')} of {pledge_id}")


def plan_new(loaded: Loaded, pledge: dict[str, Any]) -> Edit | list[Diagnostic]:
    """Append a pledge to the file; its id must be new to the whole ledger."""
    from pledges.check.rules.ids import normalize_id

    pledge_id = str(pledge.get("id"))
    same = loaded.result.ledger.pledges_by_norm({normalize_id(pledge_id)})
    other = same[0] if same else None
    if other is not None:
        line, column = other.position("id")
        return [
            refusal(
                other.file,
                EXISTS,
                f"pledge id '{other.id}' already exists here",
                "choose another id",
                line,
                column,
            )
        ]
    if not isinstance(loaded.doc.data.get("pledges"), list):
        return [refusal(loaded.name, REFUSED, "the file has no 'pledges' list")]
    splice = append_to_list(loaded, ("pledges",), pledge, (), blank_between=True)
    if isinstance(splice, Diagnostic):
        return [splice]
    expected = copy.deepcopy(loaded.doc.data)
    expected["pledges"].append(pledge)
    item = ("pledges", len(expected["pledges"]) - 1)
    return verify(loaded, splice, expected, f"new pledge {pledge_id}", item)


# ---------------------------------------------------------------- drafts and their review


def plan_new_drafts(
    loaded: Loaded, pledges: Sequence[tuple[dict[str, Any], str]]
) -> Edit | list[Diagnostic]:
    """Append pledges (each with a comment line saying where it came from) in one edit.

    Ids must be new to the ledger and to each other."""
    from pledges.check.rules.ids import normalize_id

    if not isinstance(loaded.doc.data.get("pledges"), list):
        return [refusal(loaded.name, REFUSED, "the file has no 'pledges' list")]
    taken = loaded.result.ledger.taken_ids()
    lines: list[str] = []
    first: Splice | None = None
    empty = not loaded.doc.data["pledges"]
    for index, (pledge, comment) in enumerate(pledges):
        key = normalize_id(str(pledge.get("id")))
        if key in taken:
            return [refusal(loaded.name, EXISTS, f"pledge id '{pledge.get('id')}' is taken")]
        taken.add(key)
        splice = append_to_list(loaded, ("pledges",), pledge, (), blank_between=True)
        if isinstance(splice, Diagnostic):
            return [splice]
        body = splice.lines[1:] if empty and index else list(splice.lines)
        if empty and index:
            body.insert(0, "")
        at = next(
            i
            for i, line in enumerate(body)
            if line.strip() and i >= (1 if empty and not index else 0)
        )
        indent = body[at][: _indent(body[at])]
        body.insert(at, f"{indent}# {comment}")
        lines += body
        first = first or splice
    if first is None:
        return [refusal(loaded.name, REFUSED, "nothing to add")]
    expected = copy.deepcopy(loaded.doc.data)
    expected["pledges"].extend(p for p, _ in pledges)
    summary = f"{len(pledges)} draft pledge{'s' if len(pledges) != 1 else ''}"
    return verify(loaded, Splice(first.first, first.last, lines), expected, summary)


def _review_line(loaded: Loaded, path: tuple[str | int, ...]) -> int | Diagnostic:
    """The line of a `review: draft` key that stands on a line of its own."""
    line, column = loaded.doc.position((*path, "review"), key=True)
    if not re.fullmatch(r" *review: *draft *(#.*)?", loaded.line(line)):
        return refusal(
            loaded.name,
            REFUSED,
            "cannot remove 'review: draft' as it is written",
            "put it on a line of its own (pledges fmt does)",
            line,
            column,
        )
    return line


def _drop_lines(loaded: Loaded, drop: set[int]) -> Splice:
    """One splice that removes the given lines (and keeps those between them)."""
    first, last = min(drop), max(drop)
    kept = [loaded.line(n) for n in range(first, last + 1) if n not in drop]
    return Splice(first, last, kept)


def plan_accept(loaded: Loaded, pledge_id: str) -> Edit | list[Diagnostic]:
    """Accept a draft pledge, or the draft observations of a pledge: drop `review: draft`."""
    path = _pledge_path(loaded, pledge_id)
    if isinstance(path, Diagnostic):
        return [path]
    expected = copy.deepcopy(loaded.doc.data)
    pledge = _get(expected, path)
    places: list[tuple[str | int, ...]] = []
    if pledge.get("review") == "draft":
        places.append(path)
        del pledge["review"]
    for index, item in enumerate(pledge.get("progress") or []):
        if isinstance(item, dict) and item.get("review") == "draft":
            places.append((*path, "progress", index))
            del item["review"]
    if not places:
        return [refusal(loaded.name, NOT_FOUND, f"pledge '{pledge_id}' holds no draft")]
    drop: set[int] = set()
    for place in places:
        line = _review_line(loaded, place)
        if isinstance(line, Diagnostic):
            return [line]
        drop.add(line)
    return verify(loaded, _drop_lines(loaded, drop), expected, f"accepted {pledge_id}")


def _item_lines(loaded: Loaded, path: tuple[str | int, ...]) -> set[int]:
    """The lines of a block sequence item: comments directly above it, its content, and
    the blank lines that separated it from the item before."""
    line, column = loaded.doc.position(path)
    dash = _item_dash(loaded, line)
    indent = dash[0] if dash else column - 1
    start = _comments_above(loaded, line, indent)
    end = _block_end(loaded, line, indent)
    if isinstance(path[-1], int) and path[-1] > 0:
        while start > 1 and not loaded.line(start - 1).strip():
            start -= 1
    return set(range(start, end + 1))


def plan_reject(loaded: Loaded, pledge_id: str) -> Edit | list[Diagnostic]:
    """Reject a draft pledge (remove it) or a pledge's draft observations (remove them)."""
    path = _pledge_path(loaded, pledge_id)
    if isinstance(path, Diagnostic):
        return [path]
    expected = copy.deepcopy(loaded.doc.data)
    pledges = expected["pledges"]
    pledge = pledges[path[1]]
    if pledge.get("review") == "draft":
        if len(pledges) == 1:
            return [
                refusal(
                    loaded.name,
                    REFUSED,
                    f"'{pledge_id}' is the file's only pledge; delete the file instead",
                )
            ]
        del pledges[path[1]]
        return verify(
            loaded,
            _drop_lines(loaded, _item_lines(loaded, path)),
            expected,
            f"rejected {pledge_id}",
        )
    progress = pledge.get("progress") or []
    drafts = [
        i for i, o in enumerate(progress) if isinstance(o, dict) and o.get("review") == "draft"
    ]
    if not drafts:
        return [refusal(loaded.name, NOT_FOUND, f"pledge '{pledge_id}' holds no draft")]
    drop: set[int] = set()
    if len(drafts) == len(progress):  # the whole list goes, with its key
        line, column = loaded.doc.position((*path, "progress"), key=True)
        drop = set(range(line, _block_end(loaded, line, column - 1) + 1))
        del pledge["progress"]
    else:
        for index in drafts:
            drop |= _item_lines(loaded, (*path, "progress", index))
        pledge["progress"] = [o for i, o in enumerate(progress) if i not in drafts]
    summary = (
        f"rejected {len(drafts)} draft observation{'s' if len(drafts) != 1 else ''} of {pledge_id}"
    )
    return verify(loaded, _drop_lines(loaded, drop), expected, summary)
