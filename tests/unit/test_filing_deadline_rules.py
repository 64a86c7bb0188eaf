"""A year's filing deadline is set by the rule version in force AT that deadline, and a yearly day
written MM-DD is read one way everywhere (vc_contracts.month_days, vc_contracts.filing_rules).

A tester's province rule effective 2026-12-03 with deadline 02-29 made the dashboard judge 2026's
filings (made 03-01..03-03 under the 03-31 in force then) late: the rule in force at the year's
end re-judged a deadline that had passed nine months earlier, and 02-29 became 02-28 silently.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from vc_contracts.catalogue.assessment import ComplianceRulesSet
from vc_contracts.catalogue.fields import MonthDay
from vc_contracts.filing_rules import filing_deadline, filing_due, filing_window
from vc_contracts.month_days import day_in, month_day_reason

COUNTY, OTHER = "621025", "621026"


def rules(division: str, version: int, effective: date, month_day: str) -> ComplianceRulesSet:
    return ComplianceRulesSet(
        division_code=division, version=version, effective_from=effective, filing_deadline_month_day=month_day
    )


PROVINCE_DEC = rules("620000", 2, date(2026, 12, 3), "02-28")
COUNTY_FEB = rules(COUNTY, 1, date(2026, 2, 10), "02-28")
COUNTY_LATE_IN_YEAR = rules(COUNTY, 2, date(2026, 3, 10), "03-15")

# given these rule sets, when a county's year is judged, then (deadline, whose rule, version)
CHOICES = [
    ([], COUNTY, 2026, date(2026, 3, 31), "620000", 1),  # the built-in default
    ([PROVINCE_DEC], COUNTY, 2026, date(2026, 3, 31), "620000", 1),  # not in force at 2026-03-31
    ([PROVINCE_DEC], COUNTY, 2027, date(2027, 2, 28), "620000", 2),  # in force from 2027's deadline
    ([COUNTY_FEB], COUNTY, 2026, date(2026, 2, 28), COUNTY, 1),  # effective 02-10, before its 02-28
    ([COUNTY_FEB], OTHER, 2026, date(2026, 3, 31), "620000", 1),  # another county keeps the default
    ([COUNTY_FEB], COUNTY, 2025, date(2025, 3, 31), "620000", 1),  # a past year keeps its rule
    # v2 effective 03-10 with 03-15: in force at 2026-03-15, so 2026 is v2's
    ([COUNTY_FEB, COUNTY_LATE_IN_YEAR], COUNTY, 2026, date(2026, 3, 15), COUNTY, 2),
    ([COUNTY_FEB, PROVINCE_DEC], COUNTY, 2027, date(2027, 2, 28), COUNTY, 1),  # the county over the province
]


@pytest.mark.parametrize(("sets", "division", "year", "day", "whose", "version"), CHOICES)
def test_a_year_s_deadline_is_set_by_the_rule_in_force_at_it(
    sets: list[ComplianceRulesSet], division: str, year: int, day: date, whose: str, version: int
) -> None:
    found = filing_deadline(division, year, sets)
    assert (found.day, found.rule.division_code, found.rule.version) == (day, whose, version)


def test_a_rule_effective_in_december_does_not_make_that_year_s_filings_late() -> None:
    # 2026's window still ends on 03-31; 2027's begins the day after it and ends on 2027-02-28
    assert filing_window(COUNTY, 2026, [PROVINCE_DEC]) == (date(2025, 3, 31), date(2026, 3, 31))
    assert filing_window(COUNTY, 2027, [PROVINCE_DEC]) == (date(2026, 3, 31), date(2027, 2, 28))
    assert filing_due(COUNTY, date(2026, 3, 2), [PROVINCE_DEC]).day == date(2026, 3, 31)
    assert filing_due(COUNTY, date(2026, 4, 1), [PROVINCE_DEC]).day == date(2027, 2, 28)


MONTH_DAYS = st.dates(date(2001, 1, 1), date(2001, 12, 31)).map(lambda d: d.strftime("%m-%d"))
RULE_SETS = st.lists(
    st.builds(
        rules,
        st.sampled_from(["620000", "621000", COUNTY]),
        st.integers(2, 9),
        st.dates(date(2018, 1, 1), date(2030, 12, 31)),
        MONTH_DAYS,
    ),
    max_size=5,
)


@given(RULE_SETS, st.integers(2019, 2030))
def test_the_version_chosen_was_in_force_on_the_day_it_sets(
    sets: list[ComplianceRulesSet], year: int
) -> None:
    found = filing_deadline(COUNTY, year, sets)
    assert found.rule.effective_from <= found.day
    assert found.day == day_in(year, found.rule.filing_deadline_month_day)


@given(RULE_SETS, st.dates(date(2019, 1, 1), date(2029, 12, 31)))
def test_every_term_falls_in_exactly_the_window_of_the_year_it_is_due_in(
    sets: list[ComplianceRulesSet], opened: date
) -> None:
    due = filing_due(COUNTY, opened, sets)
    after, until = filing_window(COUNTY, due.year, sets)
    assert after < opened <= until == due.day
    assert due.day - opened < timedelta(days=366 * 2)


# given a value, when it is read as a yearly day, then this Chinese reason (None: accepted)
READINGS = [
    ("03-31", None),
    ("02-28", None),
    ("04-31", "4 月没有 31 日（4 月最多 30 日）"),
    ("02-30", "2 月没有 30 日（2 月最多 29 日）"),
    ("00-10", "月份须在 01 至 12 之间，收到 00"),
    ("13-01", "月份须在 01 至 12 之间，收到 13"),
    ("01-00", "1 月没有 0 日（1 月最多 31 日）"),
    ("3-31", "日期须写作 MM-DD（两位月份-两位日期），如 03-31"),
    # digits of another script: `\d` took them, and 201 recorded a rule the schema's readers refuse
    ("٠٣-٣١", "日期须写作 MM-DD（两位月份-两位日期），如 03-31"),
    ("٠١-٣١", "日期须写作 MM-DD（两位月份-两位日期），如 03-31"),
]


@pytest.mark.parametrize(("value", "reason"), READINGS)
def test_a_month_day_is_read_once_with_a_chinese_reason(value: str, reason: str | None) -> None:
    assert month_day_reason(value) == reason


def test_02_29_is_refused_as_a_yearly_day_but_a_recorded_one_is_still_read() -> None:
    with pytest.raises(ValidationError, match="平年没有 2 月 29 日"):
        TypeAdapter(MonthDay).validate_python("02-29")
    recorded = rules("620000", 2, date(2026, 12, 3), "02-29")  # an event stored before this reading
    assert filing_deadline(COUNTY, 2027, [recorded]).day == date(2027, 2, 28)
    assert filing_deadline(COUNTY, 2028, [recorded]).day == date(2028, 2, 29)
