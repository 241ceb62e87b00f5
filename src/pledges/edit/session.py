"""A ledger file opened for editing: its bytes, parsed document, line endings and the
ledger it belongs to; the refusal codes every edit reports.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from pledges.model.diagnostics import Diagnostic, Severity
from pledges.model.document import Document
from pledges.read.cache import Cache
from pledges.read.loader import JURISDICTIONS_FILE, LoadResult, expand, load, unchanged
from pledges.read.safe import BOM, RawFile, display_name, read_raw
from pledges.read.yamlread import read_document

REFUSED = "PL900"  # the file cannot be edited as it stands
NOT_FOUND = "PL901"  # no such pledge
EXISTS = "PL902"  # the id is taken
UNVERIFIED = "PL903"  # the computed edit failed verification
CHANGED = "PL904"  # the file changed on disk while the edit was prepared
WRITE_FAILED = "PL905"

EOL = re.compile(r"\r\n|\n|\r")


def refusal(
    file: str, code: str, message: str, hint: str | None = None, line: int = 1, column: int = 1
) -> Diagnostic:
    return Diagnostic(file, line, column, code, Severity.ERROR, message, hint)


# ---------------------------------------------------------------- emitting YAML values


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
    kind: str = "ledger-file"  # or a registry: "jurisdictions", "units"

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
    starts += [m.end() for m in EOL.finditer(text) if m.end() < len(text)]
    return starts


def line_ending(name: str, text: str) -> str | Diagnostic:
    endings = {m.group() for m in EOL.finditer(text)}
    if len(endings) > 1:
        return refusal(
            name,
            REFUSED,
            "the file mixes line endings; refusing to edit it",
            "convert it to LF or CRLF throughout",
        )
    if endings == {"\r"}:
        return refusal(name, REFUSED, "the file uses CR-only line endings; refusing to edit it")
    return "\r\n" if endings == {"\r\n"} else "\n"


def open_for_edit(
    path: Path,
    as_of: date,
    root: Path | None = None,
    kind: str = "ledger-file",
    *,
    cache: Cache | None = None,
    prior: LoadResult | Loaded | None = None,
) -> Loaded | list[Diagnostic]:
    """Read a ledger file (or a registry, by `kind`) and its ledger; refuse what must not
    be edited.

    `prior` is what the command loaded already: the same ledger, or this file opened for
    editing before. It is used as it is when every file still holds the bytes it held
    then (`loader.unchanged`); otherwise the ledger is loaded again, through `cache` (by
    default the cache `prior` was read with). A view of the ledger index
    (`check.editview`) is renewed instead: it raises if any file changed.
    Only the file's own lint errors are looked for (`lint.file_errors`).
    """
    name = display_name(path)
    raw = read_raw(path, name)
    if isinstance(raw, Diagnostic):
        return [replace(raw, code=REFUSED, message=f"refusing to edit: the file {raw.message}")]
    eol = line_ending(name, raw.text)
    if isinstance(eol, Diagnostic):
        return [eol]
    from pledges.check.lint import file_errors

    folder = root if root is not None else ledger_root(path)
    # a registry is read as part of its ledger, never as a ledger file
    paths = [path] if kind == "ledger-file" else []
    if cache is None and prior is not None:  # read again through the cache it was read with
        cache = (prior.result if isinstance(prior, Loaded) else prior).cache
    if isinstance(prior, Loaded):
        same = prior.path == path and prior.raw == raw.data and (prior.as_of, prior.kind)
        if same == (as_of, kind) and unchanged(prior.result, folder, paths):
            return prior
        prior = prior.result
    if prior is not None and prior.renew is not None:
        result = prior.renew()  # a view of the ledger index, brought up to date
    elif prior is not None and unchanged(prior, folder, paths):
        selected = {display_name(p) for p in expand(paths)} if paths else None
        result = replace(prior, selected=selected)
    else:
        result = load(folder, paths, cache=cache)
    return _opened(path, name, raw, eol, result, file_errors(result, name, as_of), as_of, kind)


def open_all(
    paths: list[Path], as_of: date, result: LoadResult, found: list[Diagnostic]
) -> list[Loaded] | list[Diagnostic]:
    """Files of a loaded ledger opened for one edit: all of them, or the refusals.

    `found` is the ledger's lint; each file is read again and must hold the data
    `result` has for it.
    """
    opened: list[Loaded] = []
    refusals: list[Diagnostic] = []
    for path in paths:
        name = display_name(path)
        raw = read_raw(path, name)
        if isinstance(raw, Diagnostic):
            message = f"refusing to edit: the file {raw.message}"
            refusals.append(replace(raw, code=REFUSED, message=message))
            continue
        eol = line_ending(name, raw.text)
        if isinstance(eol, Diagnostic):
            refusals.append(eol)
            continue
        loaded = _opened(path, name, raw, eol, result, found, as_of)
        if isinstance(loaded, list):
            refusals += loaded
        else:
            opened.append(loaded)
    return refusals or opened


def _opened(
    path: Path,
    name: str,
    raw: RawFile,
    eol: str,
    result: LoadResult,
    found: list[Diagnostic],
    as_of: date,
    kind: str = "ledger-file",
) -> Loaded | list[Diagnostic]:
    errors = [d for d in found if d.severity is Severity.ERROR and d.file == name]
    if errors:
        count = f"{len(errors)} lint error" + ("s" if len(errors) > 1 else "")
        return [
            refusal(
                name,
                REFUSED,
                f"refusing to edit: the file has {count}",
                "fix them first ('pledges lint' lists them)",
            ),
            *errors,
        ]
    doc, problems = read_document(name, raw.text)
    docs = {
        "ledger-file": [f.doc for f in result.ledger.files],
        "jurisdictions": result.ledger.jurisdiction_docs,
        "units": result.ledger.unit_docs,
    }.get(kind, [])
    loaded_doc = next((d for d in docs if d.file == name), None)
    if problems or loaded_doc is None or loaded_doc.data != doc.data:
        return [refusal(name, CHANGED, "the file changed while it was being read; try again")]
    mode = stat.S_IMODE(os.lstat(path).st_mode)
    return Loaded(
        path, name, raw.data, raw.text, eol, doc, mode, result, as_of, _line_starts(raw.text), kind
    )


def find_pledge_file(result: LoadResult, pledge_id: str) -> Path | Diagnostic:
    """The file that holds a pledge, with a did-you-mean when there is none."""
    pledge = result.ledger.pledge_index().get(pledge_id)
    if pledge is None:
        from pledges.check.rules.references import did_you_mean

        hint = did_you_mean(pledge_id, result.ledger.pledge_index())
        return refusal(
            result.ledger.root or "ledger",
            NOT_FOUND,
            f"no pledge '{pledge_id}' in the ledger",
            hint or None,
        )
    return result.paths.get(pledge.file, Path(pledge.file))


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
class Splice:
    first: int  # first line replaced (1-based); insertion happens before it
    last: int  # last line replaced; first - 1 for a pure insertion
    lines: list[str]


def apply_splice(loaded: Loaded, splice: Splice) -> str:
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
