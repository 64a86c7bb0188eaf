"""Statistics table as an Excel workbook: Chinese headings, one row per unit and village, totals,
and a second sheet with each figure's counting rule."""

from __future__ import annotations

from typing import Any

from eventkit.workbook_bytes import workbook_bytes
from openpyxl import Workbook
from openpyxl.styles import Font
from vc_contracts.durations import HOURS_NUMBER_FORMAT, exact_cell_hours

from reporting.domain.statistics import METRICS

HEAD = ["单位", "村（社区）代码", "村（社区）"]


def _cell(figures: dict[str, Any], key: str) -> Any:
    """A figure's cell; the hours hold the exact quotient of the exact seconds (formatted `0.00`), so the
    column's SUM shows the 合计 row's figure (a table without seconds keeps its shown hours)."""
    if key == "visit_hours" and "visit_seconds" in figures:
        return exact_cell_hours(figures["visit_seconds"])
    return figures[key]


def statistics_workbook(table: dict[str, Any], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "统计表"
    sheet.append([title])
    sheet.append(HEAD + [m.heading for m in METRICS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    hours_column = len(HEAD) + [m.key for m in METRICS].index("visit_hours") + 1
    for row in table["rows"]:
        names = [row.get("unit_name") or row["unit_id"], row["village_code"], row.get("village_name") or ""]
        sheet.append(names + [_cell(row, m.key) for m in METRICS])
        sheet.cell(row=sheet.max_row, column=hours_column).number_format = HOURS_NUMBER_FORMAT
    sheet.append(["合计", "", ""] + [_cell(table["totals"], m.key) for m in METRICS])
    sheet.cell(row=sheet.max_row, column=hours_column).number_format = HOURS_NUMBER_FORMAT
    rules = book.create_sheet("统计口径")
    rules.append(["指标", "统计口径"])
    for metric in METRICS:
        rules.append([metric.heading, metric.rule])
    rules.column_dimensions["B"].width = 80
    return workbook_bytes(book)  # a name starting with "=" stays text, never a formula
