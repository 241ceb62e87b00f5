"""Drafts awaiting review: entries `pledges extract --write` proposed.

A draft is flagged until a person accepts (`pledges accept ID`) or rejects it
(`pledges reject ID`); it is left out of every report meanwhile.

    - id: t/2023/solar
      review: draft          # PL290 warning: awaiting review (an error under --strict)
"""

from __future__ import annotations

from collections.abc import Iterator

from pledges.check.rules import Rule, RuleContext
from pledges.model.diagnostics import Diagnostic, Severity

DRAFT = Rule("PL290", Severity.WARNING, "a draft entry awaiting review (pledges accept/reject)")
RULES = (DRAFT,)


def check(ctx: RuleContext) -> Iterator[Diagnostic]:
    for pledge in ctx.ledger.pledges:
        if pledge.draft:
            yield ctx.at(
                pledge,
                DRAFT,
                f"pledge '{pledge.id}' is a draft awaiting review",
                "review",
                hint=f"pledges accept {pledge.id}, or pledges reject {pledge.id}",
                key=True,
            )
        for index, observation in enumerate(pledge.progress):
            if observation.draft:
                yield ctx.at(
                    pledge,
                    DRAFT,
                    f"an observation of '{pledge.id}' is a draft awaiting review",
                    "progress",
                    index,
                    "review",
                    hint=f"pledges accept {pledge.id}, or pledges reject {pledge.id}",
                    key=True,
                )
