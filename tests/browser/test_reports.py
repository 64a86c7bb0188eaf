"""Report pages in a real browser: a unit's half-year report goes to the county (returned with a
reason, resubmitted, approved), the county's annual report goes county → city → province with each
level seeing it in its inbox, the wrong role gets no button and a 403 from the API, and the written
annual report (DOCX) carries the API's own figures."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
from docx import Document
from playwright.sync_api import Page, expect
from support.browser import DESKTOP, PHONE, WebStack, on_the_demo_s_last_evening, shoot

# a loaded CI machine answers a submission in seconds, not milliseconds (not a timing assertion)
WAIT = 30_000
KEYS = ["visits", "visit_hours", "lectures", "publicity_events", "audience", "consultations", "mediations",
        "document_reviews"]  # fmt: skip


def _written(figures: dict[str, Any], key: str) -> str:
    """A figure as the written report has it: counts whole, hours with two decimals (the one hours rule)."""
    return f"{float(figures[key]):.2f}" if key == "visit_hours" else f"{float(figures[key]):g}"


def _api(web_stack: WebStack, role: str, method: str, path: str, **kwargs) -> httpx.Response:  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {web_stack.token(role)}"}
    url = f"{web_stack.url}/api/reporting{path}"
    return httpx.request(method, url, headers=headers, timeout=20, trust_env=False, **kwargs)


def _confirm_and_submit(page: Page, button: str) -> None:
    page.get_by_role("button", name=button).click()
    expect(page.get_by_text("请先核对以上数据并勾选确认")).to_be_visible(
        timeout=WAIT
    )  # nothing is sent unconfirmed
    page.get_by_text("我已核对以上数据").click()
    page.get_by_role("button", name=button).click()
    expect(page.locator(".vc-existing")).to_contain_text("待审核", timeout=WAIT)


def _resubmit_the_same_figures(page: Page) -> None:
    """Nothing changed in the ledger since the return: the page says so and asks once more."""
    expect(page.get_by_test_id("same-as-returned")).to_contain_text("数据与退回时相同", timeout=WAIT)
    page.get_by_text("我已核对以上数据").click()
    page.get_by_role("button", name="确认并重新报送").click()
    expect(page.get_by_text("数据与退回时相同：请按退回原因更正台账")).to_be_visible(timeout=WAIT)
    expect(page.locator(".vc-existing")).to_contain_text("已退回")  # nothing was sent
    page.get_by_text("仍按相同数据重新报送", exact=True).click()
    page.get_by_role("button", name="确认并重新报送").click()
    expect(page.locator(".vc-existing")).to_contain_text("待审核", timeout=WAIT)


def _open_waiting(page: Page, title: str) -> str:
    page.goto(f"{page.url.split('/', 3)[0]}//{page.url.split('/', 3)[2]}/reports")
    waiting = page.locator(".vc-waiting")
    waiting.get_by_role("link", name=title).click()
    expect(page.locator("#vc-report-title")).to_contain_text(title, timeout=WAIT)
    return page.url.rsplit("/", 1)[1]


def _path(report_id_in_url: str) -> str:
    return f"/reports/{report_id_in_url}"  # already percent-encoded by the page's link


def _advisors_confirm_before_the_head_submits(
    firm: Page, signed_in_page: Callable[[str], Page], web_stack: WebStack, evening: datetime
) -> None:
    """The head is refused while an advisor has not confirmed; the demo advisor confirms on the phone
    page, the unit's other advisors with figures through the API; then the head may submit."""
    states = firm.get_by_label("法律顾问确认情况")
    expect(states).to_contain_text("未确认", timeout=WAIT)
    firm.get_by_text("我已核对以上数据").click()
    firm.get_by_role("button", name="确认并报送").click()
    # the refusal is shown where the head clicked (not only at the top of a long page), in sight
    refusal = firm.get_by_test_id("submit-refusal")
    expect(refusal).to_contain_text("尚未确认", timeout=WAIT)
    expect(refusal).to_be_in_viewport()

    advisor = signed_in_page("advisor")
    on_the_demo_s_last_evening(advisor, evening)  # the firm's half-year, also past midnight +08:00
    advisor.set_viewport_size({"width": 390, "height": 844})
    advisor.get_by_role("link", name="我的半年数据").click()
    expect(advisor.get_by_test_id("my-state")).to_contain_text("待本人确认", timeout=WAIT)
    shoot(advisor, "reports-my-half-year")
    advisor.get_by_role("button", name="确认", exact=True).click()
    expect(advisor.get_by_test_id("my-state")).to_contain_text("本人已确认", timeout=WAIT)

    preview = _api(web_stack, "law_firm", "GET", f"/reports/half-year/{_half_of(evening)}/preview")
    person = web_stack.person("advisor")
    for other in [a for a in preview.json()["advisors"] if a["state"] != "confirmed"]:
        body = {"role": "advisor", "scope": person.scope, "subject": other["advisor_id"], "unit": None}
        token = httpx.post(f"{web_stack.url}/auth/dev/token", json=body, timeout=10, trust_env=False)
        headers = {"Authorization": f"Bearer {token.json()['token']}"}
        url = f"{web_stack.url}/api/reporting/reports/half-year/{_half_of(evening)}"
        mine = httpx.get(f"{url}/my-figures", headers=headers, timeout=20, trust_env=False).json()
        done = httpx.post(
            f"{url}/confirmations", json={"confirm_digest": mine["digest"]}, headers=headers, timeout=20,
            trust_env=False,
        )  # fmt: skip
        assert done.status_code == 201, done.text
    firm.reload()
    expect(states).not_to_contain_text("未确认", timeout=WAIT)
    expect(states).to_contain_text("已确认", timeout=WAIT)


