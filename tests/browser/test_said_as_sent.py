"""What a page says after a save is what was sent, not what its form holds when the answer comes.
Each test holds the POST (page.route), changes the field the message or result names while the save
is on its way, then releases it: the page must state the value sent. Before, 考核规则 said
「已设定新版本，自 <the day typed since> 起施行」 for a version saved from another day, and likewise
the reassignment's day and advisor, the evaluation's period, the rejection's reason and the
committee's rating shown as recorded."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import date, datetime

import httpx
from devstack.demo import zhengning as zn
from playwright.sync_api import Page, Request, expect
from support.browser import WebStack, shoot
from support.held import SLOW, Held
from test_county import choose, open_county, set_date
from test_village_support import committee_page  # noqa: F401 (the fixture `committee`)
from vc_contracts import CST

YEAR = datetime.now(CST).year
LATER_SERVED = 65  # 车家沟村: given a term from next year on here; no other test uses it


def _post_to(path: str) -> Callable[[Request], bool]:
    return lambda r: r.method == "POST" and r.url.endswith(f"/api/{path}")


def test_the_rules_message_states_the_day_saved_not_the_one_typed_since(
    web_stack: WebStack, signed_in_page: Callable[[str], Page]
) -> None:
    # the day test_prefill_waits sets too: neither test's version is then before the other's (refused).
    # The year read here, as there, not at import: past midnight of 31 December +08:00 a YEAR of the
    # import would send a day before the one test_prefill_waits set meanwhile
    next_year = datetime.now(CST).year + 1
    sent_day, typed_since = f"{next_year}-01-01", f"{next_year}-03-01"
    page = signed_in_page("county_admin")
    page.goto(f"{web_stack.url}/county/rules")
    expect(page.locator("#vc-rule-hours")).not_to_have_value("", timeout=SLOW)
    day = page.locator("#vc-rule-from")
    day.fill(sent_day)
    day.press("Enter")
    held = Held(page, r"/api/assessment/rules$", method="POST")
    with page.expect_request(_post_to("assessment/rules")) as sent:
        page.get_by_role("button", name="设定新版本").click()
    assert sent.value.post_data_json["effective_from"] == sent_day
    day.fill(typed_since)  # while the save is on its way
    day.press("Enter")
    expect(day).to_have_value(typed_since)
    held.release(settle=True)
    status = page.get_by_role("status").filter(has_text="起施行")
    expect(status).to_contain_text(f"自 {sent_day} 起施行", timeout=SLOW)
    expect(status).not_to_contain_text(typed_since)
    shoot(page, "county-rules-said-as-sent")


def test_the_evaluation_names_the_period_evaluated_not_the_one_typed_since(
    signed_in_page: Callable[[str], Page],
) -> None:
    sent_period, typed_since = "2020", "2021Q1"  # closed periods without demo data: nothing to find
    page = signed_in_page("county_admin")
    open_county(page, "assessments")
    period = page.locator("#vc-as-period")
    expect(period).to_be_visible(timeout=SLOW)
    period.fill(sent_period)
    held = Held(page, r"/api/assessment/evaluations$", method="POST")
    with page.expect_request(_post_to("assessment/evaluations")) as sent:
        page.get_by_role("button", name="评估", exact=True).click()
    assert sent.value.post_data_json["period"] == sent_period
    period.fill(typed_since)
    held.release(settle=True)
    outcome = page.get_by_role("status").filter(has_text="评估完成")
    expect(outcome).to_contain_text(f"评估完成：{sent_period} 共", timeout=SLOW)
    shoot(page, "county-evaluation-said-as-sent")


def test_the_rating_shown_as_recorded_is_the_one_sent(committee: Page) -> None:
    page = committee
    page.get_by_role("tab", name="评价顾问").click()
    expect(page).to_have_url(re.compile(r"/village/rate$"))
    comment = page.get_by_label("意见建议")
    expect(comment).to_be_visible(timeout=SLOW)
    page.get_by_role("radio").nth(4).click()
    comment.fill("讲座贴近村民需要")
    held = Held(page, r"/api/assessment/feedback$", method="POST")
    with page.expect_request(_post_to("assessment/feedback")) as sent:
        page.get_by_role("button", name=re.compile("^(提交|修改)评价$")).click()
    body = sent.value.post_data_json
    assert (body["rating"], body["comment"]) == (5, "讲座贴近村民需要")
    comment.fill("改了一半的意见")  # typed while the rating is on its way: never sent
    page.get_by_role("radio").nth(1).click()
    held.release(settle=True)
    expect(page.get_by_role("status")).to_contain_text("感谢评价", timeout=SLOW)
    # the form, closed now, shows what was recorded
    expect(comment).to_have_value("讲座贴近村民需要")
    expect(page.get_by_role("radio").nth(4)).to_have_attribute("aria-checked", "true")
    shoot(page, "village-rate-said-as-sent")


def test_the_reassignment_message_states_the_day_and_advisor_sent(
    signed_in_page: Callable[[str], Page],
) -> None:
    village = zn.villages()[LATER_SERVED]
    sent_to, changed_to = zn.advisor_of(75).name, zn.advisor_of(80).name  # neither serves it now
    sent_day, typed_since = date(YEAR + 1, 2, 1), date(YEAR + 1, 5, 1)  # a term to come: today's is kept
    page = signed_in_page("county_admin")
    open_county(page, "assignments")
    choose(page, "vc-assign-village", village.name)
    expect(page.get_by_test_id("serving")).to_contain_text(zn.advisor_of(LATER_SERVED).name, timeout=SLOW)
    choose(page, "vc-assign-advisor", sent_to)
    set_date(page, "vc-assign-from", sent_day)
    held = Held(page, r"/api/registry/assignments$", method="POST")
    with page.expect_request(_post_to("registry/assignments")) as sent:
        page.get_by_role("button", name="确认调整").click()
    assert sent.value.post_data_json["valid_from"] == sent_day.isoformat()
    set_date(page, "vc-assign-from", typed_since)  # while the reassignment is on its way
    choose(page, "vc-assign-advisor", changed_to)
    held.release(settle=True)
    done = page.get_by_role("status").filter(has_text="已调整")
    expect(done).to_contain_text(
        f"已调整：自 {sent_day.isoformat()} 起由 {sent_to} 负责{village.name}", timeout=SLOW
    )
    shoot(page, "county-assignments-said-as-sent")


def test_the_rejection_shown_is_the_reason_sent(
    web_stack: WebStack, signed_in_page: Callable[[str], Page]
) -> None:
    name, reason_sent, typed_since = "吴迟复", "执业证年检未通过", "（又补了一句）"
    firm = web_stack.person("law_firm")
    nominee = {"name": name, "kind": "lawyer", "unit_id": firm.unit, "phone": "13909330077",
               "licence_no": f"16210{957:012d}"}  # fmt: skip
    headers = {
        "Authorization": f"Bearer {web_stack.token('law_firm')}",
        "Idempotency-Key": secrets.token_hex(8),
    }
    made = httpx.post(f"{web_stack.url}/api/registry/nominations", json=nominee, headers=headers, timeout=15,
                      trust_env=False)  # fmt: skip
    assert made.status_code in (200, 201), made.text
    page = signed_in_page("county_admin")
    open_county(page, "nominations")
    card = page.get_by_label("待审核的提名").get_by_role("article", name=f"提名 {name}")
    expect(card).to_be_visible(timeout=SLOW)
    card.get_by_role("button", name="驳回…").click()
    reason = card.get_by_label("驳回理由")
    reason.fill(reason_sent)
    held = Held(page, r"/api/registry/nominations/[^/]+/rejection$", method="POST")
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/rejection")) as sent:
        card.get_by_role("button", name="确认驳回").click()
    assert sent.value.post_data_json == {"reason": reason_sent}
    reason.fill(reason_sent + typed_since)  # while the rejection is on its way
    # the list's re-read after the decision waits: the row shows what the page itself put there
    listed = Held(page, r"/api/registry/nominations\?")
    held.release(settle=True)
    expect(page.get_by_role("status")).to_contain_text(f"已驳回：{name}", timeout=SLOW)
    row = page.get_by_label("已审核的提名").get_by_role("row").filter(has_text=name)
    expect(row).to_contain_text(reason_sent)
    expect(row).not_to_contain_text(typed_since)
    shoot(page, "county-rejection-said-as-sent")
    listed.release()
