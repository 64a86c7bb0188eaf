"""Development sign-in: demo people of the Zhengning county demo and the tokens they sign in with.

Only when VC_WEB_DEV_SIGNIN is on (the dev stack and the tests). Tokens are signed with the dev
secret exactly as `make token` signs them (eventkit.tokens.issue), so every service accepts them.
A pasted token is only checked (`/auth/dev/check`), never signed again: it keeps its own lifetime,
and an expired one is refused with the time it expired. When dev sign-in is off these routes are
not mounted at all: 404.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import jwt
from eventkit.auth import Role, TokenVerifier, claims_problem
from eventkit.errors import RuleViolationError, UnauthorizedError
from eventkit.tokens import issue
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from vc_contracts import CST

router = APIRouter(prefix="/auth/dev", tags=["sign-in"])
TOKEN_TTL = timedelta(hours=12)
ISSUER = "villagecounsel-dev"  # what eventkit.tokens.issue (and `make token`) put in `iss`
_FIELD = {"sub": "subject"}  # the claim's name → the body field that carries it


class DemoPerson(BaseModel):
    """One person of the demo county a developer can sign in as."""

    label: str = Field(description="Who they are, in Chinese, e.g. 正宁县司法局（县级管理员）")
    role: Role
    scope: str = Field(description="Division code of their scope")
    subject: str
    unit: str | None = None


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
    scope: str = Field(max_length=12)
    subject: str | None = Field(default=None, max_length=128)
    unit: str | None = Field(default=None, max_length=128)


class TokenAnswer(BaseModel):
    token: str
    expires_in: int = Field(description="Seconds")


class TokenCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=8192, description="The pasted token, as it is")


class CheckedToken(BaseModel):
    """Who a pasted token names; the token itself stays as pasted (nothing is signed)."""

    role: Role
    scope: str
    subject: str
    unit: str | None
    expires_at: datetime = Field(description="When the token expires, +08:00")
    label: str | None = Field(description="The demo person's name when the token is one of theirs")


# Mirrors deploy/devstack/src/devstack/demo (subjects and units the demo seed registers).
DEMO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(label="正宁县司法局（县级管理员）", role=Role.county_admin, scope="621025",
               subject="demo-county-admin"),
    DemoPerson(label="庆阳市司法局（市级管理员）", role=Role.city_admin, scope="621000",
               subject="demo-city-admin"),
    DemoPerson(label="甘肃省司法厅（省级管理员）", role=Role.province_admin, scope="620000",
               subject="demo-province-admin"),
    DemoPerson(label="山河镇司法所（服务单位）", role=Role.justice_office, scope="621025",
               subject="demo-office-100", unit="U-office-100"),
    DemoPerson(label="甘肃正大律师事务所（服务单位）", role=Role.law_firm, scope="621025",
               subject="demo-firm-zhengda", unit="U-firm-zhengda"),
    # all five advisors of the firm: its half-year report waits for each one's confirmation, and
    # 张志强 serves 东关村 (the demo committee), so one newcomer can play both sides of a step
    *(DemoPerson(label=f"{name}（法律顾问，甘肃正大律师事务所）", role=Role.advisor, scope="621025",
                 subject=f"A-zhengda-{n}", unit="U-firm-zhengda")
      for n, name in enumerate(("王建国", "李海燕", "张志强", "刘丽娟", "陈文博"), start=1)),
    DemoPerson(label="东关村村民委员会（村委会）", role=Role.village_committee, scope="621025100200",
               subject="committee-621025100200"),
)  # fmt: skip


@router.get("/people", summary="演示人员 Demo people to sign in as")
async def people() -> list[DemoPerson]:
    return list(DEMO_PEOPLE)


@router.post("/token", summary="签发开发令牌 A development token (dev sign-in only)")
async def token(body: TokenRequest, request: Request) -> TokenAnswer:
    subject = body.subject or f"{body.role.value}-{body.scope}"
    problem = claims_problem(subject, body.role, body.scope, body.unit)
    if problem:
        raise RuleViolationError(problem[1], field=_FIELD.get(problem[0], problem[0]))
    secret: str = request.app.state.jwt_secret
    signed = issue(secret, role=body.role, scope=body.scope, subject=subject, unit=body.unit, ttl=TOKEN_TTL)
    return TokenAnswer(token=signed, expires_in=int(TOKEN_TTL.total_seconds()))


@router.post("/check", summary="核验粘贴的令牌 Check a pasted token (never re-signed)")
async def check(body: TokenCheck, request: Request) -> CheckedToken:
    """The claims of a token signed with the dev secret, as the services will read them; 401 in
    the error format when it is not one (expired: says when, and that pasting does not renew it)."""
    token = body.token.strip().removeprefix("Bearer ").strip()
    secret: str = request.app.state.jwt_secret
    try:
        who = TokenVerifier(secret, ISSUER).verify(f"Bearer {token}")
    except UnauthorizedError:
        expired = _expired_at(token, secret)
        if expired is None:
            raise
        raise UnauthorizedError(
            f"该身份令牌已于 {expired:%Y-%m-%d %H:%M}（北京时间）过期；粘贴的令牌不会被续期，"
            "请重新生成（make token）或选择演示人员登录",
            field="token",
        ) from None
    expires = datetime.fromtimestamp(jwt.decode(token, options={"verify_signature": False})["exp"], CST)
    demo = next((p for p in DEMO_PEOPLE if (p.role, p.subject) == (who.role, who.subject)), None)
    return CheckedToken(
        role=who.role, scope=who.scope, subject=who.subject, unit=who.unit_id, expires_at=expires,
        label=demo.label.split("（")[0] if demo else None,
    )  # fmt: skip


def _expired_at(token: str, secret: str) -> datetime | None:
    """When a correctly signed token expired; None when it is wrong for another reason."""
    try:
        jwt.decode(token, secret, algorithms=["HS256"], options={"verify_exp": False, "verify_iss": False})
        exp = jwt.decode(token, options={"verify_signature": False})["exp"]
        moment = datetime.fromtimestamp(int(exp), CST)
    except (jwt.PyJWTError, KeyError, TypeError, ValueError, OverflowError):
        return None
    return moment if moment <= datetime.now(CST) else None
