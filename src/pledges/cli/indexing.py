"""Commands over the ledger index (docs/index.md): the index opened, brought up to date
and queried, or None when the command reads the ledger without it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from pledges.cli.common import load_at

if TYPE_CHECKING:
    from pledges.present.progress import Reporter
    from pledges.read.index import LedgerIndex
    from pledges.read.loader import LoadResult

T = TypeVar("T")


def read_ledger(
    root: Path | None,
    paths: list[Path] | None = None,
    *,
    no_cache: bool = False,
    progress: Reporter | None = None,
) -> LoadResult:
    """`load_at`, answered from the ledger index when it can (docs/index.md): files whose
    contents did not change are not read again, and nothing is parsed or schema-checked."""
    paths = paths or []
    found = with_index(root, paths, _from_index, no_cache=no_cache)
    if found is not None:
        if progress:
            progress.sized(sum(len(f.pledges) for f in found.ledger.files))
        return found
    return load_at(root, paths, no_cache=no_cache, progress=progress)


def _from_index(index: LedgerIndex, selected: set[str] | None) -> LoadResult:
    from pledges.judge.indexed import IndexedLedger

    return IndexedLedger(index).load_result(selected)


class PrintingFailedError(Exception):
    """The index failed after output had started: the command cannot fall back quietly."""


def with_index(
    root: Path | None,
    paths: list[Path],
    body: Callable[[LedgerIndex, set[str] | None], T],
    *,
    no_cache: bool = False,
    archives: bool = True,
) -> T | None:
    """`body(index, selected)` over the up-to-date ledger index, or None when the command
    should read the ledger without it: --no-cache, $PLEDGES_NO_INDEX, files outside the
    ledger, a cache directory that cannot be written, a database that stays locked.
    A damaged database is deleted and built again; the ledger changing meanwhile makes
    the command start again. `selected` holds the display names of the files asked about.
    `archives=False` leaves the archived texts unchecked (`LedgerIndex.refresh`): for a
    body that reads the texts it shows itself and no stored result.
    """
    if no_cache or root is None or os.environ.get("PLEDGES_NO_INDEX"):
        return None
    import sqlite3

    from pledges.read.cache import default_cache_dir
    from pledges.read.index import IndexUnavailableError, LedgerIndex, StaleIndexError
    from pledges.read.indexdb import NotIndexableError, schema_error
    from pledges.read.schema import schema_digest

    for _ in range(3):
        index = LedgerIndex.open(root, default_cache_dir(), schema_digest())
        if index is None:
            return None
        try:
            index.refresh(archives=archives)
            selected = _selected(index, paths)
            if selected is False:
                return None
            return body(index, selected if isinstance(selected, set) else None)
        except StaleIndexError:
            continue
        except NotIndexableError:
            return None
        except (IndexUnavailableError, sqlite3.DatabaseError) as exc:
            cause = exc if isinstance(exc, sqlite3.Error) else exc.__cause__
            if isinstance(cause, sqlite3.OperationalError) and not schema_error(cause):
                return None  # locked, read-only, full: without the index this time
            index.discard()  # damaged: the next attempt builds it again
            continue
        finally:
            index.close()
    return None


def _selected(index: LedgerIndex, paths: list[Path]) -> set[str] | bool | None:
    """Display names of the files asked about; None for the whole ledger; False when a
    path is not one of the ledger's files as the index lists them."""
    if not paths:
        return None
    from pledges.read.loader import expand
    from pledges.read.safe import display_name

    by_name = {s.name: s.path for s in index.files}
    selected: set[str] = set()
    for path in expand(paths):
        name = display_name(path)
        known = by_name.get(name)
        if known is None or known.resolve() != path.resolve():
            return False
        selected.add(name)
    return selected


def edit_through_index(
    root: Path | None,
    run: Callable[[LoadResult], None],
    *,
    pledge_id: str | None = None,
    file: Path | None = None,
) -> bool:
    """`run(result)` on the ledger as an edit of one file sees it through the index
    (`check.editview`): the file that holds `pledge_id`, or `file`. False when the index
    cannot serve the edit (no index, no such pledge or file, a file that did not load):
    the caller then runs it on the ledger loaded whole. The edit is planned again from
    the start if a file changes before it is written."""
    from pledges.check.editview import edit_view
    from pledges.cli.common import parse_cache

    def body(index: LedgerIndex, _: set[str] | None) -> bool:
        view = edit_view(index, pledge_id=pledge_id, path=file)
        if view is None:
            return False
        view.cache = parse_cache()
        run(view)
        return True

    return with_index(root, [], body) is True
