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
from eventkit.clock import today_cst
from playwright.sync_api import Page, Route, expect
from support.browser import PHONE, WebStack, on_the_demo_s_last_evening, shoot
from support.days import days_since
from support.held import SLOW, Held
from test_county import choose, open_county
from vc_contracts import CST

VILLAGES = zn.villages()
FIRST, SECOND = 3, 30  # 西关村 (A-zhengda-4) and 雷村村 (A-office-107); no test reassigns them
YEAR = datetime.now(CST).year
# the year a page opens on is its own clock's: past midnight of 31 December +08:00 no longer YEAR
THE_PAGE_S_YEAR = r"\d{4}"


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
    page.get_by_role("link", name="半年台账报告", exact=True).click()
    tick = page.get_by_role("checkbox", name=re.compile("我已核对以上数据"))
    expect(tick).to_be_attached(timeout=SLOW)
    expect(tick).not_to_be_checked()
    held = Held(page, r"/api/reporting/reports/half-year/[^/]+/preview$")
    page.get_by_role("combobox", name="统计期间").click(force=True)
    page.get_by_role("option").nth(1).click()
    # the mask shown for the held read (a previous read's may still be fading out beside it: two)
    expect(page.locator(".vc-submit .el-loading-mask:not(.el-loading-fade-leave-active)")).to_be_visible(
        timeout=SLOW
    )
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
    buttons = [page.get_by_role("button", name=n).bounding_box() for n in ("查询", "记录逾期")]
    period.fill(wrong)  # the refusal of the period chosen now does show, under the bar
    period.press("Enter")
    expect(page.locator(".vc-field-error")).to_contain_text("H1", timeout=SLOW)
    expect(page.locator(".vc-field-error")).to_contain_text("期间：")
    # and the bar's buttons stay where they were (the reason beside the field pushed them ~185 px)
    assert [page.get_by_role("button", name=n).bounding_box() for n in ("查询", "记录逾期")] == buttons
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


def test_a_late_verdict_for_the_previous_year_is_not_shown_under_the_chosen_one(
    signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    """校验卷册 answers the village and year it was asked for. Asked for this year and answered after
    the previous year was chosen, this year's 校验通过 (and its link count) stood under the previous
    year's volume (newcomer 27)."""
    this_year = datetime.now(CST).year
    page = signed_in_page("county_admin")
    page.goto(f"{web_stack.url}/volume/{VILLAGES[FIRST].code}?year={this_year}")
    expect(page.locator("h1.title")).to_contain_text(f"{this_year} 年度", timeout=SLOW)
    held = Held(page, rf"/volumes/village/{VILLAGES[FIRST].code}/{this_year}/verify$", method="POST")
    page.get_by_role("button", name="校验卷册").click()
    page.get_by_role("combobox", name="年度").click(force=True)
    page.get_by_role("option", name=f"{this_year - 1} 年").click()
    expect(page.locator("h1.title")).to_contain_text(f"{this_year - 1} 年度", timeout=SLOW)
    held.release(settle=True)
    expect(page.get_by_text("校验通过", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="校验卷册")).to_be_enabled()
    shoot(page, "volume-late-verdict")


def test_another_half_year_shows_none_of_the_previous_halfs_figures_while_it_loads(
    signed_in_page: Callable[[str], Page],
) -> None:
    """我的半年数据: the tab of another half-year kept the previous half's figures, state and 确认
    until its own arrived, so 确认 under the new tab sent the previous half's digest (newcomer 27)."""
    page = signed_in_page("advisor")
    on_the_demo_s_last_evening(page)  # a half-year with 王建国's figures
    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="我的半年数据").first.click()
    state = page.get_by_test_id("my-state")
    expect(state).to_be_visible(timeout=SLOW)  # 王建国 has figures this half-year
    held = Held(page, r"/api/reporting/reports/half-year/[^/]+/my-figures$")
    page.get_by_role("tab").nth(1).click()
    expect(page.get_by_role("status").filter(has_text="正在读取")).to_be_visible()
    expect(state).to_have_count(0)
    expect(page.get_by_role("button", name="确认", exact=True)).to_have_count(0)
    shoot(page, "reports-my-half-year-switching")
    held.release(settle=True)
    expect(page.get_by_role("status").filter(has_text="正在读取")).to_have_count(0)


