"""Who may write what, role by role, over HTTP against the four real services (README's "who" columns).

Reads have a rule table per service (test_read_rules.py); a command's role rule lives in its
application code. Every command route (POST/PUT) of the four services is walked here for each of the
eight roles. A refused role gets 403 in the documented error format naming `role` (“当前角色（法律顾问）
无权执行此操作”), before its body is looked at or anything it names is looked up, and nothing is
written: the service's event count is unchanged. A role that may call the route gets anything but that
refusal (the body names nothing registered, so the answer is a 404, 409 or 422 and nothing is written
either; a 403 naming another field, the target's scope, is the route's own check, walked below).

Where the README's column is silent, least privilege (see the module's WRITES rows):
- `POST /volumes/…/verify` writes nothing: it follows the volume's read rule.
- The evaluation, the conclusion, the deadline misses and the annual report are the county's acts
  (`county_admin`); the review of reports is every administrator's, at the level the report is at.

The second half walks scope with real rows: another county's administrator, another province's,
another unit, another village's committee, another advisor.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from eventkit.clock import now_cst, today_cst
from support.principals import (
    ADMINS,
    COUNTY,
    ROLE_NAMES,
    ROLES,
    UNITS,
    VILLAGE,
    role_headers,
    route_templates,
    unwalked,
)
from support.waiting import eventually
from test_registry_helpers import Api, advisor_body, days_ago, register_divisions, unit_body

NOWHERE = "621025999201"  # a village nobody registered, in the county
DAY = "2026-03-02"
CSV = b"\xe4\xbb\xa3\xe7\xa0\x81\n"  # 代码: a header row and nothing else
ENTRY = "E-none"
WHEN = {"occurred_at": f"{DAY}T09:00:00+08:00"}
VISIT = {
    "started_at": f"{DAY}T09:00:00+08:00",
    "ended_at": f"{DAY}T11:00:00+08:00",
    "place": "村委会",
    "summary": "驻点值班",
}


@dataclass(frozen=True)
class Write:
    """A command route called with a body that passes its shape checks, and who may call it."""

    service: str
    path: str
    body: dict[str, Any] | bytes | None
    writers: set[str]
    method: str = "POST"


WRITES: list[Write] = [
    # registry
    Write(
        "registry",
        "/divisions",
        {"code": "621025999201", "name": "无此村", "level": "village", "parent_code": "621025999000"},
        ADMINS,
    ),
    Write("registry", "/divisions/import", CSV, ADMINS),
    Write("registry", "/roster/import", CSV, ADMINS),
    Write("registry", "/units", unit_body("U-none", "621099"), ADMINS),
    Write("registry", "/advisors", advisor_body("A-none", "U-none", 990), ADMINS),
    Write(
        "registry",
        "/advisors/A-none/status",
        {"status": "suspended", "changed_on": DAY, "reason": "病休"},
        ADMINS | UNITS,
    ),
    Write(
        "registry",
        "/assignments",
        {"village_code": NOWHERE, "advisor_id": "A-none", "valid_from": DAY, "schedule": "每周三 9:00-12:00"},
        ADMINS,
    ),
    Write("registry", f"/villages/{NOWHERE}/assignment/end", {"valid_to": DAY, "reason": "调整"}, ADMINS),
    Write(
        "registry",
        f"/villages/{NOWHERE}/notice-board",
        {"advisor_id": "A-none", "posted_on": DAY},
        ADMINS | UNITS | {"village_committee"},
    ),
    Write(
        "registry",
        f"/villages/{NOWHERE}/service-group",
        {"advisor_id": "A-none", "name": "法律服务群", "member_count": 10, "established_on": DAY},
        ADMINS | UNITS,
    ),
    Write(
        "registry",
        f"/villages/{NOWHERE}/service-group/counts",
        {"member_count": 12, "counted_on": DAY},
        ADMINS | UNITS | {"advisor"},
    ),
    Write(
        "registry",
        "/agreements",
        {
            "unit_id": "U-none",
            "village_code": NOWHERE,
            "advisor_ids": ["A-none"],
            "term_start": DAY,
            "term_end": "2027-03-01",
            "signed_on": DAY,
        },
        ADMINS | UNITS,
    ),
    Write(
        "registry",
        "/agreements/AG-none/filing",
        {"filing_no": "备-1", "filed_on": DAY, "signed_and_stamped": True},
        ADMINS,
    ),
    Write(
        "registry",
        "/agreements/AG-none/renewal",
        {"new_term_end": "2028-03-01", "renewed_on": DAY},
        ADMINS | UNITS,
    ),
    Write(
        "registry",
        "/agreements/AG-none/termination",
        {"terminated_on": DAY, "reason": "到期不续"},
        ADMINS | UNITS,
    ),
    Write("registry", "/nominations", advisor_body("A-none", "U-none", 991), UNITS),
    Write("registry", "/nominations/A-none/approval", None, {"county_admin"}),
    Write("registry", "/nominations/A-none/rejection", {"reason": "材料不全"}, {"county_admin"}),
    # the county's own responsibilities: another county's, so that the one allowed role writes nothing
    Write(
        "registry",
        "/counties/621026/responsibilities",
        {
            "head": "局长 张某某",
            "deputy": "副局长 李某某",
            "sections": ["法治宣传股"],
            "filing_place": "县司法局 301 室",
        },
        {"county_admin"},
        "PUT",
    ),
    # ledger
    Write("ledger", "/visits", {"village_code": NOWHERE, **VISIT}, {"advisor"}),
    Write(
        "ledger",
        "/lectures",
        {"village_code": NOWHERE, **WHEN, "topic": "民法典", "audience": 30},
        {"advisor"},
    ),
    Write(
        "ledger",
        "/publicity-events",
        {"village_code": NOWHERE, **WHEN, "topic": "普法", "audience": 30},
        {"advisor"},
    ),
    Write(
        "ledger",
        "/consultations",
        {
            "village_code": NOWHERE,
            **WHEN,
            "channel": "phone",
            "category": "other",
            "outcome": "resolved",
            "summary": "咨询",
        },
        {"advisor"},
    ),
    Write(
        "ledger",
        "/mediations",
        {
            "village_code": NOWHERE,
            **WHEN,
            "parties": 2,
            "category": "other",
            "outcome": "agreed",
            "summary": "调解",
        },
        {"advisor"},
    ),
    Write(
        "ledger",
        "/document-reviews",
        {
            "village_code": NOWHERE,
            **WHEN,
            "document_kind": "contract",
            "title": "承包合同",
            "summary": "审查",
        },
        {"advisor"},
    ),
    Write("ledger", f"/entries/{ENTRY}/confirmation", None, {"village_committee"}),
    Write("ledger", f"/entries/{ENTRY}/queries", {"reason": "时间不符"}, {"village_committee"}),
    Write(
        "ledger",
        f"/entries/{ENTRY}/corrections",
        {"changes": {"summary": "改"}, "reason": "笔误"},
        {"advisor"} | UNITS,
    ),
    Write("ledger", f"/entries/{ENTRY}/void", {"reason": "重复登记"}, {"advisor"} | UNITS),
    Write("ledger", f"/volumes/village/{VILLAGE}/2026/verify", None, ADMINS | UNITS | {"village_committee"}),
    Write("ledger", "/imports", CSV, UNITS),
    Write(
        "ledger",
        f"/entries/{ENTRY}/typical-case",
        {"title": "调解案例", "text": "王某与李某…"},
        {"advisor"} | UNITS,
    ),
    Write("ledger", "/typical-cases/TC-none/approval", None, {"county_admin"}),
    Write("ledger", "/typical-cases/TC-none/return", {"reason": "请补充"}, {"county_admin"}),
    # assessment: a malformed body (negative hours) is read only once the role may set rules
    Write(
        "assessment",
        "/rules",
        {"division_code": "620000", "effective_from": "2018-01-01", "min_quarter_onsite_hours": -1},
        {"province_admin", "county_admin"},
    ),
    # a county's rules are the county's: the province is refused by the handler's level rule
    Write("assessment", "/rules", {"division_code": "621026", "effective_from": DAY}, {"county_admin"}),
    Write("assessment", "/evaluations", {"county": "621026", "period": "2025Q1"}, {"county_admin"}),
    Write(
        "assessment",
        "/feedback",
        {"advisor_id": "A-none", "village_code": NOWHERE, "year": 2026, "rating": 5},
        {"village_committee", "county_admin"},
    ),
    Write("assessment", "/advisors/A-none/assessments/2026/confirmation", {}, {"advisor"}),
    Write("assessment", "/advisors/A-none/assessments/2026/dispute", {"reason": "课时少算"}, {"advisor"}),
    Write(
        "assessment", "/advisors/A-none/assessments/2026/conclusion", {"result": "passed"}, {"county_admin"}
    ),
    Write(
        "assessment",
        "/advisors/A-none/assessments/2026/rectification-completed",
        {"completed_on": DAY, "summary": "已整改"},
        UNITS,
    ),
    # reporting
    Write("reporting", "/reports/half-year/2026H1/confirmations", {"confirm_digest": "0" * 64}, {"advisor"}),
    Write("reporting", "/reports/half-year/2026H1", {"confirm_digest": "0" * 64}, UNITS),
    Write("reporting", "/reports/annual/2026", {"confirm_digest": "0" * 64}, {"county_admin"}),
    Write("reporting", "/reports/R-none/approve", None, ADMINS),
    Write("reporting", "/reports/R-none/return", {"reason": "请补充"}, ADMINS),
    Write(
        "reporting", "/deadlines/misses", {"kind": "half_year_ledger", "period": "2099H1"}, {"county_admin"}
    ),
]


@pytest.fixture(scope="module")
async def http(stack: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30, trust_env=False) as client:
        yield client


async def events_in(dsn: str, service: str) -> int:
    """Events in the service's store: a refused command leaves it unchanged."""
    conn = await asyncpg.connect(dsn)
    try:
        return int(await conn.fetchval(f"SELECT count(*) FROM {service}.events"))
    finally:
        await conn.close()


