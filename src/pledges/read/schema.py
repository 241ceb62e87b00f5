"""Schema checks: the published JSON Schemas in `schema/`, errors located in the file.

Valid files take the hot path through a compiled validator (fastjsonschema); a file it
rejects is validated again by jsonschema's reference Draft 2020-12 validator, which
reports every error with its path. Both read the same schema files.
"""

from __future__ import annotations

import copy
import difflib
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from pledges.model.diagnostics import Diagnostic, Severity, json_path
from pledges.model.document import Document

SCHEMAS = ("ledger-file", "jurisdictions", "units")
# values that ledger format v2 renamed: the schema error names the new one
RENAMED = {"overdue": "unreported"}
_ONE_LINE = {"pattern": "\\n"}

_PATTERN_MESSAGES = {
    "slug": "is not a valid id: use lowercase ASCII letters, digits, '.', '_' and '-'",
    "path": "is not a valid id: lowercase ASCII slugs joined by '/', e.g. xiaoshan/2023/gdp-growth",
    "period": "is not a period: use YYYY, YYYY-HN, YYYY-QN, YYYY-MM or YYYY-MM-DD",
    "url": "is not an http(s) URL with a host",
    "tag": "is not a tag: lowercase letters, digits and '-'",
    "sha256": "is not a SHA-256 digest: 64 lowercase hexadecimal digits",
}


def schema_dir() -> Path:
    package = Path(__file__).resolve().parents[1]
    packaged = package / "schema"  # where a wheel puts it
    if packaged.is_dir():
        return packaged
    return package.parents[1] / "schema"  # a source checkout


@cache
def load_schema(name: str) -> dict[str, Any]:
    with (schema_dir() / f"{name}.schema.json").open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


@cache
def schema_digest() -> str:
    import hashlib

    digest = hashlib.sha256()
    for name in SCHEMAS:
        digest.update((schema_dir() / f"{name}.schema.json").read_bytes())
    return digest.hexdigest()


@cache
def _fast_validator(name: str) -> Callable[[Any], Any]:
    import fastjsonschema

    # The schemas use only keywords whose meaning is the same in draft 7 and 2020-12.
    # fastjsonschema rewrites the `$ref`s of what it compiles: give it a copy.
    schema = copy.deepcopy(load_schema(name))
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    validator: Callable[[Any], Any] = fastjsonschema.compile(schema, use_formats=False)
    return validator


@cache
def _reference_validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(name))


