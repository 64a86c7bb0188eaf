"""An XLSX formula cell saved without its result (`=10+5` from a program that does not calculate,
`=#REF!`) is refused saying so, not as an empty cell (不能为空); a formula with its result saved
reads as that result."""

from __future__ import annotations

from io import BytesIO

import pytest
from eventkit.import_errors import ImportRejectedError
from eventkit.spreadsheets import Column, Kind, read_sheet
from openpyxl import Workbook


def _xlsx(cell: object) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["人数", "名称"])
    sheet.append([cell, "讲座"])
    out = BytesIO()
    book.save(out)  # openpyxl saves formulas without results, as such programs do
    return out.getvalue()


COLUMNS = [Column("audience", ("人数",), Kind.text), Column("name", ("名称",), Kind.text)]


@pytest.mark.parametrize("formula", ["=10+5", "=#REF!"])
def test_a_formula_without_its_result_is_refused_saying_so(formula: str) -> None:
    with pytest.raises(ImportRejectedError) as refused:
        read_sheet(_xlsx(formula), COLUMNS).problems.raise_if_any()
    text = " ".join(p.reason for p in refused.value.problems)
    assert "公式单元格没有计算结果，请粘贴为数值" in text and "不能为空" not in text


def test_a_plain_value_still_reads() -> None:
    sheet = read_sheet(_xlsx(15), COLUMNS)
    assert [values for _, values in sheet.rows] == [{"audience": "15", "name": "讲座"}]
