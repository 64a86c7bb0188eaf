"""The one spreadsheet reader of every import (pure): headings, encodings, Excel cell types, dates,
long identifiers, bad cells and row numbers. Every problem is a row/column answer, never a crash."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from typing import Any

import pytest
from eventkit.import_errors import ImportRejectedError
from eventkit.sheet_cells import _CONTROL, cell_text
from eventkit.spreadsheets import Column, Kind, read_sheet
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from vc_contracts.text import invisible_character

COLUMNS = (
    Column("code", ("代码",), Kind.identifier, required=True),
    Column("name", ("名称",)),
    Column("level", ("级别",)),
    Column("since", ("起始日期",), Kind.date),
    Column("start", ("开始时间", "日期"), Kind.datetime),
)


def xlsx(*rows: list[Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def text_csv(*rows: list[str], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def refused(content: bytes, columns: tuple[Column, ...] = COLUMNS) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRejectedError) as caught:
        read_sheet(content, columns)
    return [(p.row, p.column, p.reason) for p in caught.value.problems]


def cell_problems(content: bytes) -> list[tuple[int, str, str]]:
    sheet = read_sheet(content, COLUMNS)
    return [(p.row, p.column, p.reason) for p in sheet.problems.found]


def test_columns_are_found_by_alias_and_rows_keep_their_spreadsheet_numbers() -> None:
    sheet = read_sheet(
        "代码, 名称 ,备注\n621025100201,西头村,x\n,,\n621025100202,东头村,\n".encode(), COLUMNS
    )
    assert sheet.headers == {"code": "代码", "name": "名称"}
    assert sheet.rows == [
        (2, {"code": "621025100201", "name": "西头村"}),
        (4, {"code": "621025100202", "name": "东头村"}),
    ]
    assert sheet.count == 2 and not sheet.problems


def test_a_gb18030_csv_with_a_row_number_column_is_read() -> None:
    content = text_csv(["序号", "代码", "名称"], ["1", "621025100201", "西头村"], encoding="gb18030")
    assert read_sheet(content, COLUMNS).rows == [(2, {"code": "621025100201", "name": "西头村"})]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_csv_with_a_byte_order_mark_in_either_encoding_is_read(encoding: str) -> None:
    # before: GB18030's own mark (84 31 95 33) stayed on the first heading: 缺少必需的列“代码”
    sheet = read_sheet("\ufeff代码,名称\n621025100201,西头村\n".encode(encoding), COLUMNS)
    assert sheet.rows == [(2, {"code": "621025100201", "name": "西头村"})]


def test_a_row_number_column_is_ignored_even_where_unknown_headings_are_refused() -> None:
    sheet = read_sheet("序号,代码\n1,621025100201\n".encode("utf-8-sig"), COLUMNS, unknown="refuse")
    assert sheet.rows == [(2, {"code": "621025100201"})]
    with pytest.raises(ImportRejectedError) as caught:
        read_sheet("签名,代码\n李,621025100201\n".encode(), COLUMNS, unknown="refuse")
    assert [(p.row, p.column) for p in caught.value.problems] == [(1, "签名")]


@pytest.mark.parametrize(
    ("heading", "shown"),
    [
        ("签\u202e名", "签<U+202E>名"),  # a U+202E showed the rest of the page's reason reversed
        ("签\x00名", "签<U+0000>名"),  # a NUL inside a Chinese sentence
        ("签\u200b名", "签<U+200B>名"),  # zero-width: looked like 签名
        ("表" * 3000, "表" * 40 + "…"),  # 3,000 characters, twice in the reason and again as the column
    ],
    ids=["bidi", "nul", "zero-width", "long"],
)
def test_an_unknown_heading_is_quoted_as_a_reader_can_see_it(heading: str, shown: str) -> None:
    # given a file whose heading no column has, when it is read, then the refusal quotes the heading
    # with each invisible character named by its code point and a long one cut: it was echoed as sent
    with pytest.raises(ImportRejectedError) as caught:
        read_sheet(f"{heading},代码\n李,621025100201\n".encode(), COLUMNS, unknown="refuse")
    [problem] = caught.value.problems
    assert problem.column == shown
    assert problem.reason.startswith(f"第 1 行「{shown}」：无法识别的表头「{shown}」，")
    assert heading not in problem.reason and heading not in problem.field


def test_a_long_unreadable_date_is_quoted_cut_not_whole() -> None:
    # a 3,000-character cell under 起始日期 was echoed whole in its row's reason
    [(_, _, reason)] = cell_problems(f"代码,起始日期\n621025100201,{'日' * 3000}\n".encode())
    assert f"「{'日' * 40}…」" in reason and "日" * 41 not in reason


@pytest.mark.parametrize(
    ("heading", "names"),
    [
        ("代码,开始时间,日期", ("开始时间", "日期")),  # two headings meaning the start: later used to win
        ("代码,名称,名称", ("名称", "名称")),  # one heading twice
        ("代码,code", ("代码", "code")),  # alias and field name
        ("代码,名 称", None),  # spaces do not make another column
    ],
    ids=["start-and-date", "same-heading-twice", "alias-and-name", "no-duplicate"],
)
def test_two_headings_for_one_column_are_refused_naming_both(
    heading: str, names: tuple[str, str] | None
) -> None:
    cells = ",".join(["621025100201", "a", "b"][: heading.count(",") + 1])  # none without a heading
    content = f"{heading}\n{cells}\n".encode()
    if names is None:
        assert read_sheet(content, COLUMNS).rows
        return
    [(row, _, reason)] = refused(content)
    assert row == 1 and all(f"「{n}」" in reason for n in names) and "只保留其中一列" in reason


def test_a_missing_required_column_is_named_on_row_one() -> None:
    assert [(r, c) for r, c, _ in refused("名称\n西头村\n".encode())] == [(1, "代码")]


@pytest.mark.parametrize(
    "content", [b"", b"  \n", b"\xff\xfe\x00garbage\xff", b"PK\x03\x04 not a workbook"],
    ids=["empty", "blank", "undecodable", "damaged-xlsx"],
)  # fmt: skip
def test_an_unreadable_file_is_refused_as_a_whole(content: bytes) -> None:
    assert [(r, c) for r, c, _ in refused(content)] == [(0, "文件")]


def test_excel_numbers_and_dates_come_back_as_written() -> None:
    content = xlsx(
        ["代码", "名称", "级别", "起始日期", "开始时间"],
        [621025100201, "西头村", 3, datetime(2025, 1, 2), datetime(2025, 1, 2, 9, 30)],  # noqa: DTZ001 (a sheet's cells hold wall-clock time)
        [621025100202.0, "东头村", 2.5, date(2025, 3, 31), date(2025, 3, 31)],
    )
    rows = [values for _, values in read_sheet(content, COLUMNS).rows]
    assert [r["code"] for r in rows] == ["621025100201", "621025100202"]
    assert [r["level"] for r in rows] == ["3", "2.5"]
    assert [r["since"] for r in rows] == ["2025-01-02", "2025-03-31"]
    assert [r["start"] for r in rows] == ["2025-01-02T09:30:00+08:00", "2025-03-31T00:00:00+08:00"]


@pytest.mark.parametrize(
    "value",
    [16210201234567800, 1.62102012345678e16, 621025100201.5, 1234567890123456],
    ids=["17-digit-licence", "as-float", "fraction", "16-digits"],
)
def test_an_identifier_excel_cannot_hold_exactly_is_refused_asking_for_a_text_column(value: float) -> None:
    [(row, column, reason)] = cell_problems(xlsx(["代码", "名称"], [value, "x"], [621025100201, "y"]))
    assert (row, column) == (2, "代码") and "请将该列设置为文本格式" in reason


def test_an_identifier_shown_in_scientific_notation_in_a_csv_is_refused() -> None:
    [(row, column, reason)] = cell_problems("代码,名称\n1.62102E+16,x\n".encode())
    assert (row, column) == (2, "代码") and "请将该列设置为文本格式" in reason


def test_fifteen_digits_and_text_cells_are_kept_exactly() -> None:
    sheet = read_sheet(xlsx(["代码"], [999999999999999], ["16210201234567891"]), COLUMNS)
    assert [v["code"] for _, v in sheet.rows] == ["999999999999999", "16210201234567891"]


@pytest.mark.parametrize(
    "written",
    ["2026/12/1", "2026-12-01", "2026-12-1", "2026年12月1日", "2026.12.1", " 2026 / 12 / 1 "],
)
def test_the_date_forms_excel_writes_on_chinese_windows_are_read(written: str) -> None:
    sheet = read_sheet(f"代码,起始日期\n621025100201,{written}\n".encode("gb18030"), COLUMNS)
    assert sheet.rows[0][1]["since"] == "2026-12-01"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2026/12/1 9:30", "2026-12-01T09:30:00+08:00"),
        ("2026/12/1 9:30:15", "2026-12-01T09:30:15+08:00"),
        ("2026年12月1日 09:30", "2026-12-01T09:30:00+08:00"),
        ("2026-12-01T01:30:00Z", "2026-12-01T09:30:00+08:00"),
        ("2026-12-01 09:30", "2026-12-01T09:30:00+08:00"),
        ("2026/12/1", "2026-12-01T00:00:00+08:00"),
    ],
)
def test_times_are_read_in_china_standard_time(written: str, expected: str) -> None:
    sheet = read_sheet(f"代码,开始时间\n621025100201,{written}\n".encode(), COLUMNS)
    assert sheet.rows[0][1]["start"] == expected


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("起始日期", "2026/2/30"),
        ("起始日期", "明天"),
        ("起始日期", "0001-01-01"),
        ("开始时间", "0001-01-01T00:00:00"),
        ("开始时间", "9999/12/31 23:00"),
        ("开始时间", "25:00"),
        ("起始日期", 46357),
    ],
)
def test_a_date_that_is_no_date_is_a_row_error(column: str, value: object) -> None:
    [(row, named, _)] = cell_problems(xlsx(["代码", column], ["621025100201", value]))
    assert (row, named) == (2, column)


def test_a_time_only_cell_in_a_date_column_is_a_row_error() -> None:
    [(row, named, _)] = cell_problems(xlsx(["代码", "起始日期"], ["621025100201", time(9, 30)]))
    assert (row, named) == (2, "起始日期")


@pytest.mark.parametrize(
    "text", ["微信群答复\x00土地流转", "退格\x08", "x" * 32_768, "y" * 131_073],
    ids=["nul", "control", "over-excel-cell", "over-csv-field-limit"],
)  # fmt: skip
def test_a_bad_text_cell_is_a_row_error_and_its_row_is_left_out(text: str) -> None:
    content = text_csv(["代码", "名称"], ["621025100201", "好"], ["621025100202", text])
    sheet = read_sheet(content, COLUMNS)
    assert [(p.row, p.column, p.field) for p in sheet.problems.found] == [(3, "名称", "rows[3].name")]
    assert sheet.rows == [(2, {"code": "621025100201", "name": "好"})] and sheet.count == 2


HEADLESS = "没有表头，该单元格的内容不会被导入：请补上表头或删除该单元格"


@pytest.mark.parametrize("make", [text_csv, xlsx], ids=["csv", "xlsx"])
def test_a_value_right_of_the_header_is_a_problem_of_its_row_naming_the_column(make: Any) -> None:
    content = make(["代码", "名称"], ["621025100201", "好", "extra", "extra2"], ["621025100202", "东"])
    sheet = read_sheet(content, COLUMNS)
    assert [(p.row, p.column, p.field, p.reason) for p in sheet.problems.found] == [
        (2, "第 C 列", "rows[2].column_C", f"第 2 行「第 C 列」：第 C 列{HEADLESS}"),
        (2, "第 D 列", "rows[2].column_D", f"第 2 行「第 D 列」：第 D 列{HEADLESS}"),
    ]
    # the row is never imported, but its other cells are still handed over to be checked
    assert sheet.rows == [(3, {"code": "621025100202", "name": "东"})]
    assert sheet.partial == [(2, {"code": "621025100201", "name": "好"})] and sheet.count == 2


@pytest.mark.parametrize("make", [text_csv, xlsx], ids=["csv", "xlsx"])
def test_a_value_under_a_blank_heading_is_a_problem_of_its_row(make: Any) -> None:
    content = make(["代码", "", "名称"], ["621025100201", "丢了", "好"], ["", "只有它", ""])
    assert [(p.row, p.column) for p in read_sheet(content, COLUMNS).problems.found] == [
        (2, "第 B 列"), (3, "第 B 列"),
    ]  # fmt: skip


def test_empty_cells_without_a_heading_are_no_problem() -> None:
    content = b"\xe4\xbb\xa3\xe7\xa0\x81,\n621025100201,,, \n621025100202,,\n"  # 代码 and trailing commas
    sheet = read_sheet(content, COLUMNS)
    assert not sheet.problems and len(sheet.rows) == 2
    book = Workbook()
    page = book.active
    assert page is not None
    page.append(["代码", "名称"])
    page.append(["621025100201", "好"])
    page["E2"].number_format = "0.00"  # formatting only: openpyxl reads no value
    page["F1"].number_format = "@"
    out = io.BytesIO()
    book.save(out)
    sheet = read_sheet(out.getvalue(), COLUMNS)
    assert not sheet.problems and sheet.rows == [(2, {"code": "621025100201", "name": "好"})]


@pytest.mark.parametrize("make", [text_csv, xlsx], ids=["csv", "xlsx"])
def test_a_cell_over_excels_limit_never_states_a_count_it_cannot_know(make: Any) -> None:
    # openpyxl reads an XLSX cell cut to 32,767 characters: "现有 32767 个" would be false
    content = make(["代码", "名称"], ["621025100201", "长" * 40_000])
    [(row, column, reason)] = cell_problems(content)
    assert (row, column) == (2, "名称")
    assert "超过 32767 个字符（Excel 单元格的上限）" in reason and "40000" not in reason
    assert "现有" not in reason


def test_line_breaks_and_tabs_inside_a_cell_are_kept() -> None:
    content = text_csv(["代码", "名称"], ["621025100201", "第一行\n第二行\t尾"])
    assert read_sheet(content, COLUMNS).rows[0][1]["name"] == "第一行\n第二行\t尾"


@given(st.lists(st.text(max_size=40), min_size=1, max_size=6), st.lists(st.text(max_size=30), max_size=6))
def test_any_csv_is_read_or_refused_never_crashed_on(heading: list[str], cells: list[str]) -> None:
    content = text_csv(heading, cells)
    try:
        sheet = read_sheet(content, COLUMNS)
    except ImportRejectedError as exc:
        assert exc.problems and all(p.row in (0, 1) for p in exc.problems)
    else:
        assert all(p.row >= 2 for p in sheet.problems.found)


CONTROL = [chr(c) for c in [*range(0x20), 0x7F]]


@given(
    st.text(
        alphabet=st.one_of(st.characters(blacklist_categories=()), st.sampled_from([*CONTROL, " ", "\u3000"]))
    ),
    st.sampled_from([Kind.text, Kind.identifier]),
)
def test_a_cell_is_refused_for_control_characters_exactly_as_the_full_check_says(
    value: str, kind: Kind
) -> None:
    """The reader skips its control-character search for printable cells: same answer for any text.
    A character drawn as nothing (U+00AD, U+202E...) is refused by the request bodies' rule, named."""
    text = value.strip()
    try:
        read = cell_text(value, kind)
    except ValueError as exc:
        read = str(exc)
    if _CONTROL.search(text):  # the full check: TAB, LF and CR are allowed, no other control
        assert "控制字符" in read
    elif (invisible := invisible_character(text)) is not None:
        assert read == f"{invisible}，请删除后重新上传"
    elif kind is Kind.text:
        assert read == text


