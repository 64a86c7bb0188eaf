"""A visit's time on the phone pages that list entries one by one (session 31's newcomer): the
advisor's 我的记录 and the committee's 确认记录 write it as the volume does (util/time.ts formatSpan):
start–end with +08:00, and a visit past midnight with both of its dates.

Before, 我的记录 built its own "2026-11-29 22:40–00:20（1.67 小时）" (no zone; the end's date lost,
so it read as a visit ending before it began) and the committee saw only the start of a visit
("2026-11-24 09:00 +08:00 · 3.00 小时"), not the hours it was asked to confirm."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from support.browser import DESKTOP, PHONE, WebStack, shoot
from support.held import SLOW
from vc_contracts import CST

ADVISOR = "A-zhengda-1"


def _client(web_stack: WebStack, token: str) -> httpx.Client:
    return httpx.Client(base_url=f"{web_stack.url}/api", headers={"Authorization": f"Bearer {token}"},
                        timeout=15, trust_env=False)  # fmt: skip


@pytest.fixture(scope="module")
def late_visit(web_stack: WebStack) -> Iterator[tuple[str, str, datetime, datetime]]:
    """A visit of the advisor in their first village from 22:xx three days ago to 00:yy the next
    day (late: no visit of the demo or of another test holds the advisor then)."""
    with _client(web_stack, web_stack.token("advisor")) as api:
        village = str(api.get(f"/registry/advisors/{ADVISOR}").json()["villages_served"][0]["village_code"])
        day = datetime.now(CST) - timedelta(days=3)
        start = day.replace(hour=22, minute=secrets.randbelow(30) + 10, second=0, microsecond=0)
        end = (day + timedelta(days=1)).replace(hour=0, minute=secrets.randbelow(30) + 10, second=0,
                                                microsecond=0)  # fmt: skip
        body = {"village_code": village, "started_at": start.isoformat(), "ended_at": end.isoformat(),
                "place": "村委会", "summary": f"夜间调处{secrets.token_hex(3)}"}  # fmt: skip
        answer = api.post("/ledger/visits", json=body, headers={"Idempotency-Key": secrets.token_hex(8)})
        assert answer.status_code == 201, answer.text
        yield str(answer.json()["entry_id"]), village, start, end


def _span(start: datetime, end: datetime) -> str:
    return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} +08:00"


def test_my_entries_write_a_visit_past_midnight_with_both_dates_and_the_zone(
    signed_in_page: Callable[[str], Page], late_visit: tuple[str, str, datetime, datetime]
) -> None:
    entry, _, start, end = late_visit
    # given the advisor's 我的记录 on a phone
    page = signed_in_page("advisor")
    page.set_viewport_size(PHONE)
    page.get_by_role("tab", name="我的记录").click()
    article = page.locator(f"[data-entry='{entry}']")
    # then the late visit reads from its start to its end on the next day, in +08:00
    expect(article).to_contain_text(_span(start, end), timeout=SLOW)
    # and work of a moment says its zone too
    other = page.locator("[data-entry]").filter(has_text="法律咨询").first
    expect(other).to_contain_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d \+08:00"))
    article.scroll_into_view_if_needed()
    shoot(page, "entry-times-advisor")


def test_the_committee_sees_the_visit_s_whole_span_before_confirming(
    browser: Browser, web_stack: WebStack, late_visit: tuple[str, str, datetime, datetime]
) -> None:
    entry, village, start, end = late_visit
    # given the committee of the advisor's village, signed in on a phone
    body = {"role": "village_committee", "scope": village, "subject": f"committee-{village}"}
    minted = httpx.post(f"{web_stack.url}/auth/dev/token", json=body, timeout=10, trust_env=False)
    token = minted.json()["token"]
    ctx = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai",
                              service_workers="block")  # fmt: skip
    try:
        ctx.add_init_script(
            f"sessionStorage.setItem('vc.token', {token!r}); sessionStorage.setItem('vc.name', '村委会')"
        )
        page = ctx.new_page()
        page.goto(f"{web_stack.url}/village")
        page.set_viewport_size(PHONE)
        item = page.locator(f"[data-entry='{entry}']")
        # then the visit waiting for confirmation says when it began and when it ended
        expect(item).to_contain_text(_span(start, end), timeout=SLOW)
        expect(item.get_by_role("button", name=f"确认 驻点服务 {_span(start, end)}")).to_be_visible()
        # and the query dialog names the same span
        item.get_by_role("button", name=re.compile("^质疑")).click()
        expect(page.get_by_role("dialog")).to_contain_text(_span(start, end))
        shoot(page, "entry-times-committee")
    finally:
        ctx.close()
