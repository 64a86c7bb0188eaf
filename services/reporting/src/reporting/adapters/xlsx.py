"""Statistics table as an Excel workbook: titled with the division's name and the period's label,
Chinese headings frozen under it with the shared layout (`eventkit.workbook_bytes.table`), one row
per unit and village, totals, and a second sheet with each figure's counting rule."""

from __future__ import annotations

from typing import Any

from eventkit.workbook_bytes import TableRow, table, titled, workbook_bytes
from openpyxl import Workbook
from openpyxl.styles import Font
from vc_contracts.durations import HOURS_NUMBER_FORMAT, exact_cell_hours

from reporting.domain.statistics import METRICS

HEAD = ["单位", "村（社区）代码", "村（社区）"]
WIDTHS = [30, 16, 16] + [12] * len(METRICS)
"""Excel characters per column: a unit's name, a 12-digit code, a village's name, then figures."""
_TOTAL = Font(bold=True)


def _cell(figures: dict[str, Any], key: str) -> Any:
    """A figure's cell; the hours hold the exact quotient of the exact seconds (formatted `0.00`), so the
    column's SUM shows the 合计 row's figure (a table without seconds keeps its shown hours)."""
    if key == "visit_hours" and "visit_seconds" in figures:
        return exact_cell_hours(figures["visit_seconds"])
    return figures[key]


def statistics_workbook(table_data: dict[str, Any], title: str, lines: list[str] | None = None) -> bytes:
    """`table_data` as `statistics_table` returns it under `title` (e.g. 正宁县 2026年下半年 法律顾问工作
    统计表) and `lines` below it; the rows frozen under their headings, totals in bold, hours `0.00`."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "统计表"
    titled(sheet, title, lines or [])
    rows: list[TableRow] = []
    for row in table_data["rows"]:
        names = [row.get("unit_name") or row["unit_id"], row["village_code"], row.get("village_name") or ""]
        rows.append((names + [_cell(row, m.key) for m in METRICS], None))
    rows.append((["合计", "", ""] + [_cell(table_data["totals"], m.key) for m in METRICS], _TOTAL))
    hours_column = len(HEAD) + [m.key for m in METRICS].index("visit_hours")  # 0-based
    table(sheet, HEAD + [m.heading for m in METRICS], WIDTHS, rows, {hours_column: HOURS_NUMBER_FORMAT})
    rules = book.create_sheet("统计口径")
    table(rules, ["指标", "统计口径"], [24, 80], [([m.heading, m.rule], None) for m in METRICS])
    return workbook_bytes(book)  # a name starting with "=" stays text, never a formula
