"""`support.days`: a day the server stamps after the test read "today" is accepted when the run crossed
midnight +08:00 in between (before 12-04, now 12-05), and the days around are not."""

from __future__ import annotations

from datetime import date

import pytest
from support import days
from support.days import days_since, text_on_days

BEFORE, AFTER = date(2026, 12, 4), date(2026, 12, 5)


@pytest.fixture
def past_midnight(monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock the helper reads says 12-05: the action began on 12-04 and ended after midnight."""
    monkeypatch.setattr(days, "today_cst", lambda: AFTER)


@pytest.mark.usefixtures("past_midnight")
def test_both_days_of_a_run_across_midnight_are_accepted_and_no_other() -> None:
    spanned = days_since(BEFORE)
    assert spanned == [BEFORE, AFTER]
    assert date(2026, 12, 3) not in spanned
    assert date(2026, 12, 6) not in spanned


@pytest.mark.usefixtures("past_midnight")
def test_the_pattern_matches_the_whole_text_on_either_day_only() -> None:
    pattern = text_on_days("已整改（{day}）", days_since(BEFORE))
    assert pattern.search("已整改（2026-12-04）")
    assert pattern.search("已整改（2026-12-05）")
    assert not pattern.search("已整改（2026-12-03）")
    assert not pattern.search("已整改（2026-12-06）")
    assert not pattern.search("未整改 已整改（2026-12-05）")  # anchored: the whole text
    assert not pattern.search("已整改（2026-12-05）。")


@pytest.mark.usefixtures("past_midnight")
def test_a_part_of_a_text_when_not_whole() -> None:
    pattern = text_on_days("至 {day}", days_since(BEFORE), whole=False)
    assert pattern.search("张建国 2026-01-01 至 2026-12-05 人员调整")
    assert not pattern.search("张建国 2026-01-01 至 2026-12-06 人员调整")
    assert not text_on_days("({day})", [BEFORE]).search("(2026x12x04)")  # the rest is literal


def test_a_run_within_one_day_accepts_that_day_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(days, "today_cst", lambda: BEFORE)
    assert days_since(BEFORE) == [BEFORE]
    with pytest.raises(AssertionError):
        days_since(AFTER)  # a first day after today: a mistake of the test
