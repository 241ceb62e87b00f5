"""Diagnostics: every finding about user data is one of these, never an exception."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


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


def summarize(diagnostics: Sequence[Diagnostic]) -> dict[str, int]:
    errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
    return {"errors": errors, "warnings": len(diagnostics) - errors}
