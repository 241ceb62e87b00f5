"""Editing ledger files: add a pledge, an observation or an assessment, atomically.

Edits splice new YAML text into the file at positions the reader reports, so every byte
outside the edited entry stays as it was: comments, blank lines, quoting, CRLF line
endings, a byte-order mark, a missing final newline. Each edit is verified before it is
written (the new text re-parses to the old data plus exactly the intended change, and
introduces no lint error), then written through a temporary file in the same directory
that replaces the original only if the original has not changed since it was read; the
ledger's lock (lock.py) is held from the read to the rename, so writers take turns.
Problems come back as diagnostics; nothing here raises on bad user data.
"""
