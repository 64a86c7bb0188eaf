"""Signing in from the sign-in page and landing on one's own home."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, expect
from support.browser import WebStack, shoot


def test_county_admin_signs_in_from_the_page_and_lands_on_the_county_section(
    context: BrowserContext, web_stack: WebStack
) -> None:
    page = context.new_page()
    page.goto(f"{web_stack.url}/")
    expect(page).to_have_url(re.compile(r"/signin"))
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    shoot(page, "signin")
    page.get_by_text("正宁县司法局（县级管理员）").click()
    page.get_by_role("button", name="以所选人员登录").click()
    expect(page).to_have_url(re.compile(r"/county/roster$"))
    expect(page.get_by_text("正宁县").first).to_be_visible()
    shoot(page, "dashboard-placeholder")
