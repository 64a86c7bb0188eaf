"""Which compliance rule set is in force for a division on a day, and for a period.

Rules are data (ComplianceRulesSet events, versioned per division, each effective from a CST day).
The province sets defaults, a county may set stricter ones. The rule in force for a division on a
day is the most specific rule set (county over city over province) effective on or before that day,
the newest version among them. A period (quarter `2025Q2`, half `2025H1`, year `2025`) is judged by
the rule in force on its last day, so a rule changed mid-year applies from the quarter it takes
effect in, and each quarter names its own version. Shared by every service that shows a figure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from vc_contracts.catalogue.assessment import ComplianceRulesSet
from vc_contracts.divisions import contains
from vc_contracts.periods import Period

# Province defaults from the Zhengning notice (R4-R6, R13-R14): version 1 of 620000, built in.
DEFAULT_RULES = ComplianceRulesSet(division_code="620000", version=1, effective_from=date(2018, 1, 1))


def rule_in_force(
    division_code: str, day: date, rule_sets: Iterable[ComplianceRulesSet]
) -> ComplianceRulesSet:
    """The most specific rule set in force on `day` for `division_code` (county over city over province)."""
    candidates = [
        r
        for r in (DEFAULT_RULES, *rule_sets)
        if contains(r.division_code, division_code) and r.effective_from <= day
    ]
    return max(candidates, key=_precedence, default=DEFAULT_RULES)


def _precedence(rules: ComplianceRulesSet) -> tuple[int, date, int]:
    """Among rule sets that apply: the most specific division first, then the newest."""
    return len(rules.division_code.rstrip("0")), rules.effective_from, rules.version


def rule_at_deadline(
    division_code: str,
    rule_sets: Iterable[ComplianceRulesSet],
    deadline_of: Callable[[ComplianceRulesSet], date],
) -> ComplianceRulesSet:
    """The rule set that sets a deadline: the most specific, newest one already in force on the
    deadline day it sets itself (`deadline_of`). Each version names its own day, so a version
    effective 2026-12-03 with 02-28 does not reach back to 2026-02-28: it applies from 2027's
    deadline on, and a county version effective 2026-02-10 with 02-28 applies to 2026's."""
    candidates = [
        r
        for r in (DEFAULT_RULES, *rule_sets)
        if contains(r.division_code, division_code) and r.effective_from <= deadline_of(r)
    ]
    return max(candidates, key=_precedence, default=DEFAULT_RULES)


def last_day(period: str) -> date:
    """Last CST day of a year (2025), half (2025H1) or quarter (2025Q2). Errors: PeriodFormatError."""
    return Period.parse(period).last_day


def rule_for_period(
    division_code: str, period: str, rule_sets: Iterable[ComplianceRulesSet]
) -> ComplianceRulesSet:
    """The rule set that judges `period` for `division_code`: the one in force on its last day."""
    return rule_in_force(division_code, last_day(period), rule_sets)


def rule_label(rules: ComplianceRulesSet) -> dict[str, object]:
    """How an answer names the rule it applied: whose rule, which version, from when."""
    return {
        "division_code": rules.division_code,
        "version": rules.version,
        "effective_from": rules.effective_from.isoformat(),
    }
