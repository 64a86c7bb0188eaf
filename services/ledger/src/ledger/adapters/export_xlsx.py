"""A volume as an XLSX workbook with Chinese headings; the chain head is printed under the title."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from ledger.adapters.export_rows import HEADINGS, WIDTHS, row_cells, subtitle

_BOLD = Font(bold=True)
_VOID = Font(strike=True, color="888888")
_HEAD_FILL = PatternFill("solid", fgColor="DDE6F0")


def volume_xlsx(volume: dict[str, Any], exported_at: datetime) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "工作台账"
    sheet.append([volume["title"]])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in subtitle(volume, exported_at):
        sheet.append([line])
    sheet.append([])
    sheet.append(HEADINGS)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font, cell.fill = _BOLD, _HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for entry in volume["entries"]:
        sheet.append(row_cells(entry))
        if entry["voided"]:
            for cell in sheet[sheet.max_row]:
                cell.font = _VOID
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[sheet.cell(row=header_row, column=index).column_letter].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    totals = volume["totals"]
    sheet.append([])
    sheet.append(
        [f"合计：{totals['entries']} 条（作废 {totals['voided']} 条），驻点 {totals['visit_hours']} 小时"]
    )
    out = BytesIO()
    book.save(out)
    return out.getvalue()
