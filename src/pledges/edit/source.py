"""A new source: its text archived under `sources/` and a ledger file (in the current
format) holding its `source` block and an empty `pledges` list, in the folder of its
jurisdiction. Both files are
verified before anything is written (the new file parses to exactly the intended data,
passes the schema and adds no lint error to the ledger), then created atomically, never
over an existing file; if the second cannot be created the first is removed.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from pledges.edit.emit import SOURCE_KEYS, period, scalar
from pledges.edit.lock import DEFAULT_TIMEOUT, Waiting
from pledges.edit.session import EXISTS, REFUSED, UNVERIFIED, refusal
from pledges.model.diagnostics import Diagnostic, Severity
from pledges.model.ledger import CURRENT_FORMAT
from pledges.model.sourcetext import SourceText
from pledges.read.archive import Archive, archive_path, read_archives, sha256_of
from pledges.read.loader import LoadResult
from pledges.read.safe import display_name
from pledges.read.yamlread import read_document

_JURISDICTION = re.compile(r"^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class SourceFields:
    """What `pledges source add` records about a document."""

    id: str
    title: str
    title_en: str
    publisher: str
    jurisdiction: str
    date: str
    retrieved: str
    url: str | None = None
    archive_url: str | None = None
    language: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class NewSource:
    """A verified new source, ready to be written."""

    ledger_path: Path
    ledger_name: str
    text: str
    archive_path: Path
    archive_name: str
    archive: bytes

    @property
    def sha256(self) -> str:
        return sha256_of(self.archive)


def ledger_file_for(root: Path, source_id: str, jurisdiction: str) -> Path:
    """`cn/zhejiang/hangzhou/xiaoshan` + `xiaoshan-2024-work-report` →
    `cn/zhejiang/hangzhou/xiaoshan/2024-work-report.yaml`: the folder of the jurisdiction,
    the id less a leading `<last part of the jurisdiction>-`."""
    last = jurisdiction.rsplit("/", 1)[-1]
    stem = source_id
    if stem.startswith(last + "-") and len(stem) > len(last) + 1:
        stem = stem[len(last) + 1 :]
    return root.joinpath(*jurisdiction.split("/"), stem + ".yaml")


def missing_file_hint(file: Path) -> str:
    """What to say about a ledger file that does not exist: a ledger file starts with its
    source, so name the `pledges source add` whose id and jurisdiction put the new file at
    this very path (see `ledger_file_for`) when the path is inside a ledger."""
    from pledges.edit.session import ledger_root

    guess = "--id ID --jurisdiction JURISDICTION"
    root = ledger_root(file)
    if root is not None and file.suffix in (".yaml", ".yml"):
        try:
            folder: Path | None = file.resolve().parent.relative_to(root.resolve())
        except ValueError:
            folder = None
        if folder is not None and folder.parts:
            jurisdiction = "/".join(folder.parts)
            guess = f"--id {folder.parts[-1]}-{file.stem} --jurisdiction {jurisdiction}"
    return (
        f"{file}: no such ledger file; a ledger file starts with its source document: "
        f"pledges source add DOCUMENT {guess} --date DATE --title TITLE --title-en TITLE "
        "--publisher PUBLISHER"
    )


def source_entry(fields: SourceFields, archive: str, sha256: str) -> dict[str, Any]:
    """The `source` mapping in the ledger's key order; unset fields left out."""
    values: dict[str, Any] = {
        "id": fields.id,
        "title": fields.title,
        "title_en": fields.title_en,
        "publisher": fields.publisher,
        "jurisdiction": fields.jurisdiction,
        "date": period(fields.date),
        "url": fields.url,
        "archive_url": fields.archive_url,
        "archive": archive,
        "sha256": sha256,
        "retrieved": period(fields.retrieved),
        "language": fields.language,
        "note": fields.note,
    }
    return {key: values[key] for key in SOURCE_KEYS if values.get(key) is not None}


def _source_id_pattern() -> str | None:
    """The pattern the ledger-file schema gives a source id (following `$ref`s)."""
    from pledges.read.schema import load_schema

    schema = load_schema("ledger-file")
    node: Any = schema.get("$defs", {}).get("source", {}).get("properties", {}).get("id", {})
    for _ in range(8):
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(ref, str) or "#/" not in ref:
            break
        node = schema
        for part in ref.split("#/", 1)[1].split("/"):
            node = node.get(part, {}) if isinstance(node, dict) else {}
    pattern = node.get("pattern") if isinstance(node, dict) else None
    return pattern if isinstance(pattern, str) else None


