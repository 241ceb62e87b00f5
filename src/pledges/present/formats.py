"""Renderings of diagnostics: text lines, JSON, GitHub annotations, SARIF 2.1.0, Markdown.

Each escapes ledger text and file names for its destination with `pledges.present.escape`.
SARIF feeds code scanning and editors; the Markdown goes to `$GITHUB_STEP_SUMMARY`,
which GitHub truncates past 1 MiB per step, so the Markdown stays under a byte budget
and summarises what does not fit instead of being cut mid-row.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from pledges import __version__
from pledges.model.diagnostics import Diagnostic, Severity, summarize
from pledges.present.escape import github, markdown, terminal
from pledges.present.escape import json as json_out

JSON_FORMAT_VERSION = 1
SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "pledges"

# GitHub refuses step summaries over 1 MiB; leave room for what other steps append.
MARKDOWN_LIMIT = 1_000_000
# Bytes kept back for the summary of the rows that did not fit.
_REST_BUDGET = 64_000
_REST_ENTRIES = 200
_REST_NAME_CHARS = 200

# Loader and schema codes: raised before the semantic rules run, so not in all_rules().
LOADER_RULES: dict[str, str] = {
    "PL001": "a file that cannot be read as a plain UTF-8 text file",
    "PL002": "a YAML syntax error",
    "PL003": "a mapping with the same key twice",
    "PL004": "YAML outside the ledger's subset: anchors, aliases, tags, merge keys, "
    "directives, several documents",
    "PL005": "nesting deeper than the ledger allows",
    "PL006": "a merge-conflict marker left in a file",
    "PL007": "an empty file",
    "PL100": "a value the schema rejects",
    "PL101": "an unknown key",
    "PL102": "a required key is missing",
    "PL103": "a value of the wrong type",
    "PL104": "a value outside the allowed values or pattern",
}


def _level(severity: Severity | str) -> str:
    return "error" if severity == Severity.ERROR else "warning"


def _message(diagnostic: Diagnostic) -> str:
    return diagnostic.message + (f" ({diagnostic.hint})" if diagnostic.hint else "")


def display_file(file: str) -> str:
    """A file name for the start of a text line: `./` in front of one that looks like a
    workflow command (`::x.yaml`, `##[group].yaml`), so the line cannot be read as one."""
    if github.guard_line(file) != file:
        return "./" + file
    return file


def to_text(diagnostic: Diagnostic) -> str:
    """`file:line:column: code severity message (hint)`, one line safe for a terminal."""
    where = terminal.name(display_file(diagnostic.file))
    what = terminal.text(f"{diagnostic.code} {diagnostic.severity} {_message(diagnostic)}")
    return f"{where}:{diagnostic.line}:{diagnostic.column}: {what}"


def to_github(diagnostic: Diagnostic) -> str:
    """A GitHub Actions workflow command that annotates the diagnostic's line."""
    properties = {
        "file": diagnostic.file,
        "line": diagnostic.line,
        "col": diagnostic.column,
        "title": diagnostic.code,
    }
    return github.command(_level(diagnostic.severity), properties, _message(diagnostic))


def to_json(diagnostics: Sequence[Diagnostic], quotes: dict[str, int] | None = None) -> str:
    """The findings and their totals as versioned JSON; every value kept exactly. The
    summary has the quote tallies of the run under `quotes` when it counted any."""
    summary: dict[str, object] = dict(summarize(diagnostics))
    if quotes is not None:
        summary["quotes"] = quotes
    payload = {
        "version": JSON_FORMAT_VERSION,
        "diagnostics": [
            {
                "file": d.file,
                "line": d.line,
                "column": d.column,
                "code": d.code,
                "severity": str(d.severity),
                "message": d.message,
                "hint": d.hint,
                "path": d.path,
            }
            for d in diagnostics
        ],
        "summary": summary,
    }
    return json_out.dumps(payload)


def rule_catalogue() -> list[tuple[str, str, str]]:
    """(code, default level, summary) for every code pledges can report, sorted by code."""
    from pledges.check.catalog import all_rules

    entries = [(code, "error", summary) for code, summary in LOADER_RULES.items()]
    entries += [(rule.code, _level(rule.severity), rule.summary) for rule in all_rules().values()]
    return sorted(entries)


def artifact_uri(file: str) -> str:
    """A file name as a URI reference: relative with forward slashes, percent-encoded."""
    native = PureWindowsPath(file) if os.sep == "\\" else PurePosixPath(file)
    if native.is_absolute():
        return native.as_uri()
    posix = native.as_posix()
    return quote(posix[2:] if posix.startswith("./") else posix, safe="/")