def _says_the_year_is_running(page: Page, draft: Any) -> None:
    """This year is not over: the preview, the confirm step and the Word file say how far it counts."""
    expect(page.get_by_test_id("coverage")).to_contain_text("统计截至", timeout=WAIT)
    expect(page.get_by_test_id("year-running")).to_contain_text("本年度尚未结束")
    expect(page.get_by_test_id("concluded")).to_contain_text(re.compile(r"已得出考核结论 \d+ 名，共 \d+ 名"))
    period = next(p.text for p in draft.paragraphs if p.text.startswith("统计期间"))
    assert "统计截至" in period and "12月31日" not in period, period


def _fits_at_desktop_width(page: Page) -> None:
    """At 1280 px every figure column is in sight (no sideways scroll inside the table) and each
    breakdown label ends before its number starts; at 390 px the table scrolls inside its card."""
    expect(page.get_by_role("columnheader", name="审核文件份数")).to_be_visible()
    wrap = page.locator(".vc-figures .el-table__body-wrapper .el-scrollbar__wrap").first
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth + 1"), "the figures table scrolls sideways"
    for pair in page.locator(".vc-breakdown > div").all():
        label, number = pair.locator("dt").bounding_box(), pair.locator("dd").bounding_box()
        assert label and number and label["x"] + label["width"] <= number["x"], pair.inner_text()
    _scrolls_inside_its_card_on_a_phone(page)


def _scrolls_inside_its_card_on_a_phone(page: Page) -> None:
    """At 390 px the page itself does not scroll sideways (the right columns were cut off): the
    figures table scrolls inside its card, and its last column can be scrolled into sight."""
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)  # the layout settles at the new width (not an assertion)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "the page scrolls"
    wrap = page.locator(".vc-figures .el-table__body-wrapper .el-scrollbar__wrap").first
    card = page.locator(".vc-figures").first.bounding_box()
    assert card and card["x"] + card["width"] <= PHONE["width"] + 1, card
    assert wrap.evaluate("w => w.scrollWidth > w.clientWidth"), "the table does not scroll inside its card"
    header = page.get_by_role("columnheader", name="审核文件份数")
    header.scroll_into_view_if_needed()
    expect(header).to_be_in_viewport()
    page.set_viewport_size(DESKTOP)


def _half_of(evening: datetime) -> str:
    """The half-year the pages open on: that of `evening`, 21:00 +08:00 yesterday, where the half-year
    test pins their clocks (`on_the_demo_s_last_evening`: on 1 January and 1 July the real half-year
    holds no figures of the firm's advisors yet, and 未确认 never showed). The instant the firm's page
    was set to, not read again: on a run across the midnight that begins 2 January or 2 July +08:00,
    "yesterday" read again names the next half."""
    return f"{evening.year}H{1 if evening.month <= 6 else 2}"


