"""A refusal of a whole file says what is wrong with the file (session 24's newcomer tester).

- An Excel 97-2003 workbook (.xls, an OLE2 compound file; WPS saves it too) was refused for its
  "text encoding", which sent people to re-save a CSV; it is now named as the old format.
- A refusal whose problems are all of the file as a whole (row 0: empty, no data rows, unreadable)
  said 涉及 1 行 although no row was involved; it now says 整个文件. Row problems still count rows.
"""

from __future__ import annotations

from typing import Any

import pytest
from eventkit import sheet_sources
from eventkit.import_errors import ImportRejectedError
from eventkit.spreadsheets import Column, Kind, read_sheet

COLUMNS = (Column("code", ("代码",), Kind.identifier, required=True), Column("name", ("名称",)))
XLS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "代码,名称".encode("utf-16-le")  # an OLE2 header


def refusal(content: bytes) -> dict[str, Any]:
    with pytest.raises(ImportRejectedError) as caught:
        read_sheet(content, COLUMNS).problems.raise_if_any()
    body: dict[str, Any] = caught.value.body("c-1").model_dump(mode="json")
    return body


def test_an_old_excel_workbook_is_named_as_such() -> None:
    body = refusal(XLS)
    assert [(e["row"], e["reason"]) for e in body["errors"]] == [(0, sheet_sources.OLD_EXCEL)]
    assert ".xls" in body["errors"][0]["reason"] and "编码" not in body["errors"][0]["reason"]


@pytest.mark.parametrize(
    "content",
    [
        # given a file refused as a whole, when answered, then the message names no row count
        XLS,
        b"PK\x03\x04 not a zip",
        "代码,名称\n".encode(),  # a heading and no data rows
    ],
)
def test_a_refusal_of_the_whole_file_says_so_not_one_row(content: bytes) -> None:
    message = refusal(content)["message"]
    assert "（整个文件）" in message and "涉及" not in message, message


def test_row_problems_still_count_their_rows() -> None:
    read = read_sheet("代码,名称\n621025100201,西头村\n621025100202,东头村\n".encode(), COLUMNS)
    for row in (2, 3):  # an import's own check of each row
        read.problems.add(row, "name", "与已登记的名称不一致")
    with pytest.raises(ImportRejectedError) as caught:
        read.problems.raise_if_any()
    assert "发现 2 处错误，涉及 2 行" in str(caught.value), caught.value
