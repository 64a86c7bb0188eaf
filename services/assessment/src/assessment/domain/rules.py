"""Compliance rules are data: province defaults, stricter county versions, each effective from a day.

`rules_for(division, day, rule_sets)` picks the newest rule set in force on that day among the
division's own, its city's and its province's; every figure records which version it applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from vc_contracts.catalogue.assessment import ComplianceRulesSet
from vc_contracts.divisions import contains

# Province defaults from the Zhengning notice (R4-R6, R13-R14); version 0 = built in, never stored.
DEFAULT_RULES = ComplianceRulesSet(division_code="620000", version=1, effective_from=date(2018, 1, 1))

HOURS_RULE_TEXT = (
    "驻点时长按季度累计：每条驻点记录的起止时间（北京时间）计入其所在季度；跨季度的记录在季度交界"
    "零点拆分；作废的记录不计，更正后的记录按更正后的时间计。"
)


def rules_for(division_code: str, day: date, rule_sets: Iterable[ComplianceRulesSet]) -> ComplianceRulesSet:
    """The most specific rule set in force on `day` for `division_code` (county over city over province)."""
    candidates = [
        r for r in rule_sets if contains(r.division_code, division_code) and r.effective_from <= day
    ]
    if not candidates:
        return DEFAULT_RULES
    return max(candidates, key=lambda r: (len(r.division_code.rstrip("0")), r.effective_from, r.version))
