"""Editing ledger files: add a pledge, an observation or an assessment, atomically.

Edits splice new YAML text into the file at positions the reader reports, so every byte
outside the edited entry stays as it was: comments, blank lines, quoting, CRLF line
endings, a byte-order mark, a missing final newline. Each edit is verified before it is
written (the new text re-parses to the old data plus exactly the intended change, and
introduces no lint error), then written through a temporary file in the same directory
that replaces the original only if the original has not changed since it was read.
Problems come back as diagnostics; nothing here raises on bad user data.
"""

from __future__ import annotations

import contextlib
import copy
import math
import os
import re
import stat
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from pledges.model.diagnostics import Diagnostic, Severity
from pledges.model.document import Document
from pledges.read.loader import JURISDICTIONS_FILE, LoadResult, display_name, load
from pledges.read.safe import BOM, read_raw
from pledges.read.yamlread import read_document, resolve_plain

PLEDGE_KEYS = (
    "id",
    "title",
    "quote",
    "made",
    "start",
    "deadline",
    "jurisdiction",
    "binding",
    "tags",
    "metric",
    "baseline",
    "target",
    "progress",
    "assessment",
    "related",
    "note",
)
SOURCE_KEYS = (
    "id",
    "title",
    "title_en",
    "publisher",
    "jurisdiction",
    "date",
    "url",
    "language",
    "note",
)

REFUSED = "PL900"  # the file cannot be edited as it stands
NOT_FOUND = "PL901"  # no such pledge
EXISTS = "PL902"  # the id is taken
UNVERIFIED = "PL903"  # the computed edit failed verification
CHANGED = "PL904"  # the file changed on disk while the edit was prepared
WRITE_FAILED = "PL905"

_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_CHARS = set(",[]{}")
_DASH = re.compile(r"^( *)- +")
_EOL = re.compile(r"\r\n|\n|\r")


def _refusal(
    file: str, code: str, message: str, hint: str | None = None, line: int = 1, column: int = 1
) -> Diagnostic:
    return Diagnostic(file, line, column, code, Severity.ERROR, message, hint)


# ---------------------------------------------------------------- emitting YAML values


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar; escapes everything a parser could read as a break."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif (
            code < 0x20
            or 0x7F <= code <= 0x9F
            or 0xD800 <= code <= 0xDFFF
            or ch in "\u2028\u2029\ufeff\ufffe\uffff"
        ):
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _plain_ok(text: str, *, flow: bool) -> bool:
    if not text or text != text.strip() or text[0] in _INDICATORS:
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    if flow and _FLOW_CHARS & set(text):
        return False
    if any(unicodedata.category(ch)[0] in "CZ" and ch != " " for ch in text):
        return False
    return bool(resolve_plain(text) == text)


def scalar(value: Any, *, flow: bool = False) -> str:
    """One value as inline YAML that reads back as the same value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return value if _plain_ok(value, flow=flow) else _quoted(value)
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v, flow=True) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{scalar(k, flow=True)}: {scalar(v, flow=True)}" for k, v in value.items())
            + "}"
        )
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _flat(value: Any) -> bool:
    """Written inline (flow style) when it holds only scalars: the ledger's house style."""
    if isinstance(value, list):
        return not any(isinstance(v, list | dict) for v in value)
    if isinstance(value, dict):
        return all(
            _flat(v) if isinstance(v, list) else not isinstance(v, dict) for v in value.values()
        )
    return True


def mapping_lines(data: dict[str, Any], indent: int) -> list[str]:
    """A block mapping, keys at `indent`; sequences of mappings indented by 2 under their key."""
    pad = " " * indent
    lines: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict) and not _flat(value):
            lines.append(f"{pad}{scalar(key)}:")
            lines += mapping_lines(value, indent + 2)
        elif isinstance(value, list) and value and not _flat(value):
            lines.append(f"{pad}{scalar(key)}:")
            lines += sequence_lines(value, indent + 2)
        else:
            lines.append(f"{pad}{scalar(key)}: {scalar(value)}")
    return lines


def sequence_lines(items: Sequence[Any], indent: int, offset: int = 2) -> list[str]:
    """A block sequence with dashes at `indent` and item keys `offset` columns further in."""
    lines: list[str] = []
    for item in items:
        if isinstance(item, dict) and item:
            sub = mapping_lines(item, indent + offset)
            sub[0] = " " * indent + "-" + " " * (offset - 1) + sub[0][indent + offset :]
            lines += sub
        else:
            lines.append(" " * indent + "- " + scalar(item))
    return lines