async def send(
    http: httpx.AsyncClient,
    url: str,
    body: dict[str, Any] | bytes | None,
    headers: dict[str, str],
    method: str = "POST",
) -> httpx.Response:
    if isinstance(body, bytes):
        return await http.request(method, url, content=body, headers={**headers, "Content-Type": "text/csv"})
    return await http.request(method, url, json=body, headers=headers)


def assert_refused_by_role(response: httpx.Response, role: str) -> None:
    assert response.status_code == 403, (response.status_code, response.text)
    body = response.json()
    assert body["code"] == "forbidden" and body["field"] == "role", body
    assert body["message"].startswith(f"当前角色（{ROLE_NAMES[role]}）无权"), body
    assert {"code", "message", "field", "errors", "correlation_id"} <= set(body), body


def _cases() -> list[Any]:
    return [
        pytest.param(w, role, role in w.writers, id=f"{w.service}{w.path}-{role}")
        for w in WRITES
        for role in ROLES
    ]


@pytest.mark.parametrize(("write", "role", "allowed"), _cases())
async def test_each_role_writes_what_the_readme_lets_it_and_nothing_else(
    stack: Any, devstack: Any, http: httpx.AsyncClient, write: Write, role: str, allowed: bool
) -> None:
    before = await events_in(devstack.dsn, write.service)
    url = f"{stack.urls[write.service]}{write.path}"
    response = await send(http, url, write.body, role_headers(stack, role), write.method)
    assert response.status_code < 500, response.text
    if allowed:  # the body names nothing registered (verify writes nothing): a 403 is the route's own
        assert not (response.status_code == 403 and response.json()["field"] == "role"), response.text
    else:
        assert_refused_by_role(response, role)
    assert await events_in(devstack.dsn, write.service) == before


