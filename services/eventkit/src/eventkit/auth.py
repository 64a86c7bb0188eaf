"""Bearer JWTs: who the caller is (role, unit, scope) and the scope check every route applies.

Development signs HS256 tokens with VC_JWT_SECRET (see tokens.py). Production verifies RS256
tokens of the province's identity provider through its JWKS URL (VC_JWKS_URL), checking issuer
(VC_JWT_ISSUER) and, when set, audience (VC_JWT_AUDIENCE).

A signature proves who issued a token, not that its claims make sense: every claim is checked
here, on entry, before any code trusts it (a scope of "62", "%" or "" once reached SQL patterns).
"""

from __future__ import annotations

import re
import time
from enum import StrEnum
from typing import Any

import jwt
from pydantic import BaseModel, ConfigDict, model_validator
from vc_contracts.divisions import contains, significant_prefix

from eventkit.errors import ForbiddenError, UnauthorizedError


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
# Subjects and unit ids: printable, no spaces or control characters, bounded.
# no white space, no control characters (C0, DEL, C1), no lone surrogates (unencodable as UTF-8)
_IDENTIFIER = re.compile(r"[^\s\x00-\x1f\x7f-\x9f\ud800-\udfff]{1,128}")


def scope_problem(role: Role, scope: object) -> str | None:
    """Why `scope` is not a division code of the level `role` requires, or None when it is."""
    level = _SCOPE_LEVEL[role]
    if not isinstance(scope, str) or not _SCOPE_SHAPE[level].fullmatch(scope):
        example = {"province": "620000", "city": "621000", "county": "621025", "village": "621025100201"}
        return (
            f"身份令牌的管辖范围（scope）须为{_LEVEL_NAME[level]}行政区划代码（如 {example[level]}），"
            f"角色 {role.value} 不能使用 {scope!r}"
        )
    return None


def claims_problem(subject: object, role: Role, scope: object, unit: object) -> tuple[str, str] | None:
    """(claim, message in Chinese) for the first claim that does not make sense, or None."""
    if not isinstance(subject, str) or not _IDENTIFIER.fullmatch(subject):
        return "sub", "身份令牌的 sub 须为非空标识（不含空白或控制字符，至多128字符）"
    problem = scope_problem(role, scope)
    if problem:
        return "scope", problem
    if unit is not None and (not isinstance(unit, str) or not _IDENTIFIER.fullmatch(unit)):
        return "unit", "身份令牌的 unit 须为非空标识（不含空白或控制字符，至多128字符）"
    if role in UNITS and unit is None:
        return "unit", f"角色 {role.value} 的身份令牌须带所属单位（unit）"
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


def principal_of(claims: dict[str, Any]) -> Principal:
    """The Principal named by verified claims; 401 naming the claim that does not make sense."""
    try:
        role = Role(str(claims.get("role")))
    except ValueError:
        raise UnauthorizedError(f"身份令牌的角色（role）未知：{claims.get('role')!r}", field="role") from None
    subject, scope, unit = claims.get("sub"), claims.get("scope"), claims.get("unit")
    problem = claims_problem(subject, role, scope, unit)
    if problem:
        raise UnauthorizedError(problem[1], field=problem[0])
    return Principal(subject=subject, role=role, scope=scope, unit_id=unit)


class TokenVerifier:
    """Verifies a bearer token and returns its Principal; every failure is a 401 in the error format.

    Required claims: `sub`, `role`, `scope`, `iss` (= issuer), `exp`, `iat`; `aud` when an audience
    is configured. `nbf` and `iat` may not lie in the future (30 s leeway for clock skew).
    """

    LEEWAY_S = 30
    MAX_LIFETIME_S = 7 * 24 * 3600
    """A token may live at most a week (exp - iat): an `exp` far in the future is a token forever."""

    def __init__(
        self, secret: str, issuer: str, jwks_url: str | None = None, audience: str | None = None
    ) -> None:
        self._secret, self._issuer, self._audience = secret, issuer, audience
        self._jwks = jwt.PyJWKClient(jwks_url, timeout=5) if jwks_url else None

    def verify(self, authorization: str | None) -> Principal:
        if not authorization or not authorization.lower().startswith("bearer "):
            raise UnauthorizedError("缺少身份令牌：请在 Authorization 头中提供 Bearer 令牌")
        token = authorization.split(" ", 1)[1].strip()
        required = ["exp", "iat", "iss", "sub"] + (["aud"] if self._audience else [])
        try:
            if self._jwks is not None:
                key: Any = self._jwks.get_signing_key_from_jwt(token).key
                algorithms = ["RS256"]
            else:
                key, algorithms = self._secret, ["HS256"]
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                issuer=self._issuer,
                audience=self._audience,
                options={
                    "require": required,
                    "verify_aud": self._audience is not None,
                    # the time claims are ours to check (`_check_times`): PyJWT names a claim only
                    # in its message text, which an upgrade may reword
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.MissingRequiredClaimError as exc:
            raise UnauthorizedError(f"身份令牌缺少必要声明：{exc.claim}", field=exc.claim) from None
        except jwt.InvalidIssuerError:
            raise UnauthorizedError("身份令牌的签发方（iss）不受信任", field="iss") from None
        except jwt.InvalidAudienceError:
            raise UnauthorizedError("身份令牌的受众（aud）不是本系统", field="aud") from None
        except (jwt.PyJWTError, ValueError, TypeError, OverflowError, RecursionError):
            # PyJWT lets a few malformed tokens through as plain errors: a header nested beyond the
            # JSON parser (RecursionError)
            raise UnauthorizedError("身份令牌无效") from None
        self._check_times(claims, time.time())
        return principal_of(claims)

    def _check_times(self, claims: dict[str, Any], now: float) -> None:
        """The time claims at `now` (Unix seconds), in PyJWT's order and with its rules, then ours.

        PyJWT's (iat, nbf, exp, LEEWAY_S each way): a claim a number or a text can be read as a whole
        number of, else 401 naming it (`"tomorrow"`, NaN); of another JSON type or beyond a float
        (`[1]`, `{}`, null, 1e400) 401 "身份令牌无效"; `iat`/`nbf` not after now, `exp` after now.
        Ours: `exp`, `iat` (and `nbf` when present) are whole seconds since the epoch, `iat` before
        `exp`, the lifetime at most MAX_LIFETIME_S. 401 naming the claim otherwise."""
        for name in ("iat", "nbf", "exp"):
            if name not in claims:
                continue
            try:
                seconds = int(claims[name])
            except ValueError:
                raise UnauthorizedError(f"身份令牌的 {name} 须为整数秒（Unix 时间）", field=name) from None
            except (TypeError, OverflowError):
                raise UnauthorizedError("身份令牌无效") from None
            if name == "exp" and seconds <= now - self.LEEWAY_S:
                raise UnauthorizedError("身份令牌已过期，请重新登录", field="exp")
            if name != "exp" and seconds > now + self.LEEWAY_S:
                raise UnauthorizedError("身份令牌尚未生效（nbf 或 iat 在将来）", field="nbf")
        times = {name: claims[name] for name in ("exp", "iat", "nbf") if name in claims}
        for name, value in times.items():
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**40:
                raise UnauthorizedError(f"身份令牌的 {name} 须为整数秒（Unix 时间）", field=name)
        if not 0 < times["exp"] - times["iat"] <= self.MAX_LIFETIME_S:
            days = self.MAX_LIFETIME_S // 86400
            raise UnauthorizedError(f"身份令牌的有效期（exp - iat）须为正且不超过 {days} 天", field="exp")
