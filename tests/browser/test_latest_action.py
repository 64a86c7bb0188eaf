"""An action made for the choice on screen (a download of the chosen volume, a query sent from the
dialog of one entry) shows its outcome only while that choice is still the one on screen
(common/latest.ts, `act`). A download is what the person did, so its refusal shows; but refused
after another village, year or entry was chosen, it stood under the new choice and said something
false about it. Each test makes the action, holds its answer (page.route), makes another choice,
then lets the refusal arrive: nothing of it may show, and the page is not left busy with it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime

from devstack.demo import zhengning as zn
from playwright.sync_api import Page, Route, expect
from support.browser import WebStack, screenshot_dir, shoot
from support.held import SLOW, Held
from test_county import choose, open_county
from test_village_support import committee_page  # noqa: F401 (the fixture `committee`)
from vc_contracts import CST

YEAR = datetime.now(CST).year
# the year a page opens on is its own clock's: past midnight of 31 December +08:00 no longer YEAR
THE_PAGE_S_YEAR = r"\d{4}"
VILLAGES = zn.villages()
REFUSED = {"code": "conflict", "message": "测试：下载被拒绝", "field": None, "errors": []}


class Refused:
    """The requests matching `pattern` wait, then are refused (409, REFUSED) at `release()`: a
    download the ledger turned down, arriving when the test says."""

    def __init__(self, page: Page, pattern: str, *, hold: bool = True) -> None:
        self.routes: list[Route] = []
        self.page, self.hold = page, hold
        page.route(re.compile(pattern), self._take)

    def _take(self, route: Route) -> None:
        if self.hold:
            self.routes.append(route)
        else:
            route.fulfill(status=409, content_type="application/json", body=json.dumps(REFUSED))

    def release(self) -> None:
        assert self.routes, "the download was never asked for"
        self.hold = False
        for route in self.routes:
            with self.page.expect_response(lambda r, url=route.request.url: r.url == url, timeout=SLOW):
                route.fulfill(status=409, content_type="application/json", body=json.dumps(REFUSED))
        self.page.wait_for_timeout(300)  # what the page would show from it, it has shown by now


def test_a_refused_export_for_the_previous_village_does_not_show_under_the_next(
    signed_in_page: Callable[[str], Page],
) -> None:
    """台账导出: a refusal shows while its village is chosen, goes with another choice, and one that
    arrives after another village was chosen never shows (nor keeps the buttons busy)."""
    first, second, third = VILLAGES[3], VILLAGES[30], VILLAGES[40]
    page = signed_in_page("county_admin")
    open_county(page, "exports")
    refusal = page.locator(".vc-c-refusal")
    export = page.get_by_role("button", name="导出 XLSX")
    Refused(page, rf"/api/ledger/volumes/village/{first.code}/{THE_PAGE_S_YEAR}/export\.xlsx", hold=False)
    choose(page, "vc-ex-owner", first.name)
    export.click()
    expect(refusal).to_have_text(REFUSED["message"], timeout=SLOW)  # an action's refusal shows
    choose(page, "vc-ex-owner", second.name)
    expect(refusal).to_have_count(0)  # it was about the village chosen before
    late = Refused(page, rf"/api/ledger/volumes/village/{second.code}/{THE_PAGE_S_YEAR}/export\.xlsx")
    export.click()
    expect(export).to_have_class(re.compile("is-loading"))
    choose(page, "vc-ex-owner", third.name)
    expect(export).not_to_have_class(re.compile("is-loading"))
    late.release()
    expect(refusal).to_have_count(0)
    shoot(page, "county-exports-late-refusal")


def test_a_refused_check_file_for_the_previous_year_does_not_show_under_the_next(
    signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    """The volume head: 下载校验文件 refused for this year after the previous year was chosen said so
    under the previous year's head (the page keeps the head and swaps the volume beneath it)."""
    code = VILLAGES[3].code
    page = signed_in_page("county_admin")
    page.goto(f"{web_stack.url}/volume/{code}?year={YEAR}")
    expect(page.locator("h1.title")).to_contain_text(f"{YEAR} 年度", timeout=SLOW)
    late = Refused(page, rf"/api/ledger/volumes/village/{code}/{YEAR}/export\.json$")
    button = page.get_by_role("button", name="下载校验文件")
    button.click()
    expect(button).to_be_disabled()
    page.get_by_role("combobox", name="年度").click(force=True)
    page.get_by_role("option", name=f"{YEAR - 1} 年").click()
    expect(page.locator("h1.title")).to_contain_text(f"{YEAR - 1} 年度", timeout=SLOW)
    late.release()
    head = page.get_by_test_id("volume-head")
    expect(head.get_by_role("alert")).to_have_count(0)
    expect(button).to_be_enabled()
    shoot(page, "volume-head-late-refusal")
    Refused(page, rf"/api/ledger/volumes/village/{code}/{YEAR - 1}/export\.json$", hold=False)
    button.click()  # refused for the year on screen: said under its head
    expect(head.get_by_role("alert")).to_have_text(REFUSED["message"], timeout=SLOW)


def test_a_refused_unit_export_for_the_previous_year_does_not_show_under_the_next(
    signed_in_page: Callable[[str], Page],
) -> None:
    """本单位台账: the export's refusal and busy state were its own, unguarded, beside the guarded read
    of the volume: refused after the previous year was chosen, it stood above that year's volume."""
    page = signed_in_page("law_firm")
    page.get_by_role("link", name="本单位台账").click()
    expect(page.get_by_test_id("verification")).to_contain_text("校验通过", timeout=SLOW)
    late = Refused(page, rf"/api/ledger/volumes/unit/[^/]+/{THE_PAGE_S_YEAR}/export\.xlsx")
    export = page.get_by_role("button", name="导出 XLSX")
    export.click()
    expect(export).to_have_class(re.compile("is-loading"))
    page.get_by_role("combobox", name="年度").click(force=True)
    page.get_by_role("option", name=f"{YEAR - 1} 年").click()
    expect(page.get_by_test_id("verification")).to_be_visible(timeout=SLOW)
    late.release()
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_text(REFUSED["message"])).to_have_count(0)
    expect(export).not_to_have_class(re.compile("is-loading"))
    shoot(page, "unit-volume-late-export-refusal")


def test_a_refused_query_for_one_entry_does_not_show_in_the_dialog_of_another(committee: Page) -> None:
    """质疑: the dialog closed while entry A's query was on its way and reopened for entry B showed A's
    refusal under B's reason. A blank reason is what the API refuses; nothing is queried here."""
    page = committee
    queryable = page.locator(".vc-entry").filter(has=page.get_by_role("button", name=re.compile("^质疑")))
    expect(queryable.nth(1)).to_be_visible(timeout=SLOW)
    first, second = queryable.nth(0), queryable.nth(1)
    entry = first.get_attribute("data-entry")
    assert entry
    held = Held(page, rf"/api/ledger/entries/{re.escape(entry)}/queries$", method="POST")
    first.get_by_role("button", name=re.compile("^质疑")).click()
    dialog = page.get_by_role("dialog", name="质疑这条记录")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="提交质疑").click()  # blank: refused once it arrives
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    second.get_by_role("button", name=re.compile("^质疑")).click()
    expect(dialog).to_be_visible()
    held.release(settle=True)
    expect(dialog).to_be_visible()  # still B's, open
    expect(dialog.locator(".van-field__error-message")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir() / "village-query-late-refusal-phone.png"))
    dialog.get_by_role("button", name="提交质疑").click()  # B's own refusal does show
    expect(dialog.locator(".van-field__error-message")).to_be_visible(timeout=SLOW)
