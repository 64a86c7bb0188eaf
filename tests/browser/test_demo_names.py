"""The demo county on its real villages (issue 12): the county dashboard lists the real townships by
name, and the longest real name (南邑桥木材检查站生活区, 11 characters) fits its public board and the
dashboard's village table at phone width without pushing the page sideways."""

from __future__ import annotations

import re
from collections.abc import Callable

from devstack.demo import zhengning as zn
from playwright.sync_api import BrowserContext, Page, expect
from support.browser import PHONE, WebStack, shoot

LONGEST = max(zn.villages(), key=lambda v: len(v.name))


def _fits_the_width(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_the_county_dashboard_names_the_real_townships(
    signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    page = signed_in_page("county_admin")
    page.goto(f"{web_stack.url}/dashboard")
    expect(page.get_by_test_id("live-badge")).to_have_text(re.compile("^实时"), timeout=30_000)
    for _, township in zn.TOWNSHIPS:
        expect(page.get_by_role("button", name=township, exact=True).first).to_be_visible(timeout=30_000)
    shoot(page, "demo-county-dashboard")
    page.goto(f"{web_stack.url}/dashboard/{LONGEST.township_code}")
    expect(page.get_by_text(LONGEST.name).first).to_be_visible(timeout=30_000)
    shoot(page, "demo-township-dashboard")
    page.set_viewport_size(PHONE)
    assert _fits_the_width(page)


def test_the_longest_village_name_fits_its_public_board(context: BrowserContext, web_stack: WebStack) -> None:
    page = context.new_page()
    page.goto(f"{web_stack.url}/v/{LONGEST.code}")
    expect(page.get_by_role("heading", name=re.compile(LONGEST.name))).to_be_visible(timeout=30_000)
    expect(page.locator("body")).to_contain_text(zn.advisor_of(zn.villages().index(LONGEST)).name)
    shoot(page, "demo-board-longest-name")
    page.set_viewport_size(PHONE)
    assert _fits_the_width(page)
