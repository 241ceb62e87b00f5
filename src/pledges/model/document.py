"""The data of one YAML file with the position of every node in it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Path = tuple[str | int, ...]
# path -> (line, column) of the value, plus (line, column) of its key in a mapping
Marks = dict[Path, tuple[int, ...]]


@dataclass
class Document:
    """The data of one YAML file with the position of every node.

    Positions may be loaded lazily (`load_marks`): most runs never need them. A position
    already in `marks` is answered without loading the others.
    """

    file: str
    data: Any = None
    marks: Marks = field(default_factory=dict)
    load_marks: Callable[[], Marks] | None = field(default=None, repr=False, compare=False)

    def all_marks(self) -> Marks:
        """The position of every node, loaded now if they were left for later."""
        if self.load_marks is not None:
            self.marks, self.load_marks = self.load_marks(), None
        return self.marks

    def position(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Line and column of the node at `path`, or of the nearest ancestor that has one."""
        known = self.marks.get(path)
        if known is not None and not (key and len(known) != 4):
            return (known[2], known[3]) if key else (known[0], known[1])
        if self.load_marks is not None:
            self.marks, self.load_marks = self.load_marks(), None
        probe = path
        while probe:
            mark = self.marks.get(probe)
            if mark is not None:
                if key and len(mark) == 4:
                    return mark[2], mark[3]
                return mark[0], mark[1]
            probe = probe[:-1]
        return self.marks.get((), (1, 1))[:2]  # type: ignore[return-value]


__all__ = ["Document", "Marks", "Path"]