def test_a_soft_hyphen_in_a_cell_is_refused_by_name() -> None:
    """Found by the property above once U+00AD joined the invisible characters: `cell_text` refuses
    it (as a request body's text is refused), it does not keep it as a name that looks like another."""
    with pytest.raises(ValueError, match="U\\+00AD"):
        cell_text("某\u00ad律所", Kind.text)


@given(st.integers(min_value=-(10**18), max_value=10**18))
def test_an_identifier_number_is_kept_exactly_or_refused_never_changed(number: int) -> None:
    content = xlsx(["代码"], [number])
    sheet = read_sheet(content, COLUMNS)
    if abs(number) < 10**15:
        assert sheet.rows == [(2, {"code": str(number)})]
    else:
        assert [p.row for p in sheet.problems.found] == [2] and sheet.rows == []


def test_no_two_columns_of_an_import_share_a_heading() -> None:
    from eventkit.spreadsheets import _norm  # noqa: PLC0415
    from ledger.application.import_columns import COLUMNS as LEDGER  # noqa: PLC0415
    from registry.application.division_import import COLUMNS as DIVISIONS  # noqa: PLC0415
    from registry.application.roster_rows import COLUMNS as ROSTER  # noqa: PLC0415

    for columns in (LEDGER, DIVISIONS, ROSTER):
        headings = [_norm(h) for c in columns for h in {c.name, *c.aliases}]
        assert len(headings) == len(set(headings)), [h for h in headings if headings.count(h) > 1]


