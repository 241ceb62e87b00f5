"""`pledges fmt`: the canonical layout of a ledger file (key order, indentation),
keeping comments and quoting.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pledges.edit.atomic import write_bytes
from pledges.edit.emit import PLEDGE_KEYS, SOURCE_KEYS
from pledges.edit.lock import DEFAULT_TIMEOUT, Waiting, acquire
from pledges.edit.session import REFUSED, UNVERIFIED, line_ending, refusal
from pledges.model.diagnostics import Diagnostic
from pledges.read.safe import BOM, display_name, read_raw
from pledges.read.yamlread import read_document

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
    unreadable: bool = False  # the file could not be read at all

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
        return Formatted(path, name, b"", None, 0, [raw], unreadable=True)
    mode = stat.S_IMODE(os.lstat(path).st_mode)
    failed = Formatted(path, name, raw.data, None, mode, [])
    eol = line_ending(name, raw.text)
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
        failed.diagnostics.append(refusal(name, REFUSED, f"cannot lay out the file: {exc}"))
        return failed
    doc, found = read_document(name, new)
    if found or doc.data != old.data or not stable or _comment_lines(new) != _comment_lines(text):
        why = "is not stable" if stable else "would change its data or comments"
        failed.diagnostics.append(
            refusal(
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


def reformat(
    path: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    on_wait: Callable[[Waiting], None] | None = None,
) -> tuple[Formatted, Diagnostic | None]:
    """Format a file and write the result, with the ledger's lock held from read to rename.

    A file already in its canonical layout is only read: no lock, so `fmt` on a
    formatted ledger needs no write access. Returns the formatting and why it was not
    written (None: written, or nothing to write).
    """
    first = format_file(path)
    if not first.changed:
        return first, None
    held = acquire(path, first.name, timeout=timeout, on_wait=on_wait)
    if isinstance(held, Diagnostic):
        return first, held
    with held:
        formatted = format_file(path)  # read again under the lock: the bytes that are replaced
        return formatted, write_formatted(formatted)
