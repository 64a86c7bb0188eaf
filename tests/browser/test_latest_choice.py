"""A page that reads again on every choice shows the answer to the latest one (common/latest.ts).
Each test chooses A and holds A's answer (page.route), chooses B and lets B answer, then releases
A: the late answer to the earlier choice must be dropped, the page showing B and not A. Before the
guard whichever answer arrived last was shown: the previous village's advisor under the new
village (and a reassignment made from it), the previous advisor's sheet under the new advisor.
The same holds for a refusal (useRefusal's read): the earlier period's refusal under the later one."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime

from devstack.demo import zhengning as zn
from playwright.sync_api import Page, Route, expect
from support.browser import shoot
from support.held import SLOW, Held
from test_county import choose, open_county
from vc_contracts import CST

VILLAGES = zn.villages()
FIRST, SECOND = 3, 30  # 西关村 (A-zhengda-4) and 雷村村 (A-office-107); no test reassigns them
YEAR = datetime.now(CST).year


def test_a_late_answer_for_the_previous_village_does_not_replace_the_chosen_one(
    signed_in_page: Callable[[str], Page],
) -> None:
    first, second = VILLAGES[FIRST], VILLAGES[SECOND]
    before, after = zn.advisor_of(FIRST).name, zn.advisor_of(SECOND).name
    assert before != after
    page = signed_in_page("county_admin")
    open_county(page, "assignments")
    held = Held(page, rf"/api/registry/villages/{first.code}/assignments$")
    choose(page, "vc-assign-village", first.name)
    choose(page, "vc-assign-village", second.name)
    serving = page.get_by_test_id("serving")
    expect(serving).to_contain_text(after, timeout=SLOW)
    held.release(settle=True)
    expect(serving).to_contain_text(after)
    expect(serving).not_to_contain_text(before)
    expect(page.locator('[aria-label="任职历史"]')).not_to_contain_text(before)
    shoot(page, "county-assignments-latest-choice")


def test_a_late_sheet_for_the_previous_advisor_does_not_replace_the_chosen_one(
    signed_in_page: Callable[[str], Page],
) -> None:
    first, second = zn.advisors()[0], zn.advisors()[1]
    page = signed_in_page("county_admin")
    open_county(page, "assessments")
    expect(page.get_by_text("已作出的结论").first).to_be_attached(timeout=SLOW)
    held = Held(page, rf"/api/assessment/advisors/{first.advisor_id}/assessments/\d+$")
    choose(page, "vc-as-advisor", first.name)
    choose(page, "vc-as-advisor", second.name)
    sheet = page.get_by_label("考核数据表")
    expect(sheet.get_by_role("heading").first).to_contain_text(f"{second.name} · ", timeout=SLOW)
    held.release(settle=True)
    expect(sheet.get_by_role("heading").first).to_contain_text(f"{second.name} · ")
    expect(sheet).not_to_contain_text(f"{first.name} · ")
    shoot(page, "county-assessments-latest-choice")


def test_a_tick_made_while_the_next_period_loads_does_not_confirm_its_figures(
    signed_in_page: Callable[[str], Page],
) -> None:
    """我已核对 confirms the figures shown when it was ticked. Ticked (from the keyboard: the loading
    mask stops the mouse) while the next period's preview was on its way, it stayed ticked under
    figures the person had never seen, and one click sent them."""
    page = signed_in_page("law_firm")
    page.get_by_role("link", name="报告").first.click()
    page.get_by_role("link", name="半年台账报告").click()
    tick = page.get_by_role("checkbox", name=re.compile("我已核对以上数据"))
    expect(tick).to_be_attached(timeout=SLOW)
    expect(tick).not_to_be_checked()
    held = Held(page, r"/api/reporting/reports/half-year/[^/]+/preview$")
    page.get_by_role("combobox", name="统计期间").click(force=True)
    page.get_by_role("option").nth(1).click()
    expect(page.locator(".vc-submit .el-loading-mask")).to_be_visible(timeout=SLOW)
    tick.focus()
    page.keyboard.press("Space")
    expect(tick).to_be_checked()  # the tick was made, on the previous period's figures
    held.release(settle=True)
    expect(page.locator(".vc-submit .el-loading-mask")).to_have_count(0, timeout=SLOW)
    expect(tick).not_to_be_checked()
    shoot(page, "reports-half-year-tick-reset")


def test_a_late_refusal_for_the_previous_period_does_not_show_under_the_chosen_one(
    signed_in_page: Callable[[str], Page],
) -> None:
    """报送期限 reads through useRefusal, whose refusal the read guard did not cover: the person typed
    a period the API refuses, corrected it before the answer came, and the late refusal of the
    wrong period showed (above the table and under the field) beside the corrected period's list."""
    wrong, right = f"{YEAR}H3", f"{YEAR - 1}H2"  # the API refuses H3 (field `period`)
    page = signed_in_page("county_admin")
    open_county(page, "deadlines")
    expect(page.get_by_text("应报送单位").first).to_be_attached(timeout=SLOW)
    held = Held(page, rf"/api/reporting/deadlines/overdue\?.*period={wrong}")
    period = page.locator("#vc-dl-period")
    period.fill(wrong)
    with page.expect_request(lambda r: f"period={wrong}" in r.url, timeout=SLOW):
        period.press("Enter")
    period.fill(right)
    with page.expect_response(lambda r: f"period={right}" in r.url, timeout=SLOW) as answer:
        period.press("Enter")
    assert answer.value.ok, answer.value.text()
    refusal = page.locator(".vc-c-refusal, .vc-field-error")
    expect(refusal).to_have_count(0)
    with page.expect_response(lambda r: f"period={wrong}" in r.url, timeout=SLOW) as late:
        held.release()
    assert late.value.status == 422, late.value.text()  # the refusal was given, and arrived last
    page.wait_for_timeout(300)  # what the page would assign from it, it has assigned by now
    expect(refusal).to_have_count(0)
    expect(period).to_have_value(right)
    shoot(page, "county-deadlines-latest-refusal")
    period.fill(wrong)  # the refusal of the period chosen now does show, under its field
    period.press("Enter")
    expect(page.locator(".vc-field-error")).to_contain_text("H1", timeout=SLOW)
    expect(page.locator(".vc-c-refusal")).to_have_count(0)  # said once, not again above the table
    expect(page.get_by_role("table").first).not_to_contain_text("24:00")  # not the previous period's list
    shoot(page, "county-deadlines-refused-period")


