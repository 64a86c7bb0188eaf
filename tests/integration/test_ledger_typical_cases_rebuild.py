"""The typical_cases read model (R16) rebuilds from the ledger's events to the same rows: proposals,
an approval, a return and a resubmission (`submissions` 2), the decisions' people and times."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ledger.cli import rebuild_entries, rebuild_typical_cases
from test_ledger_harness import ledger_scene
from vc_contracts import CST

QUERY = "SELECT * FROM ledger.typical_cases ORDER BY case_id"


async def test_the_typical_cases_read_model_rebuilds_to_the_same_rows(devstack: Any) -> None:
    now = datetime.now(CST)
    async with ledger_scene(devstack, now.date()) as (ledger, cast):
        li = ledger.headers("advisor", "621025", cast.advisor("li"), cast.firm)
        county = ledger.headers("county_admin", "621025", "tc-county")
        cases = []
        for n in range(3):
            when = (now - timedelta(hours=3 + n)).isoformat(timespec="seconds")  # times are whole seconds
            body = {"village_code": cast.villages[0], "occurred_at": when, "parties": 2, "category": "land",
                    "outcome": "agreed", "summary": f"宅基地纠纷 {n}"}  # fmt: skip
            entry = (await ledger.http.post("/mediations", json=body, headers=li)).json()["entry_id"]
            write_up = {"title": f"宅基地纠纷调解 {n}", "text": "两户村民因宅基地边界争执，顾问现场调解。"}
            proposed = await ledger.http.post(f"/entries/{entry}/typical-case", json=write_up, headers=li)
            assert proposed.status_code == 201, proposed.text
            cases.append((entry, proposed.json()["case_id"], write_up))
        approved = await ledger.http.post(f"/typical-cases/{cases[0][1]}/approval", headers=county)
        back = {"reason": "请补充回访"}
        returned = await ledger.http.post(f"/typical-cases/{cases[1][1]}/return", json=back, headers=county)
        assert approved.status_code == returned.status_code == 201, (approved.text, returned.text)
        again = {**cases[1][2], "text": "两户村民因宅基地边界争执，顾问现场调解；一个月后回访。"}
        resubmitted = await ledger.http.post(f"/entries/{cases[1][0]}/typical-case", json=again, headers=li)
        assert resubmitted.status_code == 201, resubmitted.text

        before = [dict(r) for r in await ledger.pool.fetch(QUERY)]
        states = {cases[0][1]: ("approved", 1), cases[1][1]: ("proposed", 2), cases[2][1]: ("proposed", 1)}
        assert {r["case_id"]: (r["status"], r["submissions"]) for r in before} == states
        await ledger.pool.execute("UPDATE ledger.typical_cases SET status = 'returned', title = '走样'")
        assert await rebuild_entries(ledger.dsn) == 0  # the cases read their advisor and unit from entries
        assert await rebuild_typical_cases(ledger.dsn) == 0
        assert [dict(r) for r in await ledger.pool.fetch(QUERY)] == before
