"""The rows and headings shared by the XLSX and printable exports of a volume, and by the export
of an advisor's work of a period."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from vc_contracts import CST
from vc_contracts.durations import exact_cell_hours, format_hours, seconds_between

HEADINGS = [
    "序号",
    "类型",
    "日期",
    "开始时间",
    "结束时间",
    "时长（小时）",
    "村（社区）",
    "法律顾问",
    "服务单位",
    "工作内容",
    "备注",
    "状态",
    "确认、更正、作废记录",
    "记录编号",
]
WIDTHS = [6, 12, 12, 16, 16, 8, 14, 10, 20, 48, 20, 8, 56, 24]
HOURS_COLUMN = HEADINGS.index("时长（小时）")
ADVISOR_HEADINGS = ["卷内序号", *HEADINGS[1:]]  # the number an entry has in its village's volume
VOLUME_CHECK_HEADINGS = ["卷册", "类别", "所属", "链接数", "防篡改链头（sha256）", "校验结果", "说明"]
VOLUME_CHECK_WIDTHS = [30, 10, 24, 8, 70, 10, 60]


def hours_cell(entry: dict[str, Any]) -> float | None:
    """A visit's 时长 cell: the exact hours it counts in the export's period (`counted_seconds`, see
    `ledger.application.volumes.count_hours`) as a number, so the column's SUM is the total printed
    below it; None (an empty cell) for another kind of entry and for a voided visit, which counts
    nowhere."""
    seconds = entry.get("counted_seconds")
    if seconds is None or entry["voided"]:
        return None
    return exact_cell_hours(seconds)


def hours_text(entry: dict[str, Any]) -> str:
    """The 时长 cell as the printable page shows it ("1.33"; "" where the cell is empty)."""
    return "" if hours_cell(entry) is None else format_hours(entry["counted_seconds"])


def _note(entry: dict[str, Any]) -> str:
    """The entry's own note, and for a visit that only partly falls in the period (across a quarter
    boundary) what it counts here against its whole span."""
    note = str(entry["data"].get("note", ""))
    counted = entry.get("counted_seconds")
    if entry["kind"] != "visit" or counted is None or entry["voided"]:
        return note
    whole = seconds_between(entry["started_at"], entry["ended_at"])
    if counted == whole:
        return note
    split = f"跨期服务共 {format_hours(whole)} 小时，按服务时间分段计入本期 {format_hours(counted)} 小时"
    return f"{note}；{split}" if note else split


def row_cells(entry: dict[str, Any]) -> list[Any]:
    """An entry's cells under HEADINGS. 日期 is its `date` in Beijing time, 开始时间 and 结束时间 the
    aware `datetime`s themselves (None: no such time): the XLSX writer makes them date cells
    (`eventkit.workbook_bytes`), the printable page formats them (`cell_text`); 时长 is `hours_cell`
    (the XLSX writer formats it `0.00`, the printable page writes `hours_text`)."""
    is_visit = entry["kind"] == "visit"
    return [
        entry["number"],
        entry["kind_label"],
        entry["occurred_at"].astimezone(CST).date(),
        entry["started_at"] if is_visit else entry["occurred_at"],
        entry["ended_at"] if is_visit else None,
        hours_cell(entry),
        entry["village_name"],
        entry["advisor_name"],
        entry["unit_name"],
        entry["content"],
        _note(entry),
        entry["status"],
        "\n".join(entry["notes"]),
        entry["entry_id"],
    ]


def cell_text(value: Any) -> str:
    """A cell of `row_cells` as the printable page shows it: a time as its Beijing clock time
    (the date has its own column), a date as ISO, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(CST).strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


ZONE_NOTE = "（北京时间 UTC+08:00，表中日期时间同）"
"""Every time of an export is Asia/Shanghai's: said once, next to the export's own time."""


def _exported(at: datetime) -> str:
    return f"{at.astimezone(CST).strftime('%Y-%m-%d %H:%M')}{ZONE_NOTE}"


def subtitle(volume: dict[str, Any], exported_at: datetime) -> list[str]:
    chain = volume["chain"]
    return [
        f"期间：{volume['period']}　导出时间：{_exported(exported_at)}",
        f"防篡改链头（{chain['algorithm']}，共 {chain['length']} 个链接）：{chain['head']}",
    ]


def totals_line(totals: dict[str, Any]) -> str:
    """The footer: entries, voided, and the period's on-site hours (`format_hours` of the exact total:
    what the 时长 column's SUM shows)."""
    hours = format_hours(totals["visit_seconds"])
    return f"合计：{totals['entries']} 条（作废 {totals['voided']} 条），驻点 {hours} 小时"


def advisor_subtitle(work: dict[str, Any], exported_at: datetime) -> list[str]:
    volumes = work["volumes"]
    failed = sum(1 for v in volumes if not v["ok"])
    verdict = "全部校验通过" if not failed else f"{failed} 本校验未通过"
    return [
        f"期间：{work['period_label']}　导出时间：{_exported(exported_at)}",
        f"涉及卷册 {len(volumes)} 本，{verdict}；各卷册的防篡改链头与校验结果见「卷册校验」表",
    ]


def volume_check_cells(volume: dict[str, Any]) -> list[Any]:
    return [
        volume["volume_id"],
        volume["kind_label"],
        volume["owner_name"],
        volume["length"],
        volume["head"],
        "通过" if volume["ok"] else "未通过",
        volume["message"],
    ]
