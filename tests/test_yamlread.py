from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest

from pledges.read.yamlread import read_document


def findings(text: str) -> list[tuple[int, int, str, str]]:
    _, diagnostics = read_document("f.yaml", text)
    return [(d.line, d.column, d.code, d.message) for d in diagnostics]


def test_core_schema_keeps_dates_as_text_and_yaml11_words_as_strings() -> None:
    doc, diagnostics = read_document(
        "f.yaml", "a: 2023-02-30\nb: no\nc: 010\nd: 1.5\ne: ~\nf: '7'\n"
    )
    assert diagnostics == []
    assert doc.data == {"a": "2023-02-30", "b": "no", "c": 10, "d": 1.5, "e": None, "f": "7"}


def test_positions_of_values_and_keys() -> None:
    doc, _ = read_document("f.yaml", "top:\n  key: [1, 2]\n")
    assert doc.position(("top", "key")) == (2, 8)
    assert doc.position(("top", "key"), key=True) == (2, 3)
    assert doc.position(("top", "key", 1)) == (2, 12)


def test_duplicate_key_names_both_lines() -> None:
    assert findings("a: 1\nb: 2\na: 3\n") == [
        (3, 1, "PL003", "duplicate key 'a': first defined at line 1, column 1")
    ]


def test_anchor_alias_and_merge_key_are_refused() -> None:
    assert findings("a: &x 1\nb: *x\nc:\n  <<: {d: 1}\n") == [
        (1, 4, "PL004", "anchor '&x' is not allowed in a ledger"),
        (2, 4, "PL004", "alias '*x' is not allowed in a ledger"),
        (4, 3, "PL004", "merge keys ('<<') are not allowed"),
    ]


def test_tags_directives_and_second_documents_are_refused() -> None:
    assert findings("a: !!binary aGk=\n") == [
        (1, 4, "PL004", "explicit tag 'tag:yaml.org,2002:binary' is not allowed in a ledger")
    ]
    assert findings("%YAML 1.1\n---\na: 1\n")[0][2:] == (
        "PL004",
        "YAML directives (%YAML, %TAG) are not allowed in a ledger",
    )
    assert findings("a: 1\n---\nb: 2\n") == [
        (2, 1, "PL004", "a ledger file holds one YAML document; this is a second one")
    ]


def test_deep_nesting_stops_without_recursion() -> None:
    doc, diagnostics = read_document("f.yaml", "[" * 100_000 + "]" * 100_000)
    assert [(d.code, d.message) for d in diagnostics] == [
        ("PL005", "nesting deeper than 64 levels")
    ]
    assert doc.data is None


def test_tab_indentation_gets_a_hint() -> None:
    _, diagnostics = read_document("f.yaml", "a:\n\tb: 1\n")
    assert diagnostics[0].code == "PL002"
    assert diagnostics[0].hint == "YAML does not allow tabs for indentation; use spaces"


def test_empty_and_comment_only_files() -> None:
    expected = [(1, 1, "PL007", "the file is empty: a ledger file needs a 'source' and 'pledges'")]
    assert findings("") == expected
    assert findings("# nothing here\n") == expected


def test_special_floats_and_huge_integers_parse_for_the_rules_to_judge() -> None:
    doc, _ = read_document("f.yaml", "a: .nan\nb: -.inf\nc: 1e999\nd: " + "9" * 5000 + "\n")
    assert math.isnan(doc.data["a"])
    assert doc.data["b"] == -math.inf
    assert doc.data["c"] == math.inf
    assert doc.data["d"] == math.inf


def test_a_parser_with_its_own_depth_limit_gives_the_same_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """libyaml builds differ: some stop deep flow nesting themselves, scanning ahead."""
    import yaml

    real_parse = yaml.parse

    def limited_parse(stream: str, Loader: Any) -> Iterator[Any]:  # noqa: N803 - PyYAML's name
        if stream.count("[") > 1000:
            index = 1000
            mark = yaml.Mark("<unicode string>", index, 0, index, "", 0)
            raise yaml.scanner.ScannerError(
                "while increasing flow level", mark, "exceeded maximum nesting depth", mark
            )
        return real_parse(stream, Loader=Loader)

    monkeypatch.setattr(yaml, "parse", limited_parse)
    doc, diagnostics = read_document("f.yaml", "[" * 100_000 + "]" * 100_000)
    assert [(d.line, d.column, d.code, d.message) for d in diagnostics] == [
        (1, 65, "PL005", "nesting deeper than 64 levels")
    ]
    assert doc.data is None


_TEXTS = [
    "top:\n  key: [1, 2]\n  other: {a: {b: [x, {c: d}]}}\n",
    "a: 1\na: {b: [1, {c: 2}]}\nc: [3]\n",
    "pledges:\n  - id: a/b\n    progress:\n      - {period: 2023, value: 1}\n",
    "a: &x 1\nb: *x\n*x : 2\n",
    "- 1\n- [2, [3, [4]]]\n",
    "x: [unclosed\n",
    "",
]


@pytest.mark.parametrize("text", _TEXTS)
@pytest.mark.parametrize("depth", [0, 1, 3])
def test_positions_recorded_only_so_deep_are_found_later(text: str, depth: int) -> None:
    """`depth` records positions of shallow nodes at once, the rest on first use: the data,
    the findings and every position are those of a full read."""
    full, full_found = read_document("f.yaml", text)
    partial, found = read_document("f.yaml", text, depth=depth)
    assert (partial.data, found) == (full.data, full_found)
    assert all(len(path) <= depth or path[:1] == ("?",) for path in partial.marks)
    assert all(full.marks[path] == mark for path, mark in partial.marks.items())
    for path in full.marks:
        assert partial.position(path) == full.position(path)
        assert partial.position(path, key=True) == full.position(path, key=True)
