"""Diagnostics: every finding about user data is one of these, never an exception."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import StrEnum

JSON_FORMAT_VERSION = 1


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding, located at a 1-based line and column of a file."""

    file: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str
    hint: str | None = None
    path: str | None = None

    def text(self) -> str:
        out = f"{self.file}:{self.line}:{self.column}: {self.code} {self.severity} {self.message}"
        if self.hint:
            out += f" ({self.hint})"
        return out


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(diagnostics))


def json_path(parts: Sequence[str | int]) -> str:
    """Render a path of keys and indexes as a JSON path: `$.pledges[3].target`."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def to_json(diagnostics: Sequence[Diagnostic]) -> str:
    payload = {
        "version": JSON_FORMAT_VERSION,
        "diagnostics": [asdict(d) for d in diagnostics],
        "summary": summarize(diagnostics),
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def summarize(diagnostics: Sequence[Diagnostic]) -> dict[str, int]:
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    return {"errors": errors, "warnings": len(diagnostics) - errors}


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def to_github(diagnostic: Diagnostic) -> str:
    """A GitHub Actions workflow command that annotates the diagnostic's line."""
    kind = "error" if diagnostic.severity is Severity.ERROR else "warning"
    props = ",".join(
        [
            f"file={_escape_property(diagnostic.file)}",
            f"line={diagnostic.line}",
            f"col={diagnostic.column}",
            f"title={_escape_property(diagnostic.code)}",
        ]
    )
    message = diagnostic.message + (f" ({diagnostic.hint})" if diagnostic.hint else "")
    return f"::{kind} {props}::{_escape_data(message)}"
