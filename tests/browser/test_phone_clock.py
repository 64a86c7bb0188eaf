"""The phone page at the edges of the day, with the phone's clock not the server's (Playwright's
`page.clock`; the server keeps the real one): a phone a few minutes ahead logs a consultation "now"
and it is taken (it was refused as 不能登记尚未发生的工作, at 00:01 on the phone as at any hour); one
far ahead is told so at the time field, both times named, with what was typed kept; a form left open
over midnight sends the day and time it showed, never a day shifted behind the person's back."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from support.browser import DESKTOP, PHONE, WebStack, shoot
from support.held import SLOW
from vc_contracts import CST

ADVISOR = "A-zhengda-1"


@pytest.fixture(scope="module")
def advisor_api(web_stack: WebStack) -> Iterator[httpx.Client]:
    token = web_stack.token("advisor")
    with httpx.Client(base_url=f"{web_stack.url}/api", headers={"Authorization": f"Bearer {token}"},
                      timeout=15, trust_env=False) as client:  # fmt: skip
        yield client


def _mine(api: httpx.Client, marker: str) -> list[dict[str, Any]]:
    page = api.get("/ledger/entries", params={"advisor_id": ADVISOR, "page_size": 200}).json()
    return [e for e in page["items"] if marker in str(e["data"].get("summary", ""))]


def _consultation_form(signed_in_page: Callable[[str], Page], web_stack: WebStack, phone: datetime) -> Page:
    page = signed_in_page("advisor")
    page.clock.set_fixed_time(phone)
    page.set_viewport_size(PHONE)
    page.goto(f"{web_stack.url}/advisor/log?kind=consultation")
    expect(page.get_by_label("日期", exact=True)).to_have_value(phone.date().isoformat(), timeout=SLOW)
    return page


def test_a_consultation_from_a_phone_three_minutes_ahead_is_taken_with_its_time(
    signed_in_page: Callable[[str], Page], web_stack: WebStack, advisor_api: httpx.Client
) -> None:
    phone = datetime.now(CST).replace(second=0, microsecond=0) + timedelta(minutes=3)
    page = _consultation_form(signed_in_page, web_stack, phone)
    expect(page.get_by_label("时间", exact=True)).to_have_value(f"{phone:%H:%M}")
    marker = f"快三分钟{secrets.token_hex(3)}"
    page.get_by_label("内容摘要").fill(marker)
    page.get_by_role("button", name="提交").click()
    expect(page).to_have_url(re.compile(r"/advisor$"))
    [entry] = _mine(advisor_api, marker)
    assert datetime.fromisoformat(entry["occurred_at"]) == phone, entry


def test_a_phone_far_ahead_is_told_at_the_time_with_both_times_and_keeps_what_was_typed(
    signed_in_page: Callable[[str], Page], web_stack: WebStack, advisor_api: httpx.Client
) -> None:
    phone = datetime.now(CST).replace(second=0, microsecond=0) + timedelta(minutes=30)
    page = _consultation_form(signed_in_page, web_stack, phone)
    marker = f"快半小时{secrets.token_hex(3)}"
    summary = page.get_by_label("内容摘要")
    summary.fill(marker)
    page.get_by_role("button", name="提交").click()
    time_field = page.locator(".van-field").filter(has=page.get_by_label("时间", exact=True))
    expect(time_field).to_contain_text(re.compile(r"尚未发生.*晚于当前时间.*手机时间"))
    expect(time_field).to_contain_text(f"{phone:%H:%M}")
    expect(summary).to_have_value(marker)
    assert _mine(advisor_api, marker) == []
    shoot(page, "advisor-phone-clock-far-ahead")


def test_a_form_left_open_over_midnight_sends_the_day_and_time_it_shows(
    signed_in_page: Callable[[str], Page], web_stack: WebStack, advisor_api: httpx.Client
) -> None:
    # the phone opens the form at 23:58 of a day past and is left open past its midnight: the form
    # keeps showing the day and time it opened with, and sends exactly those (nothing shifted)
    yesterday = datetime.now(CST).date() - timedelta(days=1)
    opened = datetime(yesterday.year, yesterday.month, yesterday.day, 23, 58, tzinfo=CST)
    page = signed_in_page("advisor")
    page.clock.install(time=opened)
    page.set_viewport_size(PHONE)
    page.goto(f"{web_stack.url}/advisor/log?kind=consultation")
    day, at = page.get_by_label("日期", exact=True), page.get_by_label("时间", exact=True)
    expect(day).to_have_value(yesterday.isoformat(), timeout=SLOW)
    marker = f"跨零点{secrets.token_hex(3)}"
    page.get_by_label("内容摘要").fill(marker)
    page.clock.fast_forward("05:00")  # 00:03 on the phone
    expect(day).to_have_value(yesterday.isoformat())
    expect(at).to_have_value("23:58")
    shoot(page, "advisor-form-open-over-midnight")
    page.get_by_role("button", name="提交").click()
    expect(page).to_have_url(re.compile(r"/advisor$"))
    [entry] = _mine(advisor_api, marker)
    assert datetime.fromisoformat(entry["occurred_at"]) == opened, entry


@contextmanager
def _signed_in_on_a_clock(
    browser: Browser, web_stack: WebStack, label: str, home: str, at: datetime, viewport: dict[str, int]
) -> Iterator[Page]:
    """A browser of its own whose clock stands at `at`, signed in on the sign-in page as the demo
    person `label` and landed on `/home` (a context of its own: the clock is set before any page)."""
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  service_workers="block")  # fmt: skip
    try:
        page = context.new_page()
        page.clock.set_fixed_time(at)
        page.set_viewport_size(viewport)
        page.goto(f"{web_stack.url}/signin")
        page.get_by_text(label).click()
        page.get_by_role("button", name="以所选人员登录").click()
        expect(page).to_have_url(re.compile(rf"/{home}$"))
        yield page
    finally:
        context.close()


def _new_year(now: datetime) -> datetime:
    """00:01 of 1 January of the year after `now`'s, +08:00: a device dated in a year not begun."""
    return datetime(now.year + 1, 1, 1, 0, 1, tzinfo=CST)