@pytest.mark.parametrize(
    ("service", "path", "refused", "allowed"),
    [
        ("ledger", f"/entries/{ENTRY}/corrections", "village_committee", "advisor"),
        ("registry", "/units", "law_firm", "county_admin"),
        ("reporting", "/reports/half-year/2026H1", "county_admin", "law_firm"),
        ("assessment", "/feedback", "advisor", "village_committee"),
    ],
)
async def test_a_refused_role_learns_nothing_from_the_body(
    stack: Any, http: httpx.AsyncClient, service: str, path: str, refused: str, allowed: str
) -> None:
    """The role is checked before the body is read or anything it names looked up: an empty body is
    403 naming `role` for a role that may not call the route, 422 for one that may."""
    url = f"{stack.urls[service]}{path}"
    assert_refused_by_role(await send(http, url, {}, role_headers(stack, refused)), refused)
    response = await send(http, url, {}, role_headers(stack, allowed))
    assert response.status_code == 422 and response.json()["field"] != "role", response.text


def test_every_command_route_of_the_four_services_is_walked() -> None:
    """A command route added later without a row here fails this test."""
    walked = {(w.service, w.path) for w in WRITES}
    templates = route_templates("POST") | route_templates("PUT") | route_templates("PATCH")
    assert not unwalked(templates | route_templates("DELETE"), walked)


