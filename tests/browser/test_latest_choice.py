"""A page that reads again on every choice shows the answer to the latest one (common/latest.ts).
Each test chooses A and holds A's answer (page.route), chooses B and lets B answer, then releases
A: the late answer to the earlier choice must be dropped, the page showing B and not A. Before the
guard whichever answer arrived last was shown: the previous village's advisor under the new
village (and a reassignment made from it), the previous advisor's sheet under the new advisor."""

from __future__ import annotations

import re
from collections.abc import Callable

from devstack.demo import zhengning as zn
from playwright.sync_api import Page, expect
from support.browser import shoot
from support.held import SLOW, Held
from test_county import choose, open_county

VILLAGES = zn.villages()
FIRST, SECOND = 3, 30  # 西关村 (A-zhengda-4) and 雷村村 (A-office-107); no test reassigns them


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
