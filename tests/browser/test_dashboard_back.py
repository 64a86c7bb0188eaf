"""A phone's Back with the dashboard's 明细 drawer open closes the drawer (it left the dashboard:
the drawer was no step of the browser's history), and closing the drawer by its button takes no
more than its own step: the next Back leaves the dashboard as before."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect
from support.browser import PHONE, WebStack, shoot

SLOW = 15_000


def _position(page: Page) -> int:
    """Where the page stands in the tab's history (Vue Router's own count of its steps)."""
    return int(page.evaluate("history.state.position"))


def test_back_closes_the_details_drawer_and_stays_on_the_dashboard(
    signed_in_page: Any, web_stack: WebStack
) -> None:
    # given the county dashboard on a phone
    page: Page = signed_in_page("county_admin")
    page.set_viewport_size(PHONE)
    page.goto(f"{web_stack.url}/dashboard")
    expect(page.get_by_test_id("live-badge")).to_have_text(re.compile("^实时"), timeout=SLOW)
    dashboard, before = page.url, _position(page)
    tile = page.get_by_test_id("tile-coverage").get_by_role("button", name="明细")
    # when a figure's 明细 is opened (one step of the history), then Back is pressed
    tile.click()
    drawer = page.get_by_role("dialog")
    expect(drawer.get_by_role("row").nth(1)).to_be_visible(timeout=SLOW)
    assert _position(page) == before + 1
    shoot(page, "dashboard-details-open")
    page.go_back()
    # then the drawer is closed and the dashboard still shown, where it stood
    expect(drawer).to_be_hidden()
    assert (page.url, _position(page)) == (dashboard, before)
    expect(page.get_by_test_id("tile-coverage")).to_be_visible()
    # and when it is opened again and closed by its button, that takes back its own step only
    tile.click()
    expect(drawer.get_by_role("row").nth(1)).to_be_visible(timeout=SLOW)
    drawer.get_by_role("button", name="关闭此对话框").click()
    expect(drawer).to_be_hidden()
    page.wait_for_timeout(300)  # a second step back would come now (not an assertion)
    assert (page.url, _position(page)) == (dashboard, before)


def test_an_address_with_details_but_no_drawer_loses_the_mark(
    signed_in_page: Any, web_stack: WebStack
) -> None:
    # given the dashboard's address with #details (a reload of an open drawer), loaded afresh: from
    # the sign-in's landing (/dashboard once the router has sent the county there) the same address
    # with a mark is no load but a step inside the page, and CI failed on that race
    page: Page = signed_in_page("county_admin")
    page.goto(f"{web_stack.url}/county")
    expect(page).to_have_url(re.compile(r"/county"))
    page.goto(f"{web_stack.url}/dashboard#details")
    expect(page.get_by_test_id("live-badge")).to_have_text(re.compile("^实时"), timeout=SLOW)
    # then no drawer, and the address without the mark
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_back_after_a_reload_with_the_drawer_open_leaves_the_dashboard(
    signed_in_page: Any, web_stack: WebStack
) -> None:
    """A reload of an open drawer's address replaced #details with the dashboard's own address: the
    next Back went from the dashboard to the same dashboard, and did nothing anyone could see."""
    # given the county dashboard on a phone, reached from another page, its 明细 open
    page: Page = signed_in_page("county_admin")
    page.set_viewport_size(PHONE)
    page.goto(f"{web_stack.url}/county")
    page.get_by_role("link", name="工作看板").first.click()
    expect(page.get_by_test_id("live-badge")).to_have_text(re.compile("^实时"), timeout=SLOW)
    dashboard, before = page.url, _position(page)
    page.get_by_test_id("tile-coverage").get_by_role("button", name="明细").click()
    expect(page.get_by_role("dialog").get_by_role("row").nth(1)).to_be_visible(timeout=SLOW)
    # when the page is reloaded (the drawer is gone), then Back is pressed
    page.reload()
    expect(page.get_by_test_id("live-badge")).to_have_text(re.compile("^实时"), timeout=SLOW)
    expect(page).to_have_url(dashboard)
    # then the dashboard stands where it stood before the drawer: one Back leaves it
    assert _position(page) == before
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"/dashboard"))


def _phone_dashboard(signed_in_page: Any, web_stack: WebStack) -> tuple[Page, int]:
    page: Page = signed_in_page("county_admin")
    page.set_viewport_size(PHONE)
    page.goto(f"{web_stack.url}/dashboard")
    expect(page.get_by_test_id("live-badge")).to_have_text(re.compile("^实时"), timeout=SLOW)
    return page, _position(page)


def test_a_double_tap_on_details_opens_the_drawer_once(signed_in_page: Any, web_stack: WebStack) -> None:
    """A double tap on 明细 (a phone's thumb) opened the drawer and closed it again: the second tap
    landed on the opening drawer's mask. One tap opens; a second one while it opens does nothing."""
    # given the county dashboard on a phone
    page, before = _phone_dashboard(signed_in_page, web_stack)
    # when 明细 is tapped twice in a row
    page.get_by_test_id("tile-coverage").get_by_role("button", name="明细").dblclick()
    # then the drawer is open, one step of the history, and stays open
    drawer = page.get_by_role("dialog")
    expect(drawer.get_by_role("row").nth(1)).to_be_visible(timeout=SLOW)
    page.wait_for_timeout(800)  # a close by the second tap would have come by now
    expect(drawer).to_be_visible()
    assert page.url.endswith("#details")
    assert _position(page) == before + 1
    shoot(page, "dashboard-details-double-tap")


def test_forward_after_back_opens_the_same_details_again(signed_in_page: Any, web_stack: WebStack) -> None:
    """Forward after Back landed on #details with no drawer (and a Back then that did nothing seen).
    Forward opens the drawer again, with the details it showed."""
    # given a figure's 明细 opened on a phone, then closed by Back
    page, before = _phone_dashboard(signed_in_page, web_stack)
    page.get_by_test_id("tile-onsite").get_by_role("button", name="明细").click()
    drawer = page.get_by_role("dialog")
    expect(drawer.get_by_role("row").nth(1)).to_be_visible(timeout=SLOW)
    title = drawer.locator(".el-drawer__title").inner_text()
    page.go_back()
    expect(drawer).to_be_hidden()
    # when Forward is pressed
    page.go_forward()
    # then the same details are shown again, on the drawer's own step
    expect(drawer).to_be_visible()
    expect(drawer.locator(".el-drawer__title")).to_have_text(title)
    expect(drawer.get_by_role("row").nth(1)).to_be_visible(timeout=SLOW)
    assert (page.url.endswith("#details"), _position(page)) == (True, before + 1)
    shoot(page, "dashboard-details-forward")
    # and Back closes it again
    page.go_back()
    expect(drawer).to_be_hidden()
    assert _position(page) == before


def test_the_mark_typed_on_the_open_dashboard_is_lost_too(signed_in_page: Any, web_stack: WebStack) -> None:
    """The same address with #details, gone to from the dashboard itself, is no load but a step inside
    the page (CI met it by chance: the sign-in lands on /dashboard): no drawer, and no mark either."""
    page: Page = signed_in_page("county_admin")
    page.goto(f"{web_stack.url}/dashboard")
    expect(page.get_by_test_id("live-badge")).to_have_text(re.compile("^实时"), timeout=SLOW)
    page.goto(f"{web_stack.url}/dashboard#details")
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_role("dialog")).to_have_count(0)
