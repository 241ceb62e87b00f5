"""Reading many files over worker processes, when there are many and a core to spare.

Workers take and return plain data. Each one exits as soon as the command that started
it is gone, so `kill -9` of a command leaves no worker behind. Any failure of the pool
(no fork, no processes left, a worker killed) makes the rest run in this process.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Below this many files, starting processes costs more than it saves.
PARALLEL_MIN_FILES = 24


def jobs() -> int:
    """How many processes may parse files: $PLEDGES_JOBS, else the usable cores."""
    configured = os.environ.get("PLEDGES_JOBS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _orphan_guard(parent: int) -> None:
    """In each worker: exit as soon as the command that started it is gone."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def each(work: Callable[[T], R], items: Sequence[T], *, workers: int | None = None) -> Iterator[R]:
    """`work(item)` for every item, in order: over processes when there are enough items
    and more than one worker is allowed, else here."""
    workers = jobs() if workers is None else workers
    done = 0
    if workers > 1 and len(items) >= PARALLEL_MIN_FILES:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        workers = min(workers, max(1, len(items) // 8))
        try:
            with ProcessPoolExecutor(
                max_workers=workers, initializer=_orphan_guard, initargs=(os.getpid(),)
            ) as pool:
                chunk = max(1, min(16, len(items) // (workers * 4)))
                for result in pool.map(work, items, chunksize=chunk):
                    done += 1
                    yield result
            return
        except (BrokenProcessPool, OSError, RuntimeError):
            pass  # finish in this process
    for item in items[done:]:
        yield work(item)
