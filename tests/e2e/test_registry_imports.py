"""Bulk imports over the API: a division list (CSV) and a county roster (CSV, XLSX). Every row is
checked first, all problems come back by row and column, nothing is applied unless every row is
valid, and importing the same file again changes nothing."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from openpyxl import Workbook
from test_registry_helpers import COUNTY, Api, days_ago, event_count, register_divisions, until_listed

TOWN, V1, V2, V3 = "621025302000", "621025302201", "621025302202", "621025302203"
IMPORTED_TOWN = "621025303000"


@pytest.fixture(scope="module")
async def api(stack: Any) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        county = Api(
            http, stack.urls["registry"], stack.headers("county_admin", COUNTY, "import-county-admin")
        )
        province = Api(
            http, stack.urls["registry"], stack.headers("province_admin", "620000", "import-province")
        )
        await register_divisions(
            county,
            province,
            [(TOWN, "花名册镇", "township"), (V1, "花名册一村", "village"), (V2, "花名册二村", "village"),
             (V3, "花名册三村", "village")],
        )  # fmt: skip
        yield county


def csv(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join(lines) + "\n").encode(encoding)


async def test_a_division_list_is_imported_parents_first_and_once(api: Api, devstack: Any) -> None:
    divisions = csv(
        "代码,名称,级别",
        f"{IMPORTED_TOWN[:9]}201,导入一村,",
        f"{IMPORTED_TOWN[:9]}202,导入二村,村",
        f"{IMPORTED_TOWN[:9]}001,导入社区,社区",
        f"{IMPORTED_TOWN},导入镇,",
    )
    first = await api.upload("/divisions/import", divisions)
    assert first.status_code == 201, first.text
    assert (first.json()["registered"], first.json()["events"]) == (4, 4)
    before = await event_count(devstack.dsn)
    again = await api.upload("/divisions/import", divisions)
    assert (again.json()["registered"], again.json()["unchanged"], again.json()["events"]) == (0, 4, 0)
    assert await event_count(devstack.dsn) == before
    community = await until_listed(
        api, "/divisions", "code", f"{IMPORTED_TOWN[:9]}001", parent_code=IMPORTED_TOWN
    )
    assert community["level"] == "community"


async def test_a_division_list_with_bad_rows_is_refused_whole(api: Api, devstack: Any) -> None:
    before = await event_count(devstack.dsn)
    response = await api.upload(
        "/divisions/import",
        csv(
            "code,name,level,parent_code",
            "62102530,坏代码,,",
            "621025309201,孤村,,",
            "621026302201,外县村,,",
            "621025302209,,村,",
            "621025302208,某村,城市,",
            "621025302207,好村,,",
        ),
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "import_rejected" and "未导入任何数据" in body["message"]
    found = [(e["row"], e["column"]) for e in body["errors"]]
    assert found == [(2, "code"), (3, "parent_code"), (4, "code"), (5, "name"), (6, "level")]
    assert all(e["reason"] and e["field"] == f"row.{e['row']}.{e['column']}" for e in body["errors"])
    assert await event_count(devstack.dsn) == before


MIXED_HEADER = (
    "单位名称,单位类型,单位所在区划代码,统一社会信用代码,顾问姓名,顾问类别,执业证号,联系电话,"
    "村(社区)代码,起始日期,驻点时间"
)
FIRM = "甘肃花名册律师事务所,律师事务所,621025,91621025MA71C0001X"


async def test_a_roster_with_some_bad_rows_reports_every_problem_and_imports_nothing(
    api: Api, devstack: Any
) -> None:
    start = days_ago(60)
    content = csv(
        MIXED_HEADER,
        f"{FIRM},花名册甲,律师,16210300000000001,13700000201,{V1},{start},每周一",
        f"{FIRM},花名册乙,律师,1621030000000000X,13700000202,{V2},{start},每周二",
        f"{FIRM},花名册丙,律师,16210300000000003,12345,{V2},{start},每周二",
        f"{FIRM},花名册丁,律师,16210300000000004,13700000204,621025302299,{start},每周三",
        "外县律师事务所,律师事务所,621026,91621026MA71C0009X,花名册戊,律师,16210300000000005,13700000205,,,",
        "甘肃花名册律师事务所,司法所,621025,91621025MA71C0001X,花名册己,律师,16210300000000006,13700000206,,,",
        f"{FIRM},花名册庚,律师,16210300000000007,13700000207,{V3},,每周四",
        f"花名册镇司法所,司法所,{TOWN},,花名册辛,司法所长,,13700000209,{V3},{start},每周五",
        encoding="gb18030",
    )
    before = await event_count(devstack.dsn)
    response = await api.upload("/roster/import", content)
    assert response.status_code == 422, response.text
    errors = [(e["row"], e["column"]) for e in response.json()["errors"]]
    assert errors == [
        (3, "执业证号"),
        (4, "联系电话"),
        (5, "村(社区)代码"),
        (6, "单位所在区划代码"),
        (7, "单位名称"),
        (8, "起始日期"),
    ]
    assert await event_count(devstack.dsn) == before
    listed = (await api.get("/advisors", county=COUNTY, name="花名册")).json()
    assert listed["total"] == 0


def roster_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    header = "unit_name unit_kind unit_division_code unit_credit_code advisor_name advisor_kind licence_no"
    sheet.append([*header.split(), "phone", "village_code", "valid_from", "schedule"])
    start = datetime.fromisoformat(days_ago(45))
    firm = ["甘肃表格律师事务所", "law_firm", 621025, "91621025MA71C0002X"]
    aid = ["正宁县法律援助中心（表格）", "legal_aid_center", 621025, None]
    sheet.append([*firm, "表格甲", "lawyer", "16210300000000011", 13700000211, 621025302201, start, "每周一"])
    sheet.append([*firm, "表格乙", "lawyer", "16210300000000012", 13700000212, 621025302202, start, "每周二"])
    sheet.append(
        [*aid, "表格丙", "legal_aid_lawyer", "16210300000000013", 13700000213, 621025302203, start, "周三"]
    )
    sheet.append([*firm, "表格甲", "lawyer", "16210300000000011", 13700000211, None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def test_a_valid_roster_is_imported_and_importing_it_again_changes_nothing(
    api: Api, devstack: Any
) -> None:
    content = roster_xlsx()
    first = await api.upload("/roster/import", content, key="roster-xlsx-1")
    assert first.status_code == 201, first.text
    report = first.json()
    assert report["units"] == {"new": 2, "unchanged": 0}
    assert report["advisors"] == {"new": 3, "unchanged": 0}
    assert report["assignments"] == {"new": 3, "unchanged": 0}
    before = await event_count(devstack.dsn)
    replayed = await api.upload("/roster/import", content, key="roster-xlsx-1")
    assert replayed.content == first.content and replayed.headers["Idempotency-Replayed"] == "true"
    again = (await api.upload("/roster/import", content)).json()
    assert again["events"] == 0 and again["assignments"] == {"new": 0, "unchanged": 3}
    assert await event_count(devstack.dsn) == before
    jia = await until_listed(api, "/advisors", "name", "表格甲", county=COUNTY, name="表格")
    assert jia["unit_name"] == "甘肃表格律师事务所" and jia["phone"] == "13700000211"
    assert [v["code"] for v in jia["villages"]] == [V1]
