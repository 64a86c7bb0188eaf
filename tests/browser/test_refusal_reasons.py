"""A read refused for a field the page marks nowhere says why. The services answer a query they
cannot take with 422 请求内容有误，请检查标出的字段 and a reason per field; a page that marks none of
those fields (a read's own query, a list's paging) showed that sentence and nothing else, so the
person could not tell what was wrong. Every page now shows the reasons of the fields it does not
mark (`ApiError.said`, `useRefusal`'s message), each by the field's name: the read's own query is
changed on its way (the pages never send such a value themselves), the refusal is the service's."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect
from support.browser import WebStack, shoot
from test_county import open_county


def _changed(old: str, new: str) -> Callable[[Route], None]:
    def change(route: Route) -> None:
        route.continue_(url=route.request.url.replace(old, new))

    return change


@pytest.mark.parametrize(
    ("page_path", "read", "old", "new", "said"),
    [
        # useRefusal: the deadlines page marks only its period
        ("deadlines", "**/api/reporting/deadlines/overdue?**", "kind=", "kind=x", "「类型」取值无效"),
        # a rule's refusal whose message is its one reason: said once, never again as 「division」…
        (
            "deadlines",
            "**/api/reporting/deadlines/overdue?**",
            "division=621025",
            "division=62x",
            "行政区划代码须为6位或12位数字（GB/T 2260），收到「62x」",
        ),
        # a read's refusal shown as the page's own line (年度考核's list of conclusions)
        (
            "assessments",
            "**/api/assessment/assessments?**",
            "page_size=500",
            "page_size=5000",
            "「每页条数」",
        ),
    ],
    ids=["deadlines", "deadlines-rule", "assessments"],
)
def test_a_read_refused_for_a_field_the_page_does_not_mark_names_the_field_and_the_reason(
    signed_in_page: Callable[[str], Page], page_path: str, read: str, old: str, new: str, said: str
) -> None:
    page = signed_in_page("county_admin")
    page.route(read, _changed(old, new))
    open_county(page, page_path)
    refusal = page.get_by_role("alert").filter(has_text=said)
    expect(refusal).to_contain_text(said)
    expect(refusal).not_to_contain_text("请检查标出的字段")
    assert refusal.inner_text().count(said) == 1
    expect(refusal).not_to_contain_text("「division」")
    shoot(page, f"refusal-reasons-{page_path}-{old.split('=')[0]}")


def test_the_dashboards_details_drawer_names_the_reason(signed_in_page: Callable[[str], Page]) -> None:
    """The drawer showed its read's refusal as the bare 请求内容有误，请检查标出的字段."""
    page = signed_in_page("county_admin")
    page.route(re.compile(r".*/api/.*page_size=50(&|$).*"), _changed("page_size=50", "page_size=5000"))
    page.get_by_test_id("tile-coverage").get_by_role("button", name="明细").click()
    drawer = page.get_by_role("dialog")
    expect(drawer).to_contain_text("「每页条数」")
    expect(drawer).not_to_contain_text("请检查标出的字段")
    shoot(page, "refusal-reasons-drawer")


def test_an_over_long_pasted_token_is_refused_with_its_reason(
    context: BrowserContext, web_stack: WebStack
) -> None:
    """Sign-in said only 请求内容有误，请检查标出的字段 for a 20,000-character token."""
    page = context.new_page()
    page.goto(f"{web_stack.url}/signin")
    page.get_by_label("或粘贴身份令牌（make token 生成）").fill("x" * 20_000)
    page.get_by_role("button", name="使用令牌登录").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("「身份令牌」过长")
    expect(alert).not_to_contain_text("请检查标出的字段")