def option_problems(fields: SourceFields) -> list[str]:
    """Mistakes in the options, named by option, found before any YAML is built."""
    from pledges.check.rules.evidence import url_problem
    from pledges.model.periods import PeriodError, parse_period

    problems = []
    pattern = _source_id_pattern()
    if pattern is not None and not re.search(pattern, fields.id):
        problems.append(
            f"--id: '{fields.id}' is not a source id: lowercase ASCII letters, digits, "
            f"'.', '_' and '-', starting with a letter or digit (the schema's {pattern})"
        )
    for option, value in (("--date", fields.date), ("--retrieved", fields.retrieved)):
        try:
            parse_period(period(value))
        except PeriodError as exc:
            problems.append(f"{option}: {exc}")
    for option, url in (("--url", fields.url), ("--archive-url", fields.archive_url)):
        problem = url_problem(url) if url is not None else None
        if problem:
            problems.append(f"{option}: {problem}")
    if fields.language is not None and not _LANGUAGE.match(fields.language):
        problems.append(f"--language: '{fields.language}' is not a language tag like zh-Hans")
    for option, text in (
        ("--title", fields.title),
        ("--title-en", fields.title_en),
        ("--publisher", fields.publisher),
    ):
        if not text.strip():
            problems.append(f"{option} must not be empty")
    return problems


def plan_source(
    result: LoadResult, fields: SourceFields, archive: bytes, as_of: date
) -> NewSource | list[Diagnostic]:
    """The new source's two files, verified; or why they cannot be added."""
    root_text = result.ledger.root
    if not root_text:
        return [refusal("ledger", REFUSED, "no ledger directory to add the source to")]
    root = Path(root_text)
    problems = option_problems(fields)
    if problems:
        return [refusal("pledges source add", REFUSED, problem) for problem in problems]
    known = _known_source(result, fields.id)
    if known is not None:
        return [known]
    unknown = _unknown_jurisdiction(result, fields.jurisdiction)
    if unknown is not None:
        return [unknown]
    ledger_path = ledger_file_for(root, fields.id, fields.jurisdiction)
    relative = archive_path(fields.id)
    archive_file = root / relative
    names = (display_name(ledger_path), display_name(archive_file))
    taken = [
        refusal(name, EXISTS, "already exists; refusing to overwrite it")
        for path, name in zip((ledger_path, archive_file), names, strict=True)
        if path.exists() or path.is_symlink()
    ]
    if taken:
        return taken
    entry = source_entry(fields, relative, sha256_of(archive))
    block = [f"  {key}: {scalar(value)}" for key, value in entry.items()]
    lines = [f"format: {CURRENT_FORMAT}", "source:", *block, "", "pledges: []"]
    text = "\n".join(lines) + "\n"
    new = NewSource(ledger_path, names[0], text, archive_file, names[1], archive)
    expected = {"format": CURRENT_FORMAT, "source": entry, "pledges": []}
    problems_found = _verify(result, new, expected, relative, as_of)
    return problems_found or new


def _known_source(result: LoadResult, source_id: str) -> Diagnostic | None:
    for ledger_file in result.ledger.files:
        source = ledger_file.source
        if source is not None and source.id == source_id:
            line, column = ledger_file.doc.position(("source", "id"))
            return refusal(
                ledger_file.doc.file,
                EXISTS,
                f"source id '{source_id}' is already declared here",
                "choose another --id",
                line,
                column,
            )
    return None


def _unknown_jurisdiction(result: LoadResult, jurisdiction: str) -> Diagnostic | None:
    known = result.ledger.jurisdictions
    if jurisdiction in known and _JURISDICTION.match(jurisdiction):
        return None
    from pledges.check.rules.references import did_you_mean

    guess = did_you_mean(jurisdiction, known)
    return refusal(
        "pledges source add",
        REFUSED,
        f"--jurisdiction: '{jurisdiction}' is not in jurisdictions.yaml",
        guess or f"add it first: pledges jurisdiction add {jurisdiction} --name … --level …",
    )


