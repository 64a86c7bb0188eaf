"""A day given to the registry after today is refused naming today: at 23:58 of 31 March +08:00 on the
server, a county admin's computer a few minutes fast dates the filing form 04-01, and was told only
备案日期不能晚于今天 beside 04-01, which its own calendar showed as today. Not tolerated (a filing
dated 04-01 is 逾期备案): the refusal says which day today is, for every such day of the registry."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from eventkit.errors import RuleViolationError
from registry.domain.days import not_in_future
from vc_contracts import CST

SERVER = datetime(2026, 3, 31, 23, 58, tzinfo=CST)


def test_the_deadline_day_itself_is_taken_at_its_last_minutes() -> None:
    not_in_future(date(2026, 3, 31), SERVER, "filed_on", "备案日期")


@pytest.mark.parametrize(("field", "label"), [("filed_on", "备案日期"), ("posted_on", "公示日期")])
def test_the_day_after_is_refused_naming_today(field: str, label: str) -> None:
    with pytest.raises(RuleViolationError) as refused:
        not_in_future(date(2026, 4, 1), SERVER, field, label)
    assert refused.value.field == field
    assert refused.value.message.startswith(f"{label}不能晚于今天（今天是 2026-03-31"), refused.value.message


def test_today_is_the_shanghai_day_of_a_utc_now() -> None:
    # 2026-03-31T16:00Z is 04-01 00:00 +08:00: 04-01 is today
    not_in_future(
        date(2026, 4, 1), datetime.fromisoformat("2026-03-31T16:00:00+00:00"), "filed_on", "备案日期"
    )
