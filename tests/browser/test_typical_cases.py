"""Typical cases and the county's responsible people (R16), over HTTP and in the browser, against
the seeded demo stack: a proposed case is invisible to the public until the county approves it, a
returned one may be proposed again, the write-up never carries a resident's name or number (the
entry's own summary, which names the parties, is never published), and an approved case shows on
the county's public page and in the annual report's preview."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect
from support.browser import PHONE as PHONE_SIZE
from support.browser import WebStack, shoot
from support.waiting import eventually_sync
from vc_contracts import CST

COUNTY = "621025"
NAMES = ("张三丰", "李四海")  # the parties, named in the entry's own summary
MOBILE = "13900001111"
SLOW = 15_000  # ms: a loaded CI machine renders pages slowly


class Api:
    def __init__(self, stack: WebStack, role: str, scope: str | None = None) -> None:
        self.stack, self.role = stack, role
        token = stack.token(role) if scope is None else _token(stack, role, scope)
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, service: str, path: str, body: Any = None) -> httpx.Response:
        url = self.stack.urls[service] + path
        return httpx.request(method, url, json=body, headers=self.headers, timeout=15, trust_env=False)

    def ok(self, method: str, service: str, path: str, body: Any = None) -> dict[str, Any]:
        response = self.call(method, service, path, body)
        assert response.status_code in (200, 201), response.text
        result: dict[str, Any] = response.json()
        return result


def _token(stack: WebStack, role: str, scope: str) -> str:
    body = {"role": role, "scope": scope, "subject": f"other-{role}", "unit": None}
    response = httpx.post(f"{stack.url}/auth/dev/token", json=body, timeout=10, trust_env=False)
    response.raise_for_status()
    return str(response.json()["token"])


def _public(stack: WebStack) -> str:
    response = httpx.get(f"{stack.url}/v/county/{COUNTY}/cases", timeout=15, trust_env=False)
    assert response.status_code == 200
    return response.text


def log_mediation(advisor: Api) -> dict[str, Any]:
    """A mediation whose own summary names the parties (as a paper ledger would)."""
    village = advisor.ok("GET", "ledger", "/entries?page_size=1")["items"][0]["village_code"]
    body = {
        "village_code": village,
        "occurred_at": (datetime.now(CST) - timedelta(hours=3)).isoformat(timespec="seconds"),
        "parties": 2,
        "category": "land",
        "outcome": "agreed",
        "summary": f"{NAMES[0]}与{NAMES[1]}因宅基地边界争执，{NAMES[1]}电话{MOBILE}，现场调解达成协议",
    }
    return advisor.ok("POST", "ledger", "/mediations", body)


@pytest.fixture
def mediation(web_stack: WebStack) -> dict[str, Any]:
    return log_mediation(Api(web_stack, "advisor"))


def test_a_case_is_public_only_once_approved_and_names_no_resident(
    web_stack: WebStack, mediation: dict[str, Any]
) -> None:
    advisor, county = Api(web_stack, "advisor"), Api(web_stack, "county_admin")
    entry = mediation["entry_id"]
    path = f"/entries/{entry}/typical-case"
    leaked = advisor.call("POST", "ledger", path, {"title": "宅基地纠纷", "text": f"当事人电话{MOBILE}"})
    assert leaked.status_code == 422 and leaked.json()["field"] == "text", leaked.text
    title = "宅基地边界纠纷的现场调解"
    text = "两户村民因宅基地边界发生争执。法律顾问到现场查看界址，讲解相关规定，双方当场签订调解协议。"
    proposed = advisor.ok("POST", "ledger", path, {"title": title, "text": "初稿：" + text})
    case_id = proposed["case_id"]
    assert advisor.call("POST", "ledger", path, {"title": title, "text": text}).status_code == 409

    other = Api(web_stack, "county_admin", scope="621026")
    assert other.call("POST", "ledger", f"/typical-cases/{case_id}/approval").status_code == 403
    pending = county.ok("GET", "ledger", "/typical-cases?status=proposed")["items"]
    assert case_id in [c["case_id"] for c in pending]

    returned = county.ok("POST", "ledger", f"/typical-cases/{case_id}/return", {"reason": "请写明调解结果"})
    assert returned["case_id"] == case_id
    mine = {c["case_id"]: c for c in advisor.ok("GET", "ledger", "/typical-cases")["items"]}
    assert mine[case_id]["status"] == "returned" and mine[case_id]["reason"] == "请写明调解结果"
    assert county.call("POST", "ledger", f"/typical-cases/{case_id}/approval").status_code == 409

    advisor.ok("POST", "ledger", path, {"title": title, "text": text})  # the resubmission
    assert title not in _public(web_stack)  # proposed: nobody outside sees it
    county.ok("POST", "ledger", f"/typical-cases/{case_id}/approval")

    page = eventually_sync(lambda: html if title in (html := _public(web_stack)) else None,
                           within=60, what="the approved case on the public page")  # fmt: skip
    assert text in page and "初稿" not in page
    for secret in (*NAMES, MOBILE):
        assert secret not in page
    # the case counts in its mediation's year (3 h ago: last year's until 03:00 on 1 January)
    year = datetime.fromisoformat(advisor.ok("GET", "ledger", f"/entries/{entry}")["occurred_at"]).year
    preview = county.ok("GET", "reporting", f"/reports/annual/{year}/preview")
    assert title in [c["title"] for c in preview["typical_cases"]]
    assert not any(secret in str(preview["typical_cases"]) for secret in (*NAMES, MOBILE))


def test_only_mediations_consultations_and_lectures_and_only_by_their_advisor(web_stack: WebStack) -> None:
    advisor, committee = Api(web_stack, "advisor"), Api(web_stack, "village_committee")
    visits = advisor.ok("GET", "ledger", "/entries?kind=visit&page_size=1")["items"]
    body = {"title": "驻村服务", "text": "顾问按时驻村。"}
    refused = advisor.call("POST", "ledger", f"/entries/{visits[0]['entry_id']}/typical-case", body)
    assert refused.status_code == 422 and refused.json()["code"] == "rule_violated", refused.text
    lectures = advisor.ok("GET", "ledger", "/entries?kind=lecture&page_size=1")["items"]
    if lectures:
        path = f"/entries/{lectures[0]['entry_id']}/typical-case"
        assert committee.call("POST", "ledger", path, body).status_code == 403


def test_the_countys_responsible_people_show_on_its_public_page(web_stack: WebStack) -> None:
    county, advisor = Api(web_stack, "county_admin"), Api(web_stack, "advisor")
    duties = {"head": "局长 钱立新", "deputy": "副局长 孙丽", "sections": ["公共法律服务股", "各乡镇司法所"],
              "filing_place": "县司法局 301 室"}  # fmt: skip
    assert advisor.call("PUT", "registry", f"/counties/{COUNTY}/responsibilities", duties).status_code == 403
    blank = county.call("PUT", "registry", f"/counties/{COUNTY}/responsibilities", {**duties, "sections": []})
    assert blank.status_code == 422 and "sections" in blank.text
    county.ok("PUT", "registry", f"/counties/{COUNTY}/responsibilities", duties)
    read = county.ok("GET", "registry", f"/counties/{COUNTY}/responsibilities")
    assert read["responsibilities"]["filing_place"] == "县司法局 301 室"
    # The demo's own duties already name "县司法局 301 室（…）", so wait on what only this test wrote.
    page = eventually_sync(lambda: html if "局长 钱立新" in (html := _public(web_stack)) else None,
                           within=60, what="the new head on the page")  # fmt: skip
    assert "县司法局 301 室" in page and "赵志强" not in page
    year = datetime.now(CST).year

    def new_duties_in_preview() -> dict[str, Any] | None:
        duties = county.ok("GET", "reporting", f"/reports/annual/{year}/preview")["responsibilities"]
        return duties if duties["head"] == "局长 钱立新" else None

    duties_read = eventually_sync(new_duties_in_preview, within=60, what="the new head in the preview")
    assert duties_read["filing_place"] == "县司法局 301 室"


def test_the_advisor_proposes_and_the_county_returns_then_approves_in_the_browser(
    web_stack: WebStack, signed_in_page: Callable[[str], Page], mediation: dict[str, Any]
) -> None:
    entry = mediation["entry_id"]
    phone = signed_in_page("advisor")
    phone.set_viewport_size(PHONE_SIZE)
    phone.goto(f"{web_stack.url}/advisor/entries/{entry}/case")
    title = "婚姻家庭纠纷的调解"
    phone.get_by_label("标题").fill(title)
    phone.get_by_label("案例介绍").fill(f"一方当事人留下电话{MOBILE}，顾问耐心调解。")
    phone.get_by_role("button", name="提交县司法局审核").click()
    expect(phone.get_by_text("不得出现手机号码或身份证号码", exact=False)).to_be_visible(timeout=SLOW)
    shoot(phone, "typical-case-advisor")
    phone.get_by_label("案例介绍").fill("夫妻双方因赡养老人产生矛盾，顾问讲解法律规定，双方和好。")
    phone.get_by_role("button", name="提交县司法局审核").click()
    expect(phone).to_have_url(f"{web_stack.url}/advisor/entries", timeout=SLOW)

    county = signed_in_page("county_admin")
    county.goto(f"{web_stack.url}/county/cases")
    card = county.locator(f"[data-case='TC-{entry.removeprefix('E-')}']")
    expect(card.get_by_role("heading", name=title)).to_be_visible(timeout=SLOW)
    expect(card.get_by_text(MOBILE)).to_have_count(0)
    shoot(county, "typical-cases-county")
    card.get_by_role("button", name="退回").click()
    dialog = county.get_by_role("dialog", name="退回典型案例")
    dialog.get_by_role("button", name="确认退回").click()
    expect(dialog.get_by_text("请填写退回原因")).to_be_visible(timeout=SLOW)
    dialog.get_by_label("退回原因").fill("请补充调解后的回访情况")
    dialog.get_by_role("button", name="确认退回").click()
    expect(county.get_by_role("status")).to_contain_text("已退回", timeout=SLOW)

    phone.goto(f"{web_stack.url}/advisor/entries/{entry}/case")
    expect(phone.get_by_test_id("case-state")).to_contain_text("请补充调解后的回访情况", timeout=SLOW)
    phone.get_by_label("案例介绍").fill(
        "夫妻双方因赡养老人产生矛盾，顾问讲解法律规定，双方和好；一个月后回访，家庭和睦。"
    )
    phone.get_by_role("button", name="修改后再次提交").click()
    expect(phone).to_have_url(f"{web_stack.url}/advisor/entries", timeout=SLOW)

    county.reload()
    card.get_by_role("button", name="审核通过并发布").click()
    expect(county.get_by_role("status")).to_contain_text("已审核通过", timeout=SLOW)
    eventually_sync(lambda: title in _public(web_stack), within=60, what="the case on the public page")


def test_the_county_records_its_responsible_people_in_the_browser(
    web_stack: WebStack, signed_in_page: Callable[[str], Page]
) -> None:
    page = signed_in_page("county_admin")
    page.goto(f"{web_stack.url}/county/duties")
    page.get_by_label("总负责").fill("局长 赵国强")
    page.get_by_label("分管负责").fill("副局长 孙丽")
    page.get_by_label("参与股室", exact=True).fill("公共法律服务股\n律师工作股\n各乡镇司法所")
    page.get_by_label("协议存档地点").fill("县司法局 301 室")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_contain_text("已保存", timeout=SLOW)
    shoot(page, "county-duties")
    eventually_sync(lambda: "律师工作股" in _public(web_stack), within=60, what="the sections on the page")


def test_the_public_county_page_in_the_browser(web_stack: WebStack, context: BrowserContext) -> None:
    page = context.new_page()
    page.goto(f"{web_stack.url}/v/county/{COUNTY}/cases")
    expect(page.get_by_role("heading", name="典型案例")).to_be_visible(timeout=SLOW)
    shoot(page, "county-cases-public")
    page.goto(f"{web_stack.url}/v/{COUNTY}100201")
    page.get_by_role("link", name="正宁县典型案例").click()
    expect(page).to_have_url(f"{web_stack.url}/v/county/{COUNTY}/cases", timeout=SLOW)
    page.goto(f"{web_stack.url}/v/county/999999/cases")
    expect(page.get_by_role("heading", level=1)).to_be_visible(timeout=SLOW)


def test_the_advisors_unit_proposes_an_entry_from_its_page(
    web_stack: WebStack, signed_in_page: Callable[[str], Page], mediation: dict[str, Any]
) -> None:
    """R16 "an advisor or unit proposes": the firm's 典型案例 page lists its advisors' entries and
    opens the advisor's own case form for one; the ledger records the firm as the proposer."""
    entry = mediation["entry_id"]
    firm = signed_in_page("law_firm")
    firm.get_by_role("link", name="典型案例").click()
    row = firm.locator(f"[data-entry='{entry}']")
    row.get_by_role("button", name="推荐为典型案例").click()
    expect(firm).to_have_url(f"{web_stack.url}/unit/cases/{entry}", timeout=SLOW)
    title = "邻里通行纠纷的调解"
    firm.get_by_label("标题").fill(title)
    firm.get_by_label("案例介绍").fill(
        "两户村民因通行道路发生争执，顾问现场讲解相邻关系的规定，双方达成协议。"
    )
    shoot(firm, "typical-case-unit")
    firm.get_by_role("button", name="提交县司法局审核").click()
    expect(firm).to_have_url(f"{web_stack.url}/unit/cases", timeout=SLOW)
    expect(firm.locator(f"[data-entry='{entry}']").get_by_test_id("case-status")).to_have_text(
        "待审核", timeout=SLOW
    )
    shoot(firm, "unit-cases")

    case = Api(web_stack, "law_firm").ok("GET", "ledger", f"/entries/{entry}/typical-case")["case"]
    assert (case["title"], case["status"]) == (title, "proposed")
    assert case["proposed_by"] == web_stack.person("law_firm").subject
