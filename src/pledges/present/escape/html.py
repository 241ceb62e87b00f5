"""HTML text and attribute values.

`&`, `<`, `>`, `"` and `'` become character references (what a template engine's
autoescape does), so data never opens a tag, closes an attribute or forms an entity;
controls, which HTML forbids in text, show as visible escapes.
"""

from __future__ import annotations

import html

from pledges.present.escape.controls import show


def text(value: object) -> str:
    """`value` as HTML text or a quoted attribute value."""
    raw = "" if value is None else str(value)
    return html.escape(show(raw, keep="\n\r\t"), quote=True)
