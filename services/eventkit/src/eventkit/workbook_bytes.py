"""The bytes of an XLSX workbook we export: every cell that openpyxl took for a formula kept as text,
every time a real Excel date cell in Beijing time.

Formulas: openpyxl stores any string that starts with "=" as a formula: an advisor's name, a summary
or an id typed as `=HYPERLINK(…)` would run in the reader's spreadsheet program (formula injection),
and a verifier reading the check sheet's cached values would find the cell empty. Our exports never
write formulas, so every one is turned back into the text it was given.

Times: an export writes `date` and timezone-aware `datetime` values as they are, never formatted text,
so that Excel can sort and filter them as dates. Excel's cells have no zone, so an aware time is
written as its wall-clock time in China Standard Time (UTC+08:00, what every export's heading says,
`ledger.adapters.export_rows.ZONE_NOTE`), shown as `DATETIME_FORMAT`; a date as `DATE_FORMAT`. A
naive `datetime` is refused (ValueError): its zone is unknown, so its wall-clock time could be wrong.

Layout: every table a person reads is written by `titled` and `table` (bold title; bold shaded
headings frozen under it, filtered and repeated on each printed page; column widths; landscape
fitted to the width), so every service's export looks and prints alike; `attachment` names the
downloaded file in Chinese (RFC 6266 `filename*`, UTF-8).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from io import BytesIO
from typing import Any
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from vc_contracts import CST

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_OPENPYXL_DEFAULTS = {"General", "yyyy-mm-dd", "yyyy-mm-dd h:mm:ss"}  # what openpyxl sets on its own


def excel_time(value: datetime) -> datetime:
    """`value` (timezone-aware) as the naive wall-clock time in China Standard Time an Excel cell holds.

    Raises ValueError for a naive `value`."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"an exported time needs its zone: {value!r}")
    return value.astimezone(CST).replace(tzinfo=None)


def _date_cell(cell: Cell) -> None:
    value, default = cell.value, cell.number_format in _OPENPYXL_DEFAULTS  # a writer's own format stays
    if isinstance(value, datetime):
        cell.value = excel_time(value)
        if default:
            cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date) and default:
        cell.number_format = DATE_FORMAT


def workbook_bytes(book: Workbook) -> bytes:
    """`book` saved as XLSX bytes: every formula cell written as the text it holds, every aware
    `datetime` as a Beijing-time date cell (`DATETIME_FORMAT`), every `date` as `DATE_FORMAT`.

    Raises ValueError for a naive `datetime` cell (see the module's docstring)."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell, Cell):  # a merged cell holds no value
                    continue
                if cell.data_type == "f":
                    cell.data_type = "s"
                elif cell.data_type == "d":
                    _date_cell(cell)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDE6F0")
TableRow = tuple[Sequence[Any], Font | None]
"""One row of `table`: its cells and their font (None: the default)."""


def titled(sheet: Worksheet, title: str, lines: Sequence[str] = ()) -> None:
    """Append the sheet's title (bold, 14 pt, in A1 of an empty sheet), the lines under it, a blank row."""
    sheet.append([title])
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=14)
    for line in lines:
        sheet.append([line])
    sheet.append([])


def table(
    sheet: Worksheet,
    headings: Sequence[str],
    widths: Sequence[float],
    rows: Sequence[TableRow],
    formats: dict[int, str] | None = None,
) -> None:
    """Headings (bold, shaded, frozen, repeated on every printed page, with filters), then each row
    with its font and `formats` (0-based column -> number format, e.g. hours' "0.00"); `widths` in
    Excel characters, one per column from A; printed landscape, fitted to the page's width.

    Rows are counted here, not read back from `sheet.max_row`: openpyxl works that out over every
    cell written so far, which made a volume's export quadratic (a minute for 6,000 entries)."""
    sheet.append(list(headings))
    header_row = sheet.max_row  # read once: below, rows are counted
    wrapped = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for column in range(1, len(headings) + 1):
        cell = sheet.cell(row=header_row, column=column)
        cell.font, cell.fill, cell.alignment = _BOLD, _HEAD_FILL, wrapped
    top, row = Alignment(vertical="top", wrap_text=True), header_row
    for cells, font in rows:
        sheet.append(list(cells))
        row += 1
        for column in range(1, len(cells) + 1):
            cell = sheet.cell(row=row, column=column)
            cell.alignment = top
            if font is not None:
                cell.font = font
        for column, number_format in (formats or {}).items():
            sheet.cell(row=row, column=column + 1).number_format = number_format
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    last = get_column_letter(max(len(headings), 1))
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.auto_filter.ref = f"A{header_row}:{last}{max(row, header_row)}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def attachment(filename: str) -> str:
    """The Content-Disposition of a download named `filename` (Chinese welcome: 统计表-正宁县-2026H2.xlsx),
    as RFC 6266 `filename*=UTF-8''…` (percent-encoded), which every browser we serve reads."""
    return f"attachment; filename*=UTF-8''{quote(filename)}"
