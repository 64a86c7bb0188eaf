"""Tokens and errors over HTTP through `create_app`: a real app with a real database and broker."""

from __future__ import annotations

import asyncio
import io
import logging
import secrets
import socket
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest
import uvicorn
from conftest import unique
from devstack.pytest_plugin import DevStack
from eventkit.logs import JsonFormatter
from eventkit.reads import EVERYONE, readers
from eventkit.runtime import ServiceSpec, create_app
from eventkit.tokens import issue
from eventkit.web import CurrentPrincipal
from fastapi import APIRouter
from support.waiting import eventually

pytestmark = pytest.mark.timeout(120)

ERROR_FIELDS = {"code", "message", "field", "errors", "correlation_id"}
SECRET = secrets.token_urlsafe(48)
SECRET_DETAIL = "password=hunter2 in /srv/app/internal.py"


def _router() -> APIRouter:
    router = APIRouter()

    @router.get("/divisions/{code}/summary")
    async def summary(code: str, principal: CurrentPrincipal, quarter: str | None = None) -> dict[str, Any]:
        principal.require_division(code)
        return {"code": code, "subject": principal.subject, "role": principal.role.value}

    @router.get("/broken")
    async def broken(principal: CurrentPrincipal) -> None:
        raise RuntimeError(SECRET_DETAIL)

    return router


# every role may read the test routes: these tests are about the token, not the role (eventkit.reads)
READS = {"/divisions/{code}/summary": readers("汇总", EVERYONE), "/broken": readers("出错", EVERYONE)}


@pytest.fixture
async def client(
    devstack: DevStack, database: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[httpx.AsyncClient]:
    service = unique("authsvc")
    monkeypatch.setenv("VC_SERVICE", service)
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", devstack.bootstrap)
    monkeypatch.setenv("VC_JWT_SECRET", SECRET)
    app = create_app(
        ServiceSpec(name=service, title="Auth test", description="test", routers=[_router()], reads=READS)
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://test") as client,
    ):
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def county_admin(scope: str = "621025", **kwargs: Any) -> str:
    return issue(SECRET, role="county_admin", scope=scope, **kwargs)


def assert_error_body(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == ERROR_FIELDS
    assert body["code"] == code
    assert body["message"]
    assert body["correlation_id"] == response.headers["x-correlation-id"]
    return body  # type: ignore[no-any-return]


async def test_a_token_inside_its_scope_is_let_through(client: httpx.AsyncClient) -> None:
    response = await client.get("/divisions/621025100201/summary", headers=bearer(county_admin()))
    assert response.status_code == 200, response.text
    assert response.json() == {
        "code": "621025100201",
        "subject": "county_admin-621025",
        "role": "county_admin",
    }


async def test_a_missing_token_is_401(client: httpx.AsyncClient) -> None:
    response = await client.get("/divisions/621025/summary")
    body = assert_error_body(response, 401, "unauthenticated")
    assert "Bearer" in body["message"]
    malformed = await client.get("/divisions/621025/summary", headers={"Authorization": "Basic abc"})
    assert_error_body(malformed, 401, "unauthenticated")


async def test_an_admin_touching_a_neighbouring_county_is_403(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/divisions/621026/summary",
        headers={**bearer(county_admin("621025")), "X-Correlation-Id": "req-403"},
    )
    body = assert_error_body(response, 403, "forbidden")
    assert body["field"] == "division_code"
    assert body["errors"] == [{"field": "division_code", "reason": body["message"]}]
    assert body["correlation_id"] == "req-403"
    village_next_door = await client.get("/divisions/621026100201/summary", headers=bearer(county_admin()))
    assert_error_body(village_next_door, 403, "forbidden")


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(
            issue(secrets.token_urlsafe(48), role="county_admin", scope="621025"), id="wrong-signature"
        ),
        pytest.param(county_admin(issuer="somebody-else"), id="wrong-issuer"),
        pytest.param("not.a.jwt", id="garbage"),
    ],
)
async def test_a_token_that_does_not_verify_is_401(client: httpx.AsyncClient, token: str) -> None:
    response = await client.get("/divisions/621025/summary", headers=bearer(token))
    assert_error_body(response, 401, "unauthenticated")


async def test_an_expired_token_is_401(client: httpx.AsyncClient) -> None:
    expired = county_admin(ttl=timedelta(seconds=-30))
    response = await client.get("/divisions/621025/summary", headers=bearer(expired))
    body = assert_error_body(response, 401, "unauthenticated")
    assert "过期" in body["message"] and body["field"] == "exp"


@pytest.mark.parametrize("claim", ["exp", "iat", "nbf"])
async def test_a_time_claim_that_is_no_number_is_401_naming_it(client: httpx.AsyncClient, claim: str) -> None:
    # given a token signed right whose time claim is text (PyJWT: "... claim (exp) must be an integer.")
    claims = jwt.decode(county_admin(), options={"verify_signature": False})
    token = jwt.encode({**claims, claim: "tomorrow"}, SECRET, algorithm="HS256")
    response = await client.get("/divisions/621025/summary", headers=bearer(token))
    body = assert_error_body(response, 401, "unauthenticated")
    assert body["field"] == claim and claim in body["message"]


