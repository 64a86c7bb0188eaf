"""The one spreadsheet reader refuses files that unpack to more than an import holds (row, character,
line and unpacked-size bounds, XLSX and CSV), reads CR-only CSV, answers every file problem in
Chinese, refuses a file without data rows, and reads identifiers by the API's digit rule."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from eventkit import sheet_sources
from eventkit.import_errors import ImportRejectedError
from eventkit.spreadsheets import Column, Kind, read_sheet
from openpyxl import Workbook
from support.sheets import workbook

COLUMNS = (
    Column("code", ("代码",), Kind.identifier, required=True),
    Column("name", ("名称",)),
    Column("phone", ("电话",), Kind.identifier),
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def with_sheet_xml(rows_xml: bytes, dimension: bytes = b"") -> bytes:
    """A real workbook whose first sheet's XML is replaced (compressed: a tiny file)."""
    source = zipfile.ZipFile(io.BytesIO(workbook([["代码", "名称"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as packed:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = (f'<worksheet xmlns="{MAIN}">'.encode() + dimension + b"<sheetData>"
                        + rows_xml + b"</sheetData></worksheet>")  # fmt: skip
            packed.writestr(item.filename, data)
    return out.getvalue()


def cell(text: str) -> bytes:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def file_problem(content: bytes) -> str:
    """The one file-level reason of a refused file."""
    with pytest.raises(ImportRejectedError) as caught:
        read_sheet(content, COLUMNS)
    problems = caught.value.problems
    assert [(p.row, p.column) for p in problems] == [(0, "文件")], problems
    return problems[0].reason


def chinese(reason: str) -> bool:
    """No English words in the reason (format names like CSV and XLSX aside)."""
    return not re.search(r"[A-Za-z]{2,}", reason.replace("CSV", "").replace("XLSX", "").replace("Excel", ""))


# --- bounds: a small file that unpacks to too much is refused part-way, not unpacked whole ---


def test_an_xlsx_with_more_rows_than_an_import_holds_is_refused() -> None:
    heading = b"<row>" + cell("代码") + cell("名称") + b"</row>"
    content = with_sheet_xml(
        heading + (b"<row>" + cell("1") + cell("x") + b"</row>") * (sheet_sources.MAX_ROWS + 5)
    )
    assert len(content) < 1024 * 1024  # the bomb is small; what it unpacks to is not
    reason = file_problem(content)
    assert reason == f"行数过多（上限 {sheet_sources.MAX_ROWS} 行数据），请分批导入"


def test_an_xlsx_at_the_row_bound_is_read() -> None:
    heading = b"<row>" + cell("代码") + cell("名称") + b"</row>"
    body = b"<row>" + cell("621025100201") + cell("x") + b"</row>"
    sheet = read_sheet(with_sheet_xml(heading + body * sheet_sources.MAX_ROWS), COLUMNS)
    assert sheet.count == sheet_sources.MAX_ROWS and not sheet.problems


def test_an_xlsx_of_long_cells_is_refused_past_the_character_bound() -> None:
    width = 30_000
    rows = sheet_sources.MAX_CHARS // width + 2
    heading = b"<row>" + cell("代码") + cell("名称") + b"</row>"
    body = (b"<row>" + cell("1") + cell("x" * width) + b"</row>") * rows
    content = with_sheet_xml(heading + body, b'<dimension ref="A1:B2300"/>')
    assert "个字符" in file_problem(content) and "请分批导入" in file_problem(content)


def test_a_row_numbered_past_excels_last_row_is_refused_not_padded() -> None:
    forged = b'<dimension ref="A1:XFD1048577"/>'
    rows = (b'<row r="1">' + cell("代码") + b"</row>"
            + b'<row r="1048577">' + cell("1") + b"</row>")  # fmt: skip
    assert (
        file_problem(with_sheet_xml(rows, forged))
        == "行数过多（含空行超过 1048576 行），请删除多余的空行或分批导入"
    )


def test_a_forged_dimension_does_not_pad_every_row() -> None:
    rows = b'<row r="1">' + cell("代码") + b'</row><row r="2">' + cell("621025100201") + b"</row>"
    sheet = read_sheet(with_sheet_xml(rows, b'<dimension ref="A1:XFD1048576"/>'), COLUMNS)
    assert sheet.rows == [(2, {"code": "621025100201"})]


def test_an_xlsx_unpacking_past_the_size_bound_is_refused_before_it_is_opened(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sheet_sources, "MAX_UNPACKED", 64 * 1024)
    content = with_sheet_xml(b"<row>" + cell("代码") + b"</row>" + b"<row/>" * 20_000)
    assert file_problem(content) == "Excel 文件解压后过大（超过 0 MB），请分批导入"


def test_a_csv_with_more_rows_than_an_import_holds_is_refused() -> None:
    content = "代码,名称\n".encode() + b"621025100201,x\n" * (sheet_sources.MAX_ROWS + 1)
    assert file_problem(content) == f"行数过多（上限 {sheet_sources.MAX_ROWS} 行数据），请分批导入"


def test_a_csv_of_blank_lines_is_refused_past_the_line_bound() -> None:
    content = "代码,名称\n".encode() + b",\n" * sheet_sources.MAX_LINES
    assert file_problem(content).startswith("行数过多（含空行超过")


# --- CSV line endings and format errors ---


def test_a_csv_with_cr_only_line_endings_is_read() -> None:
    content = '代码,名称\r621025100201,西头村\r621025100202,"东头\r村"\r'.encode()
    sheet = read_sheet(content, COLUMNS)
    assert sheet.rows == [(2, {"code": "621025100201", "name": "西头村"}),
                          (3, {"code": "621025100202", "name": "东头\r村"})]  # fmt: skip


def test_a_csv_format_error_is_answered_in_chinese_by_row_and_column() -> None:
    # The reader is strict about quotes (tests/unit/test_sheet_reader_reads_what_is_seen.py): a
    # quote that does not pair is a problem of its row and column, no longer "near line 2".
    with pytest.raises(ImportRejectedError) as caught:
        read_sheet('代码,名称\n621025100201,"西头"村\n'.encode(), COLUMNS).problems.raise_if_any()
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (2, "名称") and chinese(problem.reason), problem


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04" + b"\x00" * 200, workbook([["代码"], ["621025100201"]])[:900], b"PK\x03\x04garbage"],
    ids=["zeros", "truncated", "garbage"],
)
def test_a_damaged_xlsx_is_one_chinese_file_problem(content: bytes) -> None:
    reason = file_problem(content)
    assert reason == "Excel 文件已损坏或不完整，无法读取。请在 Excel 或 WPS 中打开后重新保存为 .xlsx 再上传"


# --- a file without data rows ---


@pytest.mark.parametrize(
    ("content", "named"),
    [
        ("代码,名称\r\n".encode(), "文件"),
        ("代码,名称\r\n,\r\n\r\n".encode(), "文件"),
        (workbook([["代码", "名称"]]), "工作表「Sheet」"),
        (workbook([["代码", "名称"], [None, None]]), "工作表「Sheet」"),
        (workbook([]), "工作表「Sheet」"),
        (workbook([], []), "工作表「Sheet」"),
    ],
    ids=[
        "csv heading only",
        "csv blank rows",
        "xlsx heading only",
        "xlsx blank row",
        "xlsx empty",
        "xlsx two empty sheets",
    ],
)
def test_a_file_without_data_rows_is_refused(content: bytes, named: str) -> None:
    assert file_problem(content) == f"{named}没有数据行：第 1 行应为表头，第 2 行起每行一条记录"


def test_an_xlsx_whose_first_sheet_is_empty_is_read_from_the_first_sheet_with_values() -> None:
    sheet = read_sheet(workbook([], [["代码", "名称"], ["621025100201", "西头村"]]), COLUMNS)
    assert sheet.rows == [(2, {"code": "621025100201", "name": "西头村"})]


def test_a_heading_only_second_sheet_behind_an_empty_first_is_named() -> None:
    assert file_problem(workbook([], [["代码", "名称"]])).startswith("工作表「表2」没有数据行")


# --- merged cells: a merged range holds its value in its first cell only ---


def merged(*ranges: str, sheets: int = 1) -> bytes:
    """Three data rows of one village and unit; `ranges` merged on the sheet that holds them (the
    second of two when `sheets` is 2, behind an empty first)."""
    book = Workbook()
    first = book.active
    assert first is not None
    sheet = first if sheets == 1 else book.create_sheet("表2")
    for row in (["代码", "名称", "电话"], ["621025100201", "西头村", "13900000001"],
                ["621025100202", "西头村", "13900000002"], ["621025100203", "西头村", ""]):  # fmt: skip
        sheet.append(row)
    for cells in ranges:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "named"),
    [
        # before: rows 3 and 4 read without a name (an optional column: dropped silently)
        (merged("B2:B4"), "工作表「Sheet」有合并单元格（B2:B4）"),
        # before: rows 3 and 4 refused as 不能为空 for a code shown on screen
        (merged("A2:A3", "C3:C4"), "工作表「Sheet」有合并单元格（A2:A3、C3:C4）"),
        (merged("B2:C2"), "工作表「Sheet」有合并单元格（B2:C2）"),  # across: C2 read as blank
        (merged("A1:B1"), "工作表「Sheet」有合并单元格（A1:B1）"),  # a heading over two columns
        (merged("B2:B3", sheets=2), "工作表「表2」有合并单元格（B2:B3）"),
        # named in reading order; a "merge" of one cell loses nothing and is not named
        (merged("C3:C4", "B2:C2", "A1:A1", "A3:A4"), "（B2:C2、A3:A4、C3:C4）"),
    ],
    ids=["down", "two", "across", "heading", "second sheet", "reading order"],
)
def test_a_sheet_with_merged_cells_is_refused_naming_them(content: bytes, named: str) -> None:
    reason = file_problem(content)
    assert named in reason and "取消合并" in reason, reason


def test_more_than_five_merged_ranges_are_named_five_and_so_on() -> None:
    reason = file_problem(merged(*(f"B{n}:C{n}" for n in range(2, 5)), "A5:A6", "A7:A8", "A9:A10"))
    assert "（B2:C2、B3:C3、B4:C4、A5:A6、A7:A8等）" in reason, reason


def test_a_sheet_without_merged_cells_is_read_as_before() -> None:
    assert read_sheet(merged(), COLUMNS).count == 3
    # an empty first sheet's merges are not the data sheet's
    book = Workbook()
    first = book.active
    assert first is not None
    first.merge_cells("A1:B2")
    data = book.create_sheet("表2")
    data.append(["代码", "名称"])
    data.append(["621025100201", "西头村"])
    out = io.BytesIO()
    book.save(out)
    assert read_sheet(out.getvalue(), COLUMNS).count == 1


# --- identifiers are read by the API's rule ---


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("６２１０２５３９０２０１", "621025390201"),
        (" ６２１０２５１００２０１ ", "621025100201"),
        ("١٣٩٠٩٣٤٠٠٠٠", "13909340000"),  # Arabic-Indic digits
        ("１３９-０９３４", "139-0934"),
    ],
)
def test_identifier_cells_are_read_by_the_apis_digit_rule(written: str, read: str) -> None:
    content = text_csv(["代码", "电话"], [written, written])
    assert read_sheet(content, COLUMNS).rows == [(2, {"code": read, "phone": read})]
    assert read_sheet(workbook([["代码", "电话"], [written, written]]), COLUMNS).rows == [
        (2, {"code": read, "phone": read})
    ]


