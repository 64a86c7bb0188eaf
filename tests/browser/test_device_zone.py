"""A device set to another time zone still sees China's year: the pages that open on "this year"
(本单位台账, the unit's advisors' progress, the committee's 本村台账) took it from the device's own
clock zone, so a browser in New York opened on last year until 13:00 on 1 January +08:00 (newcomer
29). The year and quarter now come from +08:00 in one place (util/time.ts)."""

from __future__ import annotations

from datetime import datetime

from playwright.sync_api import Browser, Page, expect
from support.browser import DESKTOP, WebStack, shoot
from support.held import SLOW
from vc_contracts import CST

# 00:30 on 1 January +08:00 this year: 11:30 on 31 December in New York
NEW_YEAR = datetime(datetime.now(CST).year, 1, 1, 0, 30, tzinfo=CST)


def _page(browser: Browser, web_stack: WebStack, role: str) -> Page:
    ctx = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="America/New_York",
                              service_workers="block")  # fmt: skip
    token, name = web_stack.token(role), web_stack.person(role).label.split("（")[0]
    ctx.add_init_script(
        f"sessionStorage.setItem('vc.token', {token!r}); sessionStorage.setItem('vc.name', {name!r})"
    )
    page = ctx.new_page()
    page.clock.set_fixed_time(NEW_YEAR)
    return page


def test_the_unit_volume_opens_on_china_s_year_on_a_device_set_to_new_york(
    browser: Browser, web_stack: WebStack
) -> None:
    page = _page(browser, web_stack, "law_firm")
    try:
        page.goto(f"{web_stack.url}/unit/volume")
        expect(page.get_by_role("combobox", name="年度")).to_be_visible(timeout=SLOW)
        expect(page.locator(".vc-toolbar")).to_contain_text(f"{NEW_YEAR.year} 年")
        shoot(page, "unit-volume-new-york")
    finally:
        page.context.close()


def test_the_committee_volume_opens_on_china_s_year_on_a_device_set_to_new_york(
    browser: Browser, web_stack: WebStack
) -> None:
    page = _page(browser, web_stack, "village_committee")
    try:
        with page.expect_request(lambda r: "/api/ledger/volumes/" in r.url, timeout=SLOW) as asked:
            page.goto(f"{web_stack.url}/village/volume")
        assert f"/{NEW_YEAR.year}" in asked.value.url or f"year={NEW_YEAR.year}" in asked.value.url, (
            asked.value.url
        )
    finally:
        page.context.close()