# ---- scope: real rows, and a principal of the right role acting on someone else's -----------------

TOWN, W1, W2 = "621025309000", "621025309201", "621025309202"
UNIT1, UNIT2 = "U-wr-1", "U-wr-2"
ADVISOR1, ADVISOR2 = "A-wr-1", "A-wr-2"


@dataclass(frozen=True)
class Scene:
    """Two villages of one township, each served by the advisor of its own law firm; advisor 1 has
    logged a consultation in W1 and proposed it as a typical case; its firm signed W1's agreement."""

    entry_id: str
    case_id: str
    agreement_id: str


def principal(stack: Any, role: str, scope: str, subject: str, unit: str | None = None) -> dict[str, str]:
    return stack.headers(role, scope, subject, unit)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
async def scene(stack: Any, http: httpx.AsyncClient) -> Scene:
    registry = stack.urls["registry"]
    county = Api(http, registry, principal(stack, "county_admin", COUNTY, "wr-county"))
    province = Api(http, registry, principal(stack, "province_admin", "620000", "wr-province"))
    names = {TOWN: ("写入镇", "township"), W1: ("写入一村", "village"), W2: ("写入二村", "village")}
    await register_divisions(county, province, [(c, n, lv) for c, (n, lv) in names.items()])
    for n, (unit, advisor, village) in enumerate([(UNIT1, ADVISOR1, W1), (UNIT2, ADVISOR2, W2)]):
        await county.ok("/units", unit_body(unit, COUNTY, 420 + n))
        await county.ok("/advisors", advisor_body(advisor, unit, 430 + n))
        await county.ok(
            "/assignments",
            {
                "village_code": village,
                "advisor_id": advisor,
                "valid_from": days_ago(30),
                "schedule": "每周三 9:00-12:00",
            },
        )
    firm = Api(http, registry, principal(stack, "law_firm", COUNTY, "wr-firm-1", UNIT1))
    agreement = await firm.ok(
        "/agreements",
        {
            "unit_id": UNIT1,
            "village_code": W1,
            "advisor_ids": [ADVISOR1],
            "term_start": days_ago(30),
            "term_end": days_ago(-335),
            "signed_on": days_ago(30),
        },
    )
    when = (now_cst() - timedelta(days=1)).replace(microsecond=0).isoformat()
    consultation = {
        "village_code": W1,
        "occurred_at": when,
        "channel": "phone",
        "category": "labour",
        "outcome": "resolved",
        "summary": "电话答复欠薪维权途径",
        "client_entry_id": "wr-1",
    }
    advisor = principal(stack, "advisor", COUNTY, ADVISOR1, UNIT1)

    async def logged() -> dict[str, Any] | None:
        response = await http.post(
            f"{stack.urls['ledger']}/consultations", json=consultation, headers=advisor
        )
        return response.json() if response.status_code == 201 else None

    entry = await eventually(logged, what="the ledger accepts advisor 1's consultation")
    case = await http.post(
        f"{stack.urls['ledger']}/entries/{entry['entry_id']}/typical-case",
        json={"title": "欠薪咨询", "text": "村民王某咨询欠薪维权途径。"},
        headers=advisor,
    )
    assert case.status_code == 201, case.text
    return Scene(entry["entry_id"], case.json()["case_id"], agreement["stream_id"].removeprefix("agreement-"))


OTHER_COUNTY_ADMIN = ("county_admin", "621026", "wr-ning")
OTHER_PROVINCE_ADMIN = ("province_admin", "110000", "wr-beijing")
OTHER_FIRM_HEAD = ("law_firm", COUNTY, "wr-firm-2", UNIT2)
OTHER_ADVISOR = ("advisor", COUNTY, ADVISOR2, UNIT2)
OTHER_COMMITTEE = ("village_committee", W2, "wr-committee-2")
THE_WORK = {
    "village_code": W1,
    "started_at": f"{days_ago(1)}T09:00:00+08:00",
    "ended_at": f"{days_ago(1)}T11:00:00+08:00",
    "place": "村委会",
    "summary": "驻点",
}

