"""The county dashboard on a phone (390×844): no table makes the page or itself scroll sideways;
each shows what fits (fewer columns, wrapped text) and the rest stays one tap away (the village's
volume, the drill-down). Screenshot: dashboard-tables-phone-full.png (the whole page)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect
from support.browser import PHONE, WebStack, screenshot_dir

SLOW = 15_000

# Every table-like box on the page: scrollWidth over clientWidth (1 px of rounding allowed)
OVERFLOWING = """() => [...document.querySelectorAll(
    '.el-table__body-wrapper .el-scrollbar__wrap, .el-table__header-wrapper, .table-box, main, body')]
  .filter((el) => el.offsetParent !== null || el === document.body)
  .filter((el) => el.scrollWidth > el.clientWidth + 1)
  .map((el) => `${el.className || el.tagName} ${el.scrollWidth}>${el.clientWidth}`)"""


def test_the_dashboards_tables_fit_a_phone(signed_in_page: Any, web_stack: WebStack) -> None:
    page: Page = signed_in_page("county_admin")
    page.set_viewport_size(PHONE)
    page.goto(f"{web_stack.url}/dashboard")
    expect(page.get_by_test_id("live-badge")).to_have_text(re.compile("^实时"), timeout=SLOW)
    villages = page.get_by_role("region", name="各村（社区）本期情况")
    expect(villages.locator("tbody tr").first).to_be_visible(timeout=SLOW)
    expect(page.locator("[aria-label^='下级']").first).to_be_visible(timeout=SLOW)
    page.wait_for_timeout(500)  # let the charts and tables settle at the phone width (not an assertion)
    page.screenshot(path=str(screenshot_dir() / "dashboard-tables-phone-full.png"), full_page=True)
    assert page.evaluate(OVERFLOWING) == []
    # what a narrow table leaves out is one tap away: the village's volume opens from its row
    expect(villages.get_by_role("button", name=re.compile("的工作台账$")).first).to_be_visible()
