"""A file is read as what it is, or refused saying what it is and what to do (one answer for the
whole file, in every import: the one reader, `eventkit.sheet_sources`).

- Text in UTF-16 (a byte-order mark names it: Excel's "Unicode 文本" is UTF-16 LE, tab-separated)
  and CSVs separated by semicolons or tabs are read (they were "无法识别文件编码", or their whole
  header line was one unknown heading).
- A file that only claims to be a sheet (a web page's table saved as .xls, a PDF, an ODS or Numbers
  workbook renamed .xlsx, a Word document, a picture) is refused naming what it is.
- A damaged XLSX (its sheet's XML broken, or a sheet named in the workbook missing from the zip) is
  refused as damaged, not as "not an .xlsx", and never read from another sheet instead.
- A workbook with more than one visible sheet holding data rows is refused naming them, unless it
  has the import template's sheet (read alone): the other sheets were skipped without a word.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from eventkit import sheet_sources
from eventkit.import_errors import ImportRejectedError
from eventkit.spreadsheets import Column, Kind, read_sheet
from registry.application import roster_rows as rr
from support.sheets import shown_workbook, workbook

COLUMNS = (
    Column("code", ("代码",), Kind.identifier, required=True),
    Column("name", ("名称",)),
    Column("note", ("备注",)),
)
HEAD = ["代码", "名称", "备注"]
ROWS = [(2, {"code": "621025100201", "name": "西头村", "note": "x-1"}),
        (3, {"code": "621025100202", "name": "东头村", "note": "x;2"})]  # fmt: skip
TABLE = [HEAD, ["621025100201", "西头村", "x-1"], ["621025100202", "东头村", "x;2"]]


def read(content: bytes, sheet: str | None = None) -> tuple[str | None, list[tuple[int, dict[str, str]]]]:
    found = read_sheet(content, COLUMNS, unknown="refuse", sheet=sheet)
    found.problems.raise_if_any()
    return found.name, found.rows


def whole_file(content: bytes, sheet: str | None = None) -> str:
    """The one reason of a file refused as a whole."""
    with pytest.raises(ImportRejectedError) as caught:
        read_sheet(content, COLUMNS, unknown="refuse", sheet=sheet).problems.raise_if_any()
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (0, "文件"), problem
    assert "整个文件" in str(caught.value), caught.value
    return problem.reason


def text(separator: str) -> str:
    lines = [separator.join(f'"{c}"' if separator in c else c for c in row) for row in TABLE]
    return "\r\n".join(lines) + "\r\n"


# 1. UTF-16 text and other separators


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe" + text(",").encode("utf-16-le"),
        b"\xfe\xff" + text(",").encode("utf-16-be"),
        b"\xff\xfe" + text("\t").encode("utf-16-le"),  # Excel's "Unicode 文本 (*.txt)"
        b"\xfe\xff" + text("\t").encode("utf-16-be"),
        b"\xff\xfe\x00\x00" + text(",").encode("utf-32-le"),
    ],
    ids=["utf-16 le csv", "utf-16 be csv", "excel unicode text", "utf-16 be tab", "utf-32 le csv"],
)
def test_text_whose_byte_order_mark_names_its_encoding_is_read(content: bytes) -> None:
    assert read(content) == (None, ROWS)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_text_marked_twice_is_read(encoding: str) -> None:
    # A CSV saved as UTF-8 with BOM, then converted (`iconv -t UTF-16`, an editor's "save as
    # Unicode"), keeps its old mark as the text's first character behind the new one. The UTF-8
    # and GB18030 readings take it off; the marked readings kept it on the first heading:
    # 无法识别的表头「\ufeff代码」 and 缺少必需的列“代码”, for a file that shows as the template's.
    bom = "\ufeff".encode(encoding)
    assert read(bom + ("\ufeff" + text(",")).encode(encoding)) == (None, ROWS)


@pytest.mark.parametrize(
    "content",
    [text(",").encode("utf-16-le"), text("\t").encode("utf-16-be")],
    ids=["utf-16 le csv", "utf-16 be tab"],
)
def test_utf16_text_without_a_byte_order_mark_is_read_by_where_its_zero_bytes_sit(content: bytes) -> None:
    # Read as UTF-8 (a zero byte is valid UTF-8) every cell held NUL characters, refused cell by cell.
    assert read(content) == (None, ROWS)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_unmarked_utf16_with_characters_whose_code_point_ends_in_00_is_read(encoding: str) -> None:
    # 开 (U+5F00) and 一 (U+4E00) put a zero byte on the other side of their pair: the template's
    # heading 开始时间 is one (tester 25: refused as an unknown encoding)
    table = [HEAD, ["621025100201", "一村开会", "一二一"], ["621025100202", "开一", "一"]]
    content = "\r\n".join(",".join(row) for row in table).encode(encoding)
    assert read(content) == (None, [(2, {"code": "621025100201", "name": "一村开会", "note": "一二一"}),
                                    (3, {"code": "621025100202", "name": "开一", "note": "一"})])  # fmt: skip


@pytest.mark.parametrize(("separator", "named"), [("\t", "制表符"), (";", "分号"), (",", "逗号")])
def test_a_quote_problem_names_the_files_own_separator(separator: str, named: str) -> None:
    # given a cell with text after its closing quote, and one with a quote inside, in a file of this separator
    rows = [separator.join(HEAD), separator.join(["621025100201", '"西头"村', "x"]),
            separator.join(["621025100202", '东"头村', "x"])]  # fmt: skip
    with pytest.raises(ImportRejectedError) as caught:
        read("\r\n".join(rows).encode())
    # then each reason speaks of that separator
    reasons = [p.reason for p in caught.value.problems]
    assert len(reasons) == 2 and all(named in r for r in reasons), reasons
    assert separator == "," or not any("逗号" in r for r in reasons), reasons


def test_a_utf8_csv_with_one_stray_zero_byte_is_not_taken_for_utf16() -> None:
    content = "代码,名称,备注\n621025100201,西头村,x\x00\n".encode()
    with pytest.raises(ImportRejectedError) as caught:
        read(content)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (2, "备注"), problem


@pytest.mark.parametrize("separator", [";", "\t"], ids=["semicolons", "tabs"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_csv_separated_by_semicolons_or_tabs_is_read(separator: str, encoding: str) -> None:
    assert read(text(separator).encode(encoding)) == (None, ROWS)


def test_a_semicolon_csv_keeps_its_quote_checks_by_column() -> None:
    content = '代码;名称;备注\n621025100201;西"头村;x\n'.encode()
    with pytest.raises(ImportRejectedError) as caught:
        read(content)
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (2, "名称") and "单元格中间有双引号" in problem.reason


def test_a_comma_csv_with_semicolons_in_its_cells_stays_comma_separated() -> None:
    content = "代码,名称,备注\n621025100201,西头村,a;b;c\n".encode()
    assert read(content)[1] == [(2, {"code": "621025100201", "name": "西头村", "note": "a;b;c"})]


# 2. Files that are not what their name says


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


HTML = "<html><head><meta charset='utf-8'></head><body><table><tr><td>代码</td></tr></table></body></html>"


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (HTML.encode(), "网页"),
        (b"\xef\xbb\xbf \r\n" + HTML.encode(), "网页"),
        (b"<!DOCTYPE html>\n" + HTML.encode(), "网页"),
        ("<table border=1><tr><th>代码</th><th>名称</th></tr></table>".encode("gb18030"), "网页"),
        (b"\xff\xfe" + HTML.encode("utf-16-le"), "网页"),
        (
            b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
            b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>',
            "XML",
        ),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
        (
            zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}),
            "ODS",
        ),
        (zipped({"Index/Document.iwa": b"\x00", "Metadata/Properties.plist": b"x"}), "Numbers"),
        (zipped({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}), "Word"),
        (zipped({"a.csv": b"1,2"}), "压缩包"),
        (b"MIME-Version: 1.0\r\nX-Document-Type: Workbook\r\n", "网页"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "图片"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "图片"),
    ],
    ids=[
        "html",
        "html after bom and blanks",
        "doctype",
        "bare table gb18030",
        "html utf-16",
        "excel 2003 xml",
        "pdf",
        "ods",
        "numbers",
        "docx",
        "zip of other files",
        "single-file web page (mht)",
        "png",
        "jpeg",
    ],
)
def test_a_file_that_is_not_a_sheet_is_refused_naming_what_it_is(content: bytes, named: str) -> None:
    reason = whole_file(content)
    assert named in reason and ".xlsx" in reason, reason
    assert not re.search(r"[\u4e00-\u9fff][A-Za-z]", reason.split("，")[0]), reason  # 文件是 PDF 文档
    assert "第 1 行" not in reason and "表头" not in reason and "请确认是 .xlsx 格式" not in reason, reason


# 3. Damaged workbooks


def rewritten(content: bytes, parts: dict[str, bytes | None]) -> bytes:
    """`content` (a zip) with `parts` replaced, or left out where None."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            if member.filename not in parts:
                target.writestr(member, source.read(member))
            elif (data := parts[member.filename]) is not None:
                target.writestr(member, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "part", [b"<worksheet><sheetData><row r='1'><c r='A1' t='s'><v>0</v></c>", b"\x00\x01garbage"],
    ids=["cut short", "not xml"],
)  # fmt: skip
def test_an_xlsx_with_a_broken_sheet_is_refused_as_damaged(part: bytes) -> None:
    content = rewritten(workbook(TABLE), {"xl/worksheets/sheet1.xml": part})
    reason = whole_file(content)
    assert "损坏" in reason and "重新保存为 .xlsx" in reason, reason


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04" + b"\x00" * 200, workbook(TABLE)[:900], b"PK\x03\x04garbage"],
    ids=["zeros", "truncated", "garbage"],
)
def test_an_xlsx_cut_short_is_refused_as_damaged(content: bytes) -> None:
    reason = whole_file(content)
    assert "损坏或不完整" in reason, reason


