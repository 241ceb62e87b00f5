"""Edits of blocks other than pledges: a jurisdiction appended to jurisdictions.yaml, keys
added to a file's `source` mapping. Spliced and verified like every edit."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from pledges.edit.emit import scalar
from pledges.edit.session import EXISTS, REFUSED, Edit, Loaded, Splice, refusal
from pledges.edit.splice import append_to_list, insert_key, key_slot
from pledges.edit.verify import verify
from pledges.model.diagnostics import Diagnostic


def plan_jurisdiction(loaded: Loaded, entry: dict[str, Any]) -> Edit | list[Diagnostic]:
    """Append a jurisdiction to jurisdictions.yaml; its id must be new and its parent listed."""
    data = loaded.doc.data
    items = data.get("jurisdictions") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return [refusal(loaded.name, REFUSED, "the file has no 'jurisdictions' list")]
    jid = str(entry.get("id"))
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get("id") == jid:
            line, column = loaded.doc.position(("jurisdictions", index, "id"))
            return [
                refusal(
                    loaded.name,
                    EXISTS,
                    f"jurisdiction '{jid}' is already listed",
                    None,
                    line,
                    column,
                )
            ]
    splice = append_to_list(loaded, ("jurisdictions",), entry, ())
    if isinstance(splice, Diagnostic):
        return [splice]
    expected = copy.deepcopy(data)
    expected["jurisdictions"].append(entry)
    return verify(loaded, splice, expected, f"jurisdiction {jid}")


def plan_source_keys(
    loaded: Loaded, values: dict[str, Any], order: Sequence[str]
) -> Edit | list[Diagnostic]:
    """Add keys (new to it, adjacent in `order`) to the file's `source` block mapping, at
    their place in `order`."""
    data = loaded.doc.data
    source = data.get("source") if isinstance(data, dict) else None
    if not isinstance(source, dict) or not source:
        return [refusal(loaded.name, REFUSED, "the file has no 'source' mapping to add to")]
    present = [key for key in values if key in source]
    if present:
        line, column = loaded.doc.position(("source", present[0]), key=True)
        return [
            refusal(loaded.name, EXISTS, f"source already has '{present[0]}'", None, line, column)
        ]
    first = next(iter(values))
    slot = key_slot(loaded, ("source",), first, order)
    if isinstance(slot, Diagnostic):
        return [slot]
    indent = loaded.doc.position(("source", next(iter(source))), key=True)[1] - 1
    lines = [" " * indent + f"{scalar(key)}: {scalar(value)}" for key, value in values.items()]
    expected = copy.deepcopy(data)
    updated = expected["source"]
    for key, value in values.items():
        updated = insert_key(updated, key, value, slot[1])
    expected["source"] = updated
    summary = f"source {source.get('id')}: " + ", ".join(values)
    return verify(loaded, Splice(slot[0], slot[0] - 1, lines), expected, summary)
