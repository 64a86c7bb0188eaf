"""The county section in a real browser: reassign a village (history stays, the public board follows),
file an agreement late (it shows as late), a refused import (row and column), and roles without
actions (no button, and the API says 403). Screenshots of every county page."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

import httpx
import pytest
from devstack.demo import zhengning as zn
from eventkit.clock import today_cst
from playwright.sync_api import Page, Route, expect
from support.browser import WebStack, shoot
from support.days import days_since, text_on_days
from support.waiting import until
from vc_contracts import CST

TODAY = datetime.now(CST).date()
YEAR = TODAY.year
VILLAGES = zn.villages()
REASSIGNED = VILLAGES[40]  # 上南村, served by zn.advisor_of(40) (A-luyuan-3); no other test uses it
NEW_ADVISOR = zn.person(22)  # A-office-102, the head of 宫河镇司法所
UNFILED_VILLAGE = VILLAGES[-1]  # the demo leaves it without advisor or agreement


def choose(page: Page, select_id: str, option: str) -> None:
    """Pick `option` in the Element Plus select whose input has `select_id` (typing filters it).

    Returns once the select shows the choice (a tag, or its label). On a loaded machine a click on
    an option can be lost (a multi-select then still said 请选择 and the form was refused for 至少需要
    1 项), so a choice the select does not show within a few seconds is made again."""
    field = page.locator(f"#{select_id}")
    select = page.locator(".el-select").filter(has=field)
    for attempt in range(3):
        field.click(force=True)  # a multi-select's placeholder covers its input
        # typed into this select's own input: the keyboard's focus may still sit in the previous select
        field.fill("")
        field.press_sequentially(option)
        # the options come from a registry query: on a loaded machine they may arrive after the typing
        choice = page.get_by_role("option", name=option, exact=False).first
        expect(choice).to_be_visible(timeout=30_000)
        choice.click()
        # the chosen label as the select shows it: a multi-select's tag, a single select's label
        # (not its text as a whole: its input-calculator span repeats whatever was typed)
        shown = select.locator(".el-select__tags-text, .el-select__placeholder:not(.is-transparent)")
        try:
            expect(shown.filter(has_text=option).first).to_be_visible(timeout=5_000)
            return
        except AssertionError:
            if attempt == 2:
                raise


def open_county(page: Page, path: str) -> None:
    """Open /county/<path> on the same origin (the landing URL may still be /county or /)."""
    origin = re.match(r"https?://[^/]+", page.url)
    assert origin
    page.goto(f"{origin.group(0)}/county/{path}")


def set_date(page: Page, input_id: str, day: date) -> None:
    field = page.locator(f"#{input_id}")
    field.fill(day.isoformat())
    field.press("Enter")


def test_reassigning_a_village_keeps_its_history_and_the_public_board_shows_the_new_advisor(
    signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    page = signed_in_page("county_admin")
    before = today_cst()  # the form offers the page's today as the new term's first day
    open_county(page, "roster")
    page.get_by_role("menuitem", name="指派与调整").click()
    choose(page, "vc-assign-village", REASSIGNED.name)
    former = zn.advisor_of(40).name
    expect(page.get_by_test_id("serving")).to_contain_text(former)
    choose(page, "vc-assign-advisor", NEW_ADVISOR)
    page.get_by_role("button", name="确认调整").click()
    expect(page.get_by_role("status")).to_contain_text(f"由 {NEW_ADVISOR} 负责{REASSIGNED.name}")
    expect(page.get_by_test_id("serving")).to_contain_text(NEW_ADVISOR)
    expect(page.locator("#vc-assign-schedule")).to_have_value("")  # the form starts over for the next change
    history = page.locator('[aria-label="任职历史"]')
    expect(history).to_contain_text(former)  # the former term stays, ended the day before
    # the day before the new term's first day: the page's today, which may be past midnight +08:00
    ended = [day - timedelta(days=1) for day in days_since(before)]
    expect(history).to_contain_text(text_on_days("{day}", ended, whole=False))
    shoot(page, "county-assignments")

    board = page.context.new_page()  # the QR code's page: public, no token

    def board_names_the_new_advisor() -> bool:  # the reporting service learns it from the broker
        board.goto(f"{web_stack.url}/v/{REASSIGNED.code}")
        return NEW_ADVISOR in board.content()

    until(board_names_the_new_advisor, within=60, what="the board names the new advisor", interval=0.5)
    expect(board.locator("body")).to_contain_text(NEW_ADVISOR)
    expect(board.locator("body")).not_to_contain_text(former)


def test_the_agreement_tiles_say_they_are_loading_instead_of_zeros(
    signed_in_page: Callable[[str], Page],
) -> None:
    page = signed_in_page("county_admin")
    held: list[Route] = []
    released: list[bool] = []

    def hold(route: Route) -> None:  # the answer waits until the tiles were seen
        if released:
            route.continue_()
        else:
            held.append(route)

    page.route("**/api/registry/filings**", hold)
    open_county(page, "agreements")
    expect(page.get_by_text("正在读取备案情况…")).to_be_visible()
    expect(page.locator('[data-status="late"] strong')).to_have_text("…")
    expect(page.get_by_text("暂无数据")).to_have_count(0)
    # release rather than unroute: unrouting hands the held requests on itself (Playwright 1.65),
    # and continuing them afterwards fails with "Route is already handled"
    released.append(True)
    for route in held:
        route.continue_()
    expect(page.get_by_text("正在读取备案情况…")).to_have_count(0, timeout=30_000)
    expect(page.locator('[data-status="late"] strong')).to_have_text(re.compile(r"^\d+$"))


def test_an_agreement_filed_after_the_deadline_shows_as_late(signed_in_page: Callable[[str], Page]) -> None:
    # A filing is late only once 31 March has passed. Until then no filing of this year can be late
    # (and 20 April is still to come: 备案日期不能晚于今天, which failed this test from 1 January to
    # 19 April), so the scene is then last year's; from 1 April on, filed on 20 April or today.
    today = today_cst()  # here, not at import: the scene's year follows from it
    year = today.year if date(today.year, 3, 31) < today else today.year - 1
    filed_on = min(date(year, 4, 20), today)
    page = signed_in_page("county_admin")
    open_county(page, "agreements")
    late = page.locator('[data-status="late"] strong')
    # that year, not the page's own: past midnight of 31 December +08:00 the page opens on the next
    page.locator("#vc-agr-year").fill(str(year))
    page.locator("#vc-agr-year").press("Enter")
    expect(page.get_by_text(f"备案截止：{year}-03-31")).to_be_visible(timeout=30_000)  # that year read
    if year == today.year:
        late_row = page.get_by_role("row").filter(has_text="逾期备案").first  # the demo's late one
        expect(late_row).to_be_visible(timeout=30_000)  # 108 villages: a loaded machine takes a while
    expect(late).to_be_visible()
    late_before = int(late.inner_text())

    page.get_by_role("button", name="登记新签协议").click()
    choose(page, "vc-sign-unit", "甘肃子午律师事务所")
    choose(page, "vc-sign-village", UNFILED_VILLAGE.name)
    choose(page, "vc-sign-advisors", zn.person(10))
    page.keyboard.press("Escape")
    set_date(page, "vc-sign-on", date(year, 1, 5))
    page.get_by_role("button", name="登记", exact=True).click()
    due = "待备案" if date(year, 3, 31) >= today else "未备案"
    rows = page.get_by_role("row").filter(has_text=UNFILED_VILLAGE.name)
    unfiled = rows.filter(has_text=due)
    expect(unfiled.first).to_be_visible()

    unfiled.first.get_by_role("button", name="备案").click()
    page.locator("#vc-file-no").fill(f"正司备〔{year}〕901号")
    set_date(page, "vc-file-on", today + timedelta(days=2))  # the future (also past midnight): refused
    page.get_by_role("button", name="确认备案").click()
    dialog = page.get_by_role("dialog", name="协议备案")
    expect(dialog.locator(".vc-field-error")).to_be_visible()
    set_date(page, "vc-file-on", filed_on)
    page.get_by_role("button", name="确认备案").click()
    expect(dialog).to_be_hidden()
    filed = rows.filter(has_text=filed_on.isoformat())
    expect(filed.first).to_contain_text("逾期备案")
    expect(late).to_have_text(str(late_before + 1))
    shoot(page, "county-agreements")


ROSTER = (
    "单位名称,单位类型,单位所在区划代码,统一社会信用代码,顾问姓名,顾问类别,执业证号,联系电话\n"
    "甘肃正大律师事务所,律师事务所,621025,91621025MA71A0001X,测试甲,律师,16210200000099901,13900099901\n"
    "甘肃正大律师事务所,律师事务所,621025,91621025MA71A0001X,测试乙,律师,123,13900099902\n"
)


def test_a_roster_with_a_bad_row_is_refused_with_its_row_and_column(
    signed_in_page: Callable[[str], Page],
) -> None:
    page = signed_in_page("county_admin")
    open_county(page, "imports")
    roster = page.get_by_test_id("roster-import")
    roster.get_by_test_id("sheet-upload-input").set_input_files(
        files=[{"name": "花名册.csv", "mimeType": "text/csv", "buffer": ROSTER.encode()}]
    )
    expect(roster.get_by_role("alert").first).to_contain_text("导入未执行")
    bad = roster.locator('[aria-label="被拒绝的行"]').get_by_role("row").filter(has_text="执业证号")
    expect(bad).to_have_count(1)
    expect(bad.get_by_role("cell").first).to_have_text("3")
    shoot(page, "county-imports")
    open_county(page, "roster")
    expect(page.get_by_text("测试甲")).to_have_count(0)  # nothing applied


def test_a_division_import_says_the_same_counts_in_both_messages(
    signed_in_page: Callable[[str], Page],
) -> None:
    page = signed_in_page("county_admin")
    open_county(page, "imports")
    card = page.get_by_test_id("division-import")
    sheet = f"代码,名称\n{VILLAGES[0].code[:9]}299,导入测试村\n"
    card.get_by_test_id("sheet-upload-input").set_input_files(
        files=[{"name": "区划.csv", "mimeType": "text/csv", "buffer": sheet.encode()}]
    )
    expect(card).to_contain_text("导入完成：共 1 行，新写入 1 条，已存在未重复写入 0 条", timeout=30_000)
    expect(card).to_contain_text("本次导入 1 行：新登记 1、已有 0")


def test_other_roles_get_no_action_buttons_and_the_api_refuses_them(
    signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    firm = signed_in_page("law_firm")
    open_county(firm, "assignments")
    expect(firm).to_have_url(re.compile(r"/unit$"))  # sent to its own home
    expect(firm.get_by_role("button", name="确认调整")).to_have_count(0)

    city = signed_in_page("city_admin")
    open_county(city, "assignments")
    expect(city.get_by_text("只读")).to_be_visible()
    choose(city, "vc-assign-village", VILLAGES[5].name)
    expect(city.get_by_test_id("serving")).to_be_visible()
    expect(city.get_by_role("button", name="确认调整")).to_have_count(0)
    open_county(city, "deadlines")
    expect(city.get_by_role("button", name="查询")).to_be_visible()
    expect(city.get_by_role("button", name="记录逾期")).to_have_count(0)

    api = web_stack.url + "/api"
    refusals = [
        ("law_firm", f"{api}/registry/assignments",
         {"village_code": VILLAGES[5].code, "advisor_id": "A-zhengda-2", "valid_from": TODAY.isoformat(),
          "schedule": "每周一 9:00-12:00"}),
        ("city_admin", f"{api}/reporting/deadlines/misses",
         {"kind": "half_year_ledger", "period": f"{YEAR - 1}H2"}),
    ]  # fmt: skip
    for role, url, body in refusals:
        token = web_stack.token(role)
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"county-test-{role}"}
        answer = httpx.post(url, json=body, headers=headers, timeout=10, trust_env=False)
        assert answer.status_code == 403, (role, answer.text)
        assert answer.json()["code"]


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        ("roster", "法律顾问（"),
        ("boards", "需更新"),
        ("rules", "现行规则"),
        ("assessments", "已作出的结论"),
        ("deadlines", "应报送单位"),
        ("exports", "按法律顾问"),
    ],
)
def test_every_county_page_opens_with_names_not_codes(
    path: str, ready: str, signed_in_page: Callable[[str], Page]
) -> None:
    page = signed_in_page("county_admin")
    open_county(page, path)
    expect(page.get_by_text(ready).first).to_be_attached()
    if path == "assessments":
        choose(page, "vc-as-advisor", zn.person(0))
        expect(page.get_by_label("考核数据表")).to_contain_text("年度考核数据表")
    if path == "boards":
        expect(page.locator('[aria-label="公示栏"]')).to_contain_text(VILLAGES[12].name)
    shoot(page, f"county-{path}")


def test_the_filing_deadline_names_its_rule_and_the_deadlines_show_the_due_day(
    signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    """协议与备案 said 本县规则 while the province's default was in force; 报送期限 showed the instant
    after the due day (2026-07-16 00:00 for a rule of 07-15)."""
    county = zn.COUNTY[0]
    headers = {"Authorization": f"Bearer {web_stack.token('county_admin')}"}
    rules = httpx.get(f"{web_stack.url}/api/assessment/rules", params={"division_code": county},
                      headers=headers, timeout=10, trust_env=False).json()  # fmt: skip
    maker = rules["in_force"]["division_code"]
    source = "本县规则" if maker == county else "省默认规则" if maker.endswith("0000") else "市级规则"
    page = signed_in_page("county_admin")
    open_county(page, "agreements")
    expect(page.get_by_test_id("deadline-source")).to_have_text(source, timeout=30_000)
    open_county(page, "deadlines")
    query = {"kind": "annual_results", "period": str(YEAR - 1)}
    overdue = httpx.get(f"{web_stack.url}/api/reporting/deadlines/overdue", params=query, headers=headers,
                        timeout=10, trust_env=False).json()  # fmt: skip
    page.locator("#vc-dl-kind").click(force=True)
    page.get_by_role("option", name="年度工作报告").click()
    page.locator("#vc-dl-period").fill(str(YEAR - 1))
    page.get_by_role("button", name="查询").click()
    for item in overdue["items"]:  # the due day itself, as the rule writes it
        expect(page.get_by_role("row").filter(has_text=item["name"]).first).to_contain_text(
            f"{item['due_day']} 24:00"
        )
    expect(page.get_by_role("table").first).not_to_contain_text("00:00")
    shoot(page, "county-deadlines-annual")