def test_a_phone_whose_clock_runs_hours_ahead_signs_in_and_stays_signed_in(
    browser: Browser, web_stack: WebStack
) -> None:
    # a phone 13 hours ahead (a wrong date after a flat battery; the token lives 12): the page judged
    # the token just issued expired by its own clock and sign-in ended on 身份令牌无法识别或已过期
    advisor = f"{web_stack.person('advisor').label.split('（')[0]}（法律顾问"
    ahead = datetime.now(CST) + timedelta(hours=13)
    with _signed_in_on_a_clock(browser, web_stack, advisor, "advisor", ahead, PHONE) as page:
        expect(page.get_by_role("article").first).to_be_visible()
        page.reload()  # the tab keeps the session on the server's time
        expect(page).to_have_url(re.compile(r"/advisor$"))
        expect(page.get_by_role("article").first).to_be_visible()
        shoot(page, "advisor-phone-clock-hours-ahead")


@pytest.mark.parametrize(
    ("role", "home", "viewport", "instead", "not_read", "shot"),
    [
        # the progress table was empty under 2027年尚未开始 and said 本单位暂无在岗顾问, which the
        # firm read as its advisors gone
        ("law_firm", "unit", DESKTOP, "未能读取，见上方提示", "本单位暂无在岗顾问", "unit-year-not-begun"),
        # each card showed 0.00 / 0.00 小时 with a full green bar, read as the quarter's hours met
        ("advisor", "advisor", PHONE, "暂无数据", "0.00 / 0.00 小时", "advisor-home-year-not-begun"),
    ],
)
def test_a_page_of_a_year_not_begun_says_so_and_shows_no_figures_as_if_nothing_was_done(
    browser: Browser, web_stack: WebStack, role: str, home: str, viewport: dict[str, int], instead: str,
    not_read: str, shot: str,
) -> None:  # fmt: skip
    """A device dated 1 January of next year (the server still in this one) asks for that year."""
    now = datetime.now(CST)
    label = web_stack.person(role).label
    with _signed_in_on_a_clock(browser, web_stack, label, home, _new_year(now), viewport) as page:
        expect(page.get_by_text(f"{now.year + 1}年尚未开始").first).to_be_visible()
        expect(page.get_by_text(instead).first).to_be_visible()
        expect(page.get_by_text(not_read)).to_have_count(0)
        shoot(page, shot)
