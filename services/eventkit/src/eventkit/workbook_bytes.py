"""The bytes of an XLSX workbook we export, with every cell that openpyxl took for a formula kept as text.

openpyxl stores any string that starts with "=" as a formula: an advisor's name, a summary or an id
typed as `=HYPERLINK(…)` would run in the reader's spreadsheet program (formula injection), and a
verifier reading the check sheet's cached values would find the cell empty. Our exports never
write formulas, so every one is turned back into the text it was given.
"""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook


def workbook_bytes(book: Workbook) -> bytes:
    """`book` saved as XLSX bytes, every formula cell written as the text it holds."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
