"""A read refused for a field the page marks nowhere says why. The services answer a query they
cannot take with 422 请求内容有误，请检查标出的字段 and a reason per field; a page that marks none of
those fields (a read's own query, a list's paging) showed that sentence and nothing else, so the
person could not tell what was wrong. Every page now shows the reasons of the fields it does not
mark (`ApiError.said`, `useRefusal`'s message), each by the field's name: the read's own query is
changed on its way (the pages never send such a value themselves), the refusal is the service's."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Route, expect
from support.browser import shoot
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
        # a read's refusal shown as the page's own line (年度考核's list of conclusions)
        (
            "assessments",
            "**/api/assessment/assessments?**",
            "page_size=500",
            "page_size=5000",
            "「每页条数」",
        ),
    ],
    ids=["deadlines", "assessments"],
)
def test_a_read_refused_for_a_field_the_page_does_not_mark_names_the_field_and_the_reason(
    signed_in_page: Callable[[str], Page], page_path: str, read: str, old: str, new: str, said: str
) -> None:
    page = signed_in_page("county_admin")
    page.route(read, _changed(old, new))
    open_county(page, page_path)
    refusal = page.get_by_role("alert").filter(has_text="请求内容有误")
    expect(refusal).to_contain_text(f"请求内容有误：{said}")
    expect(refusal).not_to_contain_text("请检查标出的字段")
    shoot(page, f"refusal-reasons-{page_path}")
