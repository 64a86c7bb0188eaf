"""How much of a report's year the figures cover: a county may submit its annual report before
31 December (counties report in December), so a year not yet over is said to be counted "as of"
today, in China Standard Time, everywhere the figures are shown (preview, confirm step, report
detail, the written report) instead of claiming 1 January to 31 December."""

from __future__ import annotations

from datetime import date, datetime

from vc_contracts import CST


def year_coverage(year: int, now: datetime) -> dict[str, object]:
    """`{"complete": bool, "through": "YYYY-MM-DD" | None, "text": str}` for `year` at the aware
    `now`: complete once 1 January of the next year has begun in +08:00; `through` is today (+08:00)
    while the year runs, 31 December once over, None before it begins."""
    today = now.astimezone(CST).date()
    if today.year > year:
        return {"complete": True, "through": date(year, 12, 31).isoformat(),
                "text": f"{year}年1月1日至12月31日（北京时间）"}  # fmt: skip
    if today.year < year:
        return {"complete": False, "through": None, "text": f"{year}年尚未开始，暂无数据"}
    day = f"{today.month}月{today.day}日"
    return {"complete": False, "through": today.isoformat(),
            "text": f"{year}年1月1日至{day}（统计截至{day}，本年度尚未结束）"}  # fmt: skip
