"""A signed token's claims are checked before they are trusted: the scope is a division code of
the level the role needs, `exp`/`iat`/`sub` are present and sane, unit roles carry their unit.

Given the claims, when the token is verified, then it yields a Principal or a 401 naming the claim.
"""

from __future__ import annotations

import base64
import re
import secrets
import time
from typing import Any

import jwt
import pytest
from eventkit.auth import Principal, Role, TokenVerifier
from eventkit.errors import ForbiddenError, UnauthorizedError
from eventkit.tokens import issue
from hypothesis import given
from hypothesis import strategies as st
from vc_contracts.divisions import contains

SECRET = secrets.token_urlsafe(48)
ISSUER = "villagecounsel-dev"
NOW = int(time.time())
BASE = {"sub": "u-1", "role": "county_admin", "scope": "621025", "iss": ISSUER}
DROP = object()


def signed(**changes: Any) -> str:
    # times are taken when the token is signed, not when the module is imported: on a loaded machine
    # a whole-suite run can take longer than a token's lifetime
    now = int(time.time())
    claims = {**BASE, "iat": now, "exp": now + 600, **changes}
    return jwt.encode({k: v for k, v in claims.items() if v is not DROP}, SECRET, algorithm="HS256")


def verify(token: str, audience: str | None = None) -> Principal:
    return TokenVerifier(SECRET, ISSUER, audience=audience).verify(f"Bearer {token}")


REFUSED = [
    # the issue's examples: patterns and prefixes that once matched other counties' rows
    ("scope-62", {"scope": "62"}, "scope"),
    ("scope-percent", {"scope": "%"}, "scope"),
    ("scope-empty", {"scope": ""}, "scope"),
    ("no-exp", {"exp": DROP}, "exp"),
    # other members of the kind
    ("scope-underscore", {"scope": "6210_5"}, "scope"),
    ("scope-trailing-percent", {"scope": "62102%"}, "scope"),
    ("scope-trailing-space", {"scope": "621025 "}, "scope"),
    ("scope-leading-space", {"scope": " 621025"}, "scope"),
    ("scope-trailing-newline", {"scope": "621025\n"}, "scope"),
    ("scope-full-width-digits", {"scope": "６２１０２５"}, "scope"),
    ("scope-a-number", {"scope": 621025}, "scope"),
    ("scope-a-list", {"scope": ["621025"]}, "scope"),
    ("scope-missing", {"scope": DROP}, "scope"),
    ("scope-zero-province", {"scope": "000000", "role": "province_admin"}, "scope"),
    ("county-admin-with-city-scope", {"scope": "621000"}, "scope"),
    ("county-admin-with-province-scope", {"scope": "620000"}, "scope"),
    ("county-admin-with-village-scope", {"scope": "621025100201"}, "scope"),
    ("city-admin-with-county-scope", {"role": "city_admin", "scope": "621025"}, "scope"),
    ("city-admin-with-province-scope", {"role": "city_admin", "scope": "620000"}, "scope"),
    ("province-admin-with-city-scope", {"role": "province_admin", "scope": "621000"}, "scope"),
    ("province-admin-with-62", {"role": "province_admin", "scope": "62"}, "scope"),
    ("committee-with-county-scope", {"role": "village_committee", "scope": "621025"}, "scope"),
    ("committee-with-township-scope", {"role": "village_committee", "scope": "621025100000"}, "scope"),
    ("advisor-with-percent", {"role": "advisor", "scope": "%"}, "scope"),
    ("firm-with-city-scope", {"role": "law_firm", "scope": "621000", "unit": "U-1"}, "scope"),
    ("firm-without-unit", {"role": "law_firm"}, "unit"),
    ("office-without-unit", {"role": "justice_office"}, "unit"),
    ("aid-center-with-empty-unit", {"role": "legal_aid_center", "unit": ""}, "unit"),
    ("unit-a-number", {"role": "law_firm", "unit": 7}, "unit"),
    ("unit-with-percent-space", {"role": "law_firm", "unit": "U 1"}, "unit"),
    ("sub-empty", {"sub": ""}, "sub"),
    ("sub-blank", {"sub": "   "}, "sub"),
    ("sub-missing", {"sub": DROP}, "sub"),
    ("sub-control-char", {"sub": "u\x00-1"}, "sub"),
    ("role-unknown", {"role": "superuser"}, "role"),
    ("role-missing", {"role": DROP}, "role"),
    ("iat-missing", {"iat": DROP}, "iat"),
    ("iat-in-the-future", {"iat": NOW + 3600}, "nbf"),
    ("nbf-in-the-future", {"nbf": NOW + 3600}, "nbf"),
    ("iss-missing", {"iss": DROP}, "iss"),
    ("exp-not-a-number", {"exp": "tomorrow"}, "exp"),
    # time claims that made PyJWT raise plain errors (500 before), or that mean "valid forever"
    ("exp-infinite", {"exp": 1e400}, None),
    ("exp-a-list", {"exp": [1]}, None),
    ("exp-an-object", {"exp": {}}, None),
    ("exp-digits-as-text", {"exp": "9999999999"}, "exp"),
    ("exp-far-future", {"exp": 10**15}, "exp"),
    ("exp-beyond-a-week", {"exp": NOW + 8 * 24 * 3600}, "exp"),
    ("exp-a-fraction", {"exp": NOW + 3 * 24 * 3600 + 0.5}, "exp"),  # days ahead: still valid when run
    ("exp-true", {"exp": True}, "exp"),
    ("iat-infinite", {"iat": 1e400}, None),
    ("iat-negative", {"iat": -5}, "iat"),
    ("nbf-null", {"nbf": None}, None),
    ("nbf-minus-infinite", {"nbf": -1e400}, None),
    # identifiers PostgreSQL and UTF-8 cannot hold
    ("sub-lone-surrogate", {"sub": "\ud800"}, "sub"),
    ("unit-lone-surrogate", {"role": "law_firm", "unit": "\udc00"}, "unit"),
    ("sub-c1-control", {"sub": "u\x85-1"}, "sub"),
]