def test_a_half_year_report_is_returned_resubmitted_and_approved_through_the_pages(
    signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    firm = signed_in_page("law_firm")
    evening = on_the_demo_s_last_evening(firm)
    firm.get_by_role("link", name="报告").first.click()
    firm.get_by_role("link", name="半年台账报告", exact=True).click()
    expect(firm.get_by_role("heading", name="半年台账报告")).to_be_visible(timeout=WAIT)
    expect(firm.get_by_text("统计口径（每项数据如何计数）")).to_be_visible(timeout=WAIT)
    _advisors_confirm_before_the_head_submits(firm, signed_in_page, web_stack, evening)
    shoot(firm, "reports-half-year-preview")
    _confirm_and_submit(firm, "确认并报送")
    period_title = firm.locator(".vc-existing span").first.inner_text().removesuffix("报告")
    title = f"{period_title}台账报告"

    county = signed_in_page("county_admin")
    county.goto(f"{web_stack.url}/reports")
    expect(county.locator(".vc-waiting")).to_contain_text("甘肃正大律师事务所", timeout=WAIT)
    shoot(county, "reports-inbox-county")
    encoded = _open_waiting(county, title)
    county.get_by_role("button", name="退回").click()
    expect(county.get_by_text("请填写退回原因")).to_be_visible(timeout=WAIT)
    county.get_by_label("退回原因（退回时必填）").fill("请补充东关村的调解记录后重新报送")
    county.get_by_role("button", name="退回").click()
    expect(county.locator(".vc-status")).to_have_text("已退回", timeout=WAIT)
    expect(county.get_by_role("button", name="审核通过")).to_have_count(
        0, timeout=WAIT
    )  # nothing to review now

    firm.reload()
    expect(firm.locator(".vc-existing")).to_contain_text(
        "退回原因：请补充东关村的调解记录后重新报送", timeout=WAIT
    )
    shoot(firm, "reports-half-year-returned")
    _resubmit_the_same_figures(firm)

    # the wrong role: a city administrator sees the report but no button; the API refuses a unit
    city = signed_in_page("city_admin")
    city.goto(f"{web_stack.url}/reports/view/{encoded}")
    expect(city.locator(".vc-status")).to_have_text("待审核", timeout=WAIT)
    expect(city.get_by_role("button", name="审核通过")).to_have_count(0, timeout=WAIT)
    refused = _api(web_stack, "law_firm", "POST", f"{_path(encoded)}/approve")
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")

    county.reload()
    county.get_by_role("button", name="审核通过").click()
    expect(county.locator(".vc-status")).to_have_text("已通过", timeout=WAIT)
    steps = county.locator(".vc-step")
    expect(steps).to_have_text(["报送", "县级退回", "重新报送（第2次）", "县级审核通过"], timeout=WAIT)
    expect(county.get_by_text("第 2 次报送")).to_be_visible(timeout=WAIT)
    # who acted, by name or office; the sign-in id only in the tooltip
    firm_name, county_office = "甘肃正大律师事务所（报送单位）", "正宁县司法局（县级管理员）"
    actors = county.get_by_test_id("actor")
    expect(actors).to_have_text([firm_name, county_office, firm_name, county_office], timeout=WAIT)
    expect(actors.nth(1)).to_have_attribute("title", f"登录账号：{web_stack.person('county_admin').subject}")
    expect(county.get_by_test_id("confirmer")).to_have_text([firm_name])
    for role in ("county_admin", "law_firm"):
        expect(county.locator(".vc-page")).not_to_contain_text(web_stack.person(role).subject)
    shoot(county, "reports-detail-half-year")


def _open_the_annual_report(county: Page, web_stack: WebStack) -> int:
    """Open 年度工作报告; the year it opens on, its clock's (not read again here: past midnight of 31
    December +08:00 it is the next)."""
    county.goto(f"{web_stack.url}/reports")
    previewed = re.compile(r"/api/reporting/reports/annual/(\d{4})/preview$")
    with county.expect_request(previewed, timeout=WAIT) as asked:
        # not "2025年度工作报告" in the inbox
        county.get_by_role("link", name="年度工作报告", exact=True).click()
    # the heading, not the text: the page's lead sentence names the results too
    expect(county.get_by_role("heading", name="法律顾问年度考核结果")).to_be_visible(timeout=WAIT)
    found = previewed.search(asked.value.url)
    assert found, asked.value.url
    return int(found[1])


def test_an_annual_report_goes_county_city_province_and_its_written_report_carries_the_figures(
    signed_in_page: Callable[[str], Page], web_stack: WebStack, tmp_path: Path
) -> None:
    county = signed_in_page("county_admin")
    year = _open_the_annual_report(county, web_stack)
    expect(county.get_by_role("combobox", name="年度")).to_be_visible(timeout=WAIT)
    with county.expect_download() as drafted:
        county.get_by_role("button", name="下载书面报告预览（Word）").click()
    draft = Document(str(drafted.value.path()))
    assert any("（预览，尚未报送）" in p.text for p in draft.paragraphs)
    _says_the_year_is_running(county, draft)
    shoot(county, "reports-annual-preview")
    _confirm_and_submit(county, "确认并报送")
    title = f"{year}年度工作报告"
    encoded = _open_waiting(county, title)
    county.get_by_role("button", name="审核通过").click()
    expect(county.locator(".vc-facts")).to_contain_text("市级", timeout=WAIT)
    expect(county.get_by_role("button", name="审核通过")).to_have_count(
        0, timeout=WAIT
    )  # the city's turn now
    early = _api(web_stack, "county_admin", "POST", f"{_path(encoded)}/approve")
    assert (early.status_code, early.json()["field"]) == (409, "level")
    assert _api(web_stack, "city_admin", "GET", f"/reports/annual/{year}/preview").status_code == 403

    for role, level in (("city_admin", "市级"), ("province_admin", "省级")):
        reviewer = signed_in_page(role)
        reviewer.goto(f"{web_stack.url}/reports")
        expect(reviewer.locator("#vc-inbox-title")).to_contain_text(level, timeout=WAIT)
        expect(reviewer.locator(".vc-waiting")).to_contain_text("正宁县司法局", timeout=WAIT)
        shoot(reviewer, f"reports-inbox-{role.removesuffix('_admin')}")
        _open_waiting(reviewer, title)
        reviewer.get_by_role("button", name="审核通过").click()
        expect(reviewer.get_by_role("button", name="审核通过")).to_have_count(0, timeout=WAIT)
    province = reviewer
    expect(province.locator(".vc-status")).to_have_text("已通过", timeout=WAIT)
    expect(province.locator(".vc-step")).to_have_text(
        ["报送", "县级审核通过", "上报市级", "市级审核通过", "上报省级", "省级审核通过"], timeout=WAIT
    )
    expect(province.locator(".vc-facts")).to_contain_text("统计截至")
    _fits_at_desktop_width(province)
    offices = (
        ["正宁县司法局（县级管理员）"] * 3
        + ["庆阳市司法局（市级管理员）"] * 2
        + ["甘肃省司法厅（省级管理员）"]
    )
    expect(province.get_by_test_id("actor")).to_have_text(offices, timeout=WAIT)
    shoot(province, "reports-detail-annual")
    with province.expect_download() as written:
        province.get_by_role("button", name="下载书面报告（Word）").click()
    document = Document(BytesIO(Path(written.value.path()).read_bytes()))
    detail = _api(web_stack, "province_admin", "GET", _path(encoded)).json()
    totals = detail["figures"]["totals"]
    villages = document.tables[0]
    assert [c.text for c in villages.rows[-1].cells][2:] == [_written(totals, k) for k in KEYS]
    assert len(villages.rows) == len(detail["figures"]["rows"]) + 2
    text = "\n".join(p.text for p in document.paragraphs)
    assert re.search(rf"正宁县{year}年度“一村（居）一法律顾问”工作报告", text)
    assert f"数据指纹：{detail['figures']['digest']}" in text
    assert [r.cells[1].text for r in document.tables[-1].rows[1:]] == [e["title"] for e in detail["events"]]
    assert quote(detail["report_id"], safe="") == encoded
