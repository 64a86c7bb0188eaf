"""报送期限 keeps its choices in the address: Back from another county page, a reload and a shared
link show the report kind and period that were chosen. Before, the page started again at this
year's first half of 半年台账报告 after every Back (a county section checking last year's annual
results went to 顾问名册 and back, and had to choose both again)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from playwright.sync_api import Page, expect
from support.browser import shoot
from test_county import open_county
from vc_contracts import CST

YEAR = datetime.now(CST).year


def test_back_from_another_page_shows_the_kind_and_period_chosen(
    signed_in_page: Callable[[str], Page],
) -> None:
    # given the annual results of last year chosen on 报送期限
    page = signed_in_page("county_admin")
    open_county(page, "deadlines")
    page.locator("#vc-dl-kind").click(force=True)
    page.get_by_role("option", name="年度工作报告").click()
    page.locator("#vc-dl-period").fill(f" {YEAR - 2}")  # as typed: read, and kept, as the service reads it
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(rf"kind=annual_results&period={YEAR - 2}$"))
    # when another county page is opened, then Back
    page.get_by_role("menuitem", name="顾问名册").click()
    expect(page).to_have_url(re.compile(r"/county/roster"))
    page.go_back()
    # then the same choices, and their list
    expect(page.locator("#vc-dl-period")).to_have_value(str(YEAR - 2))
    expect(page.locator(".el-select").filter(has=page.locator("#vc-dl-kind"))).to_contain_text("年度工作报告")
    expect(page.get_by_role("table").last).to_be_visible()
    # and a reload keeps them
    page.reload()
    expect(page.locator("#vc-dl-period")).to_have_value(str(YEAR - 2))
    expect(page.locator(".el-select").filter(has=page.locator("#vc-dl-kind"))).to_contain_text("年度工作报告")
    shoot(page, "county-deadlines-kept")


def test_an_address_with_an_unknown_kind_opens_the_half_year_ledger(
    signed_in_page: Callable[[str], Page],
) -> None:
    page = signed_in_page("county_admin")
    open_county(page, "deadlines?kind=nonsense")
    select = page.locator(".el-select").filter(has=page.locator("#vc-dl-kind"))
    expect(select).to_contain_text("半年台账报告")
    expect(page.locator("#vc-dl-period")).to_have_value(f"{YEAR}H1")
    expect(page).to_have_url(re.compile(rf"kind=half_year_ledger&period={YEAR}H1$"))
    shoot(page, "county-deadlines-unknown-kind")


def test_the_address_and_the_choices_shown_agree_after_the_menu_opens_the_page_again(
    signed_in_page: Callable[[str], Page],
) -> None:
    # given last year's annual results chosen on 报送期限
    page = signed_in_page("county_admin")
    open_county(page, f"deadlines?kind=annual_results&period={YEAR - 2}")
    select = page.locator(".el-select").filter(has=page.locator("#vc-dl-kind"))
    expect(select).to_contain_text("年度工作报告")
    # when its own menu item is chosen (the address loses ?kind=…&period=…, the page stays)
    page.get_by_role("menuitem", name="报送期限").click()
    # then the page shows what its address says, as a reload would: the half-year ledger opened
    # afresh (before: the annual choice stayed on screen under an address that no longer said it, and
    # a reload or a shared link showed another list)
    expect(page).to_have_url(re.compile(rf"kind=half_year_ledger&period={YEAR}H1$"))
    expect(select).to_contain_text("半年台账报告")
    expect(page.locator("#vc-dl-period")).to_have_value(f"{YEAR}H1")
    # and Back returns to the annual choice, shown
    page.go_back()
    expect(page).to_have_url(re.compile(rf"kind=annual_results&period={YEAR - 2}$"))
    expect(select).to_contain_text("年度工作报告")
    expect(page.locator("#vc-dl-period")).to_have_value(str(YEAR - 2))
    shoot(page, "county-deadlines-menu-again")
