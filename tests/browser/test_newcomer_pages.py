"""Faults a newcomer found on the pages (session 19), each checked where it was seen:

1. on a phone a table wider than the screen says that it scrolls (a hint line and a shadow at the
   cut edge) and keeps its first column (the name) in view; the county's tabs wrap, none is cut;
2. the dashboard's 明细 drawer pages through every entry (the API's own paging), names first;
3. the volume page's 类型 filter is in the address and survives a reload;
4. the import page names its columns exactly as the template heads them;
5. a visit's time reads "2026-11-15 09:00–12:00 +08:00" on the county's and the village's volume.

Screenshots: newcomer-*.png (desktop 1280×800, phone 390×844)."""

from __future__ import annotations

import re
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import httpx
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from support.browser import PHONE, WebStack, busiest_volume, screenshot_dir
from test_village_support import committee_page  # noqa: F401 (the fixture `committee`)

SLOW = 30_000
SPAN = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d–\d\d:\d\d \+08:00")


def _shot(page: Page, name: str, full: bool = False) -> None:
    page.screenshot(path=str(screenshot_dir() / f"newcomer-{name}.png"), full_page=full)


# the first column's left edge after scrolling the table's body sideways by 200 px
SCROLLED_FIRST_COLUMN = """(table) => {
  const wrap = table.querySelector('.el-table__body-wrapper .el-scrollbar__wrap')
  wrap.scrollLeft = 200
  wrap.dispatchEvent(new Event('scroll'))
  const cell = table.querySelector('.el-table__body tr td')
  return cell.getBoundingClientRect().left - table.getBoundingClientRect().left
}"""
HINT = "(table) => getComputedStyle(table.querySelector('.el-table__inner-wrapper'), '::after').content"


def _says_it_scrolls(page: Page, table: Any, name: str) -> None:
    expect(table.locator(".el-table__body tr").first).to_be_visible(timeout=SLOW)
    page.wait_for_timeout(300)  # Element Plus sets is-scrolling-* after its layout pass (not an assertion)
    expect(table).to_have_class(re.compile(r"is-scrolling-left"))
    assert "左右滑动查看更多" in table.evaluate(HINT)
    table.scroll_into_view_if_needed()
    _shot(page, f"{name}-phone")
    assert abs(table.evaluate(SCROLLED_FIRST_COLUMN)) < 2  # the name stays at the left edge


