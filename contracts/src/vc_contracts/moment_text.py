"""What is wrong with a date or date-time text that was refused, in Chinese.

Pydantic refuses `2026-11-15T09:00:00+25:00` with "unexpected extra characters" after failing to read
it as a date, so a reason built on its error type alone blamed the date's format. This module reads
the text loosely, part by part, and names the first part that is wrong (month, day, hour, minute,
second, the UTC offset or a missing part), so every place that refuses a time says the same thing:
request bodies and queries (`eventkit.reasons`), a ledger correction's times, spreadsheet cells.
"""

from __future__ import annotations

import calendar
import re
from typing import Any

from vc_contracts.base import ODD_OFFSET

DATE_FORMAT = "日期格式应为 YYYY-MM-DD，例如 2025-01-01"
DATETIME_FORMAT = "日期时间格式应为 YYYY-MM-DDTHH:MM:SS+08:00，例如 2025-01-01T09:00:00+08:00"
TIME_FORMAT = "时间格式应为 HH:MM，例如 09:30"

# Blanks possessively (`\s*+`): with two runs of `\s*` side by side, a time followed by 30,000 blanks
# and a letter took 6 s to refuse (every split of the run tried; a 1 MiB body, half an hour).
_LOOSE = re.compile(
    r"\s*(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[Tt ](?P<h>\d{1,2})(?::(?P<mi>\d{1,2}))?(?::(?P<s>\d{1,2}))?(?:[.,]\d+)?"
    r"\s*+(?P<off>[Zz]|[+-][\d:.]*)?)?\s*+"
)
_OFFSET = re.compile(r"[+-](?P<h>\d{2}):?(?P<m>\d{2})(?::?(?P<s>\d{2}(?:\.\d+)?))?")


def moment_reason(given: Any, *, with_time: bool) -> str | None:
    """The first wrong part of `given` (a date, or a date-time when `with_time`) named in Chinese, or
    None when `given` is not text shaped like one (the caller's general format reason then applies).
    Only called for text already refused: it does not decide validity, it explains a refusal."""
    if not isinstance(given, str):
        return None
    found = _LOOSE.fullmatch(given)
    if found is None:
        return None
    year, month, day = int(found["y"]), int(found["mo"]), int(found["d"])
    if not 1 <= month <= 12:
        return f"月份 {found['mo']} 无效，应为 01–12"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return f"{year} 年 {month} 月没有 {int(found['d'])} 日（只有 {last} 天）"
    if len(found["mo"]) != 2 or len(found["d"]) != 2:
        return "月和日须写两位，" + (DATETIME_FORMAT if with_time else DATE_FORMAT)
    if found["h"] is None:
        return "缺少时间，" + DATETIME_FORMAT if with_time else None
    return _time_reason(found) or _offset_reason(found["off"], with_time=with_time)


def _time_reason(found: re.Match[str]) -> str | None:
    hour, minute, second = found["h"], found["mi"], found["s"]
    if int(hour) > 23:
        extra = "（一天的结束请写次日 00:00）" if int(hour) == 24 else ""
        return f"小时 {hour} 无效，应为 00–23{extra}"
    if minute is None:
        return "时间须写到分钟，" + DATETIME_FORMAT
    if int(minute) > 59:
        return f"分钟 {minute} 无效，应为 00–59"
    if second is not None and int(second) > 59:
        return f"秒 {second} 无效，应为 00–59"
    if len(hour) != 2 or len(minute) != 2 or (second is not None and len(second) != 2):
        return "时、分、秒须写两位，" + DATETIME_FORMAT
    return None


def _offset_reason(offset: str | None, *, with_time: bool) -> str | None:
    if offset is None:
        return "缺少时区偏移，例如 2025-01-01T09:00:00+08:00（北京时间为 +08:00）" if with_time else None
    if offset in "Zz":
        return None
    shape = _OFFSET.fullmatch(offset)
    if shape is None:
        return f"时区偏移 {offset} 格式不正确，应为 ±HH:MM，例如 +08:00"
    if int(shape["h"]) > 23 or int(shape["m"]) > 59:
        return f"时区偏移 {offset} 无效，应在 -23:59 到 +23:59 之间，例如 +08:00"
    if shape["s"] is not None:
        return ODD_OFFSET
    return None