# ---------------------------------------------------------------- reading for an edit


@dataclass
class Loaded:
    """A ledger file read for editing, with the ledger it belongs to."""

    path: Path
    name: str
    raw: bytes
    text: str  # without the BOM
    eol: str
    doc: Document
    mode: int
    result: LoadResult
    as_of: date
    starts: list[int] = field(default_factory=list)  # offset of each line in `text`

    @property
    def bom(self) -> bool:
        return self.raw.startswith(BOM)

    def line(self, number: int) -> str:
        """Line `number` (1-based) without its line ending."""
        start = self.starts[number - 1]
        end = self.starts[number] if number < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def encode(self, text: str) -> bytes:
        return (BOM if self.bom else b"") + text.encode("utf-8")


def ledger_root(path: Path) -> Path | None:
    """The ledger directory a file belongs to: the nearest folder with jurisdictions.yaml."""
    start = path.resolve().parent
    for folder in (start, *start.parents):
        if (folder / JURISDICTIONS_FILE).is_file() or folder.name == "ledger":
            return folder
    return None


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts += [m.end() for m in _EOL.finditer(text) if m.end() < len(text)]
    return starts


def _line_ending(name: str, text: str) -> str | Diagnostic:
    endings = {m.group() for m in _EOL.finditer(text)}
    if len(endings) > 1:
        return _refusal(
            name,
            REFUSED,
            "the file mixes line endings; refusing to edit it",
            "convert it to LF or CRLF throughout",
        )
    if endings == {"\r"}:
        return _refusal(name, REFUSED, "the file uses CR-only line endings; refusing to edit it")
    return "\r\n" if endings == {"\r\n"} else "\n"


def open_for_edit(path: Path, as_of: date, root: Path | None = None) -> Loaded | list[Diagnostic]:
    """Read a ledger file and its ledger; refuse what must not be edited."""
    name = display_name(path)
    raw = read_raw(path, name)
    if isinstance(raw, Diagnostic):
        return [replace(raw, code=REFUSED, message=f"refusing to edit: the file {raw.message}")]
    eol = _line_ending(name, raw.text)
    if isinstance(eol, Diagnostic):
        return [eol]
    from pledges.check.lint import lint

    result = load(root if root is not None else ledger_root(path), [path])
    errors = [d for d in lint(result, as_of) if d.severity is Severity.ERROR and d.file == name]
    if errors:
        count = f"{len(errors)} lint error" + ("s" if len(errors) > 1 else "")
        return [
            _refusal(
                name,
                REFUSED,
                f"refusing to edit: the file has {count}",
                "fix them first ('pledges lint' lists them)",
            ),
            *errors,
        ]
    doc, found = read_document(name, raw.text)
    loaded_doc = next((f.doc for f in result.ledger.files if f.doc.file == name), None)
    if found or loaded_doc is None or loaded_doc.data != doc.data:
        return [_refusal(name, CHANGED, "the file changed while it was being read; try again")]
    mode = stat.S_IMODE(os.lstat(path).st_mode)
    return Loaded(
        path, name, raw.data, raw.text, eol, doc, mode, result, as_of, _line_starts(raw.text)
    )


def find_pledge_file(result: LoadResult, pledge_id: str) -> Path | Diagnostic:
    """The file that holds a pledge, with a did-you-mean when there is none."""
    pledge = result.ledger.pledge_index().get(pledge_id)
    if pledge is None:
        from pledges.check.rules.references import did_you_mean

        hint = did_you_mean(pledge_id, result.ledger.pledge_index())
        return _refusal(
            result.ledger.root or "ledger",
            NOT_FOUND,
            f"no pledge '{pledge_id}' in the ledger",
            hint or None,
        )
    return Path(pledge.file)


# ---------------------------------------------------------------- planning an edit


@dataclass
class Edit:
    """A verified change to one file: its new text and what it does."""

    loaded: Loaded
    text: str
    summary: str
    line: int

    @property
    def data(self) -> bytes:
        return self.loaded.encode(self.text)


@dataclass
class _Splice:
    first: int  # first line replaced (1-based); insertion happens before it
    last: int  # last line replaced; first - 1 for a pure insertion
    lines: list[str]


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