def _verify(
    result: LoadResult, new: NewSource, expected: dict[str, Any], relative: str, as_of: date
) -> list[Diagnostic]:
    from pledges.check.lint import lint
    from pledges.model.ledger import build_file
    from pledges.read.schema import validate

    doc, found = read_document(new.ledger_name, new.text)
    unverified = [
        refusal(
            new.ledger_name,
            UNVERIFIED,
            "refusing to write: the new ledger file did not verify",
            "nothing was written; please report this with the command you ran",
        )
    ]
    if found or doc.data != expected:
        return unverified
    schema = validate("ledger-file", doc)
    if schema:
        return schema
    ledger = replace(result.ledger, files=[*result.ledger.files, build_file(doc)])
    wanted = [f.source.archive for f in result.ledger.files if f.source and f.source.archive]
    archives: dict[str, Archive | str] = dict(read_archives(Path(result.ledger.root), wanted))
    text = SourceText(new.archive.decode("utf-8-sig", errors="replace"))
    archives[relative] = Archive(relative, new.archive_name, new.sha256, text)
    check = LoadResult(ledger, list(result.diagnostics), {new.ledger_name}, result.unreadable)
    errors = [d for d in lint(check, as_of, archives=archives) if d.severity is Severity.ERROR]
    if errors:
        return [
            refusal(
                new.ledger_name,
                REFUSED,
                "refusing to write: the new ledger file would have lint errors",
                "nothing was written",
            ),
            *errors,
        ]
    return []


def write_source(new: NewSource) -> Diagnostic | None:
    """Create the archive, then the ledger file; both or neither."""
    from pledges.edit.atomic import create

    for folder in (new.archive_path.parent, new.ledger_path.parent):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return refusal(
                display_name(folder),
                REFUSED,
                f"cannot create the folder: {exc.strerror or exc}; nothing was written",
            )
    problem = create(new.archive_path, new.archive_name, new.archive)
    if problem is not None:
        return problem
    problem = create(new.ledger_path, new.ledger_name, new.text.encode("utf-8"))
    if problem is not None:
        with contextlib.suppress(OSError):
            os.unlink(new.archive_path)
        return problem
    return None


@dataclass(frozen=True)
class Archived:
    """What `archive_existing` wrote."""

    archive_name: str
    ledger_name: str
    line: int
    sha256: str


def archive_existing(
    result: LoadResult,
    source_id: str,
    data: bytes,
    retrieved: str,
    as_of: date,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    on_wait: Callable[[Waiting], None] | None = None,
) -> Archived | list[Diagnostic]:
    """Archive the text of a source the ledger already has: write `sources/<id>.txt`, then
    add `archive`, `sha256` and `retrieved` to its source block (a verified edit: every
    quote citing the source must be in the text). If the edit is refused, the new archive
    is removed again."""
    from pledges.edit import atomic, blocks, session
    from pledges.model.periods import PeriodError, parse_period

    root_text = result.ledger.root
    if not root_text:
        return [refusal("ledger", REFUSED, "no ledger directory to archive the source in")]
    try:
        parse_period(period(retrieved))
    except PeriodError as exc:
        return [refusal("pledges source archive", REFUSED, f"--retrieved: {exc}")]
    ledger_file = next(
        (f for f in result.ledger.files if f.source is not None and f.source.id == source_id),
        None,
    )
    if ledger_file is None or ledger_file.source is None:
        from pledges.check.rules.references import did_you_mean

        guess = did_you_mean(source_id, result.ledger.source_index())
        message = f"no source '{source_id}' in the ledger"
        return [refusal("pledges source archive", session.NOT_FOUND, message, guess)]
    doc = ledger_file.doc
    if ledger_file.source.archive is not None:
        line, column = doc.position(("source", "archive"))
        return [
            refusal(
                doc.file,
                EXISTS,
                f"source '{source_id}' already has an archive",
                "'pledges source check' re-hashes it",
                line,
                column,
            )
        ]
    root = Path(root_text)
    relative = archive_path(source_id)
    path = root / relative
    name = display_name(path)
    new_folder = not path.parent.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return [refusal(name, REFUSED, f"cannot create its folder: {exc.strerror or exc}")]
    problem = atomic.create(path, name, data)
    if problem is not None:
        return [problem]
    values = {"archive": relative, "sha256": sha256_of(data), "retrieved": period(retrieved)}
    edit = atomic.apply_edit(
        Path(doc.file),
        as_of,
        lambda loaded: blocks.plan_source_keys(loaded, values, SOURCE_KEYS),
        root,
        timeout=timeout,
        on_wait=on_wait,
    )
    if not isinstance(edit, list):
        return Archived(name, edit.loaded.name, edit.line, str(values["sha256"]))
    refused = edit
    with contextlib.suppress(OSError):
        os.unlink(path)
        if new_folder:
            path.parent.rmdir()
    return refused


__all__ = [
    "Archived",
    "NewSource",
    "SourceFields",
    "archive_existing",
    "ledger_file_for",
    "missing_file_hint",
    "option_problems",
    "plan_source",
    "write_source",
]
