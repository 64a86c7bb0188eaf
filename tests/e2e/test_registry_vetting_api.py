"""Advisor vetting over HTTP against the real services (R2): a unit nominates, the county approves
or rejects with a reason, the unit reads the decision; only an approved advisor is assigned or
named in an agreement (422 `advisor_not_approved` naming the rule), and refusals change nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from test_registry_helpers import (
    COUNTY,
    OTHER_COUNTY,
    Api,
    advisor_body,
    days_ago,
    event_count,
    register_divisions,
    unit_body,
    until_listed,
)

TOWN, VILLAGE, SECOND = "621025377000", "621025377201", "621025377202"
FIRM, OTHER_FIRM = "U-vet-firm", "U-vet-firm-2"


@dataclass
class World:
    county: Api
    other_county: Api
    firm: Api
    other_firm: Api
    dsn: str


@pytest.fixture(scope="module")
async def world(stack: Any, devstack: Any) -> AsyncIterator[World]:
    async with httpx.AsyncClient(timeout=15, trust_env=False) as http:
        url = stack.urls["registry"]
        w = World(
            Api(http, url, stack.headers("county_admin", COUNTY, "vet-county")),
            Api(http, url, stack.headers("county_admin", OTHER_COUNTY, "vet-other-county")),
            Api(http, url, stack.headers("law_firm", COUNTY, "vet-firm-clerk", FIRM)),
            Api(http, url, stack.headers("law_firm", COUNTY, "vet-firm2-clerk", OTHER_FIRM)),
            devstack.dsn,
        )
        province = Api(http, url, stack.headers("province_admin", "620000", "vet-province"))
        await register_divisions(
            w.county, province, [(TOWN, "审核镇", "township"), (VILLAGE, "审核村", "village"),
                                 (SECOND, "审核二村", "village")]
        )  # fmt: skip
        await w.county.ok("/units", unit_body(FIRM, COUNTY, 301))
        await w.county.ok("/units", unit_body(OTHER_FIRM, COUNTY, 302))
        yield w


def nominee(advisor_id: str, n: int, unit: str = FIRM) -> dict[str, Any]:
    return advisor_body(advisor_id, unit, 500 + n) | {"name": f"提名顾问{n}"}


def assignment(advisor_id: str, village: str = VILLAGE) -> dict[str, Any]:
    return {"village_code": village, "advisor_id": advisor_id, "valid_from": days_ago(3),
            "schedule": "每周一"}  # fmt: skip


async def test_a_unit_nominates_the_county_approves_and_then_assigns(world: World) -> None:
    done = await world.firm.ok("/nominations", nominee("A-vet-1", 1))
    assert [e["event_type"] for e in done["events"]] == ["AdvisorNominated"]
    pending = await until_listed(world.county, "/nominations", "advisor_id", "A-vet-1", state="pending")
    assert (pending["unit_name"], pending["reason"]) == (f"甘肃测试{FIRM}律师事务所", None)

    refused = await world.county.post("/assignments", assignment("A-vet-1"))  # not approved yet
    assert refused.status_code == 422 and refused.json()["code"] == "advisor_not_approved"

    approved = await world.county.ok("/nominations/A-vet-1/approval", {})
    assert [e["event_type"] for e in approved["events"]] == ["AdvisorApproved", "AdvisorRegistered"]
    await until_listed(world.county, "/advisors", "advisor_id", "A-vet-1", unit_id=FIRM)  # on the roster
    mine = await until_listed(world.firm, "/nominations", "advisor_id", "A-vet-1", state="approved")
    assert mine["decided_at"] is not None

    await world.county.ok("/assignments", assignment("A-vet-1"))


async def test_a_rejected_nominee_cannot_be_assigned_and_the_unit_reads_why(world: World) -> None:
    await world.firm.ok("/nominations", nominee("A-vet-2", 2))
    await world.county.ok("/nominations/A-vet-2/rejection", {"reason": "执业年限不足三年"})
    mine = await until_listed(world.firm, "/nominations", "advisor_id", "A-vet-2", state="rejected")
    assert mine["reason"] == "执业年限不足三年"

    before = await event_count(world.dsn)
    for path, body, field in (
        ("/assignments", assignment("A-vet-2", SECOND), "advisor_id"),
        ("/agreements", {"agreement_id": "AG-vet-2", "unit_id": FIRM, "village_code": SECOND,
                         "advisor_ids": ["A-vet-2"], "term_start": days_ago(10), "term_end": days_ago(-355),
                         "signed_on": days_ago(5)}, "advisor_ids"),
    ):  # fmt: skip
        response = await world.county.post(path, body)
        assert response.status_code == 422, response.text
        error = response.json()
        assert (error["code"], error["field"]) == ("advisor_not_approved", field)
        assert "已被驳回" in error["message"] and "审核通过" in error["message"]  # names the rule
        assert error["errors"] == [{"field": field, "reason": error["message"]}]
    assert await event_count(world.dsn) == before

    again = await world.firm.ok("/nominations", nominee("A-vet-2", 2))  # the unit may try again
    assert [e["event_type"] for e in again["events"]] == ["AdvisorNominated"]
    await until_listed(world.county, "/nominations", "advisor_id", "A-vet-2", state="pending")


async def test_who_may_nominate_and_decide_is_scoped(world: World) -> None:
    await world.firm.ok("/nominations", nominee("A-vet-3", 3))
    before = await event_count(world.dsn)
    cases = [
        (world.firm, "/nominations", nominee("A-vet-4", 4, OTHER_FIRM), 403, "forbidden", "unit_id"),
        (world.firm, "/advisors", nominee("A-vet-4", 4), 403, "forbidden", "role"),  # units nominate
        (world.firm, "/nominations/A-vet-3/approval", {}, 403, "forbidden", "role"),
        (world.other_county, "/nominations/A-vet-3/approval", {}, 403, "forbidden", "advisor_id"),
        (world.county, "/nominations/A-vet-none/approval", {}, 404, "not_found", "advisor_id"),
        (world.county, "/nominations/A-vet-3/rejection", {"reason": ""}, 422, "validation_failed",
         "reason"),
        (world.firm, "/nominations", nominee("A-vet-5", 5) | {"kind": "judicial_assistant"}, 422,
         "rule_violated", "kind"),
        (world.firm, "/nominations", nominee("A-vet-5", 5) | {"licence_no": None}, 422, "validation_failed",
         "licence_no"),
    ]  # fmt: skip
    for api, path, body, status, code, field in cases:
        response = await api.post(path, body)
        assert response.status_code == status, f"{path}: {response.text}"
        assert (response.json()["code"], response.json()["field"]) == (code, field), response.text
    assert await event_count(world.dsn) == before
    others = await world.other_firm.get("/nominations")  # another unit sees none of this unit's
    assert others.status_code == 200 and others.json()["items"] == []
    assert (await world.other_firm.get("/nominations", unit_id=FIRM)).status_code == 403
    assert (await world.other_county.get("/nominations", county=COUNTY)).status_code == 403


async def test_deciding_twice_is_a_conflict_and_a_retry_with_the_key_is_replayed(world: World) -> None:
    await world.firm.ok("/nominations", nominee("A-vet-6", 6))
    first = await world.county.post("/nominations/A-vet-6/approval", {}, key="vet-approve-6")
    replay = await world.county.post("/nominations/A-vet-6/approval", {}, key="vet-approve-6")
    assert first.status_code == replay.status_code == 201 and replay.json() == first.json()
    assert replay.headers["Idempotency-Replayed"] == "true"
    again = await world.county.post("/nominations/A-vet-6/rejection", {"reason": "重复"})
    assert again.status_code == 409 and again.json()["field"] == "advisor_id"


async def test_the_same_person_is_not_nominated_twice_while_pending_or_approved(world: World) -> None:
    await world.firm.ok("/nominations", nominee("A-vet-7", 7))  # pending
    await until_listed(world.county, "/nominations", "advisor_id", "A-vet-7", state="pending")
    await world.firm.ok("/nominations", nominee("A-vet-8", 8))
    await world.county.ok("/nominations/A-vet-8/approval", {})
    await until_listed(world.county, "/advisors", "advisor_id", "A-vet-8", unit_id=FIRM)  # approved

    before = await event_count(world.dsn)
    for api, again, existing in (
        (world.firm, nominee("A-vet-7b", 7), "提名顾问7"),
        (world.other_firm, nominee("A-vet-8b", 8, OTHER_FIRM), "提名顾问8"),  # another firm, same licence
    ):
        response = await api.post("/nominations", again)
        assert response.status_code == 409, response.text
        error = response.json()
        assert (error["code"], error["field"]) == ("already_nominated", "licence_no")
        assert existing in error["message"] and "不能重复提名" in error["message"]
    assert await event_count(world.dsn) == before

    await world.county.ok("/nominations/A-vet-7/rejection", {"reason": "材料不全"})
    await until_listed(world.county, "/nominations", "advisor_id", "A-vet-7", state="rejected")
    again = await world.firm.ok("/nominations", nominee("A-vet-7c", 7))  # a rejected person: again
    assert [e["event_type"] for e in again["events"]] == ["AdvisorNominated"]


async def test_two_nominations_of_one_person_at_the_same_instant_pass_once(world: World) -> None:
    """The duplicate check is the claim stream's decision, not the read model's: fired together,
    neither nomination can see the other in the read model, and still only one passes."""
    before = await event_count(world.dsn)
    answers = await asyncio.gather(
        world.firm.post("/nominations", nominee("A-vet-9a", 9), key="vet-same-instant-a"),
        world.other_firm.post("/nominations", nominee("A-vet-9b", 9, OTHER_FIRM), key="vet-same-instant-b"),
    )
    assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]
    refused = next(a for a in answers if a.status_code == 409).json()
    assert (refused["code"], refused["field"]) == ("already_nominated", "licence_no")
    assert "不能重复提名" in refused["message"]
    assert await event_count(world.dsn) == before + 2  # the one nomination and its claim


async def test_a_missing_licence_is_named_with_the_other_refused_fields_at_once(world: World) -> None:
    """A blank lawyer's form: the name, the phone and the licence in one 422, so the page shows the
    licence's reason next to it on the first try (not only after the other fields are fixed)."""
    blank = {"name": "", "kind": "lawyer", "unit_id": FIRM, "phone": "", "licence_no": None}
    response = await world.firm.post("/nominations", blank)
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["code"] == "validation_failed"
    reasons = {e["field"]: e["reason"] for e in error["errors"]}
    assert set(reasons) == {"name", "phone", "licence_no"}
    assert reasons["licence_no"] == "律师类顾问须填写17位执业证号"
    assistant = {**blank, "kind": "judicial_assistant"}  # no licence for this kind: not asked for
    error = (await world.firm.post("/nominations", assistant)).json()
    assert {e["field"] for e in error["errors"]} == {"name", "phone"}


