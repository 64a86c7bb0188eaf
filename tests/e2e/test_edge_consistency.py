"""Session 17 edge findings: the same input named two ways by two kinds of refusal, division-code
filters of the wrong shape answered as codes, token claims echoed whole or as Python spells them.

Each case answered otherwise before its fix (the answers before are in the test's comment); the
four services run in-process against the real PostgreSQL and broker (support/fuzzing.py).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import jwt
import pytest
from devstack.pytest_plugin import DevStack
from support.fuzzing import COUNTY, Started, four_services, refusal

pytestmark = pytest.mark.timeout(300)

VILLAGE = f"{COUNTY}100201"
ELSEWHERE_COUNTY = "621025"  # a real county outside the callers' scope (they hold 469099)
ELSEWHERE_VILLAGE = "621025100201"
LOCATIONS = {"body", "query", "path", "header", "cookie"}  # where FastAPI's `loc` says an input came from


@pytest.fixture(scope="module")
async def apps(devstack: DevStack) -> AsyncIterator[dict[str, Started]]:
    async with four_services(devstack.dsn, devstack.bootstrap) as started:
        yield started


def named_by_location(name: str | None) -> bool:
    where, dot, rest = (name or "").partition(".")
    return bool(dot and rest) and where in LOCATIONS


VISIT = {
    "village_code": VILLAGE,
    "summary": "坐班接待",
    "place": "村委会",
    "started_at": "2025-06-01T09:00:00+08:00",
}

# (service, role, request refused by a field's format, request refused by a rule or a scope, the name)
SAME_INPUT = [
    # the brief's example: `body.ended_at` (validation) vs `ended_at` (the rule "ends before it starts")
    ("ledger", "advisor", ("POST", "/visits", {**VISIT, "ended_at": "soon"}),
     ("POST", "/visits", {**VISIT, "ended_at": "2025-06-01T08:00:00+08:00"}), "ended_at"),
    # `query.county` (422) vs `county` (403)
    ("assessment", "county_admin", ("GET", "/breaches?county=62102", None),
     ("GET", f"/breaches?county={ELSEWHERE_COUNTY}", None), "county"),
    ("assessment", "county_admin", ("GET", "/assessments?county=abc&year=2025", None),
     ("GET", f"/assessments?county={ELSEWHERE_COUNTY}&year=2025", None), "county"),
    # `query.parent_code` vs `parent_code`
    ("registry", "county_admin", ("GET", "/divisions?parent_code=abc", None),
     ("GET", f"/divisions?parent_code={ELSEWHERE_COUNTY}", None), "parent_code"),
    # a village filter: `abc` was a 403 and `62102510020` an empty page (below), now as its 403 names it
    ("ledger", "county_admin", ("GET", "/entries?village_code=abc", None),
     ("GET", f"/entries?village_code={ELSEWHERE_VILLAGE}", None), "village_code"),
    ("reporting", "county_admin", ("GET", "/compliance?division=abc", None),
     ("GET", f"/compliance?division={ELSEWHERE_COUNTY}", None), "division"),
]  # fmt: skip


@pytest.mark.parametrize(("service", "role", "malformed", "refused", "name"), SAME_INPUT)
async def test_an_input_is_named_the_same_whatever_refused_it(
    apps: dict[str, Started],
    service: str,
    role: str,
    malformed: tuple[str, str, Any],
    refused: tuple[str, str, Any],
    name: str,
) -> None:
    # given one input, when its format is refused and when a rule or the scope refuses it,
    # then both answers name it alike (before: `body.ended_at` / `ended_at`, `query.county` / `county`)
    svc = apps[service]
    answers = []
    for method, path, body in (malformed, refused):
        response = await svc.http.request(
            method, path, json=body, headers=svc.headers(role, unit="edge-firm")
        )
        assert 400 <= response.status_code < 500, response.text
        answers.append(refusal(response, response.status_code))
    assert answers[0]["code"] == "validation_failed" and answers[1]["code"] != "validation_failed", answers
    for answer in answers:
        assert answer["field"] == name, answer
        assert name in [e["field"] for e in answer["errors"]], answer


REFUSALS = [  # (service, role, method, path, body, headers): refusals of every kind and origin
    ("ledger", "advisor", "POST", "/visits", {**VISIT, "ended_at": 5}, {}),
    ("ledger", "advisor", "POST", "/visits", {**VISIT, "ended_at": "2025-06-01T08:00:00+08:00"}, {}),
    ("ledger", "advisor", "POST", "/entries/E-1/corrections",
     {"changes": {"summary": "\u202e"}, "reason": "补"}, {}),
    ("ledger", "advisor", "POST", "/lectures", {"village_code": VILLAGE, "topic": "普法",
                                                "occurred_at": "2025-06-01T09:00:00+08:00",
                                                "co_organisers": ["a", "b\u200b"]}, {}),
    ("ledger", "advisor", "POST", "/document-reviews", {"village_code": VILLAGE}, {"Idempotency-Key": " "}),
    ("ledger", "county_admin", "GET", "/entries?page=0&kind=x&nope=1", None, {}),
    ("ledger", "county_admin", "GET", "/entries/E-1%00", None, {}),
    ("ledger", "advisor", "POST", "/entries/E-1/confirmation", {"x": 1}, {}),
    ("registry", "county_admin", "POST", "/divisions", {"code": "1", "name": "", "level": "x"}, {}),
    ("registry", "county_admin", "GET", "/advisors?county=6210&page_size=0", None, {}),
    ("registry", "county_admin", "GET", f"/villages/{VILLAGE}/assignments?as_of=20250101", None, {}),
    ("assessment", "county_admin", "POST", "/rules", {"division_code": COUNTY, "effective_from": 1}, {}),
    ("assessment", "county_admin", "GET", "/rules?division_code=000000", None, {}),
    ("reporting", "county_admin", "GET", "/compliance?quarter=2026H1", None, {}),
    ("reporting", "county_admin", "POST", "/reports/annual/2025", {"confirm_digest": 1}, {}),
]  # fmt: skip


@pytest.mark.parametrize(("service", "role", "method", "path", "body", "headers"), REFUSALS)
async def test_no_refusal_names_an_input_by_where_it_came_from(
    apps: dict[str, Started],
    service: str,
    role: str,
    method: str,
    path: str,
    body: Any,
    headers: dict[str, str],
) -> None:
    svc = apps[service]
    response = await svc.http.request(method, path, json=body, headers={**svc.headers(role), **headers})
    assert 400 <= response.status_code < 500, response.text
    answer = refusal(response, response.status_code)
    names = [answer["field"], *(e["field"] for e in answer["errors"])]
    assert not any(named_by_location(n) for n in names), answer


# a code of the wrong shape: the ledger answered 200 with an empty page (`abc`: 403), the assessment
# took a city code or `000000` as a county or division and answered 200 or 403
CODE_FILTERS = [  # (service, path with {code}, the filter)
    ("ledger", "/entries?village_code={code}", "village_code"),
    ("assessment", "/breaches?county={code}", "county"),
    ("assessment", "/assessments?county={code}&year=2025", "county"),
    ("assessment", "/feedback?advisor_id=A-1&year=2025&village_code={code}", "village_code"),
    ("assessment", "/rules?division_code={code}", "division_code"),
    ("registry", "/advisors?county={code}", "county"),
    # session 18: the filters read by other means (reporting's scope_prefix, a path type): the same answer
    ("assessment", "/villages/{code}/quarter-hours?year=2025", "village_code"),
    ("reporting", "/statistics?division={code}&period=2025H1", "division"),
    ("reporting", "/compliance?division={code}&quarter=2025Q1", "division"),
    ("reporting", "/reports?division={code}", "division"),
    ("reporting", "/deadlines/overdue?division={code}&kind=half_year_ledger&period=2025H1", "division"),
    ("reporting", "/dashboard/overview?division={code}", "division"),
]
WRONG_CODES = {  # the filter -> codes that are none of its kind
    "village_code": ["62102510020", "6210251002011", "621025100000", "abc", "46909910020１x"],
    "county": ["62102", "6210250", "469000", "469099100201", "abc"],
    "division_code": ["000000", "4690991", "46909910020", "abc"],
    "division": ["000000", "4690991", "46909910020", "abc"],
}


@pytest.mark.parametrize(("service", "path", "name"), CODE_FILTERS)
async def test_a_division_code_filter_of_the_wrong_shape_is_refused_naming_it(
    apps: dict[str, Started], service: str, path: str, name: str
) -> None:
    svc = apps[service]
    role = "village_committee" if "/feedback" in path else "province_admin"
    scope = VILLAGE if role == "village_committee" else "460000"
    for code in WRONG_CODES[name]:
        response = await svc.http.get(path.format(code=code), headers=svc.headers(role, scope))
        answer = refusal(response, 422)
        assert answer["code"] == "validation_failed" and answer["field"] == name, (code, answer)
        reason = answer["errors"][0]["reason"]
        assert "位数字" in reason or "位（" in reason, (code, reason)  # says what such a code looks like


def claims(secret: str, **changed: Any) -> dict[str, str]:
    now = int(time.time())
    payload: dict[str, Any] = {
        "sub": "edge-claims", "role": "county_admin", "scope": COUNTY, "iss": "villagecounsel-dev",
        "iat": now, "exp": now + 600,
    }  # fmt: skip
    for name, value in changed.items():
        if value is None:
            payload.pop(name)
        else:
            payload[name] = value
    return {"Authorization": f"Bearer {jwt.encode(payload, secret, algorithm='HS256')}"}


CLAIMS = [  # (changed claims, claim named, text the message holds)
    # before: the whole 5,000 characters back in `message` and in `errors` (and in every log line of it)
    ({"role": "x" * 5000}, "role", '"xxxxxxxxxx'),
    ({"scope": "9" * 5000}, "scope", '"9999999999'),
    # before: Python's spelling: ['county_admin'], {'a': 1}, None
    ({"role": ["county_admin"]}, "role", '["county_admin"]'),
    ({"role": {"a": 1}}, "role", '{"a": 1}'),
    ({"scope": [COUNTY]}, "scope", f'["{COUNTY}"]'),
    ({"sub": ["x"]}, "sub", '["x"]'),
    # before: 角色（role）未知：None / 不能使用 None, not as a missing claim like `sub`
    ({"role": None}, "role", "缺少必要声明：role"),
    ({"scope": None}, "scope", "缺少必要声明：scope"),
]


@pytest.mark.parametrize(("changed", "claim", "shown"), CLAIMS)
async def test_a_refused_claim_is_shown_as_sent_and_cut_short(
    apps: dict[str, Started], changed: dict[str, Any], claim: str, shown: str
) -> None:
    for service in ("ledger", "registry"):
        svc = apps[service]
        response = await svc.http.get("/entries" if service == "ledger" else "/divisions",
                                      headers=claims(svc.secret, **changed))  # fmt: skip
        answer = refusal(response, 401)
        assert answer["code"] == "unauthenticated" and answer["field"] == claim, answer
        assert shown in answer["message"], answer
        assert len(answer["message"]) < 300 and len(response.text) < 1000, len(response.text)
        assert "'" not in answer["message"], answer  # no Python repr


COMMANDS = {  # one command per service that reads a JSON body, sent by a role that may send it
    "registry": (
        "county_admin",
        "/divisions",
        {"code": f"{COUNTY}100299", "name": "测试村", "level": "village"},
    ),
    "ledger": ("advisor", "/document-reviews", {"village_code": VILLAGE}),
    "assessment": ("county_admin", "/evaluations", {"county": COUNTY, "period": "2025Q1"}),
    "reporting": ("county_admin", "/reports/annual/2025", {"confirm_digest": "x"}),
}
NOT_JSON = ["text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x", "application/xml", "text/csv"]  # fmt: skip


@pytest.mark.parametrize("service", list(COMMANDS))
@pytest.mark.parametrize("media", NOT_JSON)
async def test_a_json_body_sent_as_another_media_type_is_a_415(
    apps: dict[str, Started], service: str, media: str
) -> None:
    # before: 422 validation_failed naming `body`, "须为对象（键值对）", for a body that was valid JSON
    svc = apps[service]
    role, path, body = COMMANDS[service]
    content = json.dumps(body, ensure_ascii=False).encode()
    headers = {**svc.headers(role, unit="edge-firm"), "content-type": media}
    answer = refusal(await svc.http.post(path, content=content, headers=headers), 415)
    assert answer["code"] == "unsupported_media_type" and answer["field"] == "Content-Type", answer
    assert "application/json" in answer["message"] and media.split(";")[0] in answer["message"], answer


@pytest.mark.parametrize("media", ["application/json", "application/json; charset=utf-8", "APPLICATION/JSON",
                                   "application/merge-patch+json", None])  # fmt: skip
async def test_json_under_any_json_media_type_or_none_is_read(
    apps: dict[str, Started], media: str | None
) -> None:
    svc = apps["registry"]
    role, path, body = COMMANDS["registry"]
    headers = {**svc.headers(role), **({"content-type": media} if media else {})}
    response = await svc.http.post(path, content=json.dumps(body).encode(), headers=headers)
    assert response.status_code != 415, response.text


async def test_what_is_no_json_route_is_not_refused_for_its_media_type(apps: dict[str, Started]) -> None:
    svc = apps["ledger"]
    # an import reads a file: its CSV is read (and refused for its rows, not its type)
    headers = {**svc.headers("law_firm", unit="edge-firm"), "content-type": "text/csv"}
    imported = await svc.http.post("/imports?format=csv", content=b"a,b\n1,2\n", headers=headers)
    assert imported.status_code == 422 and imported.json()["code"] == "import_rejected", imported.text
    # a command that takes no body, sent none under some type: the type says nothing
    empty = await svc.http.post("/entries/E-1/confirmation", headers={
        **svc.headers("village_committee", VILLAGE), "content-type": "text/plain"})  # fmt: skip
    assert empty.status_code != 415, empty.text
    # no such route: still a 404
    missing = await svc.http.post("/no-such-route", content=b"x", headers={"content-type": "text/plain"})
    assert refusal(missing, 404)["code"] == "not_found"


async def test_a_refused_media_type_writes_nothing(apps: dict[str, Started]) -> None:
    svc = apps["registry"]
    role, path, body = COMMANDS["registry"]
    headers = {**svc.headers(role), "content-type": "text/plain", "Idempotency-Key": "edge-media-1"}
    refusal(await svc.http.post(path, content=json.dumps(body).encode(), headers=headers), 415)
    # the same key with the same JSON properly typed runs (no key was kept) and writes once
    headers["content-type"] = "application/json"
    first = await svc.http.post(path, content=json.dumps(body).encode(), headers=headers)
    assert first.status_code in (201, 422), first.text  # 422: its township is not registered here
    assert "idempotency-replayed" not in first.headers, first.headers


NUMBERS_AS_BOOLS = [  # (service, role, path, body, the number sent as a bool): each was read as 1 or 0
    # the session's example: a committee's rating `true` was stored as a rating of 1 (201)
    ("assessment", "village_committee", "/feedback",
     {"advisor_id": "A-1", "village_code": VILLAGE, "year": 2025, "rating": True, "comment": "好"}, "rating"),
    ("assessment", "village_committee", "/feedback",
     {"advisor_id": "A-1", "village_code": VILLAGE, "year": True, "rating": 5, "comment": "好"}, "year"),
    ("assessment", "county_admin", "/rules",
     {"division_code": COUNTY, "effective_from": "2025-01-01", "min_quarter_onsite_hours": True},
     "min_quarter_onsite_hours"),
    ("registry", "county_admin", f"/villages/{VILLAGE}/service-group/counts",
     {"counted_on": "2025-06-01", "member_count": False}, "member_count"),
    ("ledger", "advisor", "/lectures",
     {"village_code": VILLAGE, "topic": "普法", "occurred_at": "2025-06-01T09:00:00+08:00", "audience": True},
     "audience"),
    ("ledger", "advisor", "/mediations",
     {"village_code": VILLAGE, "occurred_at": "2025-06-01T09:00:00+08:00", "parties": False}, "parties"),
]  # fmt: skip


@pytest.mark.parametrize(("service", "role", "path", "body", "name"), NUMBERS_AS_BOOLS)
async def test_a_number_sent_as_true_or_false_is_refused_not_read_as_1_or_0(
    apps: dict[str, Started], service: str, role: str, path: str, body: dict[str, Any], name: str
) -> None:
    svc = apps[service]
    scope = VILLAGE if role == "village_committee" else COUNTY
    answer = refusal(await svc.http.post(path, json=body, headers=svc.headers(role, scope)), 422)
    reasons = {e["field"]: e["reason"] for e in answer["errors"]}
    assert "不能为 true 或 false" in reasons.get(name, ""), answer


@pytest.mark.parametrize(
    ("service", "where", "named"),
    [
        # session 17: a JWT as any parameter's value was answered 200 (the token in every log of the URL)
        ("ledger", "/entries?advisor_id={t}", "advisor_id"),
        ("registry", f"/advisors?county={COUNTY}&name={{t}}", "name"),
        ("assessment", f"/breaches?county={COUNTY}&advisor_id=Bearer%20{{t}}", "advisor_id"),
        ("reporting", "/reports?period={t}", "period"),
        # a JWT in the path was a 404 whose message repeated it
        ("ledger", "/entries/{t}", "path"),
        ("registry", "/advisors/{t}", "path"),
        # credential names the list did not know, or spelt otherwise: 422 unknown parameter before
        ("ledger", "/entries?refresh_token=abc", "refresh_token"),
        ("ledger", "/entries?api_key=abc", "api_key"),
        ("ledger", "/entries?Access-Token=abc", "Access-Token"),
        ("ledger", "/entries?token[]=abc", "token[]"),
    ],
)
async def test_a_token_anywhere_in_the_url_is_refused_and_not_repeated(
    apps: dict[str, Started], service: str, where: str, named: str
) -> None:
    svc = apps[service]
    headers = svc.headers()
    token = headers["Authorization"].removeprefix("Bearer ")
    response = await svc.http.get(where.format(t=token), headers=headers)
    answer = refusal(response, 400)
    assert answer["code"] == "token_in_url" and answer["field"] == named, answer
    assert token not in response.text and "eyJ" not in response.text


async def test_text_that_merely_looks_like_a_credential_name_is_not_refused(apps: dict[str, Started]) -> None:
    svc = apps["registry"]
    for query in ("name=token", "name=eyJ", "name=a.b.c"):  # values, not JWTs
        response = await svc.http.get(f"/advisors?county={COUNTY}&{query}", headers=svc.headers())
        assert response.status_code == 200, (query, response.text)


LOOSE_COUNTS = ["1_0", "+1", "%201", "1.0", "1%20", "²", "0x1", ""]
LOOSE_YEARS = ["%2B2025", "2025.0", "2_025", "%202025", "2025%20"]  # in range once read loosely
WHOLE_NUMBERS = [  # (service, path, the parameter, loose forms of a number it must refuse)
    ("ledger", "/entries?page={n}", "page", LOOSE_COUNTS),  # session 17: ?page=1_0 was page 10
    ("registry", "/divisions?page_size={n}", "page_size", LOOSE_COUNTS),
    ("assessment", f"/assessments?county={COUNTY}&year={{n}}", "year", LOOSE_COUNTS + LOOSE_YEARS),
    ("reporting", "/reports?page={n}", "page", LOOSE_COUNTS),
    # session 18: these two still took +2025, 2025.0 and 2_025 as 2025 (no shared digits-only type)
    ("assessment", "/rectifications?unit_id=U-1&from_year={n}", "from_year", LOOSE_YEARS),
    ("ledger", "/typical-cases?year={n}", "year", LOOSE_YEARS),
]


@pytest.mark.parametrize(
    ("service", "path", "name", "sent"),
    [(service, path, name, sent) for service, path, name, loose in WHOLE_NUMBERS for sent in loose],
)
async def test_a_whole_number_in_a_query_is_digits_only(
    apps: dict[str, Started], service: str, path: str, name: str, sent: str
) -> None:
    svc = apps[service]
    answer = refusal(
        await svc.http.get(path.format(n=sent), headers=svc.headers("province_admin", "460000")), 422
    )
    assert answer["field"] == name, answer


async def test_a_whole_number_in_any_script_s_digits_is_read(apps: dict[str, Started]) -> None:
    svc = apps["ledger"]
    for sent in ("2", "%EF%BC%92", "02"):  # "2", full-width "２" (read as NFKC reads it), a leading zero
        response = await svc.http.get(f"/entries?page={sent}", headers=svc.headers())
        assert response.status_code == 200 and response.json()["page"] == 2, (sent, response.text)


# Session 18: a key named twice in a JSON body, or a query parameter sent twice, was read as its last
# value, silently (`{"topic": "a", "topic": "b"}` logged topic b; `?page=1&page=2` answered page 2).
REPEATED_KEYS = [  # (service, role, path, body text, the key's name as refused)
    ("ledger", "advisor", "/lectures",
     '{"village_code": "V", "topic": "普法", "topic": "禁毒", "occurred_at": "2025-06-01T09:00:00+08:00",'
     ' "audience": 30}', "topic"),
    ("ledger", "advisor", "/entries/E-1/corrections",
     '{"changes": {"summary": "a", "summary": "b"}, "reason": "笔误"}', "changes.summary"),
    ("assessment", "village_committee", "/feedback",
     '{"advisor_id": "A-1", "village_code": "V", "year": 2025, "rating": 1, "rating": 5, "comment": "好"}',
     "rating"),
    ("registry", "county_admin", "/divisions",
     '{"code": "V", "name": "测试村", "name": "别的村", "level": "village"}', "name"),
]  # fmt: skip


@pytest.mark.parametrize(("service", "role", "path", "text", "name"), REPEATED_KEYS)
async def test_a_key_named_twice_in_a_json_body_is_refused_naming_it(
    apps: dict[str, Started], service: str, role: str, path: str, text: str, name: str
) -> None:
    svc = apps[service]
    scope = VILLAGE if role == "village_committee" else COUNTY
    headers = {**svc.headers(role, scope), "content-type": "application/json"}
    sent = text.replace('"V"', f'"{VILLAGE}"').encode()
    answer = refusal(await svc.http.post(path, content=sent, headers=headers), 422)
    assert answer["field"] == name, answer
    assert "两次" in answer["errors"][0]["reason"], answer


async def test_the_same_key_in_different_objects_is_no_repeat(apps: dict[str, Started]) -> None:
    svc = apps["ledger"]
    text = '{"changes": {"reason": "x"}, "reason": "笔误"}'  # `reason` once per object
    headers = {**svc.headers("advisor"), "content-type": "application/json"}
    response = await svc.http.post("/entries/E-1/corrections", content=text.encode(), headers=headers)
    assert response.status_code != 422 or "两次" not in response.text, response.text


@pytest.mark.parametrize(
    ("service", "path", "name"),
    [
        ("ledger", "/entries?page=1&page=2", "page"),
        ("registry", f"/advisors?county={COUNTY}&county=621025", "county"),
        ("assessment", f"/assessments?county={COUNTY}&year=2025&year=2024", "year"),
        ("reporting", "/reports?status=pending&status=approved", "status"),
    ],
)
async def test_a_query_parameter_sent_twice_is_refused_naming_it(
    apps: dict[str, Started], service: str, path: str, name: str
) -> None:
    svc = apps[service]
    answer = refusal(await svc.http.get(path, headers=svc.headers("province_admin", "460000")), 422)
    assert answer["field"] == name, answer
    assert "只能填写一次" in answer["errors"][0]["reason"], answer


async def test_a_list_filter_takes_its_values_repeated(apps: dict[str, Started]) -> None:
    svc = apps["registry"]
    path = f"/filings?county={COUNTY}&status=on_time&status=late"
    response = await svc.http.get(path, headers=svc.headers("province_admin", "460000"))
    assert response.status_code == 200, response.text


LONG_IDS = [  # (service, role, method, path with {id}, the path parameter)
    ("ledger", "county_admin", "GET", "/entries/{id}", "entry_id"),
    ("ledger", "county_admin", "GET", "/entries/{id}/typical-case", "entry_id"),
    ("ledger", "advisor", "POST", "/entries/{id}/void", "entry_id"),
    ("ledger", "county_admin", "POST", "/typical-cases/{id}/approval", "case_id"),
    ("ledger", "county_admin", "GET", "/volumes/{id}/export.json", "volume_id"),
    ("ledger", "county_admin", "GET", "/advisors/{id}/export.xlsx?period=2025Q1", "advisor_id"),
    ("registry", "county_admin", "GET", "/advisors/{id}", "advisor_id"),
    ("registry", "county_admin", "POST", "/nominations/{id}/approval", "advisor_id"),
    ("registry", "county_admin", "GET", "/imports/{id}", "import_id"),
    ("assessment", "county_admin", "GET", "/advisors/{id}/assessments/2025", "advisor_id"),
    ("reporting", "county_admin", "GET", "/reports/{id}", "report_id"),
    ("reporting", "county_admin", "GET", "/sealed-volumes/{id}", "volume_id"),
]  # fmt: skip


@pytest.mark.parametrize("sent", ["A" * 5000, "村" * 3000, "A" * 201])
@pytest.mark.parametrize(("service", "role", "method", "path", "name"), LONG_IDS)
async def test_an_id_in_a_path_longer_than_any_id_is_refused_without_repeating_it(
    apps: dict[str, Started], service: str, role: str, method: str, path: str, name: str, sent: str
) -> None:
    # before: 404 whose message and `errors` each repeated the whole id (a 10 kB answer for 5,000
    # characters, and as long a log line)
    svc = apps[service]
    response = await svc.http.request(method, path.format(id=sent), headers=svc.headers(role))
    answer = refusal(response, 422)
    assert answer["code"] == "validation_failed" and answer["field"] == name, answer
    assert "过长" in answer["errors"][0]["reason"], answer
    assert sent[:50] not in response.text and len(response.text) < 1000, len(response.text)


async def test_an_id_of_any_real_length_is_still_looked_up(apps: dict[str, Started]) -> None:
    svc = apps["ledger"]
    for sent in ("E-1", "E" * 128, "E" * 200):  # ids are at most 128: 200 still answers as not found
        answer = refusal(await svc.http.get(f"/entries/{sent}", headers=svc.headers()), 404)
        assert answer["field"] == "entry_id", answer


ECHOED = [  # (service, role, path with {value}, the field): a caller's value a refusal quotes
    ("reporting", "county_admin", "/compliance?division={value}", "division"),
    ("reporting", "county_admin", "/reports?division={value}", "division"),
    ("reporting", "county_admin", "/dashboard/overview?division={value}", "division"),
    ("reporting", "county_admin", "/statistics?period=2025H1&division={value}", "division"),
    (
        "reporting",
        "county_admin",
        "/deadlines/overdue?kind=half_year_ledger&period=2025H1&division={value}",
        "division",
    ),
    ("ledger", "law_firm", "/entries?advisor_id={value}", "advisor_id"),
]


@pytest.mark.parametrize(("service", "role", "path", "name"), ECHOED)
async def test_a_refusal_quotes_a_long_value_cut_short(
    apps: dict[str, Started], service: str, role: str, path: str, name: str
) -> None:
    # before: the 5,000 characters back whole in the message, the division as Python spells it ('AAA…')
    svc = apps[service]
    response = await svc.http.get(path.format(value="A" * 5000), headers=svc.headers(role, unit="edge-firm"))
    assert 400 <= response.status_code < 500, response.text
    answer = refusal(response, response.status_code)
    assert answer["field"] == name, answer
    assert "A" * 41 not in answer["message"] and "'" not in answer["message"], answer["message"][:120]
    assert "A" * 40 + "…" in answer["message"], answer["message"][:120]
