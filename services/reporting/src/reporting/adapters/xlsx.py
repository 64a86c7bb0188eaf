"""Statistics table as an Excel workbook: Chinese headings, one row per unit and village, totals,
and a second sheet with each figure's counting rule."""

from __future__ import annotations

from typing import Any

from eventkit.workbook_bytes import workbook_bytes
from openpyxl import Workbook
from openpyxl.styles import Font

from reporting.domain.statistics import METRICS

HEAD = ["单位", "村（社区）代码", "村（社区）"]


def statistics_workbook(table: dict[str, Any], title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "统计表"
    sheet.append([title])
    sheet.append(HEAD + [m.heading for m in METRICS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table["rows"]:
        names = [row.get("unit_name") or row["unit_id"], row["village_code"], row.get("village_name") or ""]
        sheet.append(names + [row[m.key] for m in METRICS])
    sheet.append(["合计", "", ""] + [table["totals"][m.key] for m in METRICS])
    rules = book.create_sheet("统计口径")
    rules.append(["指标", "统计口径"])
    for metric in METRICS:
        rules.append([metric.heading, metric.rule])
    rules.column_dimensions["B"].width = 80
    return workbook_bytes(book)  # a name starting with "=" stays text, never a formula
