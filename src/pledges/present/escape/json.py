"""JSON output: data kept exactly, printed safely.

JSON is data, so nothing is removed or replaced: every string round-trips. `json.dumps`
already escapes C0 controls; DEL, C1 controls, bidi controls and the line and paragraph
separators are written as `\\uXXXX` escapes too (valid JSON, the same value), so the text
printed to a terminal or a log carries no raw escape sequences. Non-finite numbers are
refused, as JSON has none.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pledges.present.escape.controls import BIDI

_RAW = re.compile(f"[\x7f-\x9f{BIDI}\u2028\u2029]")


def dumps(data: Any, *, indent: int | None = 2, compact: bool = False) -> str:
    """`data` as JSON text; `compact` drops the spaces after separators."""
    separators = (",", ":") if compact else None
    text = json.dumps(
        data, ensure_ascii=False, indent=indent, separators=separators, allow_nan=False
    )
    return _RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
