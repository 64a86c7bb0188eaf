"""Statistics columns and how one entry is counted (pure): half-years in CST, hours split, rules shown."""

from __future__ import annotations

import pytest
from eventkit.errors import RuleViolationError
from reporting.application.stats_view import _hours, _row
from reporting.domain.statistics import METRICS, RULES, check_half_year, totals


def test_every_figure_has_a_chinese_heading_and_a_counting_rule() -> None:
    assert len({m.key for m in METRICS}) == len(METRICS)
    assert all(m.heading and RULES[m.key] for m in METRICS)


def test_an_entry_counts_in_the_half_year_it_started_in_beijing_time() -> None:
    # 2025-06-30 23:30 +08:00 is still H1 although it is 15:30 UTC; 2025-07-01 00:30 +08:00 is H2
    data = {"unit_id": "U-1", "village_code": "621025100201", "audience": 30}
    assert _row("E1", "lecture", {**data, "occurred_at": "2025-06-30T23:30:00+08:00"})[4] == "2025H1"
    assert _row("E1", "lecture", {**data, "occurred_at": "2025-06-30T16:30:00+00:00"})[4] == "2025H2"


def test_visit_hours_are_split_at_the_half_year_boundary() -> None:
    data = {"unit_id": "U-1", "village_code": "621025100201",
            "started_at": "2025-06-30T21:00:00+08:00", "ended_at": "2025-07-01T03:00:00+08:00"}  # fmt: skip
    assert {(h, v) for _, h, _, _, v in _hours("E2", data)} == {("2025H1", 3 * 3600), ("2025H2", 3 * 3600)}


def test_totals_add_up_every_column() -> None:
    rows = [{"visits": 1, "visit_hours": 2.5}, {"visits": 2, "visit_hours": 1.25}]
    assert (totals(rows)["visits"], totals(rows)["visit_hours"], totals(rows)["lectures"]) == (3, 3.75, 0)


@pytest.mark.parametrize("period", ["2025", "2025Q1", "2025H3", "25H1"])
def test_a_statistics_period_is_a_half_year(period: str) -> None:
    with pytest.raises(RuleViolationError):
        check_half_year(period)
