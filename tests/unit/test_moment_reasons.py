"""A refused date or date-time names its wrong part (month, day, hour, minute, offset, a missing
time or offset), never "the date's format" for a wrong UTC offset: one reading,
`vc_contracts.moment_text`, for request bodies, a ledger correction's times and import cells."""

from __future__ import annotations

import re

import pytest
from eventkit.sheet_cells import Kind, cell_text
from ledger.domain.entry_fields import EntryInvalidError, moment
from support.time_fields import body_reason as _reason

DATE_TIMES = [  # given a date-time field, when sent this, then the reason says
    ("2026-11-15T09:00:00+25:00", "时区偏移 +25:00 无效"),
    ("2026-11-15T09:00:00+24:00", "时区偏移 +24:00 无效"),
    ("2026-11-15T09:00:00+8:00", "时区偏移 +8:00 格式不正确"),
    ("2026-11-15T09:00:00+08", "时区偏移 +08 格式不正确"),
    ("2026-13-15T09:00:00+08:00", "月份 13 无效"),
    ("2026-02-30T09:00:00+08:00", "2026 年 2 月没有 30 日"),
    ("2026-11-31T09:00:00+08:00", "2026 年 11 月没有 31 日"),
    ("2026-11-15T25:00:00+08:00", "小时 25 无效"),
    ("2026-11-15T24:00:00+08:00", "小时 24 无效，应为 00–23（一天的结束请写次日 00:00）"),
    ("2026-11-15T09:60:00+08:00", "分钟 60 无效"),
    ("2026-11-15T09:00:61+08:00", "秒 61 无效"),
    ("2026-11-15T09:00:00", "缺少时区偏移"),
    ("2026-11-15", "缺少时间"),
    ("tomorrow", "日期时间格式应为 YYYY-MM-DDTHH:MM:SS+08:00"),
]

DATES = [  # given a date field (an instant is accepted: its CST day), when sent this, then
    ("2026-13-01", "月份 13 无效"),
    ("2026-02-29", "2026 年 2 月没有 29 日"),
    ("2026-1-1", "月和日须写两位"),
    ("2026-11-15T25:00:00+08:00", "小时 25 无效"),
    ("2026-11-15T09:00:00+25:00", "时区偏移 +25:00 无效"),
    ("tomorrow", "日期格式应为 YYYY-MM-DD"),
]


@pytest.mark.parametrize(("text", "reason"), DATE_TIMES)
def test_a_refused_date_time_names_its_wrong_part(text: str, reason: str) -> None:
    found = _reason(at=text)
    assert found is not None and found.startswith(reason), found
    assert "日期格式应为 YYYY-MM-DD，" not in found  # the old reason that blamed the date
    with pytest.raises(EntryInvalidError) as refused:  # a correction's times, sent raw
        moment(text, "started_at")
    assert found in str(refused.value) or not text[0].isdigit()  # not ISO text: check_iso_text's own


@pytest.mark.parametrize(("text", "reason"), DATES)
def test_a_refused_date_names_its_wrong_part(text: str, reason: str) -> None:
    found = _reason(day=text)
    assert found is not None and found.startswith(reason), found


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-11-15T09:00:00+25:00", "时间「2026-11-15T09:00:00+25:00」：时区偏移 +25:00 无效"),
        ("2026-13-01 09:00", "时间「2026-13-01 09:00」：月份 13 无效"),
        ("2026-11-15 25:00", "时间「2026-11-15 25:00」：小时 25 无效"),
    ],
)
def test_an_import_cell_names_its_wrong_part(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        cell_text(text, Kind.datetime)


@pytest.mark.parametrize(
    "text",
    ["2026-11-15T09:00:00+08:00", "2026-11-15T09:00:00-13:00", "2026-11-15 09:00+0800", "2026-11-15T01:00Z"],
)
def test_a_well_formed_date_time_still_passes(text: str) -> None:
    assert _reason(at=text) is None and _reason(day=text) is None