def is_valid(name: str, data: Any) -> bool:
    import fastjsonschema

    try:
        _fast_validator(name)(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def validate(name: str, doc: Document) -> list[Diagnostic]:
    """Schema diagnostics for a document; [] when it is valid."""
    if is_valid(name, doc.data):
        return []
    errors = sorted(_reference_validator(name).iter_errors(doc.data), key=lambda e: list(e.path))
    out: list[Diagnostic] = []
    for error in errors:
        out.extend(_diagnostics(doc, error))
    if not out:
        # The validators disagree (their regex engines, say): never let that pass as clean.
        message = "the file does not match the schema, but the reference validator finds no error"
        hint = "please report this with the file"
        return [Diagnostic(doc.file, 1, 1, "PL100", Severity.ERROR, message, hint, "$")]
    return out


def _property_names(schema: dict[str, Any]) -> list[str]:
    return list(schema.get("properties", {}))


def _diagnostics(doc: Document, error: Any) -> list[Diagnostic]:
    path = tuple(error.absolute_path)
    where = path[-1] if path else "the file"
    if not path:
        name = "the file"
    elif isinstance(where, str):
        name = f"'{where}'"
    else:
        parent = path[-2] if len(path) > 1 else "list"
        name = f"'{parent}' item {where + 1}"

    def make(
        code: str,
        message: str,
        hint: str | None = None,
        *,
        at: tuple[Any, ...] = path,
        key: bool = False,
    ) -> Diagnostic:
        line, column = doc.position(at, key=key)
        return Diagnostic(
            doc.file, line, column, code, Severity.ERROR, message, hint, json_path(at)
        )

    validator = error.validator
    if validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = _property_names(error.schema)
        out = []
        for key in error.instance:
            if key in allowed:
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}"
            out.append(make("PL101", f"unknown key '{key}'", hint, at=(*path, key), key=True))
        return out
    if validator == "required":
        missing = (
            error.message.split("'")[1] if "'" in error.message else str(error.validator_value)
        )
        owner = "the file" if not path else name
        return [make("PL102", f"{owner} is missing the required key '{missing}'")]
    if validator == "type":
        expected = error.validator_value
        wanted = " or ".join(expected) if isinstance(expected, list) else expected
        return [make("PL103", f"{name} must be {_article(wanted)}, not {_kind(error.instance)}")]
    if validator == "enum":
        options = [str(o) for o in error.validator_value]
        close = difflib.get_close_matches(str(error.instance), options, n=1)
        enum_hint = f"did you mean '{close[0]}'?" if close else None
        renamed = RENAMED.get(str(error.instance))
        if renamed in options:
            enum_hint = f"'{error.instance}' is '{renamed}' in ledger format v2: use '{renamed}'"
        return [
            make(
                "PL104",
                f"{name} must be one of {', '.join(options)}; got {error.instance!r}",
                enum_hint,
            )
        ]
    if validator == "pattern":
        return [
            make("PL104", f"{name} {_pattern_message(error.validator_value)}: {error.instance!r}")
        ]
    if validator == "not" and error.validator_value == _ONE_LINE:
        # beside every anchored pattern: `$` alone lets a final newline through in Python
        pattern = error.schema.get("pattern", "")
        return [make("PL104", f"{name} {_pattern_message(pattern)}: {error.instance!r}")]
    if validator == "anyOf":
        return [make("PL104", _any_of_message(name, error))]
    if validator == "minLength":
        return [make("PL104", f"{name} must not be empty")]
    if validator == "uniqueItems":
        return [make("PL104", f"{name} lists the same item twice")]
    return [make("PL100", f"{name}: {error.message}")]


def _pattern_message(pattern: str) -> str:
    if pattern.startswith("^https?"):
        return _PATTERN_MESSAGES["url"]
    if pattern.startswith("^[0-9]{4}"):
        return _PATTERN_MESSAGES["period"]
    if pattern.startswith("^[0-9a-f]{64}"):
        return _PATTERN_MESSAGES["sha256"]
    if "(/" in pattern:
        return _PATTERN_MESSAGES["path"]
    if pattern.startswith("^[a-z0-9]"):
        return _PATTERN_MESSAGES["slug"]
    if pattern.startswith("^[a-z]"):
        return _PATTERN_MESSAGES["tag"]
    return f"does not match {pattern}"


def _any_of_message(name: str, error: Any) -> str:
    options = error.validator_value
    required = [o.get("required") for o in options if "required" in o]
    if required and len(required) == len(options):
        if required == [["source"], ["url"]]:
            return f"{name} needs a 'source' or a 'url'"
        if required == [["factor"], ["levels"]]:
            return f"{name} needs a 'factor' (or 'levels' for an ordinal unit)"
        if required == [["value"], ["done"]]:
            return f"{name} needs a 'value' (or 'done' for a milestone)"
        return f"{name} needs 'op' with 'value' or 'ref', 'op: done', or 'set_by'"
    types = [o.get("type") for o in options]
    if "array" in types:
        return (
            f"{name} must be a number (or a level of an ordinal unit), a list of two for "
            "'between', or 'baseline'"
        )
    if "number" in types and "string" in types:
        return f"{name} must be a number or a level of an ordinal unit, not {_kind(error.instance)}"
    if "integer" in types:
        return f"{name} {_PATTERN_MESSAGES['period']}, not {error.instance!r}"
    return f"{name} is not valid: {error.message}"


def _article(word: str) -> str:
    names = {
        "object": "a mapping",
        "array": "a list",
        "string": "text",
        "number": "a number",
        "integer": "a whole number",
        "boolean": "true or false",
        "null": "null",
    }
    return names.get(word, word)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
