"""The advisor export's workbook and period wording (pure): a volume that fails verification is
marked on both sheets; periods read as people say them."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

import pytest
from eventkit.workbook_bytes import table
from ledger.adapters.export_xlsx import advisor_xlsx
from ledger.application.advisor_ledger import period_label
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from vc_contracts import CST


@pytest.mark.parametrize(
    ("period", "label"),
    [
        ("2026", "2026 年度"),
        ("2026H1", "2026 年上半年"),
        ("2026H2", "2026 年下半年"),
        ("2026Q3", "2026 年第三季度"),
    ],
)
def test_period_label(period: str, label: str) -> None:
    # given a period code, when it is worded, then it reads as people say it
    assert period_label(period) == label


def _volume(vid: str, ok: bool) -> dict[str, object]:
    kind, owner, _ = vid.split(":")
    return {"volume_id": vid, "kind": kind, "kind_label": "一村一卷", "owner": owner, "owner_name": "东台村",
            "length": 3, "head": "a" * 64, "ok": ok,
            "message": "校验通过" if ok else "校验未通过：第 2 个链接"}  # fmt: skip


def test_a_volume_failing_verification_is_marked_on_both_sheets() -> None:
    work = {
        "title": "李台账（A-1）2026 年第二季度法律顾问工作记录",
        "period_label": "2026 年第二季度",
        "entries": [],
        "volumes": [_volume("village:621025290201:2026", True), _volume("unit:U-1:2026", False)],
        "totals": {"entries": 0, "voided": 0, "by_kind": {}, "visit_seconds": 0, "visit_hours": 0.0},
    }
    book = load_workbook(BytesIO(advisor_xlsx(work, datetime(2026, 7, 1, 9, tzinfo=CST))))
    first = [row[0] for row in book["工作记录"].iter_rows(values_only=True)]
    assert "涉及卷册 2 本，1 本校验未通过；各卷册的防篡改链头与校验结果见「卷册校验」表" in first
    checks = {row[0]: row for row in book["卷册校验"].iter_rows(values_only=True)}
    assert checks["unit:U-1:2026"][5] == "未通过" and checks["village:621025290201:2026"][5] == "通过"
    assert checks["unit:U-1:2026"][4] == "a" * 64


def test_text_that_starts_with_an_equals_sign_stays_text_not_a_formula() -> None:
    # given an advisor's name (people's text) that reads like a spreadsheet formula
    injected = '=HYPERLINK("http://evil.example/","点此核对")'
    work = {
        "title": injected,
        "period_label": "2026 年第二季度",
        "entries": [],
        "volumes": [_volume("village:621025290201:2026", True)],
        "totals": {"entries": 0, "voided": 0, "by_kind": {}, "visit_seconds": 0, "visit_hours": 0.0},
    }
    # when it is exported, then the cell holds that text: no formula a spreadsheet program would run
    book = load_workbook(BytesIO(advisor_xlsx(work, datetime(2026, 7, 1, 9, tzinfo=CST))))
    title = book["工作记录"]["A1"]
    assert (title.value, title.data_type) == (injected, "s")


def test_a_long_table_is_written_without_reading_the_sheets_size_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a sheet whose size openpyxl works out over every cell (`max_row`), counted
    reads = 0
    size = Worksheet.max_row

    def counted(sheet: Worksheet) -> int:
        nonlocal reads
        reads += 1
        return size.fget(sheet)  # type: ignore[no-any-return, attr-defined]

    monkeypatch.setattr(Worksheet, "max_row", property(counted))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["标题"])
    # when a table of 2,000 rows is written under it (a volume's export: it read the size per row,
    # which made a 6,000-entry volume take a minute)
    table(sheet, ["编号", "内容"], [8, 30], [([i, f"第 {i} 条"], None) for i in range(2000)])
    # then the size was read a fixed number of times, and the table is where it was
    assert reads <= 2
    assert [c.value for c in sheet[2]] == ["编号", "内容"] and sheet.cell(
        row=2002, column=2
    ).value == "第 1999 条"
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref == "A2:B2002"
    assert sheet.print_title_rows == "$2:$2" and sheet.page_setup.orientation == "landscape"
