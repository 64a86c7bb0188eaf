"""The yearly filing rule (R4) as pure functions, shared by the registry (filing lists) and reporting
(the dashboard): agreements are filed, signed and stamped, by the filing deadline (data: default
03-31), China Standard Time.

"By the end of March" means before 04-01 00:00 +08:00: a filing at 03-31 23:59:59 +08:00 is on
time, one at 04-01 00:00 +08:00 (= 03-31 16:00 UTC) is late. `filed_on` is a CST calendar date.

Which deadline applies: the first deadline day on or after the day the term was agreed (signed,
or renewed). Agreements signed in January are due that March; one signed in June is due the next
March, with the following year's batch.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum

from vc_contracts import CST
from vc_contracts.month_days import day_in

DEFAULT_DEADLINE = "03-31"


class FilingStatus(StrEnum):
    """Where an agreement stands with its filing (R4), as of a day."""

    on_time = "on_time"  # filed, signed and stamped, by the deadline
    late = "late"  # filed, signed and stamped, after the deadline
    unstamped = "unstamped"  # a filing without signature and stamp: R4 not met yet
    missing = "missing"  # not filed and the deadline has passed
    pending = "pending"  # not filed, the deadline is still ahead
    terminated = "terminated"  # ended before its deadline without a filing: none owed


STATUS_LABEL = {
    FilingStatus.on_time: "按时备案",
    FilingStatus.late: "逾期备案",
    FilingStatus.unstamped: "未签字盖章",
    FilingStatus.missing: "未备案",
    FilingStatus.pending: "待备案",
    FilingStatus.terminated: "已终止",
}
"""The one wording of each status: the county's agreements page, the dashboard and its details use
these (`vc_contracts.catalogue.enums.LABELS`, generated into the pages' `contracts/labels.ts`)."""

STATUS_NOTE = {
    FilingStatus.on_time: "按时备案（截止日前已备案，协议已签字盖章）",
    FilingStatus.late: "逾期备案（截止日后才备案）",
    FilingStatus.unstamped: "未签字盖章（已备案，但协议未签字盖章，尚未满足备案要求）",
    FilingStatus.missing: "未备案（已过备案截止日）",
    FilingStatus.pending: "待备案（未到备案截止日）",
    FilingStatus.terminated: "已终止（截止日前协议已终止，无需备案）",
}
"""Each status as the API's `filing_note` explains it: its label, then why."""


def deadline_in(year: int, month_day: str = DEFAULT_DEADLINE) -> date:
    """The deadline day of `year` (`vc_contracts.month_days.day_in`: a recorded 02-29 is 02-28 in a
    common year; a new one is refused where it is given)."""
    return day_in(year, month_day)


def closes_at(deadline: date) -> datetime:
    """The first instant that is too late: 00:00 +08:00 of the day after the deadline day."""
    return datetime.combine(deadline + timedelta(days=1), time(0), tzinfo=CST)


def due_date(term_opened_on: date, month_day: str = DEFAULT_DEADLINE) -> date:
    """The deadline that applies to a term agreed on `term_opened_on`."""
    deadline = deadline_in(term_opened_on.year, month_day)
    return deadline if term_opened_on <= deadline else deadline_in(term_opened_on.year + 1, month_day)


def due_window(year: int, month_day: str = DEFAULT_DEADLINE) -> tuple[date, date]:
    """(after, until]: terms agreed in this window are due by the deadline of `year`."""
    return deadline_in(year - 1, month_day), deadline_in(year, month_day)


def in_time(filed: date | datetime, deadline: date) -> bool:
    """A filing on a CST day (or at an instant, in any zone) meets `deadline`."""
    if isinstance(filed, datetime):
        return filed < closes_at(deadline)
    return filed <= deadline


def filing_status(
    deadline: date,
    filed_on: date | None,
    stamped: bool,
    terminated_on: date | None,
    as_of: date,
) -> FilingStatus:
    """The status as of `as_of` of an agreement due for filing by `deadline` (CST days)."""
    if filed_on is not None:
        if not stamped:
            return FilingStatus.unstamped
        return FilingStatus.on_time if in_time(filed_on, deadline) else FilingStatus.late
    if terminated_on is not None and terminated_on <= deadline:
        return FilingStatus.terminated
    return FilingStatus.missing if as_of > deadline else FilingStatus.pending
