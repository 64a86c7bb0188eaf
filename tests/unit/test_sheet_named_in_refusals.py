"""What an XLSX import's refusal says about the sheet it read, and which sheets it reads.

A refusal of an XLSX import names the worksheet read (`sheet` next to `errors`, and 工作表「…」 in the
message), whoever raised it: the reader (a heading, a bound, merged cells) or the import after its
own row checks (the registry's and the ledger's imports add to the reader's `Problems`). Only a
success and the "no data rows" reason named it; a CSV's refusal stays as it was (no `sheet`).

A chart sheet is no worksheet: a workbook whose first tab is a chart was refused as unreadable
(openpyxl fails on a chart sheet without a drawing), and is now read from its first visible
worksheet with values; one with no worksheet to read is a 422 saying so.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from eventkit import sheet_sources
from eventkit.import_errors import ImportRejectedError
from eventkit.spreadsheets import Column, Kind, read_sheet
from ledger.application.import_columns import SHEET, read_upload
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from registry.application import division_import, roster_rows
from support.sheets import shown_workbook, workbook

COLUMNS = (
    Column("code", ("代码",), Kind.identifier, required=True),
    Column("name", ("名称",)),
)
HEAD = ["代码", "名称"]
DATA = [HEAD, ["621025100201", "西头村"]]


def rejected(content: bytes, columns: Any = COLUMNS, sheet: str | None = None) -> ImportRejectedError:
    """The refusal of `content` as an import raises it: the reader's, or after the import's checks
    (a problem the import adds to the reader's `Problems`, as every import does)."""
    with pytest.raises(ImportRejectedError) as caught:
        read = read_sheet(content, columns, sheet=sheet)
        if not read.problems:
            read.problems.add(2, "name", "与已登记的名称不一致")  # the import's own check of row 2
        read.problems.raise_if_any()
    return caught.value


def answered(error: ImportRejectedError) -> dict[str, Any]:
    """The body as the service answers it (`eventkit.web`: `model_dump(mode="json")`)."""
    body: dict[str, Any] = error.body("c-1").model_dump(mode="json")
    return body


# ---- 1. the refusal of an XLSX import names the sheet read ------------------------------------


@pytest.mark.parametrize(
    ("content", "sheet", "reason"),
    [
        (shown_workbook(("村名单", "visible", DATA)), "村名单", "第 2 行「名称」：与已登记的名称不一致"),
        (shown_workbook(("村名单", "visible", [HEAD, [621025100201.5, "西头村"]])), "村名单",
         "第 2 行「代码」"),  # a cell the reader refuses
        (shown_workbook(("说明", "visible", [["名称"], ["西头村"]])), "说明", "缺少必需的列“代码”"),
        (shown_workbook(("空表", "visible", [HEAD])), "空表", "工作表「空表」没有数据行"),
        (shown_workbook(("旧表", "hidden", DATA), ("村名单", "visible", DATA)), "村名单", "第 2 行"),
    ],
    ids=["the import's own check", "a cell refused while read",
         "a heading missing", "no data rows", "behind a hidden sheet"],
)  # fmt: skip
def test_an_xlsx_refusal_names_the_sheet_read(content: bytes, sheet: str, reason: str) -> None:
    error = rejected(content)
    body = answered(error)
    assert body["code"] == "import_rejected" and body["sheet"] == sheet, body
    assert f"工作表「{sheet}」中发现" in body["message"] and "未写入任何记录" in body["message"], body
    assert any(reason in e["reason"] for e in body["errors"]), body["errors"]


def test_a_sheet_with_merged_cells_is_refused_naming_it() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "村名单"
    for row in [HEAD, ["621025100201", "西头村"], ["621025100202", None]]:
        sheet.append(row)
    sheet.merge_cells("B2:B3")
    out = io.BytesIO()
    book.save(out)
    body = answered(rejected(out.getvalue()))
    assert body["sheet"] == "村名单" and "工作表「村名单」中" in body["message"], body
    assert "合并单元格（B2:B3）" in body["errors"][0]["reason"]


def test_a_bound_passed_while_reading_names_the_sheet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_sources, "MAX_ROWS", 2)
    many = [HEAD, *([f"62102510020{n}", "村"] for n in range(1, 5))]
    body = answered(rejected(shown_workbook(("村名单", "visible", many))))
    assert body["sheet"] == "村名单" and body["errors"][0]["reason"].startswith("行数过多"), body


def test_a_refusal_before_any_sheet_is_read_names_none() -> None:
    body = answered(rejected(b"PK\x03\x04 not a zip"))
    assert "sheet" not in body and body["errors"][0]["reason"] == sheet_sources.DAMAGED_XLSX, body


def test_a_csv_refusal_stays_as_it_was() -> None:
    body = answered(rejected("代码,名称\n621025100201,西头村\n".encode()))
    assert "sheet" not in body, body
    assert body["message"].startswith("导入未执行，未写入任何记录：发现 1 处错误，涉及 1 行"), body
    assert set(body) == {"code", "message", "field", "errors", "correlation_id"}