def test_a_sheet_named_in_the_workbook_but_missing_from_the_zip_is_refused_as_damaged() -> None:
    content = shown_workbook(("补录台账", "visible", TABLE), ("说明", "visible", [["填写说明"]]))
    content = rewritten(content, {"xl/worksheets/sheet1.xml": None})
    with pytest.raises(ImportRejectedError) as caught:
        read_sheet(content, COLUMNS, sheet="补录台账").problems.raise_if_any()
    [problem] = caught.value.problems
    assert "「补录台账」" in problem.reason and "损坏" in problem.reason, problem.reason


# 4. More than one sheet with data


def test_two_visible_sheets_with_data_are_refused_naming_them() -> None:
    content = shown_workbook(
        ("一月", "visible", TABLE), ("空表", "visible", []), ("二月", "visible", TABLE),
        ("旧表", "hidden", TABLE),
    )  # fmt: skip
    reason = whole_file(content)
    assert "「一月」「二月」" in reason and "空表" not in reason and "旧表" not in reason, reason
    assert "每次只导入一个工作表" in reason, reason


def test_the_template_sheet_is_read_alone_the_others_may_be_notes() -> None:
    content = shown_workbook(("说明", "visible", TABLE), ("补录台账", "visible", TABLE))
    assert read(content, "补录台账") == ("补录台账", ROWS)


