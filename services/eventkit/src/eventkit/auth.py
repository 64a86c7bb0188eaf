"""Bearer JWTs: who the caller is (role, unit, scope) and the scope check every route applies.

Development signs HS256 tokens with VC_JWT_SECRET (see tokens.py). Production verifies RS256
tokens of the province's identity provider through its JWKS URL (VC_JWKS_URL).
"""

from __future__ import annotations

from enum import StrEnum

import jwt
from pydantic import BaseModel, ConfigDict, ValidationError
from vc_contracts.divisions import contains

from eventkit.errors import ForbiddenError, UnauthorizedError


class Role(StrEnum):
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


class Principal(BaseModel):
    """The caller. `scope` is a division code: everything they touch must lie inside it."""

    model_config = ConfigDict(frozen=True)

    subject: str
    role: Role
    scope: str
    unit_id: str | None = None

    def can_see(self, division_code: str) -> bool:
        return contains(self.scope, division_code)

    def require_division(self, division_code: str, field: str = "division_code") -> None:
        if not self.can_see(division_code):
            raise ForbiddenError(
                f"无权访问该行政区划：{division_code} 不在您的管辖范围 {self.scope} 内", field=field
            )

    def require_role(self, *roles: Role) -> None:
        if self.role not in roles:
            raise ForbiddenError(f"当前角色（{self.role.value}）无权执行此操作")

    def require_unit(self, unit_id: str, field: str = "unit_id") -> None:
        """Unit roles act only for their own unit; administrators act within their scope."""
        if self.role in UNITS and self.unit_id != unit_id:
            raise ForbiddenError("只能操作本单位的数据", field=field)


class TokenVerifier:
    def __init__(self, secret: str, issuer: str, jwks_url: str | None = None) -> None:
        self._secret, self._issuer = secret, issuer
        self._jwks = jwt.PyJWKClient(jwks_url) if jwks_url else None

    def verify(self, authorization: str | None) -> Principal:
        if not authorization or not authorization.lower().startswith("bearer "):
            raise UnauthorizedError("缺少身份令牌：请在 Authorization 头中提供 Bearer 令牌")
        token = authorization.split(" ", 1)[1].strip()
        try:
            if self._jwks is not None:
                key = self._jwks.get_signing_key_from_jwt(token).key
                claims = jwt.decode(token, key, algorithms=["RS256"], issuer=self._issuer)
            else:
                claims = jwt.decode(token, self._secret, algorithms=["HS256"], issuer=self._issuer)
        except jwt.ExpiredSignatureError:
            raise UnauthorizedError("身份令牌已过期，请重新登录") from None
        except jwt.PyJWTError:
            raise UnauthorizedError("身份令牌无效") from None
        try:
            return Principal(
                subject=claims["sub"], role=claims["role"], scope=claims["scope"], unit_id=claims.get("unit")
            )
        except (KeyError, ValidationError):
            raise UnauthorizedError("身份令牌缺少必要信息（sub、role、scope）") from None
