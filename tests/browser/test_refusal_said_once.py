"""A rule's refusal is said once on a form. A rule refusal names one field and its message is its one
reason; the forms showed it beside the field and again in their message (the advisor's 登记 form:
the village's refusal under 村（社区） and above 提交). The message now says only 请检查标出的字段
when every reason stands beside its field (`ApiError.said`, `useRefusal`), and still says a reason
whose field the form does not show. Each refusal is the service's own: the request is changed on its
way (the pages never send such a value themselves)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from devstack.demo import zhengning as zn
from playwright.sync_api import Page, Route, expect
from support.browser import PHONE, shoot
from test_county import REASSIGNED, choose, open_county
from test_village_support import committee_page  # noqa: F401 (the fixture `committee`)

# a village of another advisor (A-luyuan-3's 上南村): the advisor is not assigned to it
ELSEWHERE = REASSIGNED.code


def _body_changed(**changes: str) -> Callable[[Route], None]:
    def change(route: Route) -> None:
        body = json.loads(route.request.post_data or "{}")
        route.continue_(post_data=json.dumps({**body, **changes}))

    return change


def _said_once(page: Page, reason: str) -> None:
    expect(page.get_by_text(reason).first).to_be_visible()
    assert page.locator("body").inner_text().count(reason) == 1, page.locator("body").inner_text()


def test_the_log_form_says_a_village_s_refusal_under_the_village_only(
    signed_in_page: Callable[[str], Page],
) -> None:
    page = signed_in_page("advisor")
    page.set_viewport_size(PHONE)
    expect(page).to_have_url(re.compile(r"/advisor$"))
    # given a lecture sent for a village the advisor does not serve
    page.route("**/api/ledger/lectures", _body_changed(village_code=ELSEWHERE))
    origin = re.match(r"https?://[^/]+", page.url)
    assert origin
    page.goto(f"{origin.group(0)}/advisor/log?kind=lecture")
    page.get_by_label("主题").fill("民法典进乡村")
    # when it is refused
    page.get_by_role("button", name="提交").click()
    # then the reason stands under 村（社区） alone, and above 提交 a pointer to it
    reason = "不能登记该村（社区）的工作"
    expect(page.locator(".van-field__error-message")).to_contain_text(reason)
    _said_once(page, reason)
    expect(page.get_by_role("alert")).to_have_text("请检查标出的字段")
    shoot(page, "refusal-once-log")


def _reassignment(signed_in_page: Callable[[str], Page]) -> Page:
    """The county's reassignment form with a village and an advisor chosen."""
    page = signed_in_page("county_admin")
    open_county(page, "assignments")
    choose(page, "vc-assign-village", REASSIGNED.name)
    choose(page, "vc-assign-advisor", zn.person(22))
    return page


def test_the_reassignment_form_says_an_advisor_s_refusal_beside_the_advisor_only(
    signed_in_page: Callable[[str], Page],
) -> None:
    page = _reassignment(signed_in_page)
    # given an advisor nobody registered
    page.route("**/api/registry/assignments", _body_changed(advisor_id="A-nobody-9"))
    page.get_by_role("button", name="确认调整").click()
    reason = "法律顾问尚未登记"
    expect(page.locator(".el-form").get_by_text(reason)).to_be_visible()
    _said_once(page, reason)
    expect(page.locator("p.vc-c-refusal")).to_have_text("请检查标出的字段")
    shoot(page, "refusal-once-reassign")


def test_a_refusal_for_a_field_the_form_does_not_show_is_still_said(
    signed_in_page: Callable[[str], Page],
) -> None:
    """The reassignment form marks no village (it is the page's chooser): its refusal is the message."""
    page = _reassignment(signed_in_page)
    page.route("**/api/registry/assignments", _body_changed(village_code="62x"))
    page.get_by_role("button", name="确认调整").click()
    reason = "行政区划代码须为6位"
    expect(page.locator("p.vc-c-refusal")).to_contain_text(f"「村（社区）代码」{reason}")
    _said_once(page, reason)
    shoot(page, "refusal-once-unmarked")


def test_a_refusal_of_a_shown_field_and_of_one_not_shown_says_both(committee: Page) -> None:
    """A form whose message is `useRefusal.elsewhere` (the committee's 评价, the county's forms…) said
    nothing above its button once one of its fields showed a reason: a second reason, for a field
    the form does not show, was said nowhere."""
    page = committee
    page.set_viewport_size(PHONE)
    page.get_by_role("tab", name="评价顾问").click()
    expect(page).to_have_url(re.compile(r"/village/rate$"))
    page.get_by_role("radio").nth(3).click()

    def change(route: Route) -> None:  # a rating the form cannot give, for a year before the program
        body = json.loads(route.request.post_data or "{}")
        route.continue_(post_data=json.dumps({**body, "rating": 9, "year": 2000}))

    page.route("**/api/assessment/feedback", change)
    page.get_by_role("button", name=re.compile("^(提交|修改)评价$")).click()
    # then the rating's reason stands beside the stars, and the year's is said in the message
    expect(page.locator(".vc-field-error")).to_have_text("不能大于 5")
    expect(page.locator("p.vc-problem")).to_contain_text("「年度」")
    _said_once(page, "不能大于 5")
    shoot(page, "refusal-once-two-fields")
