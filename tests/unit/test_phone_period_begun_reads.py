"""Every read judges "has this period begun" on the reader's day (`eventkit.clock.phone_today_cst`:
a phone's clock may run up to MAX_CLOCK_AHEAD ahead), every write on the server's (`today_cst`).
In the server's last five minutes of a year, a half-year or a quarter the ledger answered the next
period and reporting refused it (2027年尚未开始，暂无数据); a read answers it now, as of its first
day with nothing counted yet, never as of a day before it begins (given/when/then)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from assessment.domain.standing import standing
from eventkit import clock
from eventkit.clock import phone_today_cst, today_cst
from eventkit.errors import RuleViolationError
from eventkit.periods import Period, require_started, seen_at
from reporting.application.overview import frame_of
from reporting.domain.coverage import year_coverage
from reporting.domain.statistics import check_half_year
from vc_contracts import CST


def _at(monkeypatch: pytest.MonkeyPatch, server: datetime) -> None:
    monkeypatch.setattr(clock, "now_cst", lambda: server)


LAST_MINUTES = [  # the server's clock, the periods that begin at the next midnight (+08:00)
    (datetime(2026, 12, 31, 23, 57, 0, tzinfo=CST), ["2027", "2027H1", "2027Q1"]),
    (datetime(2026, 6, 30, 23, 57, 0, tzinfo=CST), ["2026H2", "2026Q3"]),
    (datetime(2026, 3, 31, 23, 57, 0, tzinfo=CST), ["2026Q2"]),
]


@pytest.mark.parametrize(("server", "periods"), LAST_MINUTES, ids=["31-dec", "30-jun", "31-mar"])
def test_given_the_server_s_last_minutes_when_the_next_period_is_named_then_a_read_has_it_a_write_not(
    monkeypatch: pytest.MonkeyPatch, server: datetime, periods: list[str]
) -> None:
    _at(monkeypatch, server)
    for period in periods:
        assert str(require_started(period, phone_today_cst())) == period  # a read: the reader's day
        with pytest.raises(RuleViolationError, match="尚未开始") as refused:
            require_started(period, today_cst())  # a submission or a confirmation: the server's
        assert refused.value.field == "period"
    for half in (p for p in periods if "H" in p):  # the statistics' and previews' own check
        assert check_half_year(half, phone_today_cst()) == half


@pytest.mark.parametrize(
    ("server", "periods"),
    [(server.replace(minute=54, second=59), periods) for server, periods in LAST_MINUTES],
    ids=["31-dec", "30-jun", "31-mar"],
)
def test_given_23_54_59_when_a_read_asks_for_the_next_period_then_it_is_still_refused(
    monkeypatch: pytest.MonkeyPatch, server: datetime, periods: list[str]
) -> None:
    _at(monkeypatch, server)
    for period in periods:
        with pytest.raises(RuleViolationError, match="尚未开始，暂无数据"):
            require_started(period, phone_today_cst())
    with pytest.raises(RuleViolationError, match="尚未开始"):
        frame_of("62", periods[-1], today_cst(), phone_today_cst())


@pytest.mark.parametrize(
    ("server", "key", "as_of", "quarter"),
    [
        # begun only on the reader's clock: as of its first day, its first quarter, still current
        (datetime(2026, 12, 31, 23, 57, tzinfo=CST), "2027Q1", date(2027, 1, 1), "2027Q1"),
        (datetime(2026, 12, 31, 23, 57, tzinfo=CST), "2027", date(2027, 1, 1), "2027Q1"),
        (datetime(2026, 6, 30, 23, 57, tzinfo=CST), "2026Q3", date(2026, 7, 1), "2026Q3"),
        (datetime(2026, 3, 31, 23, 57, tzinfo=CST), "2026Q2", date(2026, 4, 1), "2026Q2"),
        # the server's own current period: as of today; the year of a server in its last quarter
        (datetime(2026, 12, 31, 23, 57, tzinfo=CST), "2026Q4", date(2026, 12, 31), "2026Q4"),
        (datetime(2026, 12, 31, 23, 57, tzinfo=CST), "2026", date(2026, 12, 31), "2026Q4"),
        (datetime(2026, 12, 4, 10, 0, tzinfo=CST), "2026Q4", date(2026, 12, 4), "2026Q4"),
    ],
)
def test_given_a_dashboard_period_when_its_frame_is_made_then_it_is_seen_as_of_a_day_inside_it(
    monkeypatch: pytest.MonkeyPatch, server: datetime, key: str, as_of: date, quarter: str
) -> None:
    _at(monkeypatch, server)
    frame = frame_of("62", key, today_cst(), phone_today_cst())  # as the overview makes it
    assert (frame.as_of, frame.quarter, frame.current) == (as_of, quarter, True)
    for window in (frame.quarter_window, frame.year_window):
        assert window.first <= window.as_of <= window.last  # never inverted
    assert frame.quarter_window.elapsed_days >= 1 and frame.year_window.as_of == as_of


def test_given_a_past_period_when_its_frame_is_made_then_it_is_seen_as_of_its_last_day_not_current(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _at(monkeypatch, datetime(2026, 12, 31, 23, 57, tzinfo=CST))
    frame = frame_of("62", "2026Q3", today_cst(), phone_today_cst())
    assert (frame.as_of, frame.current, frame.quarter_window.days_left) == (date(2026, 9, 30), False, 0)


def test_given_no_reader_s_day_when_a_frame_is_made_then_begun_is_judged_on_the_server_s() -> None:
    with pytest.raises(RuleViolationError, match=r"^2027年第一季度（2027Q1）尚未开始"):
        frame_of("62", "2027Q1", date(2026, 12, 31))


@pytest.mark.parametrize(
    ("period", "now", "seen"),
    [
        # begun only on the reader's day: at its first instant
        ("2027", datetime(2026, 12, 31, 23, 57, tzinfo=CST), datetime(2027, 1, 1, tzinfo=CST)),
        ("2026H2", datetime(2026, 6, 30, 23, 57, tzinfo=CST), datetime(2026, 7, 1, tzinfo=CST)),
        ("2026Q2", datetime(2026, 3, 31, 23, 57, tzinfo=CST), datetime(2026, 4, 1, tzinfo=CST)),
        # begun on the server too, or over: the server's now
        ("2026Q4", datetime(2026, 12, 4, 10, 0, tzinfo=CST), datetime(2026, 12, 4, 10, 0, tzinfo=CST)),
        ("2026Q3", datetime(2026, 12, 31, 23, 57, tzinfo=CST), datetime(2026, 12, 31, 23, 57, tzinfo=CST)),
    ],
)
def test_given_a_period_and_the_server_s_now_when_a_read_sees_it_then_never_before_it_begins(
    period: str, now: datetime, seen: datetime
) -> None:
    assert seen_at(Period.parse(period), now) == seen


def test_given_23_57_of_31_december_when_the_next_year_is_read_then_it_stands_just_begun() -> None:
    now, year = datetime(2026, 12, 31, 23, 57, tzinfo=CST), Period.parse("2027")
    # the assessment sheet: the first quarter and the year's lectures under way, the rest not begun
    assert [standing(q, False, seen_at(year, now)) for q in ("2027Q1", "2027Q2", "2027")] == [
        "running",
        "upcoming",
        "running",
    ]
    # the annual report's coverage: counted as of 1 January, not 尚未开始 beside its figures
    coverage = year_coverage(2027, seen_at(year, now))
    assert (coverage["complete"], coverage["through"]) == (False, "2027-01-01")