@pytest.mark.parametrize(("changes", "field"), [pytest.param(c, f, id=i) for i, c, f in REFUSED])
def test_a_signed_token_whose_claims_make_no_sense_is_401(changes: dict[str, Any], field: str | None) -> None:
    with pytest.raises(UnauthorizedError) as refused:
        verify(signed(**changes))
    assert refused.value.status == 401
    assert refused.value.field == field
    assert re.search(r"[\u4e00-\u9fff]", refused.value.message), "message in Chinese"


def test_a_header_nested_beyond_the_json_parser_is_401_not_500() -> None:
    # anyone can send this: no signing key is needed to reach PyJWT's header parsing
    part = lambda text: base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()  # noqa: E731
    token = ".".join([part("[" * 5000 + "]" * 5000), part("{}"), part("sig")])
    with pytest.raises(UnauthorizedError):
        verify(token)


ACCEPTED = [
    ("county-admin", {}),
    ("province-admin", {"role": "province_admin", "scope": "620000"}),
    ("city-admin", {"role": "city_admin", "scope": "621000"}),
    ("law-firm", {"role": "law_firm", "unit": "U-firm-1"}),
    ("justice-office", {"role": "justice_office", "unit": "U-office-1"}),
    ("legal-aid-center", {"role": "legal_aid_center", "unit": "U-aid-1"}),
    ("advisor-with-unit", {"role": "advisor", "sub": "A-1", "unit": "U-firm-1"}),
    ("advisor-without-unit", {"role": "advisor", "sub": "A-1"}),
    ("village-committee", {"role": "village_committee", "scope": "621025100201"}),
    ("community-committee", {"role": "village_committee", "scope": "621025100001"}),
    ("nbf-now", {"nbf": NOW}),
]


@pytest.mark.parametrize("changes", [pytest.param(c, id=i) for i, c in ACCEPTED])
def test_a_token_with_sane_claims_is_accepted(changes: dict[str, Any]) -> None:
    who = verify(signed(**changes))
    expected = (changes.get("role", "county_admin"), changes.get("scope", "621025"))
    assert (who.role.value, who.scope) == expected
    assert who.scope_prefix.isascii() and who.scope_prefix.isdigit()


def test_every_development_token_the_cli_issues_is_accepted() -> None:
    for role in Role:
        scope = {"province_admin": "620000", "city_admin": "621000", "village_committee": "621025100201"}
        unit = "U-1" if role in {Role.law_firm, Role.justice_office, Role.legal_aid_center} else None
        token = issue(SECRET, role=role.value, scope=scope.get(role.value, "621025"), unit=unit)
        assert verify(token).role is role


def test_the_audience_is_checked_when_one_is_configured() -> None:
    assert verify(signed(aud="villagecounsel"), audience="villagecounsel").subject == "u-1"
    for changes, field in [({"aud": "another-app"}, "aud"), ({}, "aud")]:
        with pytest.raises(UnauthorizedError) as refused:
            verify(signed(**changes), audience="villagecounsel")
        assert refused.value.field == field


@given(scope=st.text(max_size=14), role=st.sampled_from(list(Role)))
def test_any_accepted_scope_is_a_well_formed_code_of_the_roles_level(scope: str, role: Role) -> None:
    try:
        who = verify(signed(role=role.value, scope=scope, unit="U-1"))
    except UnauthorizedError as refused:
        assert refused.field == "scope"
        return
    assert re.fullmatch(r"[1-9][0-9]{5}([0-9]{6})?", who.scope)
    assert who.can_see(who.scope) and not contains(who.scope, "%")


@given(digits=st.from_regex(r"\A[1-9][0-9]{5}\Z"), role=st.sampled_from(list(Role)))
def test_a_six_digit_scope_is_accepted_exactly_for_the_level_its_shape_names(digits: str, role: Role) -> None:
    level = "province" if digits.endswith("0000") else "city" if digits.endswith("00") else "county"
    wanted = {Role.province_admin: "province", Role.city_admin: "city", Role.village_committee: "village"}
    try:
        verify(signed(role=role.value, scope=digits, unit="U-1"))
        accepted = True
    except UnauthorizedError:
        accepted = False
    assert accepted == (wanted.get(role, "county") == level)


def test_an_out_of_scope_refusal_does_not_show_the_callers_scope_code() -> None:
    county = Principal(subject="demo-county-admin", role=Role.county_admin, scope="621025")
    with pytest.raises(ForbiddenError) as refused:
        county.require_division("999999999999")
    assert "不在您的管辖范围内" in refused.value.message and "621025" not in refused.value.message
