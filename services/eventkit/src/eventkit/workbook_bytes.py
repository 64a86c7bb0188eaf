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
"""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
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
