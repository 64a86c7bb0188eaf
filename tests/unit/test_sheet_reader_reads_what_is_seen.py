"""The one spreadsheet reader reads what the person sees: an XLSX is read from its first visible sheet
(a hidden or very hidden one is never read, even when it comes first), or from the sheet a caller's
template names; and a CSV whose double quotes do not pair is refused by the row and the column where
the quote opens, instead of being read with the rest of the row folded into one cell."""

from __future__ import annotations

from typing import Any

import pytest
from eventkit.import_errors import ImportRejectedError
from eventkit.spreadsheets import Column, Kind, read_sheet
from support.sheets import shown_workbook

COLUMNS = (
    Column("code", ("代码",), Kind.identifier, required=True),
    Column("name", ("名称",)),
    Column("note", ("备注",)),
)
HEAD = ["代码", "名称", "备注"]


def rows_of(content: bytes, sheet: str | None = None) -> tuple[str | None, list[tuple[int, dict[str, str]]]]:
    read = read_sheet(content, COLUMNS, sheet=sheet)
    read.problems.raise_if_any()
    return read.name, read.rows


def refused(content: bytes, sheet: str | None = None) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRejectedError) as caught:
        read_sheet(content, COLUMNS, sheet=sheet).problems.raise_if_any()
    return [(p.row, p.column, p.reason) for p in caught.value.problems]


OLD = [HEAD, ["621025100299", "旧表", "old-1"]]
DATA = [HEAD, ["621025100201", "西头村", "xhid-1"]]
SEEN = (2, {"code": "621025100201", "name": "西头村", "note": "xhid-1"})


@pytest.mark.parametrize(
    ("sheets", "template", "read"),
    [
        ([("old", "hidden", OLD), ("data", "visible", DATA)], None, "data"),
        ([("old", "veryHidden", OLD), ("data", "visible", DATA)], None, "data"),
        ([("empty", "visible", []), ("old", "hidden", OLD), ("data", "visible", DATA)], None, "data"),
        ([("data", "visible", DATA), ("old", "visible", OLD)], None, "refused"),
        ([("old", "visible", OLD), ("data", "visible", DATA)], "data", "data"),
        ([("data", "visible", DATA), ("old", "hidden", OLD)], "old", "data"),  # hidden: not even by name
        ([("notes", "visible", [["说明"]]), ("data", "visible", DATA)], "补录台账", "data"),
        ([("notes", "visible", [["说明"]]), ("data", "visible", [])], "补录台账", "notes"),
    ],
    ids=[
        "hidden first sheet",
        "very hidden first sheet",
        "empty, hidden, then data",
        "two visible with data: refused naming both",
        "the template's sheet by name",
        "a hidden sheet by the template's name",
        "no sheet of the template's name: the one with data rows",
        "no sheet with data rows: the first with a value",
    ],
)
def test_an_xlsx_is_read_from_the_sheet_the_person_sees(
    sheets: list[tuple[str, str, list[list[Any]]]], template: str | None, read: str
) -> None:
    content = shown_workbook(*sheets)
    if read == "notes":  # the first visible sheet with a value is read, and its problems name it
        assert "缺少必需的列“代码”" in refused(content, template)[0][2]
        return
    if read == "refused":  # reading one would drop the other's rows without a word
        assert "多个含数据的工作表「data」「old」" in refused(content, template)[0][2]
        return
    assert rows_of(content, template) == (read, [SEEN])


def test_a_workbook_with_values_only_on_hidden_sheets_reads_no_rows() -> None:
    content = shown_workbook(("blank", "visible", []), ("old", "hidden", OLD))
    assert refused(content) == [
        (0, "文件", "工作表「blank」没有数据行：第 1 行应为表头，第 2 行起每行一条记录")
    ]


def test_a_csv_names_no_sheet() -> None:
    assert rows_of("代码,名称,备注\n621025100201,西头村,xhid-1\n".encode()) == (None, [SEEN])


UNCLOSED = "引号未闭合"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('621025100201,"西头村,uq-1\n', (2, "名称", UNCLOSED)),
        ('621025100201,"西头村,uq-1', (2, "名称", UNCLOSED)),  # no line end at the end of the file
        ('621025100201,西头村,x\n621025100202,"东头\n村,y\n', (3, "名称", UNCLOSED)),  # spans lines
        ('621025100201,"西头\n村,y\n621025100202,"东头村",z\n', (2, "名称", UNCLOSED)),  # closed rows later
        ('621025100201,"西头"村,x\n', (2, "名称", "结束的双引号后还有内容")),
        ('621025100201,西"头村,x\n', (2, "名称", "单元格中间有双引号")),
        ('621025100201,西头村,x"\n', (2, "备注", "单元格中间有双引号")),
        ('621025100201, "西头村",x\n', (2, "名称", "单元格中间有双引号")),
    ],
    ids=[
        "unclosed",
        "unclosed at the end without a line end",
        "unclosed over lines to the end",
        "unclosed, closed by a later row's quote",
        "text after the closing quote",
        "stray quote inside a cell",
        "stray quote at a cell's end",
        "space before the opening quote",
    ],
)
def test_a_csv_quote_that_does_not_pair_is_refused_where_it_opens(
    body: str, problem: tuple[int, str, str]
) -> None:
    found = refused(("代码,名称,备注\n" + body).encode())
    row, column, reason = problem
    assert [(r, c) for r, c, _ in found] == [(row, column)], found
    assert found[0][2].startswith(f"第 {row} 行「{column}」：{reason}"), found


def test_a_quote_problem_in_a_column_the_import_ignores_names_its_heading() -> None:
    found = refused('代码,名称,其他\n621025100201,西头村,"x\n'.encode())
    assert [(r, c) for r, c, _ in found] == [(2, "其他")]


def test_a_quote_problem_in_the_heading_is_refused_by_its_column_letter() -> None:
    found = refused('代码,"名称,备注\n621025100201,西头村,x\n'.encode())
    assert [(r, c) for r, c, _ in found] == [(1, "第 B 列")]
    assert UNCLOSED in found[0][2]


@pytest.mark.parametrize(
    "body",
    [
        '621025100201,"西头村, 一组","说 ""是"""\n',
        '621025100201,"西头\r\n村",""\r\n',
        '621025100201,"西头村",x',
        '"621025100201",西头村,\n\n621025100202,"东头村",\n',
    ],
    ids=["commas and doubled quotes", "a line break in a quoted cell", "no line end", "blank line"],
)
def test_quotes_as_excel_writes_them_are_read(body: str) -> None:
    sheet = read_sheet(("代码,名称,备注\n" + body).encode(), COLUMNS)
    assert not sheet.problems and sheet.rows, sheet.problems.found