def test_without_the_template_sheet_two_data_sheets_are_refused() -> None:
    content = shown_workbook(("一月", "visible", TABLE), ("二月", "visible", TABLE))
    assert "「一月」「二月」" in whole_file(content, "补录台账")


@pytest.mark.parametrize(
    "notes",
    [[["填写说明：每行一条记录"]], [], [["说明"], [], [None]]],
    ids=["one line", "empty", "title only"],
)
def test_a_sheet_without_data_rows_beside_the_data_is_passed_over(notes: list[list[Any]]) -> None:
    content = shown_workbook(("说明", "visible", notes), ("名单", "visible", TABLE))
    assert read(content) == ("名单", ROWS)


def test_a_roster_file_with_a_second_data_sheet_gets_the_same_answer() -> None:
    content = shown_workbook(
        ("花名册", "visible", [["单位名称"], ["甲律所"]]), ("备份", "visible", [["单位名称"], ["乙律所"]])
    )
    with pytest.raises(ImportRejectedError) as caught:
        read_sheet(content, rr.COLUMNS).problems.raise_if_any()
    assert "「花名册」「备份」" in caught.value.problems[0].reason


def test_the_refusals_are_stated_once_in_the_reader() -> None:
    assert sheet_sources.DAMAGED_XLSX.startswith("Excel 文件已损坏或不完整")
