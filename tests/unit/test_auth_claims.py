"""A signed token's claims are checked before they are trusted: the scope is a division code of
the level the role needs, `exp`/`iat`/`sub` are present and sane, unit roles carry their unit.

Given the claims, when the token is verified, then it yields a Principal or a 401 naming the claim.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from typing import Any

import jwt
import pytest
from eventkit.auth import (
    ROLE_NAMES,
    UNITS,
    Principal,
    Role,
    TokenVerifier,
    claims_problem,
    identifier_problem,
)
from eventkit.errors import ForbiddenError, UnauthorizedError
from eventkit.tokens import issue
from eventkit.tokens import main as token_cli
from hypothesis import given
from hypothesis import strategies as st
from vc_contracts.divisions import PROVINCE_PREFIXES, contains

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
    ("iat-in-the-future", {"iat": NOW + 3600}, "iat"),  # names the claim that is in the future
    ("nbf-in-the-future", {"nbf": NOW + 3600}, "nbf"),
    ("iss-missing", {"iss": DROP}, "iss"),
    ("exp-not-a-number", {"exp": "tomorrow"}, "exp"),
    # time claims that made PyJWT raise plain errors (500 before), or that mean "valid forever"
    ("exp-infinite", {"exp": 1e400}, "exp"),
    ("exp-a-list", {"exp": [1]}, "exp"),
    ("exp-an-object", {"exp": {}}, "exp"),
    ("exp-digits-as-text", {"exp": "9999999999"}, "exp"),
    ("exp-far-future", {"exp": 10**15}, "exp"),
    ("exp-beyond-a-week", {"exp": NOW + 8 * 24 * 3600}, "exp"),
    ("exp-a-fraction", {"exp": NOW + 3 * 24 * 3600 + 0.5}, "exp"),  # days ahead: still valid when run
    ("exp-true", {"exp": True}, "exp"),
    ("iat-infinite", {"iat": 1e400}, "iat"),
    ("iat-negative", {"iat": -5}, "iat"),
    ("nbf-null", {"nbf": None}, "nbf"),
    ("nbf-minus-infinite", {"nbf": -1e400}, "nbf"),
    # identifiers PostgreSQL and UTF-8 cannot hold
    ("sub-lone-surrogate", {"sub": "\ud800"}, "sub"),
    ("unit-lone-surrogate", {"role": "law_firm", "unit": "\udc00"}, "unit"),
    ("sub-c1-control", {"sub": "u\x85-1"}, "sub"),
    # session 15: ids that hold what no id field of a request body may (invisible, beyond U+FFFF)
    ("sub-right-to-left-override", {"sub": "村委\u202e管理员"}, "sub"),
    ("sub-beyond-u-ffff", {"sub": "A-\U00020000"}, "sub"),
    ("sub-zero-width-space", {"sub": "A-zhengda-1\u200b"}, "sub"),
    ("sub-byte-order-mark", {"sub": "\ufeffA-zhengda-1"}, "sub"),
    ("sub-tag-character", {"sub": "A\U000e0041"}, "sub"),
    ("sub-line-separator", {"sub": "A\u2028B"}, "sub"),
    ("sub-no-break-space", {"sub": "A\u00a0B"}, "sub"),
    ("sub-full-width-letters", {"sub": "Ａ-1"}, "sub"),
    ("sub-a-number", {"sub": 12}, "sub"),
    ("sub-a-list", {"sub": ["A-zhengda-1"]}, "sub"),
    ("sub-too-long", {"sub": "A" * 129}, "sub"),
    ("unit-right-to-left-override", {"role": "law_firm", "unit": "U-firm\u202e"}, "unit"),
    ("unit-beyond-u-ffff", {"role": "law_firm", "unit": "U-\U0001f600"}, "unit"),
    ("unit-chinese", {"role": "law_firm", "unit": "正大律所"}, "unit"),
    ("unit-slash", {"role": "law_firm", "unit": "U/../x"}, "unit"),
    ("advisor-unit-zero-width", {"role": "advisor", "sub": "A-1", "unit": "U-1\u200d"}, "unit"),
    # `unit` per role: administrators and committees act for a division, never carry one
    ("county-admin-with-unit", {"unit": "U-firm-zhengda"}, "unit"),
    ("city-admin-with-unit", {"role": "city_admin", "scope": "621000", "unit": "U-1"}, "unit"),
    ("province-admin-with-unit", {"role": "province_admin", "scope": "620000", "unit": "U-1"}, "unit"),
    ("committee-with-unit", {"role": "village_committee", "scope": "621025100201", "unit": "U-1"}, "unit"),
    ("county-admin-with-empty-unit", {"unit": ""}, "unit"),
    ("county-admin-with-null-unit-is-no-unit", {"unit": None, "sub": ""}, "sub"),
    # a scope whose first two digits are no GB/T 2260 province
    ("province-990000", {"role": "province_admin", "scope": "990000"}, "scope"),
    ("province-100000", {"role": "province_admin", "scope": "100000"}, "scope"),
    ("province-660000", {"role": "province_admin", "scope": "660000"}, "scope"),
    ("city-991000", {"role": "city_admin", "scope": "991000"}, "scope"),
    ("county-991025", {"scope": "991025"}, "scope"),
    ("advisor-county-191025", {"role": "advisor", "sub": "A-1", "scope": "191025"}, "scope"),
    ("committee-village-991025100201", {"role": "village_committee", "scope": "991025100201"}, "scope"),
    # time claims that are no NumericDate, or whole numbers refused for what they mean
    ("exp-false", {"exp": False}, "exp"),
    ("iat-true", {"iat": True}, "iat"),
    ("nbf-true", {"nbf": True}, "nbf"),
    ("exp-1e20", {"exp": 1e20}, "exp"),
    ("iat-1e20", {"iat": 1e20}, "iat"),
    ("nbf-1e20", {"nbf": 1e20}, "nbf"),
    ("exp-10-to-the-20", {"exp": 10**20}, "exp"),
    # beyond a float's range: math.isfinite raised OverflowError, a 500 (newcomer pass, session 21)
    ("exp-10-to-the-400", {"exp": 10**400}, "exp"),
    ("exp-minus-10-to-the-400", {"exp": -(10**400)}, "exp"),
    ("iat-10-to-the-400", {"iat": 10**400}, "iat"),
    ("nbf-10-to-the-400", {"nbf": 10**400}, "nbf"),
    ("nbf-minus-10-to-the-400", {"nbf": -(10**400)}, "nbf"),
    ("nbf-a-fraction", {"nbf": NOW - 10.5}, "nbf"),
    ("nbf-a-list", {"nbf": [NOW]}, "nbf"),
    ("iat-text-digits", {"iat": str(NOW)}, "iat"),
    # `aud` with no audience configured (RFC 7519 4.1.3: a token for someone else)
    ("aud-a-string", {"aud": "another-app"}, "aud"),
    ("aud-an-integer", {"aud": 5}, "aud"),
    ("aud-a-list", {"aud": ["x"]}, "aud"),
    ("aud-a-list-of-integers", {"aud": [1]}, "aud"),
    ("aud-null", {"aud": None}, "aud"),
    ("aud-empty", {"aud": ""}, "aud"),
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


def test_a_time_claim_of_more_digits_than_python_reads_is_401_not_500() -> None:
    # 5,000 digits: json.loads refuses such a number (int_max_str_digits); signed by hand, as PyJWT's
    # own encoder would refuse to write it
    part = lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=")  # noqa: E731
    now = int(time.time())
    payload = json.dumps({**BASE, "iat": now, "exp": 1}).replace('"exp": 1', '"exp": ' + "9" * 5000)
    signing = part(b'{"alg":"HS256","typ":"JWT"}') + b"." + part(payload.encode())
    signature = part(hmac.new(SECRET.encode(), signing, hashlib.sha256).digest())
    for token in ((signing + b"." + signature).decode(), signed(exp=10**4000), signed(iat=-(10**4000))):
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
    ("sub-of-an-identity-provider", {"sub": "auth0|5f7c8ec7b1e2"}),  # visible ASCII, as OIDC has it
    ("sub-128-characters", {"sub": "A" * 128}),
    ("province-beijing", {"role": "province_admin", "scope": "110000"}),
    ("province-macao", {"role": "province_admin", "scope": "820000"}),
    ("city-of-xinjiang", {"role": "city_admin", "scope": "650100"}),
    ("county-admin-with-null-unit", {"unit": None}),
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


REASONS = [  # a time claim is refused for what is wrong with it, not for a neighbouring rule
    ({"exp": True}, "exp", "须为整数秒"),  # was "已过期": PyJWT read true as 1 (1970)
    ({"exp": False}, "exp", "须为整数秒"),
    ({"iat": True}, "iat", "须为整数秒"),
    ({"nbf": True}, "nbf", "须为整数秒"),
    ({"exp": 1e20}, "exp", "有效期"),  # was "须为整数秒": it is a whole number, of a token forever
    ({"exp": 10**20}, "exp", "有效期"),
    ({"iat": 1e20}, "iat", "尚未生效"),
    ({"nbf": 10**20}, "nbf", "尚未生效"),
    ({"exp": 1e400}, "exp", "须为整数秒"),
    ({"nbf": None}, "nbf", "须为整数秒"),
]


@pytest.mark.parametrize(("changes", "field", "reason"), REASONS)
def test_a_time_claim_is_refused_for_its_own_reason(changes: dict[str, Any], field: str, reason: str) -> None:
    with pytest.raises(UnauthorizedError) as refused:
        verify(signed(**changes))
    assert (refused.value.field, reason in refused.value.message) == (field, True), refused.value.message


def test_a_refused_id_claim_names_the_character_and_never_echoes_it() -> None:
    for changes, shown in [
        ({"sub": "村委\u202e管理员"}, "U+202E"),
        ({"sub": "A-\U00020000"}, "U+20000"),
        ({"sub": "A\u200bB"}, "U+200B"),
        ({"role": "law_firm", "unit": "U-\U0001f600"}, "U+1F600"),
    ]:
        with pytest.raises(UnauthorizedError) as refused:
            verify(signed(**changes))
        assert shown in refused.value.message
        assert "\u202e" not in refused.value.message and "\u200b" not in refused.value.message


def test_the_audience_may_be_a_list_that_names_this_system() -> None:
    assert verify(signed(aud=["other", "villagecounsel"]), audience="villagecounsel").subject == "u-1"
    for aud in [5, [5], ["other"], [], "", None, {"a": 1}]:
        with pytest.raises(UnauthorizedError) as refused:
            verify(signed(aud=aud), audience="villagecounsel")
        assert refused.value.field == "aud", aud


def test_the_audience_is_checked_when_one_is_configured() -> None:
    assert verify(signed(aud="villagecounsel"), audience="villagecounsel").subject == "u-1"
    for changes, field in [({"aud": "another-app"}, "aud"), ({}, "aud")]:
        with pytest.raises(UnauthorizedError) as refused:
            verify(signed(**changes), audience="villagecounsel")
        assert refused.value.field == field


def unit_claim(role: Role) -> object:
    """A `unit` claim the role may carry: a unit role's own, none (dropped) for any other role."""
    return "U-1" if role in UNITS else DROP