NONSENSE_CLAIMS = [  # (claims changed in a county admin's token, the claim the 401 names): session 15
    ({"sub": "村委\u202e管理员"}, "sub"),
    ({"sub": "A-\U00020000"}, "sub"),
    ({"unit": "U-firm-zhengda"}, "unit"),  # a county admin speaks for the county, not a unit
    ({"role": "village_committee", "scope": "621025100201", "unit": "U-1"}, "unit"),
    ({"aud": 5}, "aud"),
    ({"aud": ["x"]}, "aud"),
    ({"exp": True}, "exp"),
    ({"exp": 1e20}, "exp"),
    ({"iat": True}, "iat"),
    ({"nbf": 1e20}, "nbf"),
    ({"role": "province_admin", "scope": "990000"}, "scope"),
    ({"scope": "991025"}, "scope"),
]


@pytest.mark.parametrize(("changes", "field"), NONSENSE_CLAIMS)
async def test_a_signed_token_whose_claim_makes_no_sense_is_401_naming_it(
    client: httpx.AsyncClient, changes: dict[str, Any], field: str
) -> None:
    claims = jwt.decode(county_admin(), options={"verify_signature": False})
    token = jwt.encode({**claims, **changes}, SECRET, algorithm="HS256")
    response = await client.get("/divisions/621025100201/summary", headers=bearer(token))
    body = assert_error_body(response, 401, "unauthenticated")
    assert body["field"] == field and field in body["message"], body
    assert "\u202e" not in response.text  # the refusal never carries the invisible character back


async def test_an_internal_error_is_500_without_a_stack_trace(client: httpx.AsyncClient) -> None:
    response = await client.get("/broken", headers={**bearer(county_admin()), "X-Correlation-Id": "req-500"})
    body = assert_error_body(response, 500, "internal_error")
    assert body["correlation_id"] == "req-500"
    for leak in ("Traceback", "RuntimeError", "hunter2", "internal.py"):
        assert leak not in response.text


async def test_ops_endpoints_need_no_token_and_readiness_checks_database_and_broker(
    client: httpx.AsyncClient,
) -> None:
    health = await client.get("/healthz")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    metrics = await client.get("/metrics")
    assert metrics.status_code == 200
    assert "vc_relay_published_total" in metrics.text
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"ready": True, "checks": {"database": True, "broker": True}}


@pytest.mark.parametrize("param", ["token", "access_token", "id_token", "jwt", "Token"])
async def test_a_token_in_the_url_is_refused(client: httpx.AsyncClient, param: str) -> None:
    response = await client.get("/divisions/621025/summary", params={param: county_admin()})
    body = assert_error_body(response, 400, "token_in_url")
    assert body["field"] == param and "Authorization" in body["message"]
    with_header = await client.get(
        "/divisions/621025/summary", params={param: "x"}, headers=bearer(county_admin())
    )
    assert_error_body(with_header, 400, "token_in_url")


def test_log_lines_never_carry_a_token() -> None:
    token = county_admin()
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", f"/dashboard?quarter=2025Q1&token={token}", "1.1", 200), None,
    )  # fmt: skip
    texts = (f"Authorization: Bearer {token}", f"retrying with access_token={token[:20]}", f"got {token}")
    plain = [logging.LogRecord("x", logging.INFO, __file__, 1, text, None, None) for text in texts]
    for each in (record, *plain):
        line = JsonFormatter().format(each)
        assert token[:20] not in line, line
    assert "quarter=2025Q1" in JsonFormatter().format(record)


async def test_the_access_log_of_a_running_server_carries_no_token(
    devstack: DevStack, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = unique("authlog")
    monkeypatch.setenv("VC_SERVICE", service)
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", devstack.bootstrap)
    monkeypatch.setenv("VC_JWT_SECRET", SECRET)
    app = create_app(
        ServiceSpec(name=service, title="Auth log test", description="test", routers=[_router()], reads=READS)
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    serving = asyncio.create_task(server.serve())
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.setFormatter(JsonFormatter())
    try:
        await eventually(lambda: _true(server.started), what="uvicorn started")
        logging.getLogger().addHandler(handler)  # after start-up: the lifespan resets the root handlers
        token = county_admin()
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", trust_env=False) as http:
            in_url = await http.get("/divisions/621025/summary", params={"token": token})
            in_header = await http.get("/divisions/621025/summary?quarter=2025Q1", headers=bearer(token))
        assert (in_url.status_code, in_header.status_code) == (400, 200)
    finally:
        server.should_exit = True
        await serving
        logging.getLogger().removeHandler(handler)
    lines = captured.getvalue()
    assert "/divisions/621025/summary?token=[redacted]" in lines, lines  # the request was logged…
    assert "quarter=2025Q1" in lines
    assert token[:20] not in lines and token.split(".")[2] not in lines  # …without the token


async def _true(value: bool) -> bool:
    return value
