"""Statistics table as an Excel workbook: titled with the division's name and the period's label,
Chinese headings frozen under it with the shared layout (`eventkit.workbook_bytes.table`), one row
per unit and village, totals, and a second sheet with each figure's counting rule."""

from __future__ import annotations

from typing import Any

from eventkit.workbook_bytes import TableRow, table, titled, workbook_bytes
from openpyxl import Workbook
from openpyxl.styles import Font

from reporting.domain.statistics import METRICS

HEAD = ["单位", "村（社区）代码", "村（社区）"]
WIDTHS = [30, 16, 16] + [12] * len(METRICS)
"""Excel characters per column: a unit's name, a 12-digit code, a village's name, then figures."""
_TOTAL = Font(bold=True)


def statistics_workbook(table_data: dict[str, Any], title: str, lines: list[str] | None = None) -> bytes:
    """`table_data` as `statistics_table` returns it under `title` (e.g. 正宁县 2026年下半年 法律顾问工作
    统计表) and `lines` below it; the rows frozen under their headings, totals in bold."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "统计表"
    titled(sheet, title, lines or [])
    rows: list[TableRow] = []
    for row in table_data["rows"]:
        names = [row.get("unit_name") or row["unit_id"], row["village_code"], row.get("village_name") or ""]
        rows.append((names + [row[m.key] for m in METRICS], None))
    rows.append((["合计", "", ""] + [table_data["totals"][m.key] for m in METRICS], _TOTAL))
    table(sheet, HEAD + [m.heading for m in METRICS], WIDTHS, rows)
    rules = book.create_sheet("统计口径")
    table(rules, ["指标", "统计口径"], [24, 80], [([m.heading, m.rule], None) for m in METRICS])
    return workbook_bytes(book)  # a name starting with "=" stays text, never a formula
