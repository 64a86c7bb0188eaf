"""Signing in from the sign-in page and landing on one's own home."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect
from support.browser import WebStack, shoot


def test_county_admin_signs_in_from_the_page_and_lands_on_the_dashboard(
    context: BrowserContext, web_stack: WebStack
) -> None:
    page = context.new_page()
    page.goto(f"{web_stack.url}/")
    expect(page).to_have_url(re.compile(r"/signin"))
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    shoot(page, "signin")
    page.get_by_text("正宁县司法局（县级管理员）").click()
    page.get_by_role("button", name="以所选人员登录").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_text("正宁县").first).to_be_visible()
    shoot(page, "dashboard-placeholder")


def test_every_advisor_the_half_year_report_waits_for_can_sign_in(
    context: BrowserContext, web_stack: WebStack, signed_in_page: Callable[[str], Page]
) -> None:
    """The firm submits only once each of its advisors has confirmed: a newcomer playing the demo
    must be able to sign in as every one of them (not only the first)."""
    firm = signed_in_page("law_firm")
    firm.goto(f"{web_stack.url}/reports/half-year")
    states = firm.get_by_label("法律顾问确认情况").get_by_role("listitem")
    expect(states.first).to_be_visible()
    names = [item.inner_text().split()[0] for item in states.all()]
    assert len(names) >= 2
    page = context.new_page()
    page.goto(f"{web_stack.url}/signin")
    for name in names:
        expect(page.get_by_text(f"{name}（法律顾问")).to_be_visible()
    page.get_by_text("张志强（法律顾问").click()
    page.get_by_role("button", name="以所选人员登录").click()
    expect(page).to_have_url(re.compile(r"/advisor$"))
    expect(page.get_by_role("article").filter(has_text="东关村").first).to_be_visible()
