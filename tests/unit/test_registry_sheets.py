"""Reading uploaded sheets and roster rows (pure): aliases, encodings, Excel cell types, row numbers,
and the deterministic ids that make a re-import change nothing."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from registry.application.import_errors import ImportRejectedError
from registry.application.roster_rows import RosterRow
from registry.application.tabular import read_table
from vc_contracts.catalogue.enums import AdvisorKind, UnitKind

COLUMNS = {"code": ("代码",), "name": ("名称",), "level": ("级别",)}


def test_columns_are_found_by_alias_and_rows_keep_their_spreadsheet_numbers() -> None:
    table = read_table(
        "代码, 名称 ,备注\n621025100201,西头村,x\n,,\n621025100202,东头村,\n".encode(), COLUMNS, {"code"}
    )
    assert table.headers == {"code": "代码", "name": "名称"}
    assert table.rows == [
        (2, {"code": "621025100201", "name": "西头村"}),
        (4, {"code": "621025100202", "name": "东头村"}),
    ]


def test_a_csv_saved_by_excel_in_gb18030_is_read() -> None:
    table = read_table("代码,名称\n621025100201,西头村\n".encode("gb18030"), COLUMNS, {"code"})
    assert table.rows[0][1]["name"] == "西头村"


def test_excel_numbers_and_dates_come_back_as_written() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["代码", "名称", "级别"])
    sheet.append([621025100201, "西头村", datetime(2025, 1, 2)])
    sheet.append([621025100202.0, "东头村", date(2025, 3, 31)])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), COLUMNS, {"code"})
    assert [r["code"] for _, r in table.rows] == ["621025100201", "621025100202"]
    assert [r["level"] for _, r in table.rows] == ["2025-01-02", "2025-03-31"]


@pytest.mark.parametrize(
    ("content", "column"),
    [(b"", "file"), ("名称\n西头村\n".encode(), "code"), (b"\xff\xfe\x00garbage\xff", "file")],
    ids=["empty", "required-column-missing", "undecodable"],
)
def test_an_unreadable_sheet_is_refused_on_row_one(content: bytes, column: str) -> None:
    with pytest.raises(ImportRejectedError) as refused:
        read_table(content, COLUMNS, {"code"})
    assert [(p.row, p.column) for p in refused.value.problems] == [(1, column)]


ROW = {
    "unit_name": "甘肃正大律师事务所",
    "unit_kind": "律师事务所",
    "unit_division_code": "621025",
    "unit_credit_code": "91621025MA71A0001X",
    "advisor_name": "李建国",
    "advisor_kind": "律师",
    "licence_no": "16210201234567890",
    "phone": "13900000001",
    "village_code": "621025100201",
    "valid_from": "2025-01-01",
    "schedule": "每周三",
}


def test_chinese_kinds_are_understood() -> None:
    row = RosterRow.parse(ROW)
    assert (row.unit_kind, row.advisor_kind) == (UnitKind.law_firm, AdvisorKind.lawyer)


def test_ids_derived_from_a_row_are_the_same_every_time() -> None:
    first, again = RosterRow.parse(ROW), RosterRow.parse(dict(ROW))
    assert (first.unit_key, first.advisor_key, first.assignment_key) == (
        again.unit_key,
        again.advisor_key,
        again.assignment_key,
    )
    moved = RosterRow.parse({**ROW, "valid_from": "2025-04-01"})
    assert moved.assignment_key != first.assignment_key and moved.advisor_key == first.advisor_key


def test_ids_given_in_the_sheet_win() -> None:
    row = RosterRow.parse({**ROW, "unit_id": "U-firm-zhengda", "advisor_id": "A-zhengda-1"})
    assert (row.unit_key, row.advisor_key) == ("U-firm-zhengda", "A-zhengda-1")
