"""A progress bar on stderr for long work (reading, judging, linting a large ledger).

The core reports progress through plain `progress(done, total)` callbacks; this module
turns them into rich's progress bar. The bar appears only when stderr is a terminal, and
only for work that is big (a ledger of `BIG` pledges or more) or slow (still running
after `DELAY` seconds); otherwise nothing is written. It is cleared when the work ends.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

BIG = 2000
DELAY = 1.0

Callback = Callable[[int, int], None]


class Reporter:
    """Progress of the phases of one command, shown on stderr when worth it."""

    def __init__(
        self, enabled: bool | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.clock = clock
        self.started = clock()
        self.big = False
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._phase = ""

    def sized(self, pledges: int) -> None:
        """The ledger's size, once known: a big ledger shows its bar from the start."""
        self.big = pledges >= BIG

    def phase(self, description: str) -> Callback | None:
        """A callback for one phase of the work; None when no bar can be shown."""
        if not self.enabled:
            return None

        def report(done: int, total: int) -> None:
            if self._bar is None:
                if done >= total or not (self.big or self.clock() - self.started >= DELAY):
                    return
                self._start()
            assert self._bar is not None
            if self._task is None or self._phase != description:
                if self._task is not None:
                    self._bar.update(self._task, visible=False)
                self._task = self._bar.add_task(description, total=total)
                self._phase = description
            self._bar.update(self._task, completed=done, total=total)

        return report

    @property
    def showing(self) -> bool:
        return self._bar is not None

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._bar.start()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __enter__(self) -> Reporter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
