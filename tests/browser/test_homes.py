"""Each role lands on its own home, sees its scope by name, and the pages work at phone width."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from support.browser import PHONE, shoot

# role → (where it lands, what its header or home shows: the scope's or unit's name)
HOMES = {
    "city_admin": ("/dashboard", "庆阳市"),
    "province_admin": ("/dashboard", "甘肃省"),
    "justice_office": ("/unit", "山河镇司法所"),
    "law_firm": ("/unit", "甘肃正大律师事务所"),
    "advisor": ("/advisor", "东城社区"),  # a community the demo's first advisor serves
    "village_committee": ("/village", "东关村"),
}


@pytest.mark.parametrize("role", list(HOMES))
def test_each_role_lands_on_its_home_with_names_not_codes(
    role: str, signed_in_page: Callable[[str], Page]
) -> None:
    path, name = HOMES[role]
    page = signed_in_page(role)
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    expect(page.get_by_text(name).first).to_be_visible()
    shoot(page, f"home-{role}")


def test_the_sign_in_page_works_with_the_keyboard_alone(signed_in_page: Callable[[str], Page]) -> None:
    page = signed_in_page("county_admin")
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/signin$"))
    page.set_viewport_size(PHONE)
    first = page.get_by_role("radio").first
    first.focus()
    page.keyboard.press("Space")  # choose the county administrator
    expect(first).to_be_checked()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "以所选人员登录" in focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def test_every_input_of_the_sign_in_page_has_a_label(signed_in_page: Callable[[str], Page]) -> None:
    page = signed_in_page("county_admin")
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("radiogroup", name="演示人员")).to_be_visible()
    expect(page.get_by_label("或粘贴身份令牌（make token 生成）")).to_be_visible()
    for radio in page.get_by_role("radio").all():
        assert radio.evaluate("e => e.labels.length > 0 || !!e.closest('label')")


def test_a_page_of_another_role_sends_one_home(signed_in_page: Callable[[str], Page]) -> None:
    page = signed_in_page("advisor")
    page.goto(page.url.replace("/advisor", "/dashboard"))
    expect(page).to_have_url(re.compile(r"/advisor$"))
