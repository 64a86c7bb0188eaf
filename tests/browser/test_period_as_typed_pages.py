"""A period typed as people type it (full-width from a Chinese keyboard, lower case, spaces around it)
is sent, and shown in its field, in its one form: 报送期限's period and 年度考核's 评估 期间
(`util/period.ts`, as the services read it: `vc_contracts.periods.normalise_period`). Before, the
text went as typed, and ` ２０２５ｈ２ ` was refused where 2025H2 was meant."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Page, Request, expect
from support.browser import WebStack, shoot
from support.held import SLOW
from test_county import open_county


def _overdue(request: Request) -> bool:
    return "/api/reporting/deadlines/overdue" in request.url


def test_the_deadlines_period_is_sent_and_shown_as_the_period(signed_in_page: Callable[[str], Page]) -> None:
    page = signed_in_page("county_admin")
    open_county(page, "deadlines")
    period = page.locator("#vc-dl-period")
    expect(period).to_be_visible(timeout=SLOW)
    # given the half-year typed with a Chinese keyboard, spaces around it
    period.fill(" ２０２５ｈ２\u3000")
    # when it is asked for
    with page.expect_request(_overdue) as sent:
        period.press("Enter")
    # then 2025H2 is sent and shown, and answered
    assert parse_qs(urlparse(sent.value.url).query)["period"] == ["2025H2"]
    expect(period).to_have_value("2025H2")
    expect(page.get_by_role("table").first).to_be_visible()
    expect(page.locator(".vc-c-refusal")).to_have_count(0)
    expect(page.locator(".vc-field-error")).to_have_count(0)
    shoot(page, "period-as-typed-deadlines")


def test_the_evaluation_period_is_sent_and_shown_as_the_period(signed_in_page: Callable[[str], Page]) -> None:
    page = signed_in_page("county_admin")
    open_county(page, "assessments")
    period = page.locator("#vc-as-period")
    expect(period).to_be_visible(timeout=SLOW)
    period.fill(" 2020q3 ")  # a closed quarter without demo data: nothing to find
    with page.expect_request(
        lambda r: r.url.endswith("/api/assessment/evaluations") and r.method == "POST"
    ) as sent:
        page.get_by_role("button", name="评估", exact=True).click()
    assert sent.value.post_data_json["period"] == "2020Q3"
    expect(period).to_have_value("2020Q3")
    expect(page.get_by_role("status").filter(has_text="评估完成")).to_contain_text(
        "评估完成：2020Q3 共", timeout=SLOW
    )
    shoot(page, "period-as-typed-evaluation")


def test_the_dashboard_reads_a_period_typed_into_its_address(
    signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    """`?period=2025q4` is the fourth quarter of 2025, not 地址中的期间“2025q4”无法识别."""
    page = signed_in_page("county_admin")
    with page.expect_request(lambda r: "/api/reporting/dashboard/overview" in r.url) as sent:
        page.goto(f"{web_stack.url}/dashboard?period=%202025q4")
    assert parse_qs(urlparse(sent.value.url).query)["period"] == ["2025Q4"]
    expect(page.get_by_role("heading", name=re.compile("^正宁县.*2025年第四季度$"))).to_be_visible(
        timeout=SLOW
    )
    expect(page.get_by_test_id("bad-period")).to_have_count(0)
    # and the address says it as read, so a drill-down or a shared link carries 2025Q4
    expect(page).to_have_url(re.compile(r"/dashboard\?period=2025Q4$"))
    shoot(page, "period-as-typed-dashboard")
