"""A content-addressed cache of parsed and schema-checked files.

An entry is keyed by the file's bytes, the schema files and the package version, so a
changed file, schema or release never sees a stale entry. Entries are written with
`marshal` (plain data only, nothing executable) atomically; any unreadable entry is a
miss. The cache is an optimisation: every failure to read or write it is silent.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import tempfile
from pathlib import Path
from typing import Any

from pledges import __version__

# bump when the shape of cached entries changes
FORMAT = 2


def default_cache_dir() -> Path:
    configured = os.environ.get("PLEDGES_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pledges"


class Cache:
    def __init__(self, directory: Path, salt: str) -> None:
        self.directory = directory
        self.salt = f"{FORMAT}:{__version__}:{salt}"

    def key(self, kind: str, data: bytes) -> str:
        digest = hashlib.sha256(self.salt.encode())
        digest.update(kind.encode())
        digest.update(b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.bin"

    def get(self, key: str) -> Any:
        try:
            with self._path(key).open("rb") as handle:
                return marshal.load(handle)
        except Exception:  # a missing or damaged entry is a miss
            return None

    def put(self, key: str, value: Any) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                marshal.dump(value, handle)
            os.replace(tmp, path)
        except Exception:  # no cache is better than a failed command
            return