# (who, service, path, body): each names a row of W1, UNIT1 or ADVISOR1 that the principal may not touch
SCOPE: list[tuple[tuple[str, ...], str, str, Any]] = [
    (
        OTHER_COUNTY_ADMIN,
        "registry",
        "/assignments",
        {
            "village_code": W1,
            "advisor_id": ADVISOR1,
            "valid_from": days_ago(1),
            "schedule": "每周五 9:00-12:00",
        },
    ),
    (
        OTHER_PROVINCE_ADMIN,
        "registry",
        f"/villages/{W1}/assignment/end",
        {"valid_to": days_ago(1), "reason": "调整"},
    ),
    (
        OTHER_PROVINCE_ADMIN,
        "registry",
        "/divisions",
        {"code": "621025309203", "name": "写入三村", "level": "village", "parent_code": TOWN},
    ),
    (
        OTHER_COUNTY_ADMIN,
        "registry",
        f"/advisors/{ADVISOR1}/status",
        {"status": "suspended", "changed_on": days_ago(0), "reason": "病休"},
    ),
    (
        OTHER_FIRM_HEAD,
        "registry",
        f"/advisors/{ADVISOR1}/status",
        {"status": "suspended", "changed_on": days_ago(0), "reason": "病休"},
    ),
    (
        OTHER_FIRM_HEAD,
        "registry",
        "/agreements",
        {
            "unit_id": UNIT1,
            "village_code": W1,
            "advisor_ids": [ADVISOR1],
            "term_start": days_ago(0),
            "term_end": days_ago(-300),
            "signed_on": days_ago(0),
        },
    ),
    (
        OTHER_FIRM_HEAD,
        "registry",
        "{agreement}/termination",
        {"terminated_on": days_ago(0), "reason": "不续"},
    ),
    (
        OTHER_FIRM_HEAD,
        "registry",
        "{agreement}/renewal",
        {"new_term_end": days_ago(-700), "renewed_on": days_ago(0)},
    ),
    (
        OTHER_COUNTY_ADMIN,
        "registry",
        "{agreement}/filing",
        {"filing_no": "备-9", "filed_on": days_ago(0), "signed_and_stamped": True},
    ),
    (
        OTHER_FIRM_HEAD,
        "registry",
        f"/villages/{W1}/notice-board",
        {"advisor_id": ADVISOR1, "posted_on": days_ago(0)},
    ),
    (
        OTHER_COMMITTEE,
        "registry",
        f"/villages/{W1}/notice-board",
        {"advisor_id": ADVISOR1, "posted_on": days_ago(0)},
    ),
    (
        OTHER_FIRM_HEAD,
        "registry",
        f"/villages/{W1}/service-group",
        {"advisor_id": ADVISOR1, "name": "写入一村法律群", "member_count": 30, "established_on": days_ago(0)},
    ),
    (
        OTHER_ADVISOR,
        "registry",
        f"/villages/{W1}/service-group/counts",
        {"member_count": 31, "counted_on": days_ago(0)},
    ),
    (
        OTHER_FIRM_HEAD,
        "registry",
        f"/villages/{W1}/service-group/counts",
        {"member_count": 31, "counted_on": days_ago(0)},
    ),
    # the village's own firm, naming another firm's advisor on its board
    (
        ("law_firm", COUNTY, "wr-firm-1", UNIT1),
        "registry",
        f"/villages/{W1}/notice-board",
        {"advisor_id": ADVISOR2, "posted_on": days_ago(0)},
    ),
    (OTHER_COUNTY_ADMIN, "registry", f"/nominations/{ADVISOR1}/rejection", {"reason": "材料不全"}),
    (OTHER_FIRM_HEAD, "registry", "/nominations", advisor_body("A-wr-9", UNIT1, 439)),
    (
        OTHER_COUNTY_ADMIN,
        "registry",
        f"PUT /counties/{COUNTY}/responsibilities",
        {"head": "局长 某", "deputy": "副局长 某", "sections": ["股"], "filing_place": "301 室"},
    ),
    (OTHER_COMMITTEE, "ledger", "{entry}/confirmation", None),
    (OTHER_COMMITTEE, "ledger", "{entry}/queries", {"reason": "不是本村"}),
    (OTHER_ADVISOR, "ledger", "{entry}/corrections", {"changes": {"summary": "改写"}, "reason": "笔误"}),
    (OTHER_FIRM_HEAD, "ledger", "{entry}/corrections", {"changes": {"summary": "改写"}, "reason": "笔误"}),
    (OTHER_ADVISOR, "ledger", "{entry}/void", {"reason": "重复"}),
    (OTHER_FIRM_HEAD, "ledger", "{entry}/void", {"reason": "重复"}),
    (OTHER_ADVISOR, "ledger", "{entry}/typical-case", {"title": "案例", "text": "王某咨询。"}),
    (OTHER_COUNTY_ADMIN, "ledger", "{case}/approval", None),
    (OTHER_PROVINCE_ADMIN, "ledger", "{case}/return", {"reason": "请补充"}),
    (OTHER_COMMITTEE, "ledger", f"/volumes/village/{W1}/2026/verify", None),
    (OTHER_FIRM_HEAD, "ledger", f"/volumes/unit/{UNIT1}/2026/verify", None),
    (
        ("county_admin", COUNTY, "wr-county"),
        "assessment",
        "/rules",
        {"division_code": "620000", "effective_from": days_ago(0)},
    ),
    (OTHER_COUNTY_ADMIN, "assessment", "/rules", {"division_code": COUNTY, "effective_from": days_ago(0)}),
    (OTHER_COUNTY_ADMIN, "assessment", "/evaluations", {"county": COUNTY, "period": "2025Q1"}),
    (
        OTHER_COMMITTEE,
        "assessment",
        "/feedback",
        {"advisor_id": ADVISOR1, "village_code": W1, "year": 2026, "rating": 1},
    ),
    (
        OTHER_COUNTY_ADMIN,
        "assessment",
        "/feedback",
        {"advisor_id": ADVISOR1, "village_code": W1, "year": 2026, "rating": 1, "source": "resident"},
    ),
    (OTHER_ADVISOR, "assessment", f"/advisors/{ADVISOR1}/assessments/2026/confirmation", {}),
    (OTHER_ADVISOR, "assessment", f"/advisors/{ADVISOR1}/assessments/2026/dispute", {"reason": "不对"}),
    (
        OTHER_COUNTY_ADMIN,
        "assessment",
        f"/advisors/{ADVISOR1}/assessments/2026/conclusion",
        {"result": "failed", "reason": "越权", "items": ["整改"], "due_on": days_ago(-30)},
    ),
    (
        OTHER_FIRM_HEAD,
        "assessment",
        f"/advisors/{ADVISOR1}/assessments/2026/rectification-completed",
        {"completed_on": days_ago(0), "summary": "已整改"},
    ),
    (
        OTHER_ADVISOR,
        "reporting",
        f"/reports/half-year/{today_cst().year}H1/confirmations",
        {"confirm_digest": "0" * 64, "unit_id": UNIT1},
    ),
]


