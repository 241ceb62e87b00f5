"""Characters that act on a terminal, a log or a reader instead of showing as text.

C0 and C1 controls (ESC starts the terminal's escape and OSC sequences, BEL and ESC-backslash
end them, 0x9B is a one-byte CSI), DEL, the bidirectional controls that reorder what a reader
sees, and the Unicode line and paragraph separators that some readers treat as line breaks.
Every escaper either encodes these in its destination's own syntax or shows them as visible
escapes: `\\x1b`, `\\u202e`.
"""

from __future__ import annotations

import re

# Arabic letter mark, left-to-right and right-to-left marks, the embeddings and overrides
# (U+202A-U+202E) and the isolates (U+2066-U+2069).
BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
HOSTILE = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI}\u2028\u2029]")
# What str.splitlines() and most line readers treat as the end of a line.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(char: str) -> str:
    """A hostile character as a visible escape: `\\n`, `\\x1b`, `\\u202e`."""
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def show(text: str, *, keep: str = "") -> str:
    """`text` with every hostile character not in `keep` made visible."""
    return HOSTILE.sub(lambda m: m.group() if m.group() in keep else visible(m.group()), text)
