"""Assessment rules: an editorial verdict must not contradict the numbers."""

from __future__ import annotations

from collections.abc import Iterator

from pledges.check.rules import Rule, RuleContext
from pledges.judge.status import contradicts, evaluate
from pledges.model.diagnostics import Diagnostic, Severity

CONTRADICTED = Rule("PL250", Severity.WARNING, "an assessment the numbers contradict")
RULES = (CONTRADICTED,)


def check(ctx: RuleContext) -> Iterator[Diagnostic]:
    """An assessment `achieved` on a pledge whose final figure misses its target is PL250
    (judged as of the run's `--as-of`)."""
    for pledge in ctx.ledger.pledges:
        if pledge.assessment is None:
            continue
        evaluation = evaluate(pledge, ctx.as_of, ctx.context)
        if contradicts(evaluation):
            yield ctx.at(
                pledge,
                CONTRADICTED,
                f"assessment says '{evaluation.status}' but the figures give "
                f"'{evaluation.computed_status}'",
                "assessment",
                "status",
                hint=evaluation.explanation.split("(computed ", 1)[-1].rstrip(")"),
            )
