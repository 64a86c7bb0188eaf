"""A period not yet begun is refused with 422 naming it, by one check (`eventkit.periods.require_started`)
that the dashboard, statistics, report previews, compliance and assessment all use (given/when/then)."""

from __future__ import annotations

from datetime import date

import pytest
from assessment.domain.compliance import require_closed
from eventkit.errors import RuleViolationError
from eventkit.periods import PeriodKind, require_started
from reporting.application.overview import frame_of
from reporting.domain.statistics import check_half_year

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("period", "reason"),
    [
        ("2027H1", "2027年上半年（2027H1）尚未开始，暂无数据"),
        ("2027", "2027年尚未开始，暂无数据"),
        ("2027Q1", "2027年第一季度（2027Q1）尚未开始，暂无数据"),
        ("2100Q4", "2100年第四季度（2100Q4）尚未开始，暂无数据"),
    ],
)
def test_a_period_not_begun_is_refused_naming_it(period: str, reason: str) -> None:
    with pytest.raises(RuleViolationError) as refused:
        require_started(period, TODAY)
    assert (refused.value.message, refused.value.field) == (reason, "period")


@pytest.mark.parametrize(
    ("period", "today"),
    [
        ("2026H2", TODAY),
        ("2026", TODAY),
        ("2027H1", date(2027, 1, 1)),
        ("2026Q4", date(2026, 10, 1)),
        ("2025", TODAY),
    ],
)
def test_a_period_begun_or_past_passes(period: str, today: date) -> None:
    assert str(require_started(period, today)) == period


def test_the_statistics_and_the_dashboard_say_it_alike() -> None:
    # given a half-year not begun on the statistics side, a quarter on the dashboard's
    with pytest.raises(RuleViolationError, match=r"^2027年上半年（2027H1）尚未开始"):
        check_half_year("2027H1", TODAY)
    with pytest.raises(RuleViolationError, match=r"^2027年第一季度（2027Q1）尚未开始"):
        frame_of("62", "2027Q1", TODAY)
    with pytest.raises(RuleViolationError, match=r"^2027年尚未开始"):
        frame_of("62", "2027", TODAY)


def test_an_evaluation_of_a_period_not_begun_says_so_not_only_that_it_has_not_ended() -> None:
    with pytest.raises(RuleViolationError, match=r"^2027年第一季度（2027Q1）尚未开始，不能评估"):
        require_closed("2027Q1", TODAY)
    with pytest.raises(RuleViolationError, match="尚未结束"):
        require_closed("2026Q4", TODAY)


def test_the_field_and_kinds_are_the_callers() -> None:
    with pytest.raises(RuleViolationError) as refused:
        require_started("2027", TODAY, field="year", then="不能评价")
    assert (refused.value.message, refused.value.field) == ("2027年尚未开始，不能评价", "year")
    with pytest.raises(RuleViolationError, match="应为半年"):
        require_started("2026Q1", TODAY, kinds=(PeriodKind.half,))