def test_text_cells_keep_their_full_width_digits() -> None:
    content = text_csv(["代码", "名称"], ["621025100201", "第１组"])
    assert read_sheet(content, COLUMNS).rows == [(2, {"code": "621025100201", "name": "第１组"})]


def text_csv(*rows: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def test_a_large_sheet_without_a_dimension_is_refused_before_openpyxl_parses_it_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sheet_sources, "MAX_UNSIZED", 64 * 1024)
    rows = (
        b"<row>" + cell("代码") + b"</row>" + b"<row/>" * 20_000 + b"<row>" + cell("621025100201") + b"</row>"
    )
    reason = file_problem(with_sheet_xml(rows))
    assert reason.startswith("Excel 工作表缺少表格范围信息且解压后超过"), reason
    sized = read_sheet(with_sheet_xml(rows, b'<dimension ref="A1:A20002"/>'), COLUMNS)
    assert sized.rows == [(20_002, {"code": "621025100201"})]  # with its dimension: walked row by row


def test_an_xlsx_whose_shared_strings_unpack_past_their_bound_is_refused_before_they_are_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sheet_sources, "MAX_SHARED_STRINGS", 1024)
    source = zipfile.ZipFile(io.BytesIO(workbook([["代码", "名称"], ["621025100201", "西头村"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as packed:
        for item in source.infolist():
            packed.writestr(item.filename, source.read(item.filename))
        strings = "".join(f"<si><t>第{i}村</t></si>" for i in range(200))
        packed.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{strings}</sst>')
    content = out.getvalue()
    assert file_problem(content) == "Excel 文件中的文字过多（解压后超过 0 MB），请分批导入"
