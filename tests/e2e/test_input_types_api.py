"""Session 21 findings on how inputs are typed, over HTTP in all four services (support/fuzzing.py:
the real PostgreSQL and broker):

- a number sent as text (`"rating": "5"`), a whole number as `2.026e3`, a yes/no as `"true"` or `1`
  were taken (pydantic converted them), while text fields refused numbers: now 422 naming the field;
- a token naming `role` twice acted as its last value (200 as a county admin): now 401 naming it;
- the same county rules posted again appended an identical version each time (v1–v9): now the second
  post writes nothing and answers the existing version with 200.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from devstack.pytest_plugin import DevStack
from support.fuzzing import COUNTY, Started, four_services, refusal

pytestmark = pytest.mark.timeout(300)

VILLAGE = f"{COUNTY}100201"
AT = "2025-06-01T09:00:00+08:00"


@pytest.fixture(scope="module")
async def apps(devstack: DevStack) -> AsyncIterator[dict[str, Started]]:
    async with four_services(devstack.dsn, devstack.bootstrap) as started:
        yield started


RULES = {"division_code": COUNTY, "effective_from": "2027-01-01"}
FEEDBACK = {"advisor_id": "A-1", "village_code": VILLAGE, "year": 2026, "rating": 5, "comment": "好"}
# (service, role, path, JSON text as sent, the field, words of its reason): each was taken before
WRONG_TYPES = [
    # the tester's examples: 201 with the hours 8, the rating 5, the year 2026
    ("assessment", "county_admin", "/rules", {**RULES, "min_quarter_onsite_hours": "8"},
     "min_quarter_onsite_hours", "须为数字"),
    ("assessment", "village_committee", "/feedback", {**FEEDBACK, "rating": "5"}, "rating", "须为数字"),
    ("assessment", "village_committee", "/feedback", {**FEEDBACK, "year": "2026"}, "year", "须为数字"),
    ("assessment", "village_committee", "/feedback",
     json.dumps(FEEDBACK).replace('"year": 2026', '"year": 2.026e3'), "year", "须为整数"),
    ("assessment", "village_committee", "/feedback", {**FEEDBACK, "rating": 5.0}, "rating", "须为整数"),
    # other members of the kind
    ("assessment", "county_admin", "/rules", {**RULES, "min_year_lectures": 4.0}, "min_year_lectures",
     "须为整数"),
    ("assessment", "county_admin", "/rules", {**RULES, "question_answer_working_days": "2"},
     "question_answer_working_days", "须为数字"),
    ("assessment", "county_admin", "/rules",
     json.dumps(RULES)[:-1] + ', "min_quarter_onsite_hours": NaN}', "min_quarter_onsite_hours", "有限"),
    ("registry", "county_admin", f"/villages/{VILLAGE}/service-group/counts",
     {"counted_on": "2025-06-01", "member_count": "12"}, "member_count", "须为数字"),
    ("registry", "county_admin", f"/villages/{VILLAGE}/service-group",
     {"advisor_id": "A-1", "name": "法律服务群", "established_on": "2025-06-01", "member_count": 1.2e1},
     "member_count", "须为整数"),
    ("registry", "county_admin", "/agreements/AG-types-1/filing",
     {"filing_no": "2025-1", "filed_on": "2025-06-01", "signed_and_stamped": "true"}, "signed_and_stamped",
     "true 或 false"),
    ("registry", "county_admin", "/agreements/AG-types-1/filing",
     {"filing_no": "2025-1", "filed_on": "2025-06-01", "signed_and_stamped": 1}, "signed_and_stamped",
     "true 或 false"),
    ("ledger", "advisor", "/lectures", {"village_code": VILLAGE, "topic": "普法", "occurred_at": AT,
     "audience": "30"}, "audience", "须为数字"),
    ("ledger", "advisor", "/publicity-events", {"village_code": VILLAGE, "topic": "普法", "occurred_at": AT,
     "audience": 30.0}, "audience", "须为整数"),
    ("ledger", "advisor", "/mediations", {"village_code": VILLAGE, "occurred_at": AT, "parties": "2"},
     "parties", "须为数字"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("service", "role", "path", "sent", "name", "words"),
    WRONG_TYPES,
    ids=[f"{service}{path.rsplit('/', 1)[-1]}-{name}-{n}" for n, (service, _, path, _, name, _) in
         enumerate(WRONG_TYPES)],
)  # fmt: skip
async def test_a_value_of_another_json_type_than_its_field_is_422_naming_it(
    apps: dict[str, Started], service: str, role: str, path: str, sent: Any, name: str, words: str
) -> None:
    svc = apps[service]
    scope = VILLAGE if role == "village_committee" else COUNTY
    headers = {**svc.headers(role, scope), "content-type": "application/json"}
    text = sent if isinstance(sent, str) else json.dumps(sent)
    answer = refusal(await svc.http.post(path, content=text.encode(), headers=headers), 422)
    reasons = {e["field"]: e["reason"] for e in answer["errors"]}
    assert words in reasons.get(name, ""), answer
    assert answer["code"] == "validation_failed", answer


async def test_numbers_sent_as_numbers_and_query_numbers_as_text_are_still_read(
    apps: dict[str, Started],
) -> None:
    svc = apps["assessment"]
    # an int for a number of hours is a number: 201
    body = {**RULES, "effective_from": "2026-01-01", "min_quarter_onsite_hours": 9, "min_year_lectures": 3}
    created = await svc.http.post("/rules", json=body, headers=svc.headers("county_admin", COUNTY))
    assert created.status_code == 201, created.text
    # a query's numbers arrive as text, as they always do
    listed = await svc.http.get(
        "/assessments", params={"county": COUNTY, "year": "2026", "page": "1"}, headers=svc.headers()
    )
    assert listed.status_code == 200, listed.text


HEADER = '{"alg":"HS256","typ":"JWT"}'


def hand_signed(secret: str, payload: str) -> str:
    """A token of exactly this payload text (PyJWT's encoder writes each key once)."""
    part = lambda raw: base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode()  # noqa: E731
    signing = f"{part(HEADER)}.{part(payload)}"
    signature = hmac.new(secret.encode(), signing.encode(), hashlib.sha256).digest()
    return f"{signing}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


async def test_a_token_naming_its_role_twice_is_401_naming_the_role(apps: dict[str, Started]) -> None:
    now = int(time.time())
    claims = {"sub": "edge-committee", "role": "village_committee", "scope": VILLAGE,
              "iss": "villagecounsel-dev", "iat": now, "exp": now + 600}  # fmt: skip
    # the tester's token: a village committee that also says county_admin was read as a county admin
    payload = json.dumps(claims).replace('"scope"', '"role": "county_admin", "scope"')
    for service, path in (("assessment", f"/breaches?county={COUNTY}"), ("registry", "/divisions")):
        svc = apps[service]
        response = await svc.http.get(
            path, headers={"Authorization": f"Bearer {hand_signed(svc.secret, payload)}"}
        )
        answer = refusal(response, 401)
        assert (answer["code"], answer["field"]) == ("unauthenticated", "role"), answer
        assert "身份令牌中 role 出现了两次" in answer["message"], answer


async def test_rules_identical_to_the_latest_version_write_nothing_and_answer_it(
    apps: dict[str, Started],
) -> None:
    svc = apps["assessment"]
    county = "469098"  # a county no other test here sets rules for
    headers = svc.headers("county_admin", county)
    body = {"division_code": county, "effective_from": "2027-01-01", "min_quarter_onsite_hours": 10}
    first = await svc.http.post("/rules", json=body, headers=headers)
    assert first.status_code == 201 and len(first.json()["events"]) == 1, first.text
    # the tester posted it eight times more, each a new version effective the same day
    for key in (None, "rules-again-1"):
        again = await svc.http.post(
            "/rules", json=body, headers={**headers, **({"Idempotency-Key": key} if key else {})}
        )
        assert again.status_code == 200, again.text
        assert again.json() == {**first.json(), "events": []}, again.text
    replayed = await svc.http.post(
        "/rules", json=body, headers={**headers, "Idempotency-Key": "rules-again-1"}
    )
    assert (replayed.status_code, replayed.headers.get("Idempotency-Replayed")) == (200, "true")
    # the same values in other words (the defaults spelt out, keys in another order) are the same rules
    spelt = {"min_quarter_onsite_hours": 10.0, "min_year_lectures": 2, "effective_from": "2027-01-01",
             "division_code": county}  # fmt: skip
    assert (await svc.http.post("/rules", json=spelt, headers=headers)).status_code == 200
    shown = await svc.http.get("/rules", params={"division_code": county}, headers=headers)
    mine = [v for v in shown.json()["versions"] if v["division_code"] == county]
    assert [v["version"] for v in mine] == [1], shown.text
    # another day, or another value, is a new version
    later = await svc.http.post("/rules", json={**body, "effective_from": "2027-07-01"}, headers=headers)
    assert later.status_code == 201 and later.json()["version"] == 2, later.text
