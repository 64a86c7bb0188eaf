"""A large backfill file (20,000 rows, CSV, as a paper ledger's typist writes it) with problems in
the middle and on its last row, at a desk (session 32's newcomer): each problem is named by its row
and column, in Chinese, nothing is written, and the progress bar does not stay behind."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from playwright.sync_api import Page, expect
from support.browser import BACKFILL_HEADINGS, WebStack, api_get, shoot
from support.held import SLOW
from vc_contracts import CST

UNIT = "law_firm"
ADVISOR = "A-zhengda-1"
ROWS = 20_000
PREFIX = "ui-large-"
HEADINGS = BACKFILL_HEADINGS


def _get(web_stack: WebStack, service: str, path: str, **params: Any) -> Any:
    return api_get(web_stack, UNIT, service, path, **params)


def large_csv(village: str, change: dict[int, dict[str, str]]) -> bytes:
    """ROWS consultations of the advisor, one a minute from 18 days back (past, inside the demo's
    assignments; by telephone: no visit of the demo is in two places with
    one); `change` maps a data row's index (0: the sheet's row 2) to the cells changed."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADINGS)
    first = datetime.now(CST).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=18)
    for i in range(ROWS):
        at = first + timedelta(minutes=i)
        values = {"类型": "法律咨询", "顾问编号": ADVISOR, "村（社区）代码": village,
                  "开始时间": at.strftime("%Y-%m-%d %H:%M"), "内容摘要": f"补录：土地承包咨询 {i}",
                  "渠道": "电话", "类别": "土地", "结果": "已解决",
                  "客户端编号": f"{PREFIX}{i}"} | change.get(i, {})  # fmt: skip
        writer.writerow([values[h] for h in HEADINGS])
    return out.getvalue().encode()


def test_a_large_file_with_problems_in_the_middle_and_at_the_end_names_each_row(
    signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    village = _get(web_stack, "registry", f"/advisors/{ADVISOR}")["villages_served"][0]["village_code"]
    middle, last = ROWS // 2, ROWS - 1
    content = large_csv(village, {middle: {"内容摘要": "补录\u3164咨询"}, last: {"渠道": "飞鸽传书"}})
    page = signed_in_page(UNIT)
    page.get_by_role("link", name="补录导入").click()
    page.get_by_test_id("sheet-upload-input").set_input_files(
        files=[{"name": "台账-两万行.csv", "mimeType": "text/csv", "buffer": content}]
    )
    problems = page.get_by_test_id("refused-rows")
    expect(page.get_by_role("alert").first).to_contain_text("未写入任何记录", timeout=SLOW * 4)
    expect(page.get_by_test_id("import-refused")).to_contain_text("发现 2 处错误")
    for sheet_row, column, reason in (
        (middle + 2, "内容摘要", "韩文填充符"),
        (last + 2, "渠道", "应为：现场"),
    ):
        number = page.get_by_role("cell", name=str(sheet_row), exact=True)
        listed = problems.get_by_role("row").filter(has=number).first
        expect(listed).to_contain_text(column)
        expect(listed).to_contain_text(reason)
    expect(page.get_by_label("导入进度")).to_have_count(0)
    shoot(page, "unit-import-large-refused")
    stored = _get(web_stack, "ledger", "/entries", advisor_id=ADVISOR, kind="consultation", page_size=500)
    assert not [e for e in stored["items"] if (e["client_entry_id"] or "").startswith(PREFIX)]
