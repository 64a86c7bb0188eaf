"""Bearer JWTs: who the caller is (role, unit, scope) and the scope check every route applies.

Development signs HS256 tokens with VC_JWT_SECRET (see tokens.py). Production verifies RS256
tokens of the province's identity provider through its JWKS URL (VC_JWKS_URL), checking issuer
(VC_JWT_ISSUER) and, when set, audience (VC_JWT_AUDIENCE).

A signature proves who issued a token, not that its claims make sense: every claim is checked
here, on entry, before any code trusts it (a scope of "62", "%" or "" once reached SQL patterns).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Collection
from enum import StrEnum
from typing import Any

import jwt
from jwt.utils import base64url_decode
from pydantic import BaseModel, ConfigDict, model_validator
from vc_contracts.codes import CHOSEN_ID_PATTERN, CHOSEN_ID_RULE, ID_MAX
from vc_contracts.divisions import contains, real_province, significant_prefix
from vc_contracts.text import invisible_character

from eventkit.errors import ForbiddenError, UnauthorizedError
from eventkit.json_keys import KeyPath, repeated_keys


class Role(StrEnum):
    """Who a token speaks for; its scope is a division-code prefix (see Principal)."""

    province_admin = "province_admin"
    city_admin = "city_admin"
    county_admin = "county_admin"
    justice_office = "justice_office"
    law_firm = "law_firm"
    legal_aid_center = "legal_aid_center"
    advisor = "advisor"
    village_committee = "village_committee"


ADMINS = {Role.province_admin, Role.city_admin, Role.county_admin}
UNITS = {Role.justice_office, Role.law_firm, Role.legal_aid_center}
# What people call each role, for messages (a role's code is not Chinese; the web's auth/roles.ts).
ROLE_NAMES: dict[Role, str] = {
    Role.province_admin: "省级管理员",
    Role.city_admin: "市级管理员",
    Role.county_admin: "县级管理员",
    Role.justice_office: "司法所",
    Role.law_firm: "律师事务所",
    Role.legal_aid_center: "法律援助中心",
    Role.advisor: "法律顾问",
    Role.village_committee: "村（居）委会",
}

# The division level each role's `scope` names (GB/T 2260 six digits; villages: 12 digits).
# Units and advisors are registered with, and serve, one county.
_SCOPE_LEVEL: dict[Role, str] = {
    Role.province_admin: "province",
    Role.city_admin: "city",
    Role.county_admin: "county",
    Role.justice_office: "county",
    Role.law_firm: "county",
    Role.legal_aid_center: "county",
    Role.advisor: "county",
    Role.village_committee: "village",
}
_LEVEL_NAME = {"province": "省级", "city": "市级", "county": "县级", "village": "村（社区）级"}
# ASCII digits only (`\d` would take full-width digits), matched whole (`$` allows a trailing "\n").
_SCOPE_SHAPE = {
    "province": re.compile(r"[1-9][0-9]0000"),
    "city": re.compile(r"[1-9][0-9]{3}00(?<!0000)"),
    "county": re.compile(r"[1-9][0-9]{3}(?!00)[0-9]{2}"),
    "village": re.compile(r"[1-9][0-9]{5}(?!000000)[0-9]{3}(?!000)[0-9]{3}"),
}
# What carries `unit` (the unit the caller speaks for, a registered unit id): a unit role always; an
# advisor may (their firm or office, which the services read from the advisor's assignment, never
# from the token); administrators and village committees never (they act for a division, not a unit,
# and a stray `unit` would make a county admin look like a unit to any check of `unit_id`).
UNIT_OPTIONAL = {Role.advisor}

_SUB_MAX = 128
# `sub`: visible ASCII, no space (OpenID Connect Core 1.0 §5.1 makes `sub` ASCII; our own subjects
# are ids of `vc_contracts.codes.CHOSEN_ID_PATTERN`, an advisor's sub is their advisor_id). Anything
# else (a U+202E, a zero-width space, a character beyond U+FFFF, a control character) would be
# stored as `confirmed_by`, `actor`… and chained into the ledger's hashes.
_SUBJECT = re.compile(rf"[\x21-\x7e]{{1,{_SUB_MAX}}}")
# `unit`: a registered unit id, so the rule units are registered with (a body's `unit_id`).
_UNIT = re.compile(CHOSEN_ID_PATTERN.removeprefix("^").removesuffix("$"))


def _why_not_ascii(value: str) -> str:
    """The first character of `value` a token id may not hold, said in Chinese (for the 401)."""
    if (reason := invisible_character(value)) is not None:
        return reason
    at, char = next((n, c) for n, c in enumerate(value) if not "\x21" <= c <= "\x7e")
    shown = "空白字符" if char.isspace() else "控制字符" if not char.isprintable() else f"字符「{char}」"
    return f"不能包含{shown}（U+{ord(char):04X}，第 {at + 1} 个字符）"


def identifier_problem(claim: str, value: object) -> str | None:
    """Why `value` is not a `sub` (claim "sub") or `unit` (claim "unit") id, in Chinese, or None."""
    if claim == "sub":
        rule = f"身份令牌的 sub 须为 1 至 {_SUB_MAX} 个可见 ASCII 字符（不含空格、汉字或不可见字符）"
        pattern = _SUBJECT
    else:
        rule = f"身份令牌的 unit 须为单位编号：{CHOSEN_ID_RULE}，至多 {ID_MAX} 个字符"
        pattern = _UNIT
    if not isinstance(value, str) or not value:
        return f"{rule}，现为 {_shown(value)}"
    if len(value) > (_SUB_MAX if claim == "sub" else ID_MAX):
        return f"{rule}，现有 {len(value)} 个字符"
    if pattern.fullmatch(value):
        return None
    if value.isascii() and value.isprintable() and " " not in value:
        return rule  # ASCII the rule does not take (a unit id with "/" or "%")
    return f"{rule}：{_why_not_ascii(value)}"


def scope_problem(role: Role, scope: object) -> str | None:
    """Why `scope` is not a division code of the level `role` requires, or None when it is.

    The level comes from the README's role table (`_SCOPE_LEVEL`); the first two digits must be a
    real GB/T 2260 province (`vc_contracts.divisions.PROVINCE_PREFIXES`)."""
    level = _SCOPE_LEVEL[role]
    if not isinstance(scope, str) or not _SCOPE_SHAPE[level].fullmatch(scope) or not real_province(scope):
        example = {"province": "620000", "city": "621000", "county": "621025", "village": "621025100201"}
        return (
            f"身份令牌的管辖范围（scope）须为{_LEVEL_NAME[level]}行政区划代码（如 {example[level]}，"
            f"前两位为 GB/T 2260 的省级代码），角色“{ROLE_NAMES[role]}”（{role.value}）"
            f"不能使用 {_shown(scope)}"
        )
    return None


def claims_problem(subject: object, role: Role, scope: object, unit: object) -> tuple[str, str] | None:
    """(claim, message in Chinese) for the first claim that does not make sense, or None.

    `sub` (`identifier_problem`), then `scope` (`scope_problem`), then `unit`: required for the unit
    roles (`UNITS`), allowed for advisors (`UNIT_OPTIONAL`), refused for every other role; when
    present, a unit id (`identifier_problem`)."""
    if problem := identifier_problem("sub", subject):
        return "sub", problem
    if problem := scope_problem(role, scope):
        return "scope", problem
    if unit is None:
        if role in UNITS:
            return "unit", f"角色“{ROLE_NAMES[role]}”（{role.value}）的身份令牌须带所属单位（unit）"
        return None
    if role not in UNITS | UNIT_OPTIONAL:
        return (
            "unit",
            f"角色“{ROLE_NAMES[role]}”（{role.value}）代表行政区划而非服务单位，身份令牌不能带所属单位（unit）",
        )
    if problem := identifier_problem("unit", unit):
        return "unit", problem
    return None


class Principal(BaseModel):
    """The caller. `scope` is a division code: everything they touch must lie inside it.

    Invariants (checked at construction, so a Principal never carries a malformed claim):
    `subject` is a non-empty identifier; `scope` is a division code of the level the role requires
    (province / city / county / village, see `_SCOPE_LEVEL`); unit roles carry `unit_id` and act
    only for that unit *and* inside their scope.
    """

    model_config = ConfigDict(frozen=True)

    subject: str
    role: Role
    scope: str
    unit_id: str | None = None

    @model_validator(mode="after")
    def _claims_make_sense(self) -> Principal:
        problem = claims_problem(self.subject, self.role, self.scope, self.unit_id)
        if problem:
            raise ValueError(problem[1])
        return self

    @property
    def scope_prefix(self) -> str:
        """The digits every division code inside the scope starts with (62, 6210, 621025, …).

        Digits only (the scope was validated), for `eventkit.scoping` conditions.
        """
        return significant_prefix(self.scope)

    def can_see(self, division_code: str) -> bool:
        return contains(self.scope, division_code)

    def require_division(self, division_code: str, field: str = "division_code") -> None:
        if not self.can_see(division_code):
            raise ForbiddenError(
                # the code asked for, never the caller's own scope code (people know their county by name)
                f"无权访问该行政区划（{division_code}）：不在您的管辖范围内",
                field=field,
            )

    def require_role(self, *roles: Role) -> None:
        if self.role not in roles:
            raise ForbiddenError(f"当前角色（{ROLE_NAMES[self.role]}）无权执行此操作", field="role")

    def require_unit(self, unit_id: str, field: str = "unit_id") -> None:
        """Unit roles act only for their own unit; administrators act within their scope."""
        if self.role in UNITS and self.unit_id != unit_id:
            raise ForbiddenError("只能操作本单位的数据", field=field)

    def require_unit_at(self, unit_id: str, unit_division: str | None, field: str = "unit_id") -> None:
        """A unit (and where it is registered) the caller may act for: its own unit, inside its scope."""
        self.require_unit(unit_id, field)
        if unit_division is not None:
            self.require_division(unit_division, field)

    def listed_unit(self, unit_id: str | None, unit_division: str | None = None) -> str | None:
        """The unit a list of units' rows is limited to, one rule for every such list (statistics,
        roster, nominations): `unit_id` when named (the caller's own, registered in its scope, else
        403 naming `unit_id`: never swapped for the caller's own); else a unit role's own unit, since a
        unit never reads other units' rows; else None, an administrator's whole scope."""
        if unit_id is not None:
            self.require_unit_at(unit_id, unit_division)
            return unit_id
        return self.unit_id if self.role in UNITS else None

    def require_own_unit_within(self, places: Collection[str]) -> None:
        """README "Security": a unit role acts for its unit *and* inside its scope. `places` are the
        division codes where the token's `unit` is registered or serves, as the service knows them
        (none: unknown, nothing to refuse); when the scope holds none of them, 403 naming `unit`."""
        if self.role not in UNITS or not self.unit_id or not places:
            return
        if not any(self.can_see(place) for place in places):
            shown = "、".join(sorted(places)[:3]) + ("等" if len(places) > 3 else "")
            raise ForbiddenError(
                f"身份令牌的所属单位（unit）{self.unit_id} 登记或服务于 {shown}，"
                f"不在令牌的管辖范围（scope）{self.scope} 内",
                field="unit",
            )


def principal_of(claims: dict[str, Any]) -> Principal:
    """The Principal named by verified claims; 401 naming the claim that does not make sense."""
    try:
        role = Role(str(claims.get("role")))
    except ValueError:
        shown = _shown(claims.get("role"))
        raise UnauthorizedError(f"身份令牌的角色（role）未知：{shown}", field="role") from None
    subject, scope, unit = claims.get("sub"), claims.get("scope"), claims.get("unit")
    problem = claims_problem(subject, role, scope, unit)
    if problem:
        raise UnauthorizedError(problem[1], field=problem[0])
    return Principal(subject=subject, role=role, scope=scope, unit_id=unit)


def _refuse_repeated(text: bytes, where: str) -> None:
    """401 naming the first key that `text` (a token's header or claims, JSON, its signature already
    verified) names twice in one object: PyJWT's parse kept its last value, so a token saying
    `"role": "village_committee", …, "role": "county_admin"` acted as a county admin. The issuer
    meant one of them; which one cannot be known, so neither is trusted."""
    paths = repeated_keys(text)
    if paths:
        name = _key_name(paths[0])
        raise UnauthorizedError(f"{where} {name} 出现了两次，无法确定以哪一个为准", field=name)


def _key_name(path: KeyPath) -> str:
    """A key's path as a field names it (`role`, `ext.a`), or as JSON spells it, cut short, when it
    is no short visible ASCII (a key is the issuer's text: never a control character in the answer)."""
    name = ".".join(str(part) for part in path)
    return name if _SUBJECT.fullmatch(name) and len(name) <= 40 else _shown(name)


class _OneValuePerClaim(jwt.PyJWT):
    """PyJWT whose claims name each key once (`_refuse_repeated`). `_decode_payload` is PyJWT's hook
    for decoding the payload (PyJWT 2.7+): it runs after the signature is verified, so a forger
    learns nothing from the refusal, and before any claim is validated or read."""

    def _decode_payload(self, decoded: dict[str, Any]) -> Any:
        claims = super()._decode_payload(decoded)  # PyJWT's own checks first: JSON, an object
        _refuse_critical(decoded["header"])
        _refuse_repeated(decoded["payload"], "身份令牌中")
        return claims


def _refuse_critical(header: dict[str, Any]) -> None:
    """401 naming `crit` when a token's header has one (RFC 7515 §4.1.11): it lists extensions the
    recipient must understand and process, or reject the token. These services understand none, and
    PyJWT ignores `crit`, so `"crit": ["exp"]` was accepted as if the issuer had not made it a
    condition. Checked after the signature, as every other refusal of what a token says."""
    if "crit" in header:
        raise UnauthorizedError(
            f"身份令牌头部的 crit 要求本系统处理不支持的扩展 {_shown(header['crit'])}，不能接受", field="crit"
        )


_JWT = _OneValuePerClaim()


_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
"""A JWS in compact form, as every issuer writes it."""


class TokenVerifier:
    """Verifies a bearer token and returns its Principal; every failure is a 401 in the error format.

    Required claims: `sub`, `role`, `scope`, `iss` (= issuer), `exp`, `iat`; `aud` when an audience
    is configured. No claim and no header parameter is named twice (`_refuse_repeated`). `nbf` and
    `iat` may not lie in the future (30 s leeway for clock skew).
    `aud` (RFC 7519 §4.1.3): with an audience configured, a string or a list of strings holding it;
    with none configured, a token carrying any `aud` is refused (it was issued for someone else, and
    this service cannot say it is that someone).
    """

    LEEWAY_S = 30
    MAX_LIFETIME_S = 7 * 24 * 3600
    """A token may live at most a week (exp - iat): an `exp` far in the future is a token forever."""

    def __init__(
        self, secret: str, issuer: str, jwks_url: str | None = None, audience: str | None = None
    ) -> None:
        self._secret, self._issuer, self._audience = secret, issuer, audience
        self._jwks = jwt.PyJWKClient(jwks_url, timeout=5) if jwks_url else None

    @property
    def fetches_keys(self) -> bool:
        """Whether `verify` may wait on the network (a JWKS fetch): then it must not run on the event
        loop. With the shared secret it is a few microseconds of CPU."""
        return self._jwks is not None

    def verify(self, authorization: str | None) -> Principal:
        if not authorization or not authorization.lower().startswith("bearer "):
            raise UnauthorizedError("缺少身份令牌：请在 Authorization 头中提供 Bearer 令牌")
        token = authorization.split(" ", 1)[1].strip()
        if not _COMPACT_JWS.fullmatch(token):
            # three base64url parts without padding (RFC 7515 §2): PyJWT took `sig==` as `sig`, so
            # one signed token could be sent as several strings
            raise UnauthorizedError("身份令牌无效")
        # `role` and `scope` too: a token without them is refused as missing a claim, like one without
        # `sub`, not as holding a role or scope of None
        required = ["exp", "iat", "iss", "sub", "role", "scope"] + (["aud"] if self._audience else [])
        try:
            if self._jwks is not None:
                key: Any = self._jwks.get_signing_key_from_jwt(token).key
                algorithms = ["RS256"]
            else:
                key, algorithms = self._secret, ["HS256"]
            claims = _JWT.decode(
                token,
                key,
                algorithms=algorithms,
                issuer=self._issuer,
                options={
                    "require": required,
                    # `aud` is ours to check (`_check_audience`): PyJWT skips it when no audience
                    # is configured, and then took `aud: 5` or `aud: [1]`
                    "verify_aud": False,
                    # `sub` too (`claims_problem`), so a refusal says what the sub was
                    "verify_sub": False,
                    # the time claims are ours to check (`_check_times`): PyJWT names a claim only
                    # in its message text, which an upgrade may reword, and takes `exp: true` as 1
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.MissingRequiredClaimError as exc:
            raise UnauthorizedError(f"身份令牌缺少必要声明：{exc.claim}", field=exc.claim) from None
        except jwt.InvalidIssuerError:
            raise UnauthorizedError("身份令牌的签发方（iss）不受信任", field="iss") from None
        except (jwt.PyJWTError, ValueError, TypeError, OverflowError, RecursionError):
            # PyJWT lets a few malformed tokens through as plain errors: a header nested beyond the
            # JSON parser (RecursionError)
            raise UnauthorizedError("身份令牌无效") from None
        # the header's parameters once each too (`alg`, `kid`), now that the signature is verified;
        # PyJWT read the header from the first segment, which it has already decoded once
        _refuse_repeated(base64url_decode(token.split(".", 1)[0]), "身份令牌头部")
        self._check_audience(claims)
        self._check_times(claims, time.time())
        return principal_of(claims)

    def _check_audience(self, claims: dict[str, Any]) -> None:
        """RFC 7519 §4.1.3, the same rule whether or not an audience is configured: `aud`, when
        present, is a string or a non-empty list of strings; it must name the configured audience;
        with none configured, no `aud` at all. 401 naming `aud` otherwise."""
        if "aud" not in claims:
            return  # required (see `verify`) exactly when an audience is configured
        aud = claims["aud"]
        names = [aud] if isinstance(aud, str) else aud
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
            raise UnauthorizedError(
                f"身份令牌的受众（aud）须为非空字符串或非空字符串列表，现为 {_shown(aud)}", field="aud"
            )
        if self._audience is None:
            raise UnauthorizedError(
                "身份令牌带有受众（aud），但本系统未配置受众（VC_JWT_AUDIENCE），不能确认该令牌是签发给本系统的",
                field="aud",
            )
        if self._audience not in names:
            raise UnauthorizedError("身份令牌的受众（aud）不是本系统", field="aud")

    def _check_times(self, claims: dict[str, Any], now: float) -> None:
        """The time claims at `now` (Unix seconds); 401 naming the first claim that fails.

        1. Each of `iat`, `exp` (required) and `nbf` (when present) is a NumericDate (RFC 7519 §2)
           of whole seconds: a JSON number with no fraction, not before 1970. `true`, `"123"`, null,
           `[1]`, NaN, infinity, 1.5 or -5 are refused as "须为整数秒" naming the claim; a large
           whole number (`1e20`) is a number and fails on what it means, below.
        2. `exp` not more than LEEWAY_S in the past ("已过期"); `iat` and `nbf` not more than
           LEEWAY_S in the future ("尚未生效", naming the claim).
        3. 0 < exp - iat <= MAX_LIFETIME_S (a far-future `exp` is a token forever)."""
        times: dict[str, int] = {}
        for name in ("iat", "nbf", "exp"):
            if name not in claims:
                continue
            value = claims[name]
            # an int is never converted to a float: 10**400 overflowed `math.isfinite` (a 500)
            whole = (type(value) is int or (type(value) is float and value.is_integer())) and value >= 0
            if not whole:
                raise UnauthorizedError(
                    f"身份令牌的 {name} 须为整数秒（Unix 时间，1970 年以来的秒数），现为 {_shown(value)}",
                    field=name,
                )
            times[name] = int(value)
        if times["exp"] <= now - self.LEEWAY_S:
            raise UnauthorizedError("身份令牌已过期，请重新登录", field="exp")
        for name in ("iat", "nbf"):
            if name in times and times[name] > now + self.LEEWAY_S:
                raise UnauthorizedError(f"身份令牌尚未生效（{name} 在将来）", field=name)
        if not 0 < times["exp"] - times["iat"] <= self.MAX_LIFETIME_S:
            days = self.MAX_LIFETIME_S // 86400
            raise UnauthorizedError(f"身份令牌的有效期（exp - iat）须为正且不超过 {days} 天", field="exp")


def _shown(value: object) -> str:
    """A claim's value as JSON would spell it, cut short: the 401 says what was sent (every claim's
    refusal alike: a 5,000-character `role` was echoed whole, a list as Python spells it)."""
    if type(value) is int and value.bit_length() > 128:  # json.dumps refuses beyond 4,300 digits
        return "过大的负整数" if value < 0 else "过大的整数"
    text = json.dumps(
        value, allow_nan=True, default=repr
    )  # ASCII: no control or bidi character reaches the answer
    return text if len(text) <= 40 else text[:40] + "…"
