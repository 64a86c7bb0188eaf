"""The dashboard after the issue-9 review: no rise from nothing when last year has no data (the API
gives null, the page shows —), a year's view names the quarter its on-site figures come from, odd
periods in the address get a Chinese message, the keyboard reaches the townships through a skip
link and in-page jumps and lands on the new heading after a drill-down, and the big screen's
工作预警 stays inside its panel."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import Page, expect
from support.browser import PHONE, WebStack, shoot

CST = ZoneInfo("Asia/Shanghai")
COUNTY = "621025"
SLOW = 15_000


def _overview(web_stack: WebStack, **params: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {web_stack.token('county_admin')}"}
    response = httpx.get(f"{web_stack.url}/api/reporting/dashboard/overview", params=params,
                         headers=headers, timeout=20, trust_env=False)  # fmt: skip
    response.raise_for_status()
    return response.json()  # type: ignore[no-any-return]


def _open(page: Page, web_stack: WebStack, path: str) -> None:
    page.goto(f"{web_stack.url}{path}")
    expect(page.get_by_test_id("live-badge")).to_have_text(re.compile("^实时"), timeout=SLOW)


def test_without_last_year_s_data_the_change_is_a_dash_not_a_rise(
    signed_in_page: Any, web_stack: WebStack
) -> None:
    tiles = _overview(web_stack)["tiles"]  # the demo's advisors started this year
    assert tiles["coverage"]["pct"] > 0
    assert tiles["coverage"]["change_pct"] is None and tiles["coverage"]["last_year"] is None
    assert tiles["breaches"]["change"] is None and tiles["agreements"]["last_year"] is None
    page: Page = signed_in_page("county_admin")
    _open(page, web_stack, "/dashboard")
    coverage = page.get_by_test_id("tile-coverage")
    expect(coverage).to_contain_text(f"{tiles['coverage']['pct']}%", timeout=SLOW)
    expect(coverage.get_by_test_id("no-change")).to_contain_text("较去年同期 —")
    expect(page.locator(".tiles")).not_to_contain_text("↑")
    shoot(page, "dashboard-no-last-year")


def test_a_year_s_view_names_the_quarter_of_its_on_site_figures(
    signed_in_page: Any, web_stack: WebStack
) -> None:
    year = str(datetime.now(CST).year)
    view = _overview(web_stack, period=year)
    word = view["period"]["quarter_label"].removeprefix(f"{year}年")  # e.g. 第四季度
    assert view["tiles"]["onsite"]["label"] == f"{word}驻点达标村"
    page: Page = signed_in_page("county_admin")
    _open(page, web_stack, f"/dashboard?period={year}")
    expect(page.get_by_role("heading", name=re.compile(f"^正宁县.*{year}年$"))).to_be_visible(timeout=SLOW)
    main = page.locator("main")
    tile = page.get_by_test_id("tile-onsite")
    expect(tile).to_contain_text("驻点达标村")
    # the quarter is the server's at each answer: read again now the page has its own, both are
    # right when the run crossed midnight +08:00 into the next quarter in between
    later = _overview(web_stack, period=year)["period"]["quarter_label"].removeprefix(f"{year}年")
    either = "|".join(sorted({word, later}))
    expect(tile).to_contain_text(re.compile(f"(?:{either})驻点达标村"))
    expect(main).to_contain_text(re.compile(f"(?:{either})各村驻点时长"))
    expect(main).not_to_contain_text("本季度")
    expect(main).not_to_contain_text("本年度各村驻点")
    shoot(page, "dashboard-year")


def test_an_odd_period_in_the_address_gets_a_chinese_message_and_the_current_quarter(
    signed_in_page: Any, web_stack: WebStack
) -> None:
    page: Page = signed_in_page("county_admin")
    for odd in ("Q9", "2026Q9", "20260", "本季度"):
        _open(page, web_stack, f"/dashboard?period={odd}")
        message = page.get_by_test_id("bad-period")
        expect(message).to_contain_text(f"地址中的期间“{odd}”无法识别")
        expect(message).to_contain_text("2026Q1")
        expect(page.get_by_test_id("tile-coverage")).to_be_visible(timeout=SLOW)  # not a blank page
        expect(page.locator("main")).not_to_contain_text("NaN")
    shoot(page, "dashboard-bad-period")
    page.goto(f"{web_stack.url}/dashboard/abc")
    expect(page.get_by_role("alert").first).to_contain_text("行政区划代码须为6位或12位数字", timeout=SLOW)


def test_the_keyboard_skips_to_the_townships_and_follows_a_drill_down(
    signed_in_page: Any, web_stack: WebStack
) -> None:
    page: Page = signed_in_page("county_admin")
    _open(page, web_stack, "/dashboard")
    expect(page.get_by_role("heading", name=re.compile("^正宁县"))).to_be_visible(timeout=SLOW)
    page.locator("body").focus()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # shown once focused
    shoot(page, "dashboard-skip-link")
    page.keyboard.press("Enter")
    first_township = page.locator(".children").get_by_role("button").first
    presses = 0
    while presses < 12 and not first_township.evaluate("b => b === document.activeElement"):
        if page.evaluate("document.activeElement.textContent.trim()").startswith("跳到下级"):
            page.keyboard.press("Enter")  # the in-page jump to the children's table
        page.keyboard.press("Tab")
        presses += 1
    assert first_township.evaluate("b => b === document.activeElement"), f"not reached in {presses} Tabs"
    name = first_township.inner_text()
    page.keyboard.press("Enter")
    heading = page.get_by_test_id("dashboard-heading")
    expect(heading).to_contain_text(name, timeout=SLOW)
    expect(heading).to_be_focused()  # not <body>: the keyboard goes on from the new view
    assert page.evaluate("document.activeElement.tagName") == "H1"


def test_the_big_screen_s_warnings_stay_inside_their_panel(signed_in_page: Any, web_stack: WebStack) -> None:
    assert len(_overview(web_stack)["warnings"]) > 20  # more than a screen's height of them
    page: Page = signed_in_page("county_admin")
    page.goto(f"{web_stack.url}/screen?rotate=600")
    expect(page.get_by_test_id("live-badge")).to_have_text(re.compile("^实时"), timeout=SLOW)
    page.get_by_role("button", name="工作预警").click()
    panel = page.locator(".panel.warn")
    expect(panel.locator("li").first).to_be_visible()
    for size in (None, PHONE):
        if size:
            page.set_viewport_size(size)
            page.wait_for_timeout(300)  # the layout settles at the new width
        box, items = panel.bounding_box(), panel.locator("ul").bounding_box()
        assert box and items
        assert items["y"] + items["height"] <= box["y"] + box["height"] + 1, (box, items)
        assert box["x"] + box["width"] <= page.viewport_size["width"] + 1  # type: ignore[index]
        note = panel.locator(".totals")
        expect(note).to_be_in_viewport()
    page.set_viewport_size({"width": 1280, "height": 800})
    shoot(page, "screen-warnings")
