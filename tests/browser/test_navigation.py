"""Navigation each role is offered: links only to pages it uses, to the page they name; the
committee's pages keep one column on a desktop screen; the advisor's offline banner stays in sight."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect
from support.browser import PHONE, WebStack, shoot


def test_only_the_county_gets_the_county_work_link(signed_in_page: Callable[[str], Page]) -> None:
    county = signed_in_page("county_admin").get_by_role("navigation", name="栏目")
    expect(county.get_by_role("link", name="县级工作")).to_be_visible(timeout=30_000)  # a loaded machine
    for role in ("city_admin", "province_admin"):
        nav = signed_in_page(role).get_by_role("navigation", name="栏目")
        expect(nav.get_by_role("link", name="工作看板")).to_be_visible(timeout=30_000)
        expect(nav.get_by_role("link", name="县级工作")).to_have_count(0)


def test_the_firms_half_year_tab_opens_the_half_year_report(
    signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    firm = signed_in_page("law_firm")
    firm.goto(f"{web_stack.url}/unit")
    tab = firm.get_by_role("link", name="半年工作报告")
    expect(tab).to_have_attribute("href", "/reports/half-year", timeout=30_000)
    tab.click(no_wait_after=True)  # a router link: no page load to wait for (a loaded machine is slow)
    expect(firm).to_have_url(re.compile(r"/reports/half-year$"), timeout=30_000)


def test_the_committees_tab_bar_keeps_to_the_page_column_on_a_desktop(
    signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    page = signed_in_page("village_committee")
    page.goto(f"{web_stack.url}/village/volume")
    bar = page.locator(".van-tabbar--fixed")  # the fixed bar itself, not its placeholder
    expect(bar).to_be_visible()
    box = bar.bounding_box()
    assert box and box["width"] <= 642, box
    shoot(page, "village-volume")


def test_the_offline_banner_stays_in_sight_while_the_page_scrolls(
    signed_in_page: Callable[[str], Page],
) -> None:
    page = signed_in_page("advisor")
    page.set_viewport_size(PHONE)
    expect(page.get_by_role("article").first).to_be_visible()
    page.context.set_offline(True)
    try:
        banner = page.get_by_text("当前无网络")
        expect(banner).to_be_visible()
        page.mouse.wheel(0, 2000)
        page.wait_for_function("window.scrollY > 100")
        expect(banner).to_be_in_viewport()
    finally:
        page.context.set_offline(False)
