"""Which filing deadline a county has in a year, and by which rule version (R4, rules as data).

A year's deadline is set by the rule version in force AT that deadline (`rules.rule_at_deadline`),
not by the one in force at the year's end: a rule effective 2026-12-03 cannot make filings of
2026-03-01 late under a 02-28 it never had in force. The registry's filing list and village card
and the dashboard's agreement tile all judge with these functions, so they agree.

An agreement belongs to the first deadline on or after the day its term was agreed; each year's
window runs from the day after the previous year's deadline (by that year's rule) to its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from vc_contracts.catalogue.assessment import ComplianceRulesSet
from vc_contracts.month_days import day_in
from vc_contracts.rules import rule_at_deadline


@dataclass(frozen=True)
class FilingDeadline:
    """`year`'s filing deadline day for a division and the rule set that set it."""

    year: int
    day: date
    rule: ComplianceRulesSet


def filing_deadline(division_code: str, year: int, rule_sets: Iterable[ComplianceRulesSet]) -> FilingDeadline:
    """`year`'s deadline for `division_code` under the rule in force on it."""
    rule = rule_at_deadline(division_code, rule_sets, lambda r: day_in(year, r.filing_deadline_month_day))
    return FilingDeadline(year, day_in(year, rule.filing_deadline_month_day), rule)


def filing_window(
    division_code: str, year: int, rule_sets: Iterable[ComplianceRulesSet]
) -> tuple[date, date]:
    """(after, until]: terms agreed in it are due by `year`'s deadline (each end by its own rule)."""
    sets = list(rule_sets)
    return filing_deadline(division_code, year - 1, sets).day, filing_deadline(division_code, year, sets).day


def filing_due(
    division_code: str, term_opened_on: date, rule_sets: Iterable[ComplianceRulesSet]
) -> FilingDeadline:
    """The deadline a term agreed on `term_opened_on` is due by: the first on or after that day."""
    sets = list(rule_sets)
    this_year = filing_deadline(division_code, term_opened_on.year, sets)
    if term_opened_on <= this_year.day:
        return this_year
    return filing_deadline(division_code, term_opened_on.year + 1, sets)
