"""The dashboard's village volume page (/volume/<code>) with a malformed code in its address: it says
the code is wrong (not "out of scope", which is what the API answers for any code it cannot see)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from support.browser import WebStack, busiest_volume, dashboard_villages, shoot


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


def test_the_volume_writes_every_hours_figure_with_two_decimals(
    signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    # given a village's volume with visits
    code, year = busiest_volume(web_stack)
    page = signed_in_page("county_admin")
    # when it is opened, then the total and each visit's hours read as 8.00 / 1.33 (never 8.0 or 6)
    page.goto(f"{web_stack.url}/volume/{code}?year={year}")
    total = page.get_by_text(re.compile(r"驻点 \d+\.\d\d 小时"))
    expect(total.first).to_be_visible(timeout=30_000)
    shoot(page, "volume-hours")
    texts = page.locator("td").all_inner_texts()
    hours = [t for t in texts if re.fullmatch(r"\d+\.\d+", t.strip())]
    assert hours and all(re.fullmatch(r"\d+\.\d\d", h.strip()) for h in hours), texts[:40]


def test_a_volume_not_sealed_yet_logs_no_error_in_the_console(
    signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    # given a village volume on a fresh demo (the ledger's daily seal may not have run yet)
    code = dashboard_villages(web_stack)[0]["code"]
    page = signed_in_page("county_admin")
    failed: list[str] = []
    errors: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    # when its page is opened, then the seal check is asked without a 404 and nothing is logged as an error
    with page.expect_response(lambda r: "/api/reporting/sealed-volumes/" in r.url, timeout=30_000) as seal:
        page.goto(f"{web_stack.url}/volume/{code}")
    assert seal.value.status == 200 and "missing=ok" in seal.value.url, seal.value.url
    expect(page.get_by_text(re.compile(r"驻点 \d+\.\d\d 小时")).first).to_be_visible(timeout=30_000)
    page.wait_for_load_state("networkidle")
    assert failed == [] and errors == [], (failed, errors)
