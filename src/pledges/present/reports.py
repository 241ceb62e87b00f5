"""JSON renderings of reports (`status --format json`, `show --format json`).

Data for programs, printed safely: nothing is removed or replaced, control and bidi
characters are written as escapes, and numbers that are not finite never appear (the
data carries null instead).
"""

from __future__ import annotations

from typing import Any

from pledges.present.escape import json as json_out


def as_json(data: Any) -> str:
    return json_out.dumps(data)
