"""The rows and headings shared by the XLSX and printable exports of a volume."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from vc_contracts import CST

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
WIDTHS = [6, 12, 12, 8, 8, 8, 14, 10, 20, 48, 20, 8, 56, 24]


def _clock(value: Any) -> str:
    return value.astimezone(CST).strftime("%H:%M") if isinstance(value, datetime) else ""


def row_cells(entry: dict[str, Any]) -> list[Any]:
    is_visit = entry["kind"] == "visit"
    return [
        entry["number"],
        entry["kind_label"],
        entry["occurred_at"].astimezone(CST).strftime("%Y-%m-%d"),
        _clock(entry["started_at"]) if is_visit else _clock(entry["occurred_at"]),
        _clock(entry["ended_at"]) if is_visit else "",
        entry["hours"] if is_visit else None,
        entry["village_name"],
        entry["advisor_name"],
        entry["unit_name"],
        entry["content"],
        entry["data"].get("note", ""),
        entry["status"],
        "\n".join(entry["notes"]),
        entry["entry_id"],
    ]


def subtitle(volume: dict[str, Any], exported_at: datetime) -> list[str]:
    chain = volume["chain"]
    return [
        f"期间：{volume['period']}　导出时间：{exported_at.astimezone(CST).strftime('%Y-%m-%d %H:%M')}",
        f"防篡改链头（{chain['algorithm']}，共 {chain['length']} 个链接）：{chain['head']}",
    ]