def test_wide_tables_on_a_phone_say_they_scroll_and_keep_the_name(
    signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    # given the county's roster on a phone
    page = signed_in_page("county_admin")
    page.set_viewport_size(PHONE)
    page.goto(f"{web_stack.url}/county/roster")
    roster = page.locator(".el-table").filter(has_text="所属单位").first
    # then the advisors' table says it scrolls sideways, and the name stays while it does
    _says_it_scrolls(page, roster, "roster")
    # and every county tab is on the screen (they wrap; the last, 职责分工, is not cut)
    tabs = page.get_by_role("navigation", name="县级工作").locator(".el-menu-item")
    for i in range(tabs.count()):
        box = tabs.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (i, box)
    page.evaluate("window.scrollTo(0, 0)")
    _shot(page, "county-tabs-phone")


def test_the_entries_drawer_pages_through_every_entry_names_first(
    signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    # given the county's dashboard (its 108 villages: more than one page of 50)
    page = signed_in_page("county_admin")
    page.goto(f"{web_stack.url}/dashboard")
    page.get_by_test_id("tile-coverage").get_by_role("button", name="明细").click()
    drawer = page.get_by_role("dialog")
    count = drawer.get_by_test_id("entries-count")
    expect(count).to_contain_text("第 1–50 条", timeout=SLOW)
    total = int(re.search(r"共 (\d+) 条", count.inner_text()).group(1))  # type: ignore[union-attr]
    assert total > 50
    # then the name comes before the code, and no column is cut on a desk
    headings = drawer.locator(".el-table__header th").all_inner_texts()
    assert headings[0].strip() == "名称" and headings.index("村（社区）代码") > 0, headings
    expect(drawer.locator(".el-table")).to_have_class(re.compile(r"is-scrolling-none"))
    _shot(page, "drawer-desktop")
    # when the second page is asked for, then it shows the next rows, from the API's paging
    first = drawer.locator(".el-table__body tr").first.inner_text()
    drawer.locator(".el-pagination").get_by_text("2", exact=True).click()
    expect(count).to_contain_text(f"第 51–{min(total, 100)} 条", timeout=SLOW)
    expect(drawer.locator(".el-table__body tr").first).not_to_have_text(first)
    # and on a phone the drawer's table says it scrolls
    page.set_viewport_size(PHONE)
    _says_it_scrolls(page, drawer.locator(".el-table"), "drawer")


def test_the_volume_keeps_its_type_filter_over_a_reload_and_writes_spans_with_the_zone(
    signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    # given a village's volume with visits
    code, year = busiest_volume(web_stack)
    page = signed_in_page("county_admin")
    page.goto(f"{web_stack.url}/volume/{code}?year={year}")
    expect(page.get_by_text(re.compile(r"驻点 \d+\.\d\d 小时")).first).to_be_visible(timeout=SLOW)
    # then a visit's time is written with its end and the zone
    expect(page.locator(".entries td").filter(has_text=SPAN).first).to_be_visible()
    # when the type 驻点服务 is chosen and the page reloaded
    page.locator(".el-select").filter(has=page.get_by_role("combobox", name="类型")).click()
    page.get_by_role("option", name="驻点服务").click()
    expect(page).to_have_url(re.compile(r"kind=%E9%A9%BB%E7%82%B9%E6%9C%8D%E5%8A%A1|kind=驻点服务"))
    page.reload()
    # then the filter is still 驻点服务 and only visits are listed
    expect(page.locator(".el-select").filter(has_text="驻点服务")).to_be_visible(timeout=SLOW)
    kinds = page.locator(".entries .el-table__body tr td:nth-child(2)").all_inner_texts()
    assert kinds and set(kinds) == {"驻点服务"}, kinds
    # and the page says the totals above are every type's, the list only visits
    note = page.get_by_test_id("filtered-note")
    expect(note).to_contain_text(re.compile(r"当前只列出“驻点服务” \d+ 条（上方合计为本期间全部类型）"))
    _shot(page, "volume-kind-desktop")
    page.set_viewport_size(PHONE)
    expect(note).to_be_visible()
    _shot(page, "volume-kind-phone")
    # when every type is asked for again, then the note goes and the URL forgets the type
    note.get_by_role("button", name="显示全部类型").click()
    expect(note).to_have_count(0)
    expect(page).not_to_have_url(re.compile(r"kind="))


def test_the_villages_phone_volume_writes_a_visit_from_start_to_end(
    committee: Page, web_stack: WebStack
) -> None:
    page = committee
    page.get_by_role("tab", name="本村台账").click()
    # the year of the village's newest visit (in 1-3 January the demo's are all last year's)
    token = web_stack.token("village_committee")
    query = {"village_code": web_stack.person("village_committee").scope, "kind": "visit", "page_size": 1}
    newest = httpx.get(f"{web_stack.url}/api/ledger/entries", params=query, trust_env=False, timeout=20,
                       headers={"Authorization": f"Bearer {token}"}).json()  # fmt: skip
    year = newest["items"][0]["started_at"][:4]
    page.get_by_role("group", name="年度").get_by_role("button", name=f"{year} 年").click()
    cell = page.locator("td[data-label='时间']").filter(has_text=SPAN).first
    expect(cell).to_be_visible(timeout=SLOW)
    cell.scroll_into_view_if_needed()
    _shot(page, "village-volume-phone")


def test_the_import_page_names_its_columns_as_the_template_heads_them(
    signed_in_page: Callable[[str], Page],
) -> None:
    page = signed_in_page("law_firm")
    page.get_by_role("link", name="补录导入").click()
    shown = page.get_by_test_id("import-columns").locator("code")
    expect(shown.first).to_be_visible(timeout=SLOW)
    with page.expect_download() as got:
        page.get_by_role("button", name="下载导入模板（XLSX）").click()
    sheet = load_workbook(BytesIO(Path(got.value.path()).read_bytes())).worksheets[0]
    headings = [str(c.value) for c in sheet[1]]
    names = shown.all_inner_texts()
    assert "法律顾问编号" in names and "结束时间" in names, names
    assert set(names) <= set(headings), set(names) - set(headings)
    assert names == [h for h in headings if h in names]  # in the template's order
    _shot(page, "import-desktop")
