"""Times in every XLSX export are real Excel date cells in Beijing time (naive, since Excel cells have
no zone) with a date format, so a spreadsheet sorts and filters them as dates; the heading still
says the zone once. CSV and the printable page stay text."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO
from typing import Any

import pytest
from eventkit.workbook_bytes import DATE_FORMAT, DATETIME_FORMAT, excel_time, workbook_bytes
from hypothesis import given
from hypothesis import strategies as st
from ledger.adapters.export_html import volume_html
from ledger.adapters.export_rows import ZONE_NOTE
from ledger.adapters.export_xlsx import advisor_xlsx, volume_xlsx
from ledger.adapters.import_template import template_xlsx
from openpyxl import Workbook, load_workbook
from vc_contracts import CST

EXPORTED = datetime(2026, 7, 1, 9, tzinfo=CST)


def wall(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """The naive Beijing wall-clock time an Excel cell holds for this Beijing time."""
    return datetime(year, month, day, hour, minute, tzinfo=CST).replace(tzinfo=None)


def _entry(kind: str, started: datetime, ended: datetime | None = None) -> dict[str, Any]:
    return {"number": 1, "kind": kind, "kind_label": "驻点服务" if kind == "visit" else "法律咨询",
            "occurred_at": started, "started_at": started if kind == "visit" else None,
            "ended_at": ended, "hours": 3.0 if kind == "visit" else None, "village_name": "东台村",
            "advisor_name": "李台账", "unit_name": "甘肃台账律师事务所", "content": "驻点坐班", "data": {},
            "status": "有效", "notes": [], "entry_id": "E-1", "voided": False}  # fmt: skip


def _volume(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"title": "东台村 2026 年度工作台账", "period": "2026", "entries": entries,
            "chain": {"algorithm": "sha256", "length": 1, "head": "a" * 64, "canonical_versions": [1]},
            "volume_id": "village:621025290201:2026",
            "totals": {"entries": len(entries), "voided": 0, "visit_seconds": 10800,
                       "visit_hours": 3.0}}  # fmt: skip


def _rows_under(sheet: Any, first_heading: str) -> list[dict[str, Any]]:
    rows = list(sheet.iter_rows())
    at = next(i for i, row in enumerate(rows) if row[0].value == first_heading)
    headings = [c.value for c in rows[at]]
    return [dict(zip(headings, row, strict=True)) for row in rows[at + 1 :] if isinstance(row[0].value, int)]


# A visit that starts late at night UTC is the next morning in Beijing: the cell holds Beijing's wall clock.
UTC_NIGHT = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("given_entry", "date_cell", "start_cell", "end_cell"),
    [
        # given a visit in Beijing time → its day, its start and end as Beijing wall-clock date cells
        (_entry("visit", datetime(2026, 3, 2, 9, tzinfo=CST), datetime(2026, 3, 2, 12, tzinfo=CST)),
         date(2026, 3, 2), wall(2026, 3, 2, 9), wall(2026, 3, 2, 12)),
        # given a visit stored in UTC that crosses Beijing's midnight → Beijing's next day
        (_entry("visit", UTC_NIGHT, datetime(2026, 3, 2, 2, tzinfo=UTC)),
         date(2026, 3, 2), wall(2026, 3, 2, 7, 30), wall(2026, 3, 2, 10)),
        # given a consultation → its time in 开始时间, no end
        (_entry("consultation", datetime(2026, 3, 2, 20, tzinfo=CST)),
         date(2026, 3, 2), wall(2026, 3, 2, 20), None),
    ],
)  # fmt: skip
def test_a_volumes_xlsx_writes_its_times_as_beijing_date_cells(
    given_entry: dict[str, Any], date_cell: date, start_cell: datetime, end_cell: datetime | None
) -> None:
    # when the volume is exported as XLSX and read back
    check = {"format": "vc-volume/1", "volume_id": "v", "length": 0, "head": "", "links": []}
    content = volume_xlsx(_volume([given_entry]), EXPORTED, check)
    sheet = load_workbook(BytesIO(content))["工作台账"]
    (row,) = _rows_under(sheet, "序号")
    # then 日期 is a date cell, 开始时间/结束时间 datetime cells, each with a date number format
    day, start, end = row["日期"], row["开始时间"], row["结束时间"]
    assert day.is_date and day.value == datetime.combine(date_cell, datetime.min.time())
    assert day.number_format == DATE_FORMAT
    assert start.is_date and start.value == start_cell and start.number_format == DATETIME_FORMAT
    assert end.value == end_cell and (end_cell is None or end.number_format == DATETIME_FORMAT)
    # and the heading still says once which zone the times are in
    assert any(ZONE_NOTE in str(r[0]) for r in sheet.iter_rows(values_only=True) if r and r[0])


def test_the_advisors_xlsx_writes_its_times_as_date_cells() -> None:
    visit = _entry("visit", datetime(2026, 5, 13, 9, tzinfo=CST), datetime(2026, 5, 13, 11, 30, tzinfo=CST))
    work = {"title": "李台账 2026 年第二季度法律顾问工作记录", "period_label": "2026 年第二季度",
            "entries": [visit], "volumes": [],
            "totals": {"entries": 1, "voided": 0, "by_kind": {}, "visit_seconds": 9000,
                       "visit_hours": 2.5}}  # fmt: skip
    (row,) = _rows_under(load_workbook(BytesIO(advisor_xlsx(work, EXPORTED)))["工作记录"], "卷内序号")
    started, ended = row["开始时间"], row["结束时间"]
    assert started.value == wall(2026, 5, 13, 9) and started.number_format == DATETIME_FORMAT
    assert ended.value == wall(2026, 5, 13, 11, 30)


def test_the_printable_page_still_shows_clock_times_as_text() -> None:
    page = volume_html(_volume([_entry("visit", UTC_NIGHT, datetime(2026, 3, 2, 2, tzinfo=UTC))]), EXPORTED)
    assert "<td>2026-03-02</td><td>07:30</td><td>10:00</td>" in page


def test_the_import_templates_example_times_are_date_cells() -> None:
    sheet = load_workbook(BytesIO(template_xlsx("A-1", "621025290201"))).worksheets[0]
    example = dict(zip([c.value for c in sheet[1]], sheet[2], strict=True))
    started = next(cell for heading, cell in example.items() if "开始" in str(heading))
    assert started.value == wall(2026, 3, 2, 9) and started.number_format == DATETIME_FORMAT


def test_a_naive_time_is_refused_since_its_zone_is_unknown() -> None:
    book = Workbook()
    assert book.active is not None
    book.active.append([datetime(2026, 3, 2, 9, tzinfo=CST).replace(tzinfo=None)])
    with pytest.raises(ValueError, match="zone"):
        workbook_bytes(book)


def test_a_writers_own_number_format_is_kept() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([datetime(2026, 3, 2, 9, tzinfo=CST)])
    sheet["A1"].number_format = "hh:mm"
    assert load_workbook(BytesIO(workbook_bytes(book))).worksheets[0]["A1"].number_format == "hh:mm"


@given(st.datetimes(min_value=wall(1901, 1, 1), max_value=wall(9998, 12, 30), timezones=st.just(UTC)))
def test_excel_time_is_the_same_instant_on_beijings_clock(moment: datetime) -> None:
    # given any aware instant, when written for Excel,
    # then it is naive and, read as Beijing time, the same instant
    cell = excel_time(moment)
    assert cell.tzinfo is None and cell.replace(tzinfo=CST) == moment