@pytest.mark.parametrize(
    ("who", "service", "path", "body"), SCOPE, ids=lambda v: v if isinstance(v, str) else None
)
async def test_a_principal_of_the_right_role_still_acts_only_on_its_own(
    stack: Any,
    devstack: Any,
    http: httpx.AsyncClient,
    scene: Scene,
    who: tuple[str, ...],
    service: str,
    path: str,
    body: Any,
) -> None:
    method, _, path = path.rpartition(" ")
    target = path.format(
        entry=f"/entries/{scene.entry_id}",
        case=f"/typical-cases/{scene.case_id}",
        agreement=f"/agreements/{scene.agreement_id}",
    )
    before = await events_in(devstack.dsn, service)
    response = await send(
        http, f"{stack.urls[service]}{target}", body, principal(stack, *who), method or "POST"
    )
    assert response.status_code == 403, (who, response.status_code, response.text)
    refusal = response.json()
    assert refusal["code"] == "forbidden" and refusal["field"], refusal
    assert await events_in(devstack.dsn, service) == before


async def test_an_advisor_logs_no_work_in_a_village_it_does_not_serve(
    stack: Any, devstack: Any, http: httpx.AsyncClient, scene: Scene
) -> None:
    """Not a matter of scope but of fact (the ledger's own copy of the assignments): 422 naming the
    assignment, and the entry is not written."""
    before = await events_in(devstack.dsn, "ledger")
    response = await send(http, f"{stack.urls['ledger']}/visits", THE_WORK, principal(stack, *OTHER_ADVISOR))
    assert response.status_code == 422 and response.json()["code"] == "rule_violated", response.text
    assert await events_in(devstack.dsn, "ledger") == before