@given(scope=st.text(max_size=14), role=st.sampled_from(list(Role)))
def test_any_accepted_scope_is_a_well_formed_code_of_the_roles_level(scope: str, role: Role) -> None:
    try:
        who = verify(signed(role=role.value, scope=scope, unit=unit_claim(role)))
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
        verify(signed(role=role.value, scope=digits, unit=unit_claim(role)))
        accepted = True
    except UnauthorizedError:
        accepted = False
    assert accepted == (wanted.get(role, "county") == level and digits[:2] in PROVINCE_PREFIXES)


def test_an_out_of_scope_refusal_does_not_show_the_callers_scope_code() -> None:
    county = Principal(subject="demo-county-admin", role=Role.county_admin, scope="621025")
    with pytest.raises(ForbiddenError) as refused:
        county.require_division("999999999999")
    assert "不在您的管辖范围内" in refused.value.message and "621025" not in refused.value.message


@pytest.mark.parametrize(
    ("args", "claim"),
    [
        (["--role", "county_admin", "--scope", "621025", "--unit", "U-firm-zhengda"], "unit"),
        (["--role", "province_admin", "--scope", "990000"], "scope"),
        (["--role", "village_committee", "--scope", "621025100200", "--subject", "村委\u202e管理员"], "sub"),
    ],
)
def test_make_token_refuses_to_print_a_token_the_services_would_refuse(
    args: list[str], claim: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VC_JWT_SECRET", SECRET)
    monkeypatch.setattr("sys.argv", ["python -m eventkit.tokens", "issue", *args])
    with pytest.raises(SystemExit) as refused:
        token_cli()
    assert str(refused.value.code).startswith(f"{claim}: ")


@given(claim=st.sampled_from(["sub", "unit"]), value=st.text(max_size=140))
def test_any_id_claim_is_either_visible_ascii_or_refused_with_a_reason(claim: str, value: str) -> None:
    problem = identifier_problem(claim, value)
    if problem is None:
        assert 1 <= len(value) <= 128 and all("\x21" <= c <= "\x7e" for c in value)
    else:
        assert claim in problem and re.search(r"[\u4e00-\u9fff]", problem)


@pytest.mark.parametrize(
    ("role", "scope", "unit"),
    [
        (Role.county_admin, "621025", "U-firm-zhengda"),  # a division role carrying a unit
        (Role.law_firm, "621025", None),  # a unit role without one
        (Role.province_admin, "990000", None),  # a scope of no real province
        (Role.city_admin, "621025", None),  # a scope of another level
    ],
)
def test_a_refused_role_claim_names_the_role_in_chinese(role: Role, scope: str, unit: str | None) -> None:
    # given a token whose role does not fit its scope or unit, when its claims are checked,
    # then the message names the role as people call it (the code only beside it)
    problem = claims_problem("someone-1", role, scope, unit)
    assert problem is not None
    assert f"角色“{ROLE_NAMES[role]}”（{role.value}）" in problem[1], problem


def hand_signed(header: str, payload: str, secret: str = SECRET) -> str:
    """A token of exactly this header and payload JSON text, signed HS256 (PyJWT's encoder writes
    every key once, so a key named twice must be signed by hand)."""
    part = lambda raw: base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode()  # noqa: E731
    signing = f"{part(header)}.{part(payload)}"
    signature = hmac.new(secret.encode(), signing.encode(), hashlib.sha256).digest()
    return f"{signing}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def claims_text(**changes: Any) -> str:
    now = int(time.time())
    return json.dumps({**BASE, "iat": now, "exp": now + 600, **changes})


HEADER = '{"alg":"HS256","typ":"JWT"}'
REPEATED = [  # (header, payload, the claim or header parameter named, where): each was read as its last value
    # the tester's example: a village committee's token that also says county_admin was a county admin
    (HEADER, claims_text(role="village_committee", scope="621025100201").replace(
        '"scope"', '"role": "county_admin", "scope"'), "role", "身份令牌中"),
    (HEADER, claims_text().replace('"scope"', '"scope": "620000", "scope"'), "scope", "身份令牌中"),
    (HEADER, claims_text().replace('"iss"', '"sub": "u-2", "iss"'), "sub", "身份令牌中"),
    (HEADER, claims_text().replace('"iss"', '"exp": 1, "iss"'), "exp", "身份令牌中"),
    # nested: named by its path
    (HEADER, claims_text(ext={"a": 1}).replace('{"a": 1}', '{"a": 1, "a": 2}'), "ext.a", "身份令牌中"),
    # the header too: `alg` and `typ` said twice
    ('{"alg":"none","alg":"HS256","typ":"JWT"}', claims_text(), "alg", "身份令牌头部"),
    ('{"alg":"HS256","typ":"JWT","typ":"JWT"}', claims_text(), "typ", "身份令牌头部"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("header", "payload", "named", "where"),
    REPEATED,
    ids=[f"{named}-{len(where)}" for *_, named, where in REPEATED],
)
def test_a_claim_or_header_named_twice_is_401_naming_it_not_read_as_its_last_value(
    header: str, payload: str, named: str, where: str
) -> None:
    with pytest.raises(UnauthorizedError) as refused:
        verify(hand_signed(header, payload))
    assert refused.value.status == 401
    assert refused.value.field == named
    assert f"{where} {named} 出现了两次" in refused.value.message, refused.value.message


def test_a_repeated_claim_under_a_wrong_signature_says_only_that_the_token_is_invalid() -> None:
    # nothing is read from a token before its signature is verified: a forger learns nothing
    payload = claims_text().replace('"scope"', '"role": "province_admin", "scope"')
    for header in (HEADER, '{"alg":"HS256","alg":"HS256","typ":"JWT"}'):
        with pytest.raises(UnauthorizedError) as refused:
            verify(hand_signed(header, payload, secret="not-the-secret-" + SECRET))
        assert (refused.value.field, refused.value.message) == (None, "身份令牌无效")


def test_the_same_key_in_different_objects_of_a_token_is_no_repeat() -> None:
    payload = claims_text(ext={"role": "x"}, other={"role": "y"})
    assert verify(hand_signed(HEADER, payload)).role is Role.county_admin


def test_a_list_of_units_rows_is_limited_by_one_rule_for_every_list() -> None:
    """`Principal.listed_unit`, shared by the statistics, the roster and the nominations: a unit
    reads its own rows whether or not it names itself, never another unit's (403, not swapped);
    an administrator reads its whole scope or the unit it names, inside that scope."""
    firm = Principal(subject="f", role=Role.law_firm, scope="621025", unit_id="U-firm-luyuan")
    county = Principal(subject="c", role=Role.county_admin, scope="621025")
    assert firm.listed_unit(None) == "U-firm-luyuan"
    assert firm.listed_unit("U-firm-luyuan", "621025") == "U-firm-luyuan"
    with pytest.raises(ForbiddenError) as other:
        firm.listed_unit("U-firm-zhengda", "621025")
    assert other.value.field == "unit_id"
    assert county.listed_unit(None) is None
    assert county.listed_unit("U-firm-zhengda", "621025") == "U-firm-zhengda"
    with pytest.raises(ForbiddenError) as elsewhere:
        county.listed_unit("U-firm-x", "621026")
    assert elsewhere.value.field == "unit_id"


@pytest.mark.parametrize(
    "spoil",
    [
        lambda token: token + "=",  # base64 padding after the signature: PyJWT read the same bytes
        lambda token: token + "==",
        lambda token: token + ".",
        lambda token: token.replace(".", "..", 1),
    ],
    ids=["pad1", "pad2", "fourth-part", "empty-part"],
)
def test_a_signed_token_written_otherwise_than_compact_jws_is_401(spoil: Any) -> None:
    # given a valid token with padding or an extra dot, when verified, then 401: the padded one was
    # accepted, one signed token then being many strings (a revocation or log keyed by it misses it)
    token = signed()
    assert verify(token).subject == BASE["sub"]
    with pytest.raises(UnauthorizedError) as refused:
        verify(spoil(token))
    assert refused.value.message == "身份令牌无效"
