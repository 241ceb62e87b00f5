"""Escaping for each destination of output, one module each.

Ledger text, keys and file names are data: before any of it reaches an output it goes
through the module of that output's destination, and only there.

- `terminal`: text for a person at a terminal (or a log): one line, controls visible.
- `github`: workflow commands, and the guard that keeps data from starting a line with one.
- `markdown`: inline Markdown and GFM table cells.
- `csv`: spreadsheet cells that cannot run as formulas.
- `html`: HTML text and attribute values.
- `json`: JSON that keeps every character of the data and prints safely.

`controls` names the characters all of them treat as hostile.
"""
