"""Pull-request rules: what a change to the ledger may not do, judged against its base.

PL301 a new observation or assessment must cite evidence; PL302 a changed target needs a
changed note saying why; PL303 a pledge is withdrawn, never deleted (nor its id changed).
Findings point at the changed line of the head, or for a deletion at the base's line.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING

from pledges.check.rules import Rule, pledge_diagnostic
from pledges.history.semdiff import Renames, compare_pledge, renames, same
from pledges.model.diagnostics import Diagnostic, Severity, sort_diagnostics
from pledges.model.document import Path
from pledges.model.ledger import Ledger, Pledge

if TYPE_CHECKING:
    from pledges.read.loader import LoadResult

NO_EVIDENCE = Rule("PL301", Severity.ERROR, "observation or assessment added without evidence")
SILENT_TARGET = Rule("PL302", Severity.WARNING, "target changed without a note of why")
DELETED = Rule("PL303", Severity.ERROR, "pledge deleted instead of withdrawn")
RULES = (NO_EVIDENCE, SILENT_TARGET, DELETED)


def _at(
    pledge: Pledge, rule: Rule, message: str, keys: Path, hint: str, *, key: bool = False
) -> Diagnostic:
    return pledge_diagnostic(pledge, rule, message, *keys, hint=hint, key=key)


def _unsupported(old: Pledge | None, new: Pledge) -> Iterator[Diagnostic]:
    change = compare_pledge(old, new) if old is not None else None
    if change is not None:
        observations = change.observations
        assessment_new = change.assessment is not None
        assessment_edited = any(f.field.startswith("assessment") for f in change.fields)
    else:
        observations = compare_pledge(_bare(new), new).observations
        assessment_new, assessment_edited = isinstance(new.raw.get("assessment"), dict), False
    for obs in observations:
        if not obs.cited:
            yield _at(
                new,
                NO_EVIDENCE,
                f"observation for {obs.period} added without evidence",
                obs.path,
                "cite a source or URL and quote the sentence giving the figure",
            )
    assessment = new.assessment
    if (assessment_new or assessment_edited) and assessment is not None:
        cited = any((e.source or e.url) and (e.quote or "").strip() for e in assessment.evidence)
        if not cited:
            verb = "added" if assessment_new else "changed"
            yield _at(
                new,
                NO_EVIDENCE,
                f"assessment {verb} without evidence",
                ("assessment",),
                "cite a source or URL and quote what supports the verdict",
                key=True,
            )


def _bare(pledge: Pledge) -> Pledge:
    """The pledge without observations: everything it reports counts as added."""
    from dataclasses import replace

    return replace(pledge, raw={k: v for k, v in pledge.raw.items() if k != "progress"})


def _silent_target(old: Pledge, new: Pledge) -> Iterator[Diagnostic]:
    target_was, target_now = old.raw.get("target"), new.raw.get("target")
    if same(target_was, target_now) or "target" not in new.raw:
        return
    note = new.raw.get("note")
    if isinstance(note, str) and note.strip() and not same(old.raw.get("note"), note):
        return
    changed = [f for f in compare_pledge(old, new).fields if f.path[:1] == ("target",)]
    where = changed[0].path if changed else ("target",)
    state = "unchanged" if isinstance(note, str) and note.strip() else "absent"
    yield _at(
        new,
        SILENT_TARGET,
        "target changed without a note of why",
        where,
        f"the note is {state}: say in it why the target changed",
    )


def _deleted(pledge: Pledge, head: Renames) -> Diagnostic:
    new_id = head.get(pledge)
    hint = "keep the pledge and give it an assessment with status withdrawn"
    if new_id:
        hint = f"ids are permanent: it looks renamed to '{new_id}'; keep '{pledge.id}', withdrawn"
    return _at(pledge, DELETED, f"pledge '{pledge.id}' deleted instead of withdrawn", ("id",), hint)


def pr_findings(
    base_ledger: Ledger, head_result: LoadResult, base_unloaded: Collection[str] = ()
) -> list[Diagnostic]:
    """The pull-request rules over a head ledger compared with its base.

    Pledges in a file one side could not load are not compared (the head's load error is a
    lint finding already): nothing there counts as added or deleted.
    """
    base_index = base_ledger.pledge_index()
    head_index = head_result.ledger.pledge_index()
    head_unloaded = head_result.unloaded()
    found: list[Diagnostic] = []
    for pledge_id, new in head_index.items():
        old = base_index.get(pledge_id)
        if old is None and new.file in base_unloaded:
            continue
        found += _unsupported(old, new)
        if old is not None:
            found += _silent_target(old, new)
    added = renames([p for i, p in head_index.items() if i not in base_index])
    found += [
        _deleted(p, added)
        for i, p in base_index.items()
        if i not in head_index and p.file not in head_unloaded
    ]
    return sort_diagnostics(found)


def pr_lint(base: str, head_result: LoadResult, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """`lint --base REV`: the lint findings plus the pull-request rules against REV.

    Raises revisions.GitError when the revision cannot be read.
    """
    from pathlib import Path as FsPath

    from pledges.history.revisions import load_at

    base_result, _ = load_at(FsPath(head_result.ledger.root or "."), base)
    found = pr_findings(base_result.ledger, head_result, set(base_result.unloaded()))
    if head_result.selected is not None:
        found = [d for d in found if d.file in head_result.selected]
    return sort_diagnostics([*diagnostics, *found])