def test_another_years_conclusions_replace_the_previous_years_only_when_they_arrive(
    signed_in_page: Callable[[str], Page],
) -> None:
    """年度考核: the list of conclusions kept the previous year's rows under the newly chosen year's
    heading until the new year's answer came (newcomer 27). The demo concludes none, so this year's
    list answers one conclusion here (page.route)."""
    opened = today_cst()
    someone = zn.advisors()[0]
    row = {"advisor_id": someone.advisor_id, "result": "passed", "rule_version": 1,
           "concluded_on": f"{opened.year}-01-15"}  # fmt: skip
    listed = {"items": [row], "total": 1, "page": 1, "page_size": 500}
    page = signed_in_page("county_admin")
    # the year the page opens on: this one, or the next when the run crosses midnight of 31 December
    page.route(re.compile(rf"/api/assessment/assessments\?.*year=({opened.year}|{opened.year + 1})(&|$)"),
               lambda route: route.fulfill(json=listed))  # fmt: skip
    open_county(page, "assessments")
    heading = page.get_by_role("heading", name=re.compile("已作出的结论"))
    expect(heading).to_have_text(re.compile(r"^\d{4} 年已作出的结论（1）$"), timeout=SLOW)
    this_year = int(heading.inner_text()[:4])
    assert this_year in {day.year for day in days_since(opened)}, this_year
    held = Held(page, rf"/api/assessment/assessments\?.*year={this_year - 1}(&|$)")
    year = page.locator("#vc-as-year")
    year.fill(str(this_year - 1))
    year.press("Enter")
    expect(heading).to_have_text(f"{this_year - 1} 年已作出的结论（…）")
    table = page.locator(".vc-c-card").filter(has=heading)
    expect(table).not_to_contain_text(someone.name)
    expect(table).to_contain_text("正在读取")
    held.release(settle=True)
    expect(heading).to_have_text(f"{this_year - 1} 年已作出的结论（0）")
    expect(table).to_contain_text("尚无结论")


def test_the_village_stays_chosen_while_its_reassignment_is_on_its_way(
    signed_in_page: Callable[[str], Page],
) -> None:
    """A reassignment's answer belongs to the village it was sent for. Another village chosen while it
    was on its way showed it: the refusal beside 新法律顾问 under the new village's form (and a
    success said 已调整 … 负责 the new village); newcomer 27. The chooser now waits for the answer."""
    first, second = VILLAGES[FIRST], VILLAGES[SECOND]
    page = signed_in_page("county_admin")
    open_county(page, "assignments")
    choose(page, "vc-assign-village", first.name)
    serving = page.get_by_test_id("serving")
    expect(serving).to_contain_text(zn.advisor_of(FIRST).name, timeout=SLOW)
    held = Held(page, r"/api/registry/assignments$", method="POST")
    page.get_by_role("button", name="确认调整").click()  # no advisor chosen: refused, nothing changes
    chooser = page.locator("#vc-assign-village")
    expect(chooser).to_be_disabled()
    held.release()
    expect(page.get_by_text("不能为空")).to_be_visible(timeout=SLOW)
    expect(chooser).to_be_enabled()
    choose(page, "vc-assign-village", second.name)
    expect(serving).to_contain_text(zn.advisor_of(SECOND).name, timeout=SLOW)
    expect(page.get_by_text("不能为空")).to_have_count(0)
    shoot(page, "county-assignments-chooser-waits")


def test_a_conclusion_being_written_stays_with_its_advisor(signed_in_page: Callable[[str], Page]) -> None:
    """年度考核: the conclusion typed for one advisor stood in the next advisor's form (result, items),
    one click from being concluded for them (newcomer 27). Each advisor keeps their own draft: the
    next one starts blank, and the first one's text is there again on coming back. Nothing is sent."""
    first, second = zn.person(0), zn.person(1)
    page = signed_in_page("county_admin")
    open_county(page, "assessments")
    choose(page, "vc-as-advisor", first)
    sheet = page.get_by_label("考核数据表")
    expect(sheet).to_contain_text("年度考核数据表")
    sheet.get_by_text("不合格", exact=True).click()
    page.locator("#vc-as-items").fill("补足第一季度驻点时长")
    choose(page, "vc-as-advisor", second)
    expect(sheet).to_contain_text(re.compile(rf"{second} · {THE_PAGE_S_YEAR} 年度考核数据表"))
    expect(sheet.get_by_role("radio", name="合格", exact=True)).to_be_checked()
    expect(page.locator("#vc-as-items")).to_have_count(0)  # items only for 不合格
    sheet.get_by_text("不合格", exact=True).click()
    expect(page.locator("#vc-as-items")).to_have_value("")
    shoot(page, "county-assessment-draft-of-the-next-advisor")
    choose(page, "vc-as-advisor", first)
    expect(sheet).to_contain_text(re.compile(rf"{first} · {THE_PAGE_S_YEAR} 年度考核数据表"))
    expect(page.locator("#vc-as-items")).to_have_value("补足第一季度驻点时长")
