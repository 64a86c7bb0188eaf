"""Bulk imports over the API: a division list (CSV) and a county roster (CSV, XLSX). Every row is
checked first, all problems come back by row and column, nothing is applied unless every row is
valid, and importing the same file again changes nothing."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import asyncpg
import httpx
import pytest
from openpyxl import Workbook
from support.sheets import shown_workbook, workbook
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
    assert (first.json()["imported"], first.json()["events"]) == (4, 4)
    before = await event_count(devstack.dsn)
    again = await api.upload("/divisions/import", divisions)
    assert (again.json()["imported"], again.json()["unchanged"], again.json()["events"]) == (0, 4, 0)
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
    assert body["code"] == "import_rejected" and "未写入任何记录" in body["message"]
    found = [(e["row"], e["column"]) for e in body["errors"]]
    assert found == [(2, "code"), (3, "parent_code"), (4, "code"), (5, "name"), (6, "level")]
    assert all(e["field"].startswith(f"rows[{e['row']}].") for e in body["errors"])
    assert all(e["reason"].startswith(f"第 {e['row']} 行「{e['column']}」：") for e in body["errors"])
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


V4 = "621025302204"


async def test_a_gb18030_roster_with_row_numbers_and_dates_as_excel_writes_them_is_imported(
    api: Api, devstack: Any
) -> None:
    divisions = csv("序号,代码,名称", f"1,{V4},花名册四村", encoding="gb18030")
    assert (await api.upload("/divisions/import", divisions)).status_code == 201
    since = datetime.fromisoformat(days_ago(30)).date()
    roster = csv(
        f"序号,{MIXED_HEADER}",
        f"1,{FIRM},花名册壬,律师,16210300000000031,13700000231,{V4},{since.year}/{since.month}/{since.day},每周一",
        encoding="gb18030",
    )
    response = await api.upload("/roster/import", roster)
    assert response.status_code == 201, response.text
    assert response.json()["assignments"] == {"new": 1, "unchanged": 0}
    latest = (await api.get("/imports")).json()["items"][-1]
    assert (latest["state"], latest["rows"], latest["checked"]) == ("done", 1, 1)
    assert (await api.get(f"/imports/{latest['import_id']}")).json() == latest
    conn = await asyncpg.connect(devstack.dsn)
    try:
        stored = await conn.fetchval(
            "SELECT data->>'valid_from' FROM registry.events WHERE event_type = 'AdvisorAssigned'"
            " AND data->>'village_code' = $1",
            V4,
        )
    finally:
        await conn.close()
    assert stored == since.isoformat()


@pytest.mark.parametrize(
    ("extra", "value", "names"),
    [("姓名", "花名册癸", ("顾问姓名", "姓名")), ("顾问姓名", "花名册癸", ("顾问姓名", "顾问姓名")),
     ("开始日期", "2026/1/1", ("起始日期", "开始日期"))],
    ids=["name-and-alias", "same-heading-twice", "two-start-dates"],
)  # fmt: skip
async def test_a_roster_with_two_headings_for_one_column_is_refused_naming_both(
    api: Api, devstack: Any, extra: str, value: str, names: tuple[str, str]
) -> None:
    before = await event_count(devstack.dsn)
    content = csv(
        f"{MIXED_HEADER},{extra}",
        f"{FIRM},花名册癸,律师,16210300000000032,13700000232,,,,{value}",
    )
    response = await api.upload("/roster/import", content)
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["row"] == 1 and all(f"「{n}」" in error["reason"] for n in names), error
    assert await event_count(devstack.dsn) == before


async def test_a_roster_xlsx_with_a_licence_number_excel_rounded_is_refused_asking_for_text(
    api: Api, devstack: Any
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(MIXED_HEADER.split(","))
    firm = FIRM.split(",")
    sheet.append(
        [*firm, "花名册子", "律师", 16210300000000000, 13700000233, None, None, None]
    )  # 17 digits typed
    sheet.append([*firm, "花名册丑", "律师", "16210300000000034", 13700000234.5, None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    before = await event_count(devstack.dsn)
    response = await api.upload("/roster/import", buffer.getvalue())
    assert response.status_code == 422, response.text
    errors = [(e["row"], e["column"]) for e in response.json()["errors"]]
    assert errors == [(2, "执业证号"), (3, "联系电话")]
    assert "请将该列设置为文本格式" in response.json()["errors"][0]["reason"]
    assert await event_count(devstack.dsn) == before


async def test_a_roster_with_a_nul_in_a_cell_is_refused_by_row_and_column(api: Api, devstack: Any) -> None:
    before = await event_count(devstack.dsn)
    content = csv(MIXED_HEADER, f"{FIRM},花名册寅,律师,16210300000000035,13700000235,,,每周一\x00九点")
    response = await api.upload("/roster/import", content)
    assert response.status_code == 422, response.text
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(2, "驻点时间")]
    assert await event_count(devstack.dsn) == before


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


async def test_codes_and_phones_typed_in_full_width_are_read_as_the_api_reads_them(api: Api) -> None:
    town, village = "621025311000", "621025311201"
    divisions = csv(
        "代码,名称", f"{town.translate(FULL_WIDTH)},全角镇", f"{village.translate(FULL_WIDTH)},全角一村"
    )
    response = await api.upload("/divisions/import", divisions)
    assert response.status_code == 201, response.text
    await until_listed(api, "/divisions", "code", village, parent_code=town)
    phone = "13700000241"
    roster = csv(
        MIXED_HEADER,
        f"{FIRM},全角甲,律师,{'16210300000000041'.translate(FULL_WIDTH)},{phone.translate(FULL_WIDTH)},"
        f"{village.translate(FULL_WIDTH)},{days_ago(20)},每周一",
    )
    response = await api.upload("/roster/import", roster)
    assert response.status_code == 201, response.text
    jia = await until_listed(api, "/advisors", "name", "全角甲", county=COUNTY, name="全角甲")
    assert jia["phone"] == phone and jia["licence_no"] == "16210300000000041"
    assert [v["code"] for v in jia["villages"]] == [village]


async def test_a_division_list_with_cr_only_line_endings_is_imported(api: Api) -> None:
    content = "代码,名称\r621025312000,旧苹果镇\r621025312201,旧苹果一村\r".encode()
    response = await api.upload("/divisions/import", content)
    assert response.status_code == 201, response.text
    assert response.json()["imported"] == 2


def xlsx_sheets(*sheets: list[str]) -> bytes:
    """A workbook whose rows are written as comma-separated lines."""
    return workbook(*([line.split(",") for line in rows] for rows in sheets))


@pytest.mark.parametrize(
    ("path", "content", "named"),
    [
        ("/divisions/import", csv("代码,名称,级别"), "文件"),
        ("/roster/import", csv(MIXED_HEADER), "文件"),
        ("/roster/import", csv(MIXED_HEADER, ",,,,,,,,,,"), "文件"),
        ("/divisions/import", xlsx_sheets(["代码,名称"]), "工作表「Sheet」"),
        ("/roster/import", xlsx_sheets([], [MIXED_HEADER]), "工作表「表2」"),
    ],
    ids=["divisions-heading-only", "roster-heading-only", "roster-blank-row", "divisions-xlsx-heading-only",
         "roster-xlsx-empty-first-sheet"],
)  # fmt: skip
async def test_an_import_without_data_rows_is_refused_naming_what_was_read(
    api: Api, devstack: Any, path: str, content: bytes, named: str
) -> None:
    before = await event_count(devstack.dsn)
    response = await api.upload(path, content)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "import_rejected"
    assert [e["reason"] for e in body["errors"]] == [
        f"{named}没有数据行：第 1 行应为表头，第 2 行起每行一条记录"
    ]
    assert await event_count(devstack.dsn) == before


async def test_a_division_list_on_the_second_sheet_behind_an_empty_first_is_imported(api: Api) -> None:
    content = xlsx_sheets([], ["代码,名称", "621025313000,二页镇"])
    response = await api.upload("/divisions/import", content)
    assert response.status_code == 201, response.text
    assert response.json()["imported"] == 1


async def test_a_division_list_is_read_from_its_visible_sheet_never_a_hidden_one(
    api: Api, devstack: Any
) -> None:
    # A hidden first sheet used to be read in place of the visible one, and the answer named neither.
    content = shown_workbook(
        ("old", "hidden", [["代码", "名称"], ["621025314000", "隐藏镇"]]),
        ("data", "visible", [["代码", "名称"], ["621025315000", "可见镇"]]),
    )
    response = await api.upload("/divisions/import", content)
    assert response.status_code == 201, response.text
    assert response.json() == {"rows": 1, "imported": 1, "unchanged": 0, "events": 1, "sheet": "data"}
    conn = await asyncpg.connect(devstack.dsn)
    try:
        written = await conn.fetchval(
            "SELECT count(*) FROM registry.events WHERE data::text LIKE '%621025314000%'"
        )
    finally:
        await conn.close()
    assert written == 0


async def test_a_roster_quote_left_open_is_refused_where_it_opens_and_writes_nothing(
    api: Api, devstack: Any
) -> None:
    # It used to fold the rest of the row into one cell and answer for the columns it swallowed.
    before = await event_count(devstack.dsn)
    roster = csv(
        MIXED_HEADER,
        f'{FIRM},"引号乙,律师,16210300000000042,13800000042,{V1},{days_ago(20)},每周一',
    )
    response = await api.upload("/roster/import", roster)
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert (error["row"], error["column"]) == (2, "顾问姓名"), error
    assert error["reason"].startswith("第 2 行「顾问姓名」：引号未闭合"), error
    assert await event_count(devstack.dsn) == before


@pytest.mark.parametrize(
    ("path", "rows", "column"),
    [
        ("/divisions/import", [["代码", "名称"], ["621025316000", "名单镇"], ["621025999001", ""]], "名称"),
        ("/roster/import", [MIXED_HEADER.split(","), [*FIRM.split(","), "名单甲", "律师", "123", None, None,
                                                      None, None]], "执业证号"),
    ],
    ids=["divisions", "roster"],
)  # fmt: skip
async def test_a_refused_xlsx_import_names_the_sheet_read(
    api: Api, devstack: Any, path: str, rows: list[list[Any]], column: str
) -> None:
    # Only a success and "no data rows" named the sheet; a refused row came back without it.
    content = shown_workbook(("空白", "visible", []), ("名单", "visible", rows))
    before = await event_count(devstack.dsn)
    response = await api.upload(path, content)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "import_rejected" and body["sheet"] == "名单", body
    assert "工作表「名单」中发现" in body["message"], body
    assert column in [e["column"] for e in body["errors"]], body
    assert await event_count(devstack.dsn) == before
