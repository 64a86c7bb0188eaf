"""The county's one-click export of an advisor's work: the button downloads the ledger's XLSX (not a
file assembled in the browser), and it opens with openpyxl: the advisor's entries and every volume
they sit in with its chain head and verification result."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO

from devstack.demo import zhengning as zn
from openpyxl import load_workbook
from playwright.sync_api import Page, expect
from support.browser import shoot
from test_county import choose, open_county


def test_the_advisor_export_button_downloads_the_ledgers_xlsx(signed_in_page: Callable[[str], Page]) -> None:
    page = signed_in_page("county_admin")
    open_county(page, "exports")
    page.get_by_text("按法律顾问").click()
    choose(page, "vc-ex-owner", zn.person(0))
    with page.expect_download() as download_info:
        page.get_by_role("button", name="导出 XLSX").click()
    download = download_info.value
    assert download.suggested_filename.startswith(
        "法律顾问工作记录-"
    ) and download.suggested_filename.endswith(".xlsx")
    path = download.path()
    assert path is not None
    book = load_workbook(BytesIO(path.read_bytes()))
    assert book.sheetnames == ["工作记录", "卷册校验"]
    work = list(book["工作记录"].iter_rows(values_only=True))
    assert zn.person(0) in str(work[0][0]) and "法律顾问工作记录" in str(work[0][0])
    assert any(row[0] == "卷内序号" for row in work)
    checks = [
        row for row in book["卷册校验"].iter_rows(values_only=True) if str(row[0]).startswith("village:")
    ]
    assert checks and all(len(str(row[4])) == 64 and row[5] in ("通过", "未通过") for row in checks)
    expect(page.get_by_role("status")).to_contain_text("已下载：法律顾问工作记录-")
    shoot(page, "county-exports-advisor")