def _key_slot(
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


def _insert_key(
    mapping: dict[str, Any], key: str, value: Any, before: str | None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in mapping.items():
        if k == before:
            out[key] = value
        out[k] = v
    out.setdefault(key, value)
    return out


def _apply(loaded: Loaded, splice: _Splice) -> str:
    text, eol = loaded.text, loaded.eol
    block = "".join(line + eol for line in splice.lines)
    if splice.first > loaded.line_count:  # appending after the last line
        if text and not text.endswith(("\n", "\r")):
            return text + eol + block[: -len(eol)]
        return text + block
    start = loaded.starts[splice.first - 1]
    end = loaded.starts[splice.last] if splice.last < loaded.line_count else len(text)
    if splice.last >= splice.first and end == len(text) and not text.endswith(("\n", "\r")):
        block = block[: -len(eol)]
    return text[:start] + block + text[end:]


def _pledge_path(loaded: Loaded, pledge_id: str) -> tuple[str | int, ...] | Diagnostic:
    pledges = loaded.doc.data.get("pledges") if isinstance(loaded.doc.data, dict) else None
    for index, item in enumerate(pledges if isinstance(pledges, list) else []):
        if isinstance(item, dict) and item.get("id") == pledge_id:
            return ("pledges", index)
    return _refusal(loaded.name, NOT_FOUND, f"no pledge '{pledge_id}' in this file")


def _block_item_layout(loaded: Loaded, path: tuple[str | int, ...]) -> tuple[int, int] | Diagnostic:
    """(dash column, offset) of the items of the non-empty block sequence at `path`."""
    items = _get(loaded.doc.data, path)
    line, column = loaded.doc.position((*path, len(items) - 1))
    layout = _item_dash(loaded, line)
    if layout is None or layout[0] + layout[1] != column - 1:
        return _refusal(
            loaded.name,
            REFUSED,
            f"'{path[-1]}' is not written as a plain block list; cannot append to it",
            "rewrite it with one '- ' item per line (fmt keeps the style)",
            line,
            column,
        )
    return layout


def _append_to_list(
    loaded: Loaded,
    path: tuple[str | int, ...],
    item: dict[str, Any],
    order: Sequence[str],
    *,
    blank_between: bool = False,
) -> _Splice | Diagnostic:
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
        return _Splice(end + 1, end, lines)
    if key in mapping:  # present but empty: `key: []` on one line
        line, column = loaded.doc.position(path, key=True)
        text = loaded.line(line)
        match = re.match(rf"^( *){re.escape(key)}:( *)\[ *\]( *#.*)?$", text)
        if match is None or match.group(1) != " " * (column - 1):
            return _refusal(
                loaded.name,
                REFUSED,
                f"cannot append to '{key}' as it is written",
                f"write it as '{key}: []' on one line",
                line,
                column,
            )
        head = f"{match.group(1)}{key}:{match.group(3) or ''}"
        return _Splice(line, line, [head, *sequence_lines([item], column + 1)])
    slot = _key_slot(loaded, parent, key, order)
    if isinstance(slot, Diagnostic):
        return slot
    indent = loaded.doc.position((*parent, next(iter(mapping))), key=True)[1] - 1
    lines = [" " * indent + f"{key}:", *sequence_lines([item], indent + 2)]
    return _Splice(slot[0], slot[0] - 1, lines)


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


def _verify(
    loaded: Loaded, splice: _Splice, expected: Any, summary: str
) -> Edit | list[Diagnostic]:
    """Check a computed edit before it may be written."""
    new_text = _apply(loaded, splice)
    fail = [
        _refusal(
            loaded.name,
            UNVERIFIED,
            f"refusing to write: the computed edit did not verify ({summary})",
            "the file was left untouched; please report this with the file",
        )
    ]
    doc, found = read_document(loaded.name, new_text)
    if found or doc.data != expected or not _same_order(doc.data, expected):
        return fail
    first = splice.first
    head = loaded.starts[first - 1] if first <= loaded.line_count else len(loaded.text)
    tail_start = loaded.starts[splice.last] if splice.last < loaded.line_count else len(loaded.text)
    tail = loaded.text[tail_start:]
    inserted = new_text[head : len(new_text) - len(tail)]
    if (
        new_text[:head] != loaded.text[:head]
        or not new_text.endswith(tail)
        or len(new_text) - len(tail) < head
        or any(eol != loaded.eol for eol in _EOL.findall(inserted))
    ):
        return fail
    introduced = _new_lint_errors(loaded, doc)
    if introduced:
        return [
            _refusal(
                loaded.name,
                REFUSED,
                f"refusing to write: the edit ({summary}) would introduce lint errors",
                "the file was left untouched",
            ),
            *introduced,
        ]
    skipped = next((i for i, line in enumerate(splice.lines) if line.strip()), 0)
    return Edit(loaded, new_text, summary, splice.first + skipped)


def _same_order(left: Any, right: Any) -> bool:
    if isinstance(left, dict) and isinstance(right, dict):
        return list(left) == list(right) and all(_same_order(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return all(_same_order(a, b) for a, b in zip(left, right, strict=True))
    return True


def _new_lint_errors(loaded: Loaded, doc: Document) -> list[Diagnostic]:
    """Lint errors the new text would have, within its ledger."""
    from pledges.check.lint import lint
    from pledges.model.ledger import build_file
    from pledges.read.schema import validate

    old = loaded.result
    files = [build_file(doc) if f.doc.file == loaded.name else f for f in old.ledger.files]
    ledger = replace(old.ledger, files=files)
    diagnostics = [d for d in old.diagnostics if d.file != loaded.name]
    diagnostics += validate("ledger-file", doc)
    result = LoadResult(ledger, diagnostics, {loaded.name}, old.unreadable)
    return [d for d in lint(result, loaded.as_of) if d.severity is Severity.ERROR]


def plan_observe(
    loaded: Loaded, pledge_id: str, observation: dict[str, Any]
) -> Edit | list[Diagnostic]:
    """Append an observation to a pledge's progress."""
    path = _pledge_path(loaded, pledge_id)
    if isinstance(path, Diagnostic):
        return [path]
    splice = _append_to_list(loaded, (*path, "progress"), observation, PLEDGE_KEYS)
    if isinstance(splice, Diagnostic):
        return [splice]
    expected = copy.deepcopy(loaded.doc.data)
    pledge = _get(expected, path)
    if "progress" in pledge:
        pledge["progress"].append(observation)
    else:
        before = _key_slot(loaded, path, "progress", PLEDGE_KEYS)
        assert not isinstance(before, Diagnostic)
        expected["pledges"][path[1]] = _insert_key(pledge, "progress", [observation], before[1])
    summary = f"observation {observation.get('period')} of {pledge_id}"
    return _verify(loaded, splice, expected, summary)


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
        splice = _Splice(line, end, mapping_lines({"assessment": assessment}, column - 1))
        expected["pledges"][path[1]]["assessment"] = assessment
    else:
        slot = _key_slot(loaded, path, "assessment", PLEDGE_KEYS)
        if isinstance(slot, Diagnostic):
            return [slot]
        indent = loaded.doc.position((*path, "id"), key=True)[1] - 1
        splice = _Splice(slot[0], slot[0] - 1, mapping_lines({"assessment": assessment}, indent))
        expected["pledges"][path[1]] = _insert_key(
            _get(expected, path), "assessment", assessment, slot[1]
        )
    return _verify(loaded, splice, expected, f"assessment of {pledge_id}")


def plan_new(loaded: Loaded, pledge: dict[str, Any]) -> Edit | list[Diagnostic]:
    """Append a pledge to the file; its id must be new to the whole ledger."""
    from pledges.check.rules.ids import normalize_id

    pledge_id = str(pledge.get("id"))
    taken = {normalize_id(p.id): p for p in loaded.result.ledger.pledges}
    other = taken.get(normalize_id(pledge_id))
    if other is not None:
        line, column = other.position("id")
        return [
            _refusal(
                other.file,
                EXISTS,
                f"pledge id '{other.id}' already exists here",
                "choose another id",
                line,
                column,
            )
        ]
    if not isinstance(loaded.doc.data.get("pledges"), list):
        return [_refusal(loaded.name, REFUSED, "the file has no 'pledges' list")]
    splice = _append_to_list(loaded, ("pledges",), pledge, (), blank_between=True)
    if isinstance(splice, Diagnostic):
        return [splice]
    expected = copy.deepcopy(loaded.doc.data)
    expected["pledges"].append(pledge)
    return _verify(loaded, splice, expected, f"new pledge {pledge_id}")


# ---------------------------------------------------------------- building entries


def evidence(
    quote: str,
    source: str | None = None,
    url: str | None = None,
    title: str | None = None,
    when: str | None = None,
) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for key, value in (("source", source), ("url", url), ("title", title), ("date", period(when))):
        if value is not None:
            item[key] = value
    item["quote"] = quote
    return item


def period(text: str | int | None) -> str | int | None:
    """A period as the ledger writes it: a bare year is a number."""
    if isinstance(text, str) and re.fullmatch(r"[0-9]{4}", text):
        return int(text)
    return text


def number(text: str) -> int | float | None:
    """A finite number as written on the command line, kept as int when it is one."""
    value = resolve_plain(text.strip())
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


def slugify(text: str, limit: int = 48) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit and slug:
            break
        slug = candidate[:limit]
    return slug or "pledge"


def propose_id(loaded: Loaded, title: str) -> str:
    """The file's common id prefix plus a slug of the title, made unique in the ledger."""
    from pledges.check.rules.ids import normalize_id

    data = loaded.doc.data
    ids: list[str] = [
        p["id"]
        for p in data.get("pledges") or []
        if isinstance(p, dict) and isinstance(p.get("id"), str)
    ]
    if ids:
        prefix: str = os.path.commonprefix(ids)  # noqa: RUF071 ids are slugs, not paths
        prefix = prefix[: prefix.rfind("/") + 1]
    else:
        source = data.get("source") or {}
        place = str(source.get("jurisdiction") or "").rsplit("/", 1)[-1]
        year = str(source.get("date") or "")[:4]
        prefix = "/".join(p for p in (place, year) if p) + "/" if place or year else ""
    taken = {normalize_id(p.id) for p in loaded.result.ledger.pledges}
    base = prefix + slugify(title)
    candidate, n = base, 2
    while normalize_id(candidate) in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


# ---------------------------------------------------------------- writing


def write(edit: Edit) -> Diagnostic | None:
    """Write an edit atomically; refuse if the file changed on disk since it was read."""
    loaded = edit.loaded
    return write_bytes(loaded.path, loaded.name, loaded.raw, edit.data, loaded.mode)


def write_bytes(
    path: Path, name: str, original: bytes, data: bytes, mode: int
) -> Diagnostic | None:
    """Replace a file's bytes through a synced temporary file in the same directory.

    A crash at any point leaves either the original or the complete new file; the
    original is replaced only if it still holds the bytes the edit was computed from.
    """
    folder = path.parent
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        return _refusal(name, WRITE_FAILED, f"cannot write next to the file: {exc.strerror}")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        if _current_bytes(path) != original:
            _unlink_quietly(temp)
            return _refusal(
                name,
                CHANGED,
                "refusing to write: the file changed on disk since it was read",
                "run the command again",
            )
        os.replace(temp, path)
    except OSError as exc:
        _unlink_quietly(temp)
        return _refusal(
            name,
            WRITE_FAILED,
            f"the edit was not written: {exc.strerror or exc}; the file is unchanged",
        )
    except BaseException:
        _unlink_quietly(temp)
        raise
    _fsync_dir(folder)
    return None


def _current_bytes(path: Path) -> bytes | None:
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---------------------------------------------------------------- formatting


@dataclass
class Formatted:
    """One file's canonical layout: `data` is None when it could not be formatted."""

    path: Path
    name: str
    raw: bytes
    data: bytes | None
    mode: int
    diagnostics: list[Diagnostic]

    @property
    def changed(self) -> bool:
        return self.data is not None and self.data != self.raw


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 1 << 30  # never wrap
    yaml.preserve_quotes = True
    return yaml


def _reorder(mapping: Any, order: Sequence[str]) -> None:
    """Put known keys in canonical order, unknown ones after them, comments with their keys."""
    if not hasattr(mapping, "move_to_end"):
        return
    keys = list(mapping)
    wanted = [k for k in order if k in mapping] + [k for k in keys if k not in order]
    if wanted == keys:
        return
    items = mapping.ca.items
    trailing = items.get(keys[-1])
    for key in wanted:
        mapping.move_to_end(key)
    # what follows the mapping (blank lines, a comment that heads the next entry) stays last
    if trailing is not None and len(trailing) > 2 and trailing[2] is not None:
        moved = items.get(wanted[-1])
        if moved is None or len(moved) < 3 or moved[2] is None:
            slot = list(moved) if moved is not None else [None, None, None, None]
            slot += [None] * (4 - len(slot))
            slot[2], trailing[2] = trailing[2], None
            items[wanted[-1]] = slot


def _layout(text: str) -> str:
    """Lay out LF text canonically with ruamel's round trip."""
    import io

    yaml = _yaml()
    data = yaml.load(text)
    if isinstance(data, dict):
        if isinstance(data.get("source"), dict):
            _reorder(data["source"], SOURCE_KEYS)
        for item in data.get("pledges") or [] if isinstance(data.get("pledges"), list) else []:
            _reorder(item, PLEDGE_KEYS)
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _comment_lines(text: str) -> list[str]:
    return sorted(line.strip() for line in text.splitlines() if line.strip().startswith("#"))


def format_file(path: Path) -> Formatted:
    """The canonical layout of one file, verified to hold the same data and comments."""
    name = display_name(path)
    raw = read_raw(path, name)
    if isinstance(raw, Diagnostic):
        return Formatted(path, name, b"", None, 0, [raw])
    mode = stat.S_IMODE(os.lstat(path).st_mode)
    failed = Formatted(path, name, raw.data, None, mode, [])
    eol = _line_ending(name, raw.text)
    if isinstance(eol, Diagnostic):
        failed.diagnostics.append(eol)
        return failed
    old, found = read_document(name, raw.text)
    if found:
        failed.diagnostics += found
        return failed
    text = raw.text.replace("\r\n", "\n")
    try:
        new = _layout(text)
        stable = _layout(new) == new
    except Exception as exc:  # ruamel raises assorted types; the reader accepted the file
        failed.diagnostics.append(_refusal(name, REFUSED, f"cannot lay out the file: {exc}"))
        return failed
    doc, found = read_document(name, new)
    if found or doc.data != old.data or not stable or _comment_lines(new) != _comment_lines(text):
        why = "is not stable" if stable else "would change its data or comments"
        failed.diagnostics.append(
            _refusal(
                name,
                UNVERIFIED,
                f"not formatted: the layout {why}",
                "the file was left untouched; please report this",
            )
        )
        return failed
    out = (BOM if raw.data.startswith(BOM) else b"") + new.replace("\n", eol).encode("utf-8")
    return Formatted(path, name, raw.data, out, mode, [])


def write_formatted(formatted: Formatted) -> Diagnostic | None:
    if formatted.data is None or not formatted.changed:
        return None
    return write_bytes(
        formatted.path, formatted.name, formatted.raw, formatted.data, formatted.mode
    )


# ---------------------------------------------------------------- entries from options


def observation(
    when: str | int,
    value: float | int,
    proof: dict[str, Any],
    *,
    unit: str | None = None,
    note: str | None = None,
    outcome: bool = False,
) -> dict[str, Any]:
    """A progress item in the ledger's key order."""
    item: dict[str, Any] = {"period": period(when), "value": value}
    if unit is not None:
        item["unit"] = unit
    if outcome:
        item["outcome"] = True
    if note is not None:
        item["note"] = note
    item["evidence"] = [proof]
    return item


def assessment(
    status: str, as_of: str | int, rationale: str, proof: dict[str, Any]
) -> dict[str, Any]:
    return {"status": status, "as_of": period(as_of), "rationale": rationale, "evidence": [proof]}


def target_entry(
    op: str | None,
    values: Sequence[float | int],
    stretch: Sequence[float | int],
    tolerance: Sequence[float | int],
    ref: str | None,
    set_by_higher_level: bool,
) -> dict[str, Any] | None:
    """A target mapping from command-line options; None for a qualitative pledge."""
    if set_by_higher_level:
        return {"set_by": "higher-level"}
    target: dict[str, Any] = {}
    if op is not None:
        target["op"] = op
    if ref is not None:
        target["ref"] = ref
    if values:
        target["value"] = list(values) if len(values) > 1 else values[0]
    if stretch:
        target["stretch"] = stretch[0]
    if tolerance:
        target["tolerance"] = tolerance[0]
    return target or None


def pledge_entry(
    pledge_id: str,
    title: str,
    quote: str,
    deadline: str,
    *,
    made: str | None = None,
    start: str | None = None,
    binding: bool | None = None,
    tags: Sequence[str] = (),
    metric: dict[str, str | None] | None = None,
    target: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A new pledge in canonical key order; unset fields are left out."""
    fields: dict[str, Any] = {
        "id": pledge_id,
        "title": title,
        "quote": quote,
        "made": period(made),
        "start": period(start),
        "deadline": period(deadline),
        "binding": binding,
        "tags": list(tags) or None,
        "metric": {k: v for k, v in (metric or {}).items() if v is not None} or None,
        "target": target,
    }
    return {key: fields[key] for key in PLEDGE_KEYS if fields.get(key) is not None}
