"""An upload's progress as said under its bar follows the bar's rule (util/percent.ts): never 100 %
short of the whole file. A file 99.5 % sent read 正在上传文件（100%） (Math.round) while the bar,
capped, was not full and the upload went on."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect
from support.browser import WebStack, shoot
from support.sheets import workbook
from test_unit import UNIT, upload

# the upload held at 995 of 1,000 bytes sent: one progress event, then no answer
HELD = """
(() => {
  XMLHttpRequest.prototype.send = function () {
    const event = new ProgressEvent('progress', { lengthComputable: true, loaded: 995, total: 1000 })
    setTimeout(() => this.upload.onprogress && this.upload.onprogress(event), 50)
  }
})()
"""


def test_a_file_almost_sent_is_not_said_to_be_all_sent(
    signed_in_page: Callable[[str], Page], web_stack: WebStack
) -> None:
    # given a unit's backfill import whose file has 995 of its 1,000 bytes sent
    page = signed_in_page(UNIT)
    page.context.add_init_script(HELD)
    page.goto(f"{web_stack.url}/unit/import")
    # when a file is chosen and held there
    upload(page, "台账.xlsx", workbook([]))
    # then 99 % is said, as the bar's rule gives, not 100 %
    expect(page.locator(".vc-upload-progress")).to_contain_text("正在上传文件（99%）")
    shoot(page, "unit-import-almost-sent")
