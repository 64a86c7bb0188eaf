"""A 报送 belongs to the period it was made for (SubmitPanel): its outcome shows only while that
period is still chosen.

The period picker stays open while 确认并报送 is on its way. A busy person who sent the half-year
report and, before the answer came, chose the other half-year saw the refusal of the first one
("…尚未确认", or the figures-changed notice with a reload) under the second: a refusal that said
something false about the period on screen (newcomer's pass, session 28).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, Route, expect
from support.browser import shoot
from support.held import SLOW
from test_latest_action import REFUSED, Refused


def none_sent_yet(page: Page) -> None:
    """Whatever another test submitted, the page offers 报送 for every period."""

    def none_yet(route: Route) -> None:
        route.fulfill(json={"items": [], "total": 0, "page": 1, "page_size": 200})

    page.route(re.compile(r"/api/reporting/reports\?.*kind=half_year_ledger"), none_yet)


def test_a_refused_submission_for_the_previous_half_year_does_not_show_under_the_next(
    signed_in_page: Callable[[str], Page],
) -> None:
    page = signed_in_page("law_firm")
    none_sent_yet(page)
    page.get_by_role("link", name="报告").first.click()
    page.get_by_role("link", name="半年台账报告", exact=True).click()
    tick = page.get_by_role("checkbox", name=re.compile("我已核对以上数据"))
    expect(tick).to_be_attached(timeout=SLOW)
    refusal = page.get_by_test_id("submit-refusal")
    send = page.get_by_role("button", name="确认并报送")

    # a refusal made for the period on screen shows
    Refused(page, r"/api/reporting/reports/half-year/[^/?]+$", hold=False)
    page.get_by_text("我已核对以上数据").click()
    expect(tick).to_be_checked()
    send.click()
    expect(refusal).to_have_text(REFUSED["message"], timeout=SLOW)
    page.unroute(re.compile(r"/api/reporting/reports/half-year/[^/?]+$"))

    # one arriving after the other half-year was chosen does not, nor keeps the button busy
    late = Refused(page, r"/api/reporting/reports/half-year/[^/?]+$")
    expect(tick).to_be_checked()  # the same figures: the tick stands
    send.click()
    expect(send).to_have_class(re.compile("is-loading"))
    page.get_by_role("combobox", name="统计期间").click(force=True)
    page.get_by_role("option").nth(1).click()
    expect(page.locator(".vc-submit .el-loading-mask")).to_have_count(0, timeout=SLOW)
    expect(tick).to_be_attached(timeout=SLOW)
    expect(refusal).to_have_text("")  # the first half-year's refusal went with it
    late.release()
    expect(refusal).to_have_text("")
    expect(send).not_to_have_class(re.compile("is-loading"))
    shoot(page, "reports-half-year-late-submit-refusal")
