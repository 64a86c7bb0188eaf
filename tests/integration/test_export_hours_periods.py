"""Hours in the ledger's answers and exports over HTTP (in-process app, real PostgreSQL and broker): a
visit across a quarter boundary counts its part in each quarter, as compliance and assessment count
it (README "Time and counting rules"); the 时长 cells hold the exact hours formatted 0.00, so their SUM
is the total each sheet prints; a voided visit counts nowhere."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook
from test_ledger_harness import Cast, Ledger, ledger_service, set_the_scene
from vc_contracts import CST

YEAR = datetime.now(CST).year - 1  # last year's quarters are closed; a visit of 12-31 runs into this year


def at(month: int, day: int, hour: int, minute: int = 0, year: int = YEAR) -> str:
    return datetime(year, month, day, hour, minute, tzinfo=CST).isoformat()


@pytest.fixture(scope="module")
async def scene(devstack) -> AsyncIterator[tuple[Ledger, Cast, dict[str, str]]]:  # type: ignore[no-untyped-def]
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        cast = await set_the_scene(ledger, date(YEAR, 1, 1))
        me = ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm)
        visits = {
            "crossing": (at(6, 30, 21), at(7, 1, 3)),  # 3 h in Q2, 3 h in Q3
            "q3": (at(7, 2, 9), at(7, 2, 10, 1)),  # 1 h 01 min
            "voided": (at(7, 3, 9), at(7, 3, 12)),
            "new_year": (at(12, 31, 22), at(1, 1, 2, year=YEAR + 1)),  # 2 h last year, 2 h this year
        }
        ids = {}
        for name, (start, end) in visits.items():
            body = {"village_code": cast.villages[0], "started_at": start, "ended_at": end, "place": "村委会",
                    "summary": "驻点坐班"}  # fmt: skip
            r = await ledger.http.post("/visits", json=body, headers=me)
            assert r.status_code == 201, r.text
            ids[name] = r.json()["entry_id"]
        r = await ledger.http.post(f"/entries/{ids['voided']}/void", json={"reason": "重复登记"}, headers=me)
        assert r.status_code == 201, r.text
        yield ledger, cast, ids


def _hours(content: bytes) -> tuple[dict[str, Any], set[str], str]:
    """({record id: 时长 cell value}, the cells' number formats, the footer's hours text)."""
    rows = list(load_workbook(BytesIO(content)).worksheets[0].iter_rows())
    head = next(i for i, row in enumerate(rows) if row[0].value in ("序号", "卷内序号"))
    names = [c.value for c in rows[head]]
    hours, record = names.index("时长（小时）"), names.index("记录编号")
    entries = [row for row in rows[head + 1 :] if isinstance(row[0].value, int)]
    footer = next(str(row[0].value) for row in rows if str(row[0].value or "").startswith("合计："))
    shown = footer.split("驻点 ")[1].split(" 小时")[0]
    return (
        {r[record].value: r[hours].value for r in entries},
        {r[hours].number_format for r in entries},
        shown,
    )


def _sum_shown(cells: dict[str, Any]) -> str:
    """What a spreadsheet shows for SUM of the cells formatted 0.00."""
    total = sum(v for v in cells.values() if isinstance(v, int | float))
    return str(Decimal(f"{total:.15g}").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@pytest.mark.parametrize(
    ("period", "expected", "shown"),
    [
        # given the period, then each visit's cell (its part in the period) and the total printed
        (f"{YEAR}Q2", {"crossing": 3.0}, "3.00"),
        (f"{YEAR}Q3", {"crossing": 3.0, "q3": 3660 / 3600, "voided": None}, "4.02"),
        (f"{YEAR}Q4", {"new_year": 2.0}, "2.00"),
        (f"{YEAR}", {"crossing": 6.0, "q3": 3660 / 3600, "voided": None, "new_year": 2.0}, "9.02"),
    ],
)
async def test_the_volume_export_counts_each_visit_in_the_period_it_was_served(  # type: ignore[no-untyped-def]
    scene, period: str, expected: dict[str, float | None], shown: str
) -> None:
    ledger, cast, ids = scene
    county = ledger.headers("county_admin", "621025")
    path = f"/volumes/village/{cast.villages[0]}/{YEAR}"
    r = await ledger.http.get(f"{path}/export.xlsx", headers=county, params={"period": period})
    assert r.status_code == 200, r.text
    cells, formats, footer = _hours(r.content)
    assert cells == pytest.approx({ids[name]: hours for name, hours in expected.items()})
    assert formats == {"0.00"} and footer == shown == _sum_shown(cells)
    volume = (await ledger.http.get(path, headers=county, params={"period": period})).json()
    assert f"{volume['totals']['visit_hours']:.2f}" == shown
    page = await ledger.http.get(f"{path}/export.html", headers=county, params={"period": period})
    assert f"驻点 {shown} 小时" in page.text


@pytest.mark.parametrize(
    ("period", "expected", "shown"),
    [
        (f"{YEAR}Q2", {"crossing": 3.0}, "3.00"),
        (f"{YEAR}Q3", {"crossing": 3.0, "q3": 3660 / 3600, "voided": None}, "4.02"),
        # the visit of 12-31 counts its 2 h of the new year in the new year's export too
        (f"{YEAR + 1}Q1", {"new_year": 2.0}, "2.00"),
    ],
)
async def test_the_advisor_export_counts_each_visit_in_the_period_it_was_served(  # type: ignore[no-untyped-def]
    scene, period: str, expected: dict[str, float | None], shown: str
) -> None:
    ledger, cast, ids = scene
    me = ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm)
    r = await ledger.http.get(
        f"/advisors/{cast.advisor('li')}/export.xlsx", headers=me, params={"period": period}
    )
    assert r.status_code == 200, r.text
    cells, formats, footer = _hours(r.content)
    assert cells == pytest.approx({ids[name]: hours for name, hours in expected.items()})
    assert formats == {"0.00"} and footer == shown == _sum_shown(cells)
