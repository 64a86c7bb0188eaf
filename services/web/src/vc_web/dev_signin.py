"""Development sign-in: demo people of the Zhengning county demo and the tokens they sign in with.

Only when VC_WEB_DEV_SIGNIN is on (the dev stack and the tests). Tokens are signed with the dev
secret exactly as `make token` signs them (eventkit.tokens.issue), so every service accepts them.
When dev sign-in is off these routes are not mounted at all: 404.
"""

from __future__ import annotations

from datetime import timedelta

from eventkit.auth import Role, claims_problem
from eventkit.errors import RuleViolationError
from eventkit.tokens import issue
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

router = APIRouter(prefix="/auth/dev", tags=["sign-in"])
TOKEN_TTL = timedelta(hours=12)
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
    # 张志强 serves 山河东村 (the demo committee), so one newcomer can play both sides of a step
    *(DemoPerson(label=f"{name}（法律顾问，甘肃正大律师事务所）", role=Role.advisor, scope="621025",
                 subject=f"A-zhengda-{n}", unit="U-firm-zhengda")
      for n, name in enumerate(("王建国", "李海燕", "张志强", "刘丽娟", "陈文博"), start=1)),
    DemoPerson(label="山河东村村民委员会（村委会）", role=Role.village_committee, scope="621025100201",
               subject="committee-621025100201"),
)  # fmt: skip


@router.get("/people", summary="演示人员 Demo people to sign in as")
async def people() -> list[DemoPerson]:
    return list(DEMO_PEOPLE)


@router.post("/token", summary="签发开发令牌 A development token (dev sign-in only)")
async def token(body: TokenRequest, request: Request) -> TokenAnswer:
    subject = body.subject or f"{body.role.value}-{body.scope}"
    problem = claims_problem(subject, body.role, body.scope, body.unit)
    if problem:
        raise RuleViolationError(problem[1], field=f"body.{_FIELD.get(problem[0], problem[0])}")
    secret: str = request.app.state.jwt_secret
    signed = issue(secret, role=body.role, scope=body.scope, subject=subject, unit=body.unit, ttl=TOKEN_TTL)
    return TokenAnswer(token=signed, expires_in=int(TOKEN_TTL.total_seconds()))
