"""Registry imports and the API keep one set of rules, and a file's rows are named by their rows
(session 15, part D; real services): a row clashing only with an earlier row of the same file
names that row (nothing of the file is registered); the employer rule (advisor kind <-> unit kind)
holds for the roster import and the county's registration as for a nomination; every problem of a
roster row comes back at once; an entered schedule is read by the board's own parser."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from test_registry_helpers import COUNTY, Api, days_ago, event_count, register_divisions

TOWN, V1, V2 = "621025321000", "621025321201", "621025321202"
HEADER = (
    "单位名称,单位类型,单位所在区划代码,统一社会信用代码,顾问姓名,顾问类别,执业证号,联系电话,"
    "村(社区)代码,起始日期,驻点时间"
)
FIRM = "甘肃行号律师事务所,律师事务所,621025,91621025MA71D0001X"


@pytest.fixture(scope="module")
async def api(stack: Any) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        county = Api(http, stack.urls["registry"], stack.headers("county_admin", COUNTY, "rows-county-admin"))
        province = Api(
            http, stack.urls["registry"], stack.headers("province_admin", "620000", "rows-province")
        )
        await register_divisions(
            county,
            province,
            [(TOWN, "行号镇", "township"), (V1, "行号一村", "village"), (V2, "行号二村", "village")],
        )
        yield county


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def errors(response: httpx.Response) -> dict[tuple[int, str], str]:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "import_rejected"
    return {(e["row"], e["column"]): e["reason"] for e in body["errors"]}


async def test_a_division_code_twice_in_a_file_names_the_first_row_not_a_registration(
    api: Api, devstack: Any
) -> None:
    before = await event_count(devstack.dsn)
    found = errors(
        await api.upload(
            "/divisions/import",
            csv(
                "代码,名称",
                "621025321100,新建村",
                "621025321101,东村",
                "621025321102,西村",
                "621025321100,新建二村",
            ),
        )
    )
    assert list(found) == [(5, "代码")]
    assert "与本文件第 2 行重复" in found[5, "代码"] and "已登记" not in found[5, "代码"]
    assert await event_count(devstack.dsn) == before


async def test_a_division_row_repeated_as_it_is_is_no_problem(api: Api) -> None:
    response = await api.upload(
        "/divisions/import", csv("代码,名称", "621025321110,同名村", "621025321110,同名村")
    )
    assert response.status_code == 201, response.text


async def test_two_roster_rows_assigning_one_village_name_the_earlier_row(api: Api, devstack: Any) -> None:
    start = days_ago(30)
    before = await event_count(devstack.dsn)
    found = errors(
        await api.upload(
            "/roster/import",
            csv(
                HEADER,
                f"{FIRM},行号甲,律师,16210300000000311,13700000311,{V1},{start},每周一 9:00-12:00",
                f"{FIRM},行号乙,律师,16210300000000312,13700000312,{V1},{start},每周二 9:00-12:00",
            ),
        )
    )
    assert list(found) == [(3, "起始日期")], found
    reason = found[3, "起始日期"]
    assert "与本文件第 2 行" in reason and "A-" not in reason and "已有任期" not in reason
    assert await event_count(devstack.dsn) == before


@pytest.mark.parametrize(
    ("unit", "kind"),
    [(FIRM, "司法所长"), (FIRM, "司法助理员"), ("行号镇司法所,司法所,621025321000,", "律师")],
)
async def test_the_roster_refuses_an_advisor_kind_the_unit_does_not_employ(
    api: Api, devstack: Any, unit: str, kind: str
) -> None:
    before = await event_count(devstack.dsn)
    licence = "16210300000000321" if kind == "律师" else ""
    found = errors(
        await api.upload("/roster/import", csv(HEADER, f"{unit},行号丙,{kind},{licence},13700000321,,,"))
    )
    assert list(found) == [(2, "顾问类别")], found
    assert "的顾问只能是" in found[2, "顾问类别"]
    assert await event_count(devstack.dsn) == before


async def test_the_county_registers_no_justice_office_head_in_a_law_firm(api: Api) -> None:
    firm = await api.ok(
        "/units",
        {"unit_id": "U-rows-firm", "kind": "law_firm", "name": "甘肃行号二律师事务所",
         "division_code": COUNTY, "credit_code": "91621025MA71D0002X"},
    )  # fmt: skip
    assert firm
    body = {"kind": "justice_office_head", "unit_id": "U-rows-firm", "name": "行号丁", "phone": "13700000331"}
    response = await api.post("/advisors", body)
    assert response.status_code == 422, response.text
    answer = response.json()
    assert answer["field"] == "kind" or any(e["field"].endswith("kind") for e in answer.get("errors") or [])
    assert "律师事务所的顾问只能是：律师" in response.text


async def test_an_unknown_advisor_kind_in_a_roster_names_the_sheets_words(api: Api) -> None:
    found = errors(
        await api.upload("/roster/import", csv(HEADER, f"{FIRM},行号己,司法辅助人员,,13700000351,,,"))
    )
    assert list(found) == [(2, "顾问类别")], found
    assert "司法助理员" in found[2, "顾问类别"] and "lawyer" not in found[2, "顾问类别"]


async def test_every_problem_of_a_roster_row_comes_back_at_once(api: Api) -> None:
    found = errors(
        await api.upload(
            "/roster/import",
            csv(HEADER, f"{FIRM},行号戊,律师,16210300000000341,12345,{V2},2026-02-30,每周八 25:00-26:00"),
        )
    )
    assert set(found) == {(2, "起始日期"), (2, "联系电话"), (2, "驻点时间")}, found
    assert "周八" in found[2, "驻点时间"] and "例如：每周三 9:00-12:00" in found[2, "驻点时间"]


async def test_a_roster_row_with_bad_cells_still_has_its_village_checked_against_the_registry(
    api: Api, devstack: Any
) -> None:
    before = await event_count(devstack.dsn)
    unit_elsewhere = "甘肃别县律师事务所,律师事务所,621026,91621026MA71D0001X"
    found = errors(
        await api.upload(
            "/roster/import",
            csv(
                HEADER,
                f"{FIRM},行号辛,律师,16210300000000371,12345,621025999999,{days_ago(3)},每周八 9:00-12:00",
                f"{unit_elsewhere},行号壬,律师,16210300000000372,13700000372,{V2},2026-02-30,周八",
                # the row reads whole, but its unit is refused: its village is checked all the same
                f"{unit_elsewhere},行号癸,律师,16210300000000373,13700000373,621025999998,{days_ago(3)},"
                "每周三 9:00-12:00",
            ),
        )
    )
    assert set(found) == {
        (2, "联系电话"), (2, "驻点时间"), (2, "村(社区)代码"),
        (3, "起始日期"), (3, "驻点时间"), (3, "单位所在区划代码"),
        (4, "单位所在区划代码"), (4, "村(社区)代码"),
    }, found  # fmt: skip
    assert "只能为已登记的村或社区指派法律顾问" in found[2, "村(社区)代码"]
    assert "该单位不在您的管辖范围 621025 内" in found[3, "单位所在区划代码"]
    assert "只能为已登记的村或社区指派法律顾问" in found[4, "村(社区)代码"]
    assert await event_count(devstack.dsn) == before


async def test_a_roster_row_with_an_unreadable_cell_and_a_village_out_of_scope_names_both(api: Api) -> None:
    found = errors(
        await api.upload(
            "/roster/import",
            csv(HEADER, f"{FIRM},行号子,律师,16210300000000381,13700000381,621026100201,2026-02-30,周一"),
        )
    )
    assert set(found) == {(2, "起始日期"), (2, "村(社区)代码")}, found
    assert "不在您的管辖范围 621025 内" in found[2, "村(社区)代码"]


async def test_a_division_row_with_a_bad_name_still_has_its_codes_scope_checked(api: Api) -> None:
    found = errors(
        await api.upload(
            "/divisions/import",
            csv("代码,名称,级别", "621026321120,外县村,村", "621026321121,,村", "621026321122,某村,某级"),
        )
    )
    assert set(found) == {(2, "代码"), (3, "名称"), (3, "代码"), (4, "级别"), (4, "代码")}, found
    assert all("不在您的管辖范围 621025 内" in found[n, "代码"] for n in (2, 3, 4))


async def test_cells_without_a_heading_refuse_a_registry_import_naming_the_column(api: Api) -> None:
    found = errors(await api.upload("/divisions/import", csv("代码,名称", "621025321130,多列村,备注")))
    assert list(found) == [(2, "第 C 列")], found
    assert "第 C 列没有表头" in found[2, "第 C 列"]
    trailing = await api.upload("/divisions/import", csv("代码,名称", "621025321131,尾逗号村,"))
    assert trailing.status_code == 201, trailing.text


@pytest.mark.parametrize(
    "schedule",
    ["随时", "每周三 25:00-26:00", "每周八 9:00-12:00", "周一至八 9:00-12:00", "周一至周五 12:00～9:00"],
)
async def test_an_assignment_with_a_schedule_the_board_cannot_read_is_refused_naming_it(
    api: Api, schedule: str
) -> None:
    body = {"village_code": V2, "advisor_id": "A-none", "valid_from": days_ago(3), "schedule": schedule}
    response = await api.post("/assignments", body)
    assert response.status_code == 422, response.text
    answer = response.json()
    fields = [answer.get("field"), *(e.get("field") for e in answer.get("errors") or [])]
    assert any(f and f.endswith("schedule") for f in fields), answer
    assert "例如：每周三 9:00-12:00" in response.text


async def test_one_person_as_two_advisors_of_a_roster_names_the_earlier_row(api: Api, devstack: Any) -> None:
    before = await event_count(devstack.dsn)
    found = errors(
        await api.upload(
            "/roster/import",
            csv(
                HEADER + ",顾问编号",
                f"{FIRM},行号庚,律师,16210300000000361,13700000361,,,,A-rows-361",
                f"{FIRM},行号庚二,律师,16210300000000361,13700000362,,,,A-rows-362",
            ),
        )
    )
    assert list(found) == [(3, "执业证号")], found
    assert "与本文件第 2 行" in found[3, "执业证号"] and "已在本县提名或在册" not in found[3, "执业证号"]
    assert await event_count(devstack.dsn) == before
