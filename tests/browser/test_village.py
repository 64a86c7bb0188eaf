"""Village committee pages on a phone: countersign an entry of the village (and it shows confirmed,
also to the API), rate the advisor, see and print the volume with its chain head and verification."""

from __future__ import annotations

import re

from eventkit.clock import today_cst
from playwright.sync_api import Page, Route, expect
from support.browser import PHONE, WebStack, shoot
from support.days import days_since
from support.held import SLOW
from test_village_support import committee_page, entry_of  # noqa: F401 (the fixture `committee`)


def test_the_committee_confirms_an_entry_and_it_shows_confirmed(committee: Page, web_stack: WebStack) -> None:
    page = committee
    expect(page).to_have_url(re.compile(r"/village$"))
    first = page.locator(".vc-entry").first
    expect(first).to_be_visible(timeout=30_000)
    shoot(page, "village-entries")
    entry_id = first.get_attribute("data-entry")
    assert entry_id
    page.set_viewport_size(PHONE)
    first.get_by_role("button", name=re.compile("^确认")).click()
    mine = page.locator(f'[data-entry="{entry_id}"]')
    expect(mine.get_by_text("已确认")).to_be_visible()
    expect(mine.get_by_role("button", name=re.compile("^确认"))).to_have_count(0)
    assert entry_of(web_stack, entry_id)["confirmed"] is True
    page.reload()  # it stays confirmed: no longer listed as waiting, shown confirmed among all
    page.get_by_role("switch", name="显示全部记录").click()
    expect(mine.get_by_text("已确认")).to_be_visible(timeout=30_000)


def test_the_committee_rates_its_advisor(committee: Page) -> None:
    """A committee's first rating of the year. Other tests of the session rate this advisor too (and a
    rating given is prefilled, under 修改评价): the page's read of it answers "none yet" here."""
    page = committee

    def none_yet(route: Route) -> None:
        if route.request.method == "GET":
            route.fulfill(json={"rating": None, "comment": None})
        else:
            route.continue_()

    page.route(re.compile(r"/api/assessment/feedback\?"), none_yet)
    page.get_by_role("tab", name="评价顾问").click()
    expect(page).to_have_url(re.compile(r"/village/rate$"))
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("请选择 1 至 5 星")).to_be_visible()  # no stars chosen: said next to them
    page.get_by_role("radio").nth(3).click()
    page.get_by_label("意见建议").fill("每月按时驻村，讲座贴近村民需要")
    shoot(page, "village-rate")
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_role("status")).to_contain_text("感谢评价")


def test_the_volume_shows_its_chain_head_verified_and_prints_alone(committee: Page) -> None:
    page = committee
    page.get_by_role("tab", name="本村台账").click()
    expect(page.get_by_test_id("verification")).to_contain_text("校验通过", timeout=30_000)
    expect(page.get_by_test_id("chain-head")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(page.get_by_role("heading", name=re.compile("东关村"))).to_be_visible()
    shoot(page, "village-volume")
    page.emulate_media(media="print")
    expect(page.locator(".van-nav-bar")).to_be_hidden()
    expect(page.get_by_role("button", name="打印台账")).to_be_hidden()
    expect(page.get_by_test_id("chain-head")).to_be_visible()
    shoot(page, "village-volume-print")


def test_the_committee_opens_last_year_s_volume_with_one_tap_and_a_reload_keeps_it(committee: Page) -> None:
    """本村台账 showed this year's volume only: on 2 January a committee saw an empty new volume and
    had no way to the year just closed. Three years are offered; the one chosen is in the address."""
    page = committee
    opened = today_cst()
    page.get_by_role("tab", name="本村台账").click()
    years = page.get_by_role("group", name="年度")
    # this year, the page's: the next one when the run crossed midnight of 31 December +08:00
    pressed = years.locator('[aria-pressed="true"]')
    expect(pressed).to_have_text(re.compile(r"^\d{4} 年$"))
    this_year = int(pressed.inner_text()[:4])
    assert this_year in {day.year for day in days_since(opened)}, this_year
    with page.expect_request(
        lambda r: re.search(rf"/volumes/village/\d{{12}}/{this_year - 1}$", r.url) is not None
    ):
        years.get_by_role("button", name=f"{this_year - 1} 年").click()
    expect(page).to_have_url(re.compile(rf"[?&]year={this_year - 1}"))
    expect(page.locator(".vc-sheet")).to_contain_text(f"{this_year - 1} 年度", timeout=SLOW)
    page.reload()
    chosen = page.get_by_role("group", name="年度").get_by_role("button", name=f"{this_year - 1} 年")
    expect(chosen).to_have_attribute("aria-pressed", "true", timeout=SLOW)
    shoot(page, "village-volume-last-year")
