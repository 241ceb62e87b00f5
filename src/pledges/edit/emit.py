"""YAML text for new entries: scalars and blocks in the ledger's layout, and the
entries (pledges, observations, assessments, evidence) built from command options.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from pledges.model.registries import Unit
from pledges.read.yamlread import resolve_plain

PLEDGE_KEYS = (
    "id",
    "review",
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
    "same_as",
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
    "archive_url",
    "archive",
    "sha256",
    "retrieved",
    "language",
    "note",
)


_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_CHARS = set(",[]{}")


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


# Words an id does without: function words, the verbs of targets, and magnitudes.
_STOP_TEXT = """
    a an the of in on at to for from by with and or as per than into over under about
    around within its their this that these those be is are was were been more less least
    most all each every new newly add added adding achieve complete completed reach keep
    ensure strive striving maintain make grow increase raise above below
    billion million thousand hundred cny yuan rmb year years annual annually total
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
ID_LIMIT = 40


def key_words(text: str) -> list[str]:
    """The words of a name that identify it: ASCII, lower case, no stop words, no figures,
    nothing in parentheses."""
    text = re.sub(r"[(（][^()（）]*[)）]", " ", text)
    text = re.sub(r"(?<=\w)&(?=\w)", "", text)  # R&D is one word
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    kept: list[str] = []
    for word in words:
        if word in STOP_WORDS or word.isdigit() or (kept and kept[-1] == word):
            continue
        kept.append(word)
    return kept


def short_slug(words: Sequence[str], limit: int) -> str:
    """Whole words joined by '-' up to `limit` characters (the first word cut if longer)."""
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or (words[0][:limit] if words else "")


# ---------------------------------------------------------------- entries from options


def figure(text: str, unit: Unit | None) -> float | int | str | None:
    """A figure from an option: a finite number or, for an ordinal unit, one of its levels
    (given as its label or rank; written as its label, or as its rank when the label would
    read as a number). None when it is neither."""
    if unit is None or not unit.ordinal:
        return number(text)
    as_number = number(text)
    rank = unit.rank(text) or (unit.rank(as_number) if as_number is not None else None)
    if rank is None:
        return None
    label = unit.levels[rank - 1]
    return label if isinstance(resolve_plain(label), str) else rank


def observation(
    when: str | int,
    value: float | int | str | None,
    proof: dict[str, Any] | None,
    *,
    unit: str | None = None,
    note: str | None = None,
    outcome: bool = False,
    done: bool | None = None,
    bound: str | None = None,
    approx: bool = False,
) -> dict[str, Any]:
    """A progress item (or, without evidence, a baseline) in the ledger's key order."""
    item: dict[str, Any] = {"period": period(when)}
    if value is not None:
        item["value"] = value
    if bound is not None:
        item["bound"] = bound
    if approx:
        item["approx"] = True
    if unit is not None:
        item["unit"] = unit
    if outcome:
        item["outcome"] = True
    if done is not None:
        item["done"] = done
    if note is not None:
        item["note"] = note
    if proof is not None:
        item["evidence"] = [proof]
    return item


def assessment(
    status: str, as_of: str | int, rationale: str, proof: dict[str, Any]
) -> dict[str, Any]:
    return {"status": status, "as_of": period(as_of), "rationale": rationale, "evidence": [proof]}


def target_entry(
    op: str | None,
    values: Sequence[float | int | str],
    stretch: Sequence[float | int | str],
    tolerance: Sequence[float | int],
    ref: str | None,
    set_by_higher_level: bool,
    every: str | None = None,
) -> dict[str, Any] | None:
    """A target mapping from command-line options; None for a qualitative pledge.
    A value may be the word `baseline` (a target relative to the pledge's baseline)."""
    if set_by_higher_level:
        return {"set_by": "higher-level"}
    target: dict[str, Any] = {}
    if op is not None:
        target["op"] = op
    if values:
        target["value"] = list(values) if len(values) > 1 else values[0]
    if stretch:
        target["stretch"] = stretch[0]
    if tolerance:
        target["tolerance"] = tolerance[0]
    if ref is not None:
        target["ref"] = ref
    if every is not None:
        target["every"] = every
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
    baseline: dict[str, Any] | None = None,
    related: Sequence[str] = (),
    same_as: str | None = None,
    note: str | None = None,
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
        "baseline": baseline,
        "target": target,
        "related": list(related) or None,
        "same_as": same_as,
        "note": note,
    }
    return {key: fields[key] for key in PLEDGE_KEYS if fields.get(key) is not None}
