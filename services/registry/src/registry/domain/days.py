"""The registry's one "not after today" rule for the days people give (signed, filed, posted…)."""

from __future__ import annotations

from datetime import date, datetime

from eventkit.errors import RuleViolationError
from vc_contracts import CST


def not_in_future(day: date, now: datetime, field: str, label: str) -> None:
    """`day` (a CST day) is not after today (CST), the refusal naming today: a form dated by a
    computer or phone whose clock is a few minutes fast (04-01 on it, 03-31 23:58 on the server) was
    told only 备案日期不能晚于今天, with 04-01 shown as today beside it. Not tolerated as the ledger
    tolerates a time: a day after the deadline would file an on-time agreement as 逾期备案."""
    today = now.astimezone(CST).date()
    if day > today:
        raise RuleViolationError(f"{label}不能晚于今天（今天是 {today}，请核对日期或设备时间）", field=field)