def roster_of(advisor_id: str, n: int) -> bytes:
    """The county's roster naming one lawyer of FIRM, as `nominee(…, n)` names them (Chinese headings)."""
    body = nominee(advisor_id, n)
    firm = f"{FIRM},甘肃测试{FIRM}律师事务所,律师事务所,{COUNTY},91{COUNTY}MA71B0301X"
    lines = (
        "单位编号,单位名称,单位类型,单位所在区划代码,统一社会信用代码,顾问编号,顾问姓名,顾问类别,执业证号,联系电话",
        f"{firm},{advisor_id},{body['name']},律师,{body['licence_no']},{body['phone']}",
    )
    return ("\n".join(lines) + "\n").encode()


async def test_the_roster_import_and_a_nomination_claim_one_person_once(world: World) -> None:
    """Whichever comes first, the other is refused by the person's claim, read model or not: a
    nomination right after an import is 409; an import after a nomination is refused by row."""
    imported = await world.county.upload("/roster/import", roster_of("A-vet-10", 10))
    assert imported.status_code == 201, imported.text
    response = await world.firm.post("/nominations", nominee("A-vet-10b", 10))
    assert response.status_code == 409, response.text
    assert (response.json()["code"], response.json()["field"]) == ("already_nominated", "licence_no")

    await world.firm.ok("/nominations", nominee("A-vet-11", 11))
    before = await event_count(world.dsn)
    response = await world.county.upload("/roster/import", roster_of("A-vet-11b", 11))
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["code"] == "import_rejected" and "未写入任何记录" in error["message"]
    [problem] = error["errors"]
    assert (problem["row"], problem["column"], problem["field"]) == (2, "执业证号", "rows[2].licence_no")
    assert problem["reason"].startswith("第 2 行「执业证号」：") and "不能重复" in problem["reason"]
    assert await event_count(world.dsn) == before
