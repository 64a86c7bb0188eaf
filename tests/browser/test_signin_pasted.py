"""Signing in with a pasted token (`make token`): the token is kept exactly as pasted (never signed
again with a fresh lifetime), an expired one is refused saying when it expired, and the header names
the person's office and role as the demo sign-in does, never a bare id."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import jwt
from eventkit.tokens import issue
from playwright.sync_api import BrowserContext, Page, expect
from support.browser import WebStack, shoot


def _paste(page: Page, web_stack: WebStack, token: str) -> None:
    page.goto(f"{web_stack.url}/signin")
    page.get_by_label("或粘贴身份令牌（make token 生成）").fill(token)
    page.get_by_role("button", name="使用令牌登录").click()


def test_a_pasted_token_is_kept_as_it_is_and_the_header_names_the_office(
    context: BrowserContext, web_stack: WebStack
) -> None:
    token = issue(web_stack.secret, role="county_admin", scope="621025", subject="pasted-county-admin",
                  ttl=timedelta(minutes=50))  # fmt: skip
    page = context.new_page()
    _paste(page, web_stack, token)
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    who = page.get_by_label("当前登录")
    expect(who).to_contain_text("正宁县司法局")
    expect(who).to_contain_text("县级管理员")
    expect(who).not_to_contain_text("pasted-county-admin")
    assert page.evaluate("sessionStorage.getItem('vc.token')") == token  # its own 50 minutes
    shoot(page, "signin-pasted-header")


def test_a_pasted_unit_token_is_named_by_its_unit(context: BrowserContext, web_stack: WebStack) -> None:
    token = issue(web_stack.secret, role="law_firm", scope="621025", subject="pasted-firm-clerk",
                  unit="U-firm-zhengda")  # fmt: skip
    page = context.new_page()
    _paste(page, web_stack, token)
    expect(page).not_to_have_url(re.compile(r"/signin"))
    assert page.evaluate("sessionStorage.getItem('vc.name')") == "甘肃正大律师事务所"
    body = page.locator("body")
    expect(body).not_to_contain_text("pasted-firm-clerk")


def test_an_expired_pasted_token_is_refused_saying_when(context: BrowserContext, web_stack: WebStack) -> None:
    now = int(time.time())
    claims = {"sub": "late-admin", "role": "county_admin", "scope": "621025", "iss": "villagecounsel-dev",
              "iat": now - 7200, "exp": now - 600}  # fmt: skip
    page = context.new_page()
    _paste(page, web_stack, jwt.encode(claims, web_stack.secret, "HS256"))
    alert = page.get_by_role("alert")
    shown = datetime.fromtimestamp(now - 600, ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    expect(alert).to_contain_text(f"已于 {shown}（北京时间）过期")
    expect(alert).to_contain_text("不会被续期")
    expect(page).to_have_url(re.compile(r"/signin"))
    assert page.evaluate("sessionStorage.getItem('vc.token')") is None
    shoot(page, "signin-pasted-expired")
