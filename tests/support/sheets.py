"""Spreadsheets for import tests: an XLSX workbook built from rows, one list of rows per sheet."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook


def workbook(*sheets: list[list[Any]]) -> bytes:
    """An XLSX file: the first list fills the default sheet「Sheet」, the next ones「表2」,「表3」…"""
    book = Workbook()
    first = book.active
    assert first is not None
    for index, rows in enumerate(sheets):
        sheet = first if index == 0 else book.create_sheet(f"表{index + 1}")
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def shown_workbook(*sheets: tuple[str, str, list[list[Any]]]) -> bytes:
    """An XLSX file of (title, state, rows) sheets in order; state: visible, hidden or veryHidden
    (veryHidden: shown by no menu of Excel, only by its macro editor)."""
    book = Workbook()
    default = book.active
    assert default is not None
    book.remove(default)
    for title, state, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    book.active = next(i for i, (_, state, _) in enumerate(sheets) if state == "visible")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
