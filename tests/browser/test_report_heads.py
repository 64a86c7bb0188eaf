"""A report's page shows the ledger volumes' chain heads it froze at submission (issue 14): volume,
length, the head's first 12 hex digits and the check against the ledger's latest seals. A year no
other browser test reports on (last year), in a village of its own, so the heads are this test's."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from devstack.demo import zhengning as zn
from eventkit.tokens import issue
from playwright.sync_api import Page, expect
from support.browser import WebStack, shoot
from vc_contracts import CST

WAIT = 30_000
YEAR = datetime.now(CST).year - 1
COUNTY = "621025"
VILLAGE = f"{zn.township_code(zn.TOWNSHIPS[0][0])[:9]}297"
UNIT, ADVISOR = "U-heads-firm", "A-heads-ma"


def _call(web: WebStack, service: str, path: str, token: str, body: Any = None) -> httpx.Response:
    method = "GET" if body is None else "POST"
    return httpx.request(method, f"{web.url}/api/{service}{path}", json=body, timeout=30, trust_env=False,
                         headers={"Authorization": f"Bearer {token}"})  # fmt: skip


def _until(probe: Callable[[], Any], what: str, within: float = 60) -> Any:
    deadline = time.monotonic() + within
    while (answer := probe()) is None:
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.5)
    return answer


def _fetchval(dsn: str, query: str, *args: Any) -> Any:
    import asyncio  # noqa: PLC0415
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    async def run() -> Any:
        conn = await asyncpg.connect(dsn)
        try:
            return await conn.fetchval(query, *args)
        finally:
            await conn.close()

    with ThreadPoolExecutor(1) as worker:  # Playwright holds this thread's event loop
        return worker.submit(asyncio.run, run()).result()


def _last_year_in_a_village_of_its_own(web: WebStack) -> None:
    county = web.token("county_admin")
    township = zn.township_code(zn.TOWNSHIPS[0][0])
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("registry", "/divisions", {"code": VILLAGE, "name": "链头村", "level": "village",
                                    "parent_code": township}),
        ("registry", "/units", {"unit_id": UNIT, "kind": "law_firm", "name": "甘肃链头律师事务所",
                                "division_code": COUNTY, "credit_code": "91621025MA71A0097X"}),
        ("registry", "/advisors", {"advisor_id": ADVISOR, "name": "马链头", "kind": "lawyer", "unit_id": UNIT,
                                   "phone": "13900000097", "licence_no": "16210201234567897"}),
        ("registry", "/assignments", {"village_code": VILLAGE, "advisor_id": ADVISOR,
                                      "valid_from": f"{YEAR}-01-01", "schedule": "每周三 9:00-12:00"}),
    ]  # fmt: skip
    for service, path, body in steps:
        r = _call(web, service, path, county, body)
        assert r.status_code == 201, r.text
    me = issue(web.secret, role="advisor", scope=COUNTY, subject=ADVISOR, unit=UNIT)
    for day in (4, 11):
        when = f"{YEAR}-03-{day:02d}"
        visit = {"village_code": VILLAGE, "started_at": f"{when}T09:00:00+08:00",
                 "ended_at": f"{when}T12:00:00+08:00", "place": "村委会", "summary": "坐班咨询"}  # fmt: skip

        def logged(visit: dict[str, Any] = visit) -> httpx.Response | None:
            r = _call(web, "ledger", "/visits", me, visit)
            return None if r.status_code == 422 else r  # the ledger has not learnt the assignment yet

        response = _until(logged, "the ledger learns the assignment")
        assert response.status_code == 201, response.text


def _more_sealed_volumes_before_ours(dsn: str) -> None:
    """25 more sealed village volumes of last year whose codes sort before this test's village (a
    county's report freezes a hundred and more): its head lands on the table's second page."""
    volumes = (
        "INSERT INTO reporting.rp_sealed_volumes SELECT 'village:621025000' || lpad(n::text, 3, '0') || ':'"
        " || $2, 'village', '621025000' || lpad(n::text, 3, '0'), $1, '621025', 1"
        " FROM generate_series(1, 25) n ON CONFLICT DO NOTHING RETURNING 1"
    )
    links = (
        "INSERT INTO reporting.rp_sealed_links SELECT volume_id, 1, repeat('a', 64), 'E-more',"
        " gen_random_uuid(), repeat('a', 64), 'E-more', gen_random_uuid() FROM reporting.rp_sealed_volumes"
        " WHERE owner LIKE '621025000%' AND year = $1 ON CONFLICT DO NOTHING RETURNING 1"
    )
    _fetchval(dsn, volumes, YEAR, str(YEAR))
    _fetchval(dsn, links, YEAR)


@pytest.mark.timeout(900)  # seals a whole demo county on a machine shared by many test runs
def test_a_report_shows_the_chain_heads_it_froze(
    signed_in_page: Callable[[str], Page], web_stack: WebStack, devstack: Any
) -> None:
    dsn = urlunsplit(urlsplit(devstack.dsn)._replace(path="/villagecounsel_browser"))
    _last_year_in_a_village_of_its_own(web_stack)
    sealed = subprocess.run([sys.executable, "-m", "ledger.cli", "seal", "--county", COUNTY],
                            env={**os.environ, "DATABASE_URL": dsn}, capture_output=True, text=True,
                            timeout=300, check=False)  # fmt: skip
    assert sealed.returncode == 0, sealed.stderr
    volume = f"village:{VILLAGE}:{YEAR}"
    held = "SELECT length FROM reporting.rp_sealed_volumes WHERE volume_id = $1"
    _until(lambda: _fetchval(dsn, held, volume), "reporting holds the seal")

    _more_sealed_volumes_before_ours(dsn)
    county = web_stack.token("county_admin")
    preview = _call(web_stack, "reporting", f"/reports/annual/{YEAR}/preview", county).json()
    submitted = _call(web_stack, "reporting", f"/reports/annual/{YEAR}", county,
                      {"confirm_digest": preview["digest"]})  # fmt: skip
    assert submitted.status_code == 201, submitted.text

    page = signed_in_page("county_admin")
    page.goto(f"{web_stack.url}/reports")
    page.locator(".vc-waiting").get_by_role("link", name=f"{YEAR}年度工作报告").click()
    heads = page.get_by_test_id("chain-heads")
    expect(heads.get_by_role("heading")).to_have_text("台账链头（报送时冻结，审核时核对）", timeout=WAIT)
    report_id = submitted.json()["stream_id"]
    detail = _call(web_stack, "reporting", f"/reports/{report_id}", county).json()
    total = len(detail["heads"])
    expect(heads.get_by_test_id("heads-count")).to_have_text(f"共 {total} 卷，不一致 0 卷", timeout=WAIT)
    assert total > 20  # paged, not one long table
    expect(heads.get_by_test_id("frozen-head")).to_have_count(20)
    heads.get_by_role("textbox", name="筛选卷册").fill("链头村")
    row = heads.locator(f'tr[data-volume="{volume}"]')
    expect(row).to_contain_text(f"链头村 {YEAR} 年村卷", timeout=WAIT)
    expect(row.locator("td").nth(1)).to_have_text("2")
    [frozen] = [h["head"] for h in detail["heads"] if h["volume_id"] == volume]
    expect(row.locator("code")).to_have_text(frozen[:12])
    expect(row).to_contain_text("一致")
    expect(heads.locator("thead th")).to_have_text(["卷册", "条数", "链头", "校验结果"])
    shoot(page, "reports-detail-chain-heads")
    page.goto(f"{web_stack.url}/volume/{VILLAGE}?year={YEAR}")
    expect(page.get_by_test_id("seal-check")).to_contain_text(
        "✔ 第 1 至 2 条与首次封存的链接一致", timeout=WAIT
    )
    page.go_back()

    _a_resealed_mismatch_comes_first_and_the_volume_page_names_it(page, web_stack, dsn, volume, total)


def _a_resealed_mismatch_comes_first_and_the_volume_page_names_it(
    page: Page, web_stack: WebStack, dsn: str, volume: str, total: int
) -> None:
    heads = page.get_by_test_id("chain-heads")
    # A re-seal that differs (what `seal --audit` publishes after a rewrite): that head comes first,
    # named, whatever its place in code order, and the count line says so.
    rewrite = (
        "UPDATE reporting.rp_sealed_links SET latest_link = $2 WHERE volume_id = $1 AND seq = 1 RETURNING 1"
    )
    restore = "UPDATE reporting.rp_sealed_links SET latest_link = first_link WHERE volume_id = $1 RETURNING 1"
    assert _fetchval(dsn, rewrite, volume, "f" * 64) == 1
    try:
        page.reload()
        expect(heads.get_by_test_id("heads-count")).to_have_text(f"共 {total} 卷，不一致 1 卷", timeout=WAIT)
        first = heads.get_by_test_id("frozen-head").first
        expect(first).to_have_attribute("data-volume", volume)
        expect(first).to_contain_text("不一致")
        expect(first).to_contain_text("第 1 条")
        expect(heads.get_by_test_id("frozen-head")).to_have_count(21)  # the mismatch, then a page
        shoot(page, "reports-detail-chain-heads-mismatch")
        page.set_viewport_size({"width": 390, "height": 844})
        wide = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 0, f"the phone page scrolls sideways by {wide}px"
        page.set_viewport_size({"width": 1280, "height": 800})

        # The volume page: the ledger's own verify cannot see a rewrite of its own tables, the
        # check against the first seals (held by reporting) names the entry.
        page.goto(f"{web_stack.url}/volume/{VILLAGE}?year={YEAR}")
        sealed_check = page.get_by_test_id("seal-check")
        expect(sealed_check).to_contain_text("✖", timeout=WAIT)
        expect(sealed_check).to_contain_text("第 1 条")
        page.get_by_role("button", name="校验卷册").click()
        expect(page.get_by_role("alert").filter(has_text="校验通过")).to_be_visible(timeout=WAIT)
        shoot(page, "volume-seal-check-mismatch")
    finally:
        _fetchval(dsn, restore, volume)
