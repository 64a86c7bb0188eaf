"""The dashboard's village volume page (/volume/<code>) with a malformed code in its address: it says
the code is wrong (not "out of scope", which is what the API answers for any code it cannot see)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from support.browser import WebStack, shoot


@pytest.mark.parametrize("code", ["abc", "621025100000", "6210251002011"])
def test_a_malformed_village_code_in_the_address_is_named_as_such(
    code: str, signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    page = signed_in_page("county_admin")
    page.goto(f"{web_stack.url}/volume/{code}")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("地址中的村（社区）代码不正确")
    expect(alert).not_to_contain_text("管辖")
    if code == "abc":
        shoot(page, "volume-bad-code")