def to_sarif(diagnostics: Sequence[Diagnostic]) -> str:
    """One SARIF 2.1.0 log with one run: the catalogue of rules and a result per finding."""
    catalogue = rule_catalogue()
    known = {code for code, _, _ in catalogue}
    # A code missing from the catalogue still needs a rule for ruleIndex to point at.
    for code in sorted({d.code for d in diagnostics} - known):
        catalogue.append((code, "error", code))
    index = {code: i for i, (code, _, _) in enumerate(catalogue)}
    rules = [
        {
            "id": code,
            "shortDescription": {"text": summary},
            "defaultConfiguration": {"level": level},
        }
        for code, level, summary in catalogue
    ]
    results = [_sarif_result(d, index[d.code]) for d in diagnostics]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {"driver": {"name": TOOL_NAME, "version": __version__, "rules": rules}},
                # libyaml marks count characters, not UTF-16 units.
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    # Compact: a log of many thousand results stays a fraction of the indented size.
    return json_out.dumps(log, indent=None, compact=True)


def _sarif_result(diagnostic: Diagnostic, rule_index: int) -> dict[str, Any]:
    message = _message(diagnostic)
    location: dict[str, Any] = {
        "physicalLocation": {
            "artifactLocation": {"uri": artifact_uri(diagnostic.file)},
            "region": {
                "startLine": max(1, diagnostic.line),
                "startColumn": max(1, diagnostic.column),
            },
        }
    }
    if diagnostic.path:
        location["logicalLocations"] = [{"fullyQualifiedName": diagnostic.path, "kind": "member"}]
    return {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index,
        "level": _level(diagnostic.severity),
        "message": {"text": message},
        "locations": [location],
    }


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _counts(diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.severity == Severity.ERROR)
    files = len({d.file for d in diagnostics})
    return (
        f"**{_plural(errors, 'error')}, {_plural(len(diagnostics) - errors, 'warning')}** "
        f"in {_plural(files, 'file')}."
    )


def _row(diagnostic: Diagnostic) -> str:
    cells = (
        markdown.text(diagnostic.file),
        str(diagnostic.line),
        markdown.text(diagnostic.code),
        _level(diagnostic.severity),
        markdown.text(_message(diagnostic)),
    )
    return markdown.row(cells) + "\n"


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def to_markdown(
    diagnostics: Sequence[Diagnostic],
    *,
    title: str = "pledges lint",
    max_bytes: int = MARKDOWN_LIMIT,
) -> str:
    """A job summary: heading, counts and a table; past `max_bytes`, a summary of the rest."""
    head = f"## {markdown.text(title)}\n\n"
    if not diagnostics:
        return head + "No problems found.\n"
    head += _counts(diagnostics) + "\n\n"
    table_head = "| file | line | code | severity | message |\n| --- | ---: | --- | --- | --- |\n"
    # Rows are rendered only until the table is known not to fit: past that, the rows
    # kept are a prefix of those already rendered.
    rows: list[str] = []
    used = _size(head) + _size(table_head)
    for diagnostic in diagnostics:
        rows.append(_row(diagnostic))
        used += _size(rows[-1])
        if used > max_bytes:
            break
    else:
        return head + table_head + "".join(rows)
    budget = max_bytes - _size(head) - _size(table_head) - min(_REST_BUDGET, max_bytes // 4) - 200
    shown, used = 0, 0
    for row in rows:
        size = _size(row)
        if used + size > budget:
            break
        used += size
        shown += 1
    rest = diagnostics[shown:]
    note = (
        f"Showing the first {shown} of {len(diagnostics)} findings; "
        f"the other {len(rest)} are counted below.\n\n"
    )
    table = table_head + "".join(rows[:shown]) + "\n" if shown else ""
    rest_budget = max_bytes - _size(head) - _size(note) - _size(table) - 1
    return head + note + table + _rest_summary(rest, rest_budget)


def _rest_summary(rest: Sequence[Diagnostic], budget: int) -> str:
    by_code = Counter(d.code for d in rest)
    by_file = Counter(d.file for d in rest)
    out = ""
    for heading, label, counter in (("By code", "code", by_code), ("By file", "file", by_file)):
        section = f"### {heading}\n\n| {label} | findings |\n| --- | ---: |\n"
        # Codes take at most half, so the files always get room of their own.
        allowance = (budget - _size(out)) // (2 if label == "code" else 1) - _size(section) - 100
        ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
        listed, used = 0, 0
        for name, count in ranked:
            shown_name = name if len(name) <= _REST_NAME_CHARS else name[:_REST_NAME_CHARS] + "…"
            line = f"| {markdown.text(shown_name)} | {count} |\n"
            if listed >= _REST_ENTRIES or used + _size(line) > allowance:
                break
            section += line
            used += _size(line)
            listed += 1
        others = len(counter) - listed
        if others:
            hidden = sum(count for _, count in ranked[listed:])
            more = _plural(others, label).replace(" ", " more ", 1)
            section += f"\n… and {more} ({_plural(hidden, 'finding')}).\n"
        out += section + "\n"
    return out