def test_the_ledger_backfill_refusal_names_its_sheet() -> None:
    """The backfill's rows are read by `read_upload` and refused by `importing.import_file` raising
    the same `Problems` after its checks (here: a heading it does not know, refused by the reader)."""
    content = shown_workbook(("说明", "visible", [["填写说明"]]), (SHEET, "visible", [["不认识的列"], ["x"]]))
    with pytest.raises(ImportRejectedError) as caught:
        read_upload(content)
    body = answered(caught.value)
    assert body["sheet"] == SHEET and f"工作表「{SHEET}」中" in body["message"], body
    read = read_upload(workbook([["类型", "开始时间"], ["法律咨询", "不是时间"]]))
    read.problems.add(2, "kind", "其他检查")  # import_file's checks add to the same problems
    with pytest.raises(ImportRejectedError) as caught:
        read.problems.raise_if_any()
    assert answered(caught.value)["sheet"] == "Sheet"


@pytest.mark.parametrize(
    ("columns", "rows"),
    [
        (division_import.COLUMNS, [["代码", "名称"], ["621025100201", ""]]),
        (roster_rows.COLUMNS, [["单位名称", "顾问姓名"], ["甘肃正大律师事务所", "李建国"]]),
    ],
    ids=["divisions", "roster"],
)
def test_the_registry_imports_refusals_name_their_sheet(columns: Any, rows: list[list[str]]) -> None:
    body = answered(rejected(shown_workbook(("名单", "visible", rows)), columns))
    assert body["sheet"] == "名单" and "工作表「名单」中" in body["message"], body


# ---- 2. a chart sheet is no worksheet ---------------------------------------------------------


def with_charts(
    *charts: tuple[int, str, bool], data: list[list[Any]] | None = None, title: str = "数据"
) -> bytes:
    """A workbook of one worksheet `title` holding `data` (none: no worksheet), and chart sheets
    (index, title, with a chart drawn or blank) placed before or after it."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in data or [["1"], ["2"]]:
        sheet.append(row)
    for index, name, drawn in charts:
        chart_sheet = book.create_chartsheet(name, index=index)
        if drawn:
            chart = BarChart()
            chart.add_data(Reference(sheet, min_col=1, min_row=1, max_row=2))
            chart_sheet.add_chart(chart)
    if data is None:
        book.remove(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("charts", "template"),
    [
        ([(0, "图表", False)], None),
        ([(0, "图表", True)], None),
        ([(0, "图表1", False), (1, "图表2", True)], None),
        ([(0, "数据表", False)], "数据表"),  # a chart sheet titled as the template's sheet
        ([(1, "图表", False)], None),  # a chart sheet after the data
    ],
    ids=["blank chart sheet first", "chart sheet with a chart first", "two chart sheets first",
         "a chart sheet with the template's title", "chart sheet last"],
)  # fmt: skip
def test_a_workbook_with_chart_sheets_is_read_from_its_first_worksheet_with_values(
    charts: list[tuple[int, str, bool]], template: str | None
) -> None:
    read = read_sheet(with_charts(*charts, data=DATA, title="村名单"), COLUMNS, sheet=template)
    read.problems.raise_if_any()
    assert (read.name, read.rows) == ("村名单", [(2, {"code": "621025100201", "name": "西头村"})])


def test_the_ledger_template_sheet_is_read_behind_a_chart_sheet() -> None:
    heading = ["类型", "法律顾问编号"]
    read = read_upload(with_charts((0, "统计图", False), data=[heading, ["法律咨询", "A-1"]], title=SHEET))
    assert read.name == SHEET and read.count == 1


def only_hidden() -> bytes:
    """A workbook whose one worksheet is hidden: Excel and openpyxl never save one, another program
    may (written here into the saved workbook's part)."""
    source = zipfile.ZipFile(io.BytesIO(workbook(DATA)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as packed:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b'state="visible"', b'state="hidden"')
                assert b'state="hidden"' in data
            packed.writestr(item.filename, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        with_charts((0, "图表", False)),
        with_charts((0, "图表", True), (1, "图表2", False)),
        only_hidden(),
    ],
    ids=["one blank chart sheet", "chart sheets only", "hidden worksheets only"],
)
def test_a_workbook_without_a_worksheet_to_read_is_refused_saying_so(content: bytes) -> None:
    error = rejected(content)
    assert error.status == 422 and "sheet" not in answered(error)
    assert [(p.row, p.column, p.reason) for p in error.problems] == [(0, "文件", sheet_sources.NO_WORKSHEET)]
    assert "图表工作表" in sheet_sources.NO_WORKSHEET


def test_a_sheet_without_data_rows_is_named_as_a_reader_can_see_it() -> None:
    # a title with a U+202E was written as it came: the rest of 没有数据行… showed reversed
    error = rejected(shown_workbook(("台账\u202e表", "visible", [HEAD])))
    reasons = [e["reason"] for e in answered(error)["errors"]]
    assert any("工作表「台账<U+202E>表」没有数据行" in r for r in reasons), reasons
    assert not any("\u202e" in r for r in reasons), reasons
