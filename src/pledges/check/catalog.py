"""Every rule code the tool reports: the ledger rules and the pull-request rules."""

from __future__ import annotations

from pledges.check import pr
from pledges.check.rules import Rule, rules


def all_rules() -> dict[str, Rule]:
    return {**rules(), **{rule.code: rule for rule in pr.RULES}}
