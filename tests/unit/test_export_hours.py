"""One hours rule in the exports: each visit's 时长 cell holds the exact hours it counts in the export's
period (a visit across a quarter boundary only its part, a voided one nothing) formatted 0.00, so a
spreadsheet's SUM of the column shows the total the sheet prints; the period's total follows the
quarter split that compliance and assessment use (`eventkit.periods`)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from typing import Any

import pytest
from docx import Document
from eventkit.periods import parse_period, seconds_in_period, split_seconds_by_quarter
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger.adapters.export_html import volume_html
from ledger.adapters.export_xlsx import advisor_xlsx, volume_xlsx
from ledger.application.volumes import count_hours, totals
from openpyxl import load_workbook
from reporting.adapters.docx_report import annual_document
from reporting.adapters.xlsx import statistics_workbook
from reporting.domain.statistics import METRICS
from vc_contracts import CST
from vc_contracts.durations import format_hours

EXPORTED = datetime(2026, 12, 1, 9, tzinfo=CST)
HOURS_HEADING = "时长（小时）"


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=CST)


def visit(n: int, start: datetime, end: datetime, voided: bool = False) -> dict[str, Any]:
    hours = round((end - start).total_seconds() / 3600, 2)
    return {"number": n, "kind": "visit", "kind_label": "驻点服务", "occurred_at": start, "started_at": start,
            "ended_at": end, "hours": hours, "village_name": "东台村", "advisor_name": "李台账",
            "unit_name": "甘肃台账律师事务所", "content": "驻点坐班", "data": {},
            "status": "已作废" if voided else "有效", "notes": [], "entry_id": f"E-{n}", "voided": voided,
            "year": start.year}  # fmt: skip


def lecture(n: int, when: datetime) -> dict[str, Any]:
    return {**visit(n, when, when), "kind": "lecture", "kind_label": "法治讲座", "hours": None}


def volume(entries: list[dict[str, Any]], period: str) -> dict[str, Any]:
    counted = count_hours(entries, parse_period(period))
    return {"title": "东台村 2026 年度工作台账", "period": period, "entries": counted,
            "totals": totals(counted),
            "chain": {"algorithm": "sha256", "length": 1, "head": "a" * 64, "canonical_versions": [1]},
            "volume_id": "village:621025290201:2026"}  # fmt: skip


def advisor_work(entries: list[dict[str, Any]], period: str) -> dict[str, Any]:
    counted = count_hours(entries, parse_period(period))
    return {"title": "李台账（A-1）工作记录", "period_label": period, "entries": counted, "volumes": [],
            "totals": totals(counted)}  # fmt: skip


def sheet_hours(body: bytes, sheet_name: str) -> tuple[list[Any], list[str], str]:
    """(the 时长 cells' values, their number formats, the footer line) of an exported entries sheet."""
    sheet = load_workbook(BytesIO(body))[sheet_name]
    rows = list(sheet.iter_rows())
    head = next(i for i, row in enumerate(rows) if row[0].value in ("序号", "卷内序号"))
    column = [c.value for c in rows[head]].index(HOURS_HEADING)
    entries = [row for row in rows[head + 1 :] if isinstance(row[0].value, int)]
    footer = next(str(row[0].value) for row in rows if str(row[0].value or "").startswith("合计："))
    return [r[column].value for r in entries], [r[column].number_format for r in entries], footer


def excel_sum_shown(cells: list[Any]) -> str:
    """What a spreadsheet shows for SUM of the cells formatted 0.00: the float sum (to the 15 significant
    digits a spreadsheet keeps) rounded half up to two decimals."""
    total = sum(c for c in cells if isinstance(c, int | float))  # 3.0 reads back as 3
    return str(Decimal(f"{total:.15g}").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def footer_hours(footer: str) -> str:
    found = re.search(r"驻点 ([0-9.]+) 小时", footer)
    assert found, footer
    return found.group(1)


SIX_VISITS = [visit(n, at(10, n + 1, 9), at(10, n + 1, 10, 20)) for n in range(1, 7)]  # 6 × 1 h 20 min
CROSSING = visit(9, at(6, 30, 21), at(7, 1, 3))  # 2026-06-30 21:00 -> 07-01 03:00
Q3_VISIT = visit(10, at(7, 2, 9), at(7, 2, 10, 1))  # 1 h 01 min


# given the entries of an export and its period, when it is written, then each 时长 cell (exact hours,
# None: empty) and the footer's hours, which a SUM of the cells shows too
EXPORTS = [
    # the newcomer's volume: six visits of 1 h 20 min: cells 1.333…, shown 1.33, SUM shows 8.00 (not 7.98)
    (SIX_VISITS, "2026Q4", [4800 / 3600] * 6, "8.00"),
    # a voided visit and a lecture: empty cells, nothing summed
    (
        [*SIX_VISITS[:2], visit(7, at(10, 9, 9), at(10, 9, 12), voided=True), lecture(8, at(10, 9, 14))],
        "2026Q4",
        [4800 / 3600, 4800 / 3600, None, None],
        "2.67",
    ),
    # the visit across the quarter boundary counts 3 h in Q2 and 3 h in Q3 (the README's split rule)
    ([CROSSING], "2026Q2", [3.0], "3.00"),
    ([CROSSING, Q3_VISIT], "2026Q3", [3.0, 3660 / 3600], "4.02"),  # 4 h 01 min: rounded, not cut to 4.01
    ([CROSSING, Q3_VISIT], "2026", [6.0, 3660 / 3600], "7.02"),
    ([CROSSING], "2026H1", [3.0], "3.00"),
]


@pytest.mark.parametrize(("entries", "period", "cells", "shown"), EXPORTS)
def test_a_volume_export_holds_exact_hours_whose_sum_is_the_total(
    entries: list[dict[str, Any]], period: str, cells: list[float | None], shown: str
) -> None:
    data = volume(entries, period)
    values, formats, footer = sheet_hours(volume_xlsx(data, EXPORTED, _check()), "工作台账")
    assert values == pytest.approx(cells)
    assert all(f == "0.00" for f in formats)
    assert (
        footer_hours(footer)
        == shown
        == excel_sum_shown(values)
        == format_hours(data["totals"]["visit_seconds"])
    )


@pytest.mark.parametrize(("entries", "period", "cells", "shown"), EXPORTS)
def test_an_advisor_export_holds_exact_hours_whose_sum_is_the_total(
    entries: list[dict[str, Any]], period: str, cells: list[float | None], shown: str
) -> None:
    values, formats, footer = sheet_hours(advisor_xlsx(advisor_work(entries, period), EXPORTED), "工作记录")
    assert values == pytest.approx(cells)
    assert all(f == "0.00" for f in formats)
    assert footer_hours(footer) == shown == excel_sum_shown(values)


def test_a_visit_counted_in_part_says_so_in_its_note_and_the_printable_page_uses_the_same_figures() -> None:
    data = volume([CROSSING, Q3_VISIT], "2026Q3")
    html = volume_html(data, EXPORTED)
    assert "跨期服务共 6.00 小时，按服务时间分段计入本期 3.00 小时" in html
    assert "<td>3.00</td>" in html and "<td>1.02</td>" in html
    assert "驻点 4.02 小时" in html


def _check() -> dict[str, Any]:
    return {"format": "vc-volume/1", "volume_id": "village:621025290201:2026", "length": 0, "head": "0" * 64,
            "links": []}  # fmt: skip


# ------------------------------------------------------------------ random visits (hypothesis)
FIRST, LAST = datetime(2026, 1, 1), datetime(2026, 12, 31, 20)  # noqa: DTZ001 (hypothesis adds the zone)
starts = st.datetimes(min_value=FIRST, max_value=LAST, timezones=st.just(CST)).map(
    lambda d: d.replace(microsecond=0)
)
# near quarter ends too: a visit begun in the last hours of a quarter runs into the next
boundary_starts = st.builds(
    lambda month, minutes: datetime(2026, month, 1, tzinfo=CST) - timedelta(minutes=minutes),
    st.sampled_from([4, 7, 10]),
    st.integers(min_value=1, max_value=12 * 60),
)
visits = st.lists(
    st.tuples(
        st.one_of(starts, boundary_starts), st.integers(min_value=1, max_value=12 * 3600), st.booleans()
    ),
    min_size=0,
    max_size=25,
)
periods = st.sampled_from(["2026", "2026H1", "2026H2", "2026Q1", "2026Q2", "2026Q3", "2026Q4"])


@settings(max_examples=60, deadline=None)
@given(visits, periods)
def test_the_sum_of_the_exported_cells_is_the_total_for_any_visits(
    drawn: list[tuple[datetime, int, bool]], period: str
) -> None:
    entries = [
        visit(n, start, start + timedelta(seconds=seconds), voided=voided and n % 3 == 0)
        for n, (start, seconds, voided) in enumerate(drawn, start=1)
    ]
    data = volume(entries, period)
    values, _, footer = sheet_hours(volume_xlsx(data, EXPORTED, _check()), "工作台账")
    assert footer_hours(footer) == excel_sum_shown(values)
    # and the total is the split rule's: the live visits' quarter pieces inside the period
    inside = {str(q) for q in parse_period(period).parts(parse_period("2026Q1").kind)}
    expected = sum(
        s
        for e in entries
        if not e["voided"]
        for q, s in split_seconds_by_quarter(e["started_at"], e["ended_at"]).items()
        if q in inside
    )
    assert data["totals"]["visit_seconds"] == expected


@given(st.one_of(starts, boundary_starts), st.integers(min_value=1, max_value=400 * 24 * 3600))
def test_a_span_counts_in_the_quarters_of_a_year_exactly_once(start: datetime, seconds: int) -> None:
    end = start + timedelta(seconds=seconds)
    pieces = split_seconds_by_quarter(start, end)
    for year in {start.year, end.year}:
        quarters = parse_period(str(year)).parts(parse_period(f"{year}Q1").kind)
        assert sum(seconds_in_period(start, end, q) for q in quarters) == seconds_in_period(
            start, end, parse_period(str(year))
        )
        for q in quarters:
            assert seconds_in_period(start, end, q) == pieces.get(str(q), 0)


# ------------------------------------------------------------------ statistics and the annual report
ROWS = [(4800, 1.33), (4800 * 5, 6.67), (3660, 1.02)]  # (exact seconds, shown hours)


def _table() -> dict[str, Any]:
    rows = [
        {
            **{m.key: 0 for m in METRICS},
            "unit_id": "U-1",
            "unit_name": "所",
            "village_code": f"62102529020{n}",
            "village_name": f"村{n}",
            "visit_seconds": s,
            "visit_hours": h,
        }
        for n, (s, h) in enumerate(ROWS)
    ]
    total = sum(s for s, _ in ROWS)
    return {
        "rows": rows,
        "totals": {**{m.key: 0 for m in METRICS}, "visit_seconds": total, "visit_hours": 9.02},
    }


def test_the_statistics_workbook_holds_exact_hours_whose_sum_is_the_total() -> None:
    sheet = load_workbook(BytesIO(statistics_workbook(_table(), "统计表")))["统计表"]
    rows = list(sheet.iter_rows())
    head = next(i for i, row in enumerate(rows) if "驻村服务时长（小时）" in [c.value for c in row])
    column = [c.value for c in rows[head]].index("驻村服务时长（小时）")
    cells = [row[column] for row in rows[head + 1 :]]
    *body, total = cells
    assert [c.value for c in body] == pytest.approx([s / 3600 for s, _ in ROWS])
    assert all(c.number_format == "0.00" for c in cells)
    # 1.33 + 6.67 + 1.02 of rounded cells would show 9.02 here by luck; the exact cells make 9.0167
    assert excel_sum_shown([c.value for c in body]) == excel_sum_shown([total.value]) == "9.02"


def test_the_annual_report_writes_hours_with_two_decimals() -> None:
    table = _table()
    table["totals"]["visits"] = 8
    table["totals"]["visit_hours"] = 8.0
    meta = {"county_name": "某县", "year": 2026, "status_name": "预览", "submissions": 0,
            "generated_at": EXPORTED, "report_id": None}  # fmt: skip
    body = annual_document(meta, {**table, "counting_rules": {}, "digest": "d" * 16}, [])
    text = "\n".join(p.text for p in Document(BytesIO(body)).paragraphs)
    assert "共8.00小时" in text
    cells = [c.text for t in Document(BytesIO(body)).tables for row in t.rows for c in row.cells]
    assert {"1.33", "6.67", "1.02", "8.00"} <= set(cells)