async def test_the_firm_serving_a_village_keeps_its_board(
    stack: Any, http: httpx.AsyncClient, scene: Scene
) -> None:
    """The other side of the board rule: the firm whose advisor serves W1 posts W1's board."""
    firm = principal(stack, "law_firm", COUNTY, "wr-firm-1", UNIT1)
    body = {"advisor_id": ADVISOR1, "posted_on": days_ago(0)}
    response = await send(http, f"{stack.urls['registry']}/villages/{W1}/notice-board", body, firm)
    assert response.status_code == 201, response.text


# A unit token whose unit is registered (and serves) only outside the token's scope: UNIT1 of
# 621025 signed in as a law firm of 621026. Before, only reporting's statistics and half-year report
# refused it; the ledger, the roster, the nominations and the assessment answered 200 with empty
# lists (or 404) and the commands ran on to a refusal of their own. Now every route that reads a
# token refuses it the same way, before its parameters (eventkit.unit_places), and writes nothing.
ELSEWHERE_FIRM = ("law_firm", "621026", "wr-firm-elsewhere", UNIT1)
UNIT_ELSEWHERE: list[tuple[str, str, str, Any]] = [
    ("GET", "ledger", "/entries", None),
    ("GET", "ledger", "{entry}", None),
    ("GET", "ledger", "/typical-cases", None),
    ("GET", "ledger", "/imports/template", None),
    ("GET", "ledger", "/imports/template/columns", None),
    ("GET", "ledger", f"/volumes/unit/{UNIT1}/{today_cst().year}", None),
    ("POST", "ledger", "{entry}/void", {"reason": "作废"}),
    ("POST", "ledger", "/imports", "类型,顾问编号,村（社区）代码,开始时间,客户端编号\n".encode()),
    ("GET", "registry", "/advisors", None),
    ("GET", "registry", "/nominations", None),
    ("GET", "registry", "/units", None),
    ("POST", "registry", "/nominations", {"unit_id": UNIT1, "name": "张三", "kind": "lawyer"}),
    ("GET", "reporting", "/statistics?period=2026H1", None),
    ("GET", "reporting", "/reports", None),
    ("GET", "assessment", f"/rectifications?unit_id={UNIT1}", None),
    ("GET", "assessment", f"/advisors/{ADVISOR1}/assessments/{today_cst().year}", None),
    (
        "POST",
        "assessment",
        f"/advisors/{ADVISOR1}/assessments/{today_cst().year}/rectification-completed",
        {"completed_on": days_ago(0), "summary": "已整改"},
    ),
]


@pytest.mark.parametrize(("method", "service", "path", "body"), UNIT_ELSEWHERE)
async def test_a_unit_token_whose_unit_lies_outside_its_scope_is_refused_naming_unit(
    stack: Any,
    devstack: Any,
    http: httpx.AsyncClient,
    scene: Scene,
    method: str,
    service: str,
    path: str,
    body: Any,
) -> None:
    # given UNIT1 known to the service (the ledger and reporting learn it from the registry's events)
    own = principal(stack, "law_firm", COUNTY, "wr-firm-1", UNIT1)

    async def knows_unit1() -> bool | None:
        table = {"reporting": "st_names WHERE id", "assessment": "served WHERE unit_id"}.get(service)
        if table is None:  # the registry registered it; the ledger took the consultation
            return True
        conn = await asyncpg.connect(devstack.dsn)
        try:
            return await conn.fetchval(f"SELECT true FROM {service}.{table} = $1", UNIT1)
        finally:
            await conn.close()

    await eventually(knows_unit1, what=f"{service} knows UNIT1")
    target = f"{stack.urls[service]}{path.format(entry=f'/entries/{scene.entry_id}')}"
    before = await events_in(devstack.dsn, service)
    response = await send(http, target, body, principal(stack, *ELSEWHERE_FIRM), method)
    assert response.status_code == 403, (path, response.status_code, response.text)
    refusal = response.json()
    assert refusal["code"] == "forbidden" and refusal["field"] == "unit", refusal
    assert UNIT1 in refusal["message"] and "621026" in refusal["message"], refusal
    assert await events_in(devstack.dsn, service) == before
    # the same firm inside its own scope is not refused for its unit (200, or 404: nothing concluded)
    if method == "GET":
        again = await http.get(target, headers=own)
        assert again.status_code in (200, 404), (path, again.text)