@pytest.mark.parametrize("name", ["\u3164", "某\u3164律所", "\uffa0", "张\u115f三"])
@pytest.mark.parametrize("maker", ["csv", "xlsx"])
def test_a_printable_invisible_character_in_a_cell_is_refused_by_row_and_column(
    name: str, maker: str
) -> None:
    """A Hangul filler is printable: the reader's fast path (`isprintable()`) took a name of one
    U+3164 as a name, shown empty on every page. It is refused as `cell_text` refuses it."""
    rows = (["代码", "名称"], ["621025100201", name])
    content = text_csv(*rows) if maker == "csv" else xlsx(*rows)
    sheet = read_sheet(content, COLUMNS)
    assert sheet.rows == [] and [(p.row, p.field) for p in sheet.problems.found] == [(2, "rows[2].name")]
    assert "不可见的字符 U+" in sheet.problems.found[0].reason


@pytest.mark.parametrize(
    ("cell", "column"),
    [
        # a time with a fraction of a second: its check searches the cell, so text after it came along
        (f"2026-01-05 09:00:00.5 {'备注' * 1500}", "开始时间"),
        (f"{'1' * 3000}E5", "代码"),  # a long number Excel shows in scientific notation
    ],
    ids=["fraction-of-a-second", "scientific"],
)
def test_other_unreadable_cells_are_quoted_cut_not_whole(cell: str, column: str) -> None:
    # the reasons of session 34's quoting rule that still wrote the cell as it came (3,000 characters)
    [(_, _, reason)] = cell_problems(
        f"代码,{column if column != '代码' else '名称'}\n".encode() + _row(cell, column)
    )
    assert "…」" in reason and cell not in reason and len(reason) < 300, reason[:120]


def _row(cell: str, column: str) -> bytes:
    return (f"{cell},西头村\n" if column == "代码" else f"621025100201,{cell}\n").encode()