def test_a_refused_save_still_shows_its_refusal(signed_in_page: Callable[[str], Page]) -> None:
    """Only a read gives way to a later read: an action's refusal (记录逾期 refused) always shows.
    Both answers are made up here: the demo may owe nothing this period, and nothing is recorded."""
    page = signed_in_page("county_admin")
    owed = {
        "unit_id": "U-test", "name": "测试律师事务所", "county": zn.COUNTY[0], "rule": "default",
        "due_at": f"{YEAR}-07-16T00:00:00+08:00", "due_day": f"{YEAR}-07-15", "miss_recorded": False,
    }  # fmt: skip
    listed = {"kind": "half_year_ledger", "period": f"{YEAR}H1", "items": [owed], "total": 1}
    refused = {"code": "conflict", "message": "测试：记录逾期被拒绝", "field": None, "errors": []}

    def answer(route: Route) -> None:
        if route.request.method == "POST":
            route.fulfill(status=409, content_type="application/json", body=json.dumps(refused))
        else:
            route.fulfill(status=200, content_type="application/json", body=json.dumps(listed))

    page.route(re.compile(r"/api/reporting/deadlines/(overdue\?|misses$)"), answer)
    open_county(page, "deadlines")
    expect(page.get_by_role("row").filter(has_text=owed["name"])).to_be_visible(timeout=SLOW)
    button = page.get_by_role("button", name="记录逾期")
    expect(button).to_be_enabled()
    button.click()
    expect(page.locator(".vc-c-refusal")).to_have_text(refused["message"])
    shoot(page, "county-deadlines-save-refused")
