"""A refusal that reloads the page's figures stays on screen with the new figures.

Refused because the ledger changed after the figures were shown (409 on `confirm_digest`), the unit's
or county's 报送 and the advisor's 确认 read the figures again, and that read's answer cleared the
page's problem line: the refusal showed for the moment the reload took, then the page looked as if
nothing had happened (helper's note, session 28).

The change of the ledger is played by the page's first read of the figures, whose digest is made
stale on its way (page.route): the services are the real ones, and the refusal is theirs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, Route, expect
from support.browser import PHONE, WebStack, on_the_demo_s_last_evening, shoot
from support.held import SLOW, Held


def read_before_a_change(page: Page, pattern: str, **also: Any) -> list[str]:
    """The first GET matching `pattern` answers as the service does, but with a digest the service no
    longer has (and the fields `also`); later reads go through as they are. Returns the list the
    stale digest is added to once it was given."""
    given: list[str] = []

    def stale(route: Route) -> None:
        if given or route.request.method != "GET":
            route.continue_()
            return
        answer = route.fetch()
        body = answer.json()
        body.update(digest="0" * len(body["digest"]), **also)
        given.append(body["digest"])
        route.fulfill(response=answer, json=body)

    page.route(re.compile(pattern), stale)
    return given


def test_the_annual_report_refused_for_changed_figures_says_so_above_the_new_ones(
    signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    page = signed_in_page("county_admin")
    # the year the page opens on, its own clock's (past midnight of 31 December +08:00, the next one)
    given = read_before_a_change(page, r"/api/reporting/reports/annual/\d{4}/preview$")
    # whether another test submitted this year's report already or not, the page offers 报送 once
    listed: list[bool] = []

    def none_yet(route: Route) -> None:
        if listed:
            route.continue_()
            return
        listed.append(True)
        route.fulfill(json={"items": [], "total": 0, "page": 1, "page_size": 200})

    page.route(re.compile(r"/api/reporting/reports\?.*kind=annual_results"), none_yet)
    page.goto(f"{web_stack.url}/reports")
    page.get_by_role("link", name="年度工作报告", exact=True).click()
    confirm = page.get_by_text("我已核对以上数据")
    expect(confirm).to_be_visible(timeout=SLOW)
    assert given, "the preview was read before the change"
    expect(confirm).to_contain_text(given[0])
    confirm.click()
    page.get_by_role("button", name="确认并报送").click()

    notice = page.get_by_test_id("figures-changed")
    expect(notice).to_contain_text("台账数据在预览后已有变化", timeout=SLOW)
    expect(notice).to_contain_text("下方已是最新数据")
    expect(page.get_by_text(given[0])).to_have_count(0)  # the figures shown are the new ones
    page.wait_for_timeout(500)  # the reload has answered: the notice did not go with it
    expect(notice).to_be_visible()
    expect(notice).to_be_in_viewport()  # brought to the person, who was at the button below the figures
    shoot(page, "reports-annual-figures-changed")


def test_the_advisors_refused_confirmation_stays_after_the_figures_are_read_again(
    signed_in_page: Callable[[str], Page],
) -> None:
    page = signed_in_page("advisor")
    on_the_demo_s_last_evening(page)  # a half-year with 王建国's figures
    page.set_viewport_size(PHONE)
    # pending, whatever another test confirmed: the 确认 button shows
    given = read_before_a_change(page, r"/api/reporting/reports/half-year/[^/]+/my-figures$", state="pending")
    page.get_by_role("link", name="我的半年数据").first.click()
    button = page.get_by_role("button", name="确认", exact=True)
    expect(button).to_be_visible(timeout=SLOW)  # 王建国 has figures this half-year
    assert given
    with page.expect_response(re.compile(r"/my-figures$")) as reread:
        button.click()
    assert reread.value.ok

    refusal = page.get_by_test_id("confirm-refusal")
    expect(refusal).to_contain_text("您的数据在预览后已有变化", timeout=SLOW)
    page.wait_for_timeout(500)  # the figures read again have been shown: the refusal is still there
    expect(refusal).to_be_visible()
    expect(page.get_by_test_id("my-state")).to_be_visible()
    shoot(page, "reports-my-half-year-refused")
    page.get_by_role("tab").nth(1).click()  # the other half-year: the refusal was not about it
    expect(refusal).to_have_count(0)


def test_confirm_stays_busy_until_the_figures_are_read_again(signed_in_page: Callable[[str], Page]) -> None:
    """确认 answered, the button was tappable again on the old state and figures while the new ones
    were on their way: a second tap sent the stale digest once more (newcomer 28)."""
    page = signed_in_page("advisor")
    on_the_demo_s_last_evening(page)  # a half-year with 王建国's figures
    page.set_viewport_size(PHONE)
    read_before_a_change(page, r"/api/reporting/reports/half-year/[^/]+/my-figures$", state="pending")
    page.get_by_role("link", name="我的半年数据").first.click()
    button = page.get_by_role("button", name="确认", exact=True)
    expect(button).to_be_visible(timeout=SLOW)
    confirming = page.locator(".vc-actions .van-button")  # loading, it shows a spinner, not its name
    held = Held(page, r"/api/reporting/reports/half-year/[^/]+/my-figures$")
    with page.expect_response(re.compile(r"/confirmations$")):
        button.click()
    expect(page.get_by_test_id("confirm-refusal")).to_be_visible(timeout=SLOW)
    expect(confirming).to_have_class(re.compile("van-button--loading"))  # the new figures are not here yet
    expect(page.get_by_role("tab").nth(1)).to_have_class(re.compile("van-tab--disabled"))
    held.release(settle=True)
    expect(confirming).not_to_have_class(re.compile("van-button--loading"))
