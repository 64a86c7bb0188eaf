"""The four services in-process for the HTTP-edge tests, and property-based fuzzing of every
operation of a service against its own OpenAPI document.

Each service runs in-process (real lifespan, its own database on the devstack PostgreSQL, the
session's broker) under a name of its own, so whatever the fuzzer manages to write goes to a topic
and schema nobody else reads. Schemathesis generates valid and invalid requests per operation,
sent with tokens of several roles; every answer must be no 5xx, a documented status with a body
matching the spec, and every 4xx the one ErrorBody format.

Bounded: a few examples per operation and mode, no shrinking database, no deadline per example.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from typing import Any
from uuid import uuid4

import httpx
import schemathesis
from assessment.main import SPEC as ASSESSMENT
from eventkit.auth import UNIT_OPTIONAL, UNITS, Role
from eventkit.runtime import ServiceSpec, create_app
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from ledger.main import SPEC as LEDGER
from ledger.main import build_app as build_ledger
from registry.main import SPEC as REGISTRY
from reporting.main import SPEC as REPORTING
from schemathesis.checks import not_a_server_error
from schemathesis.generation.drivers import CoverageGenerator
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.generation.modes import GenerationMode
from schemathesis.generation.overrides import Override
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from support.inprocess import bearer, new_secret, own_database, running_app

# per operation, role-mixed, and per mode (valid / invalid input); VC_FUZZ_EXAMPLES and VC_FUZZ_RANDOM=1
# widen a run by hand to explore (the suite stays small and repeatable)
EXAMPLES = int(os.environ.get("VC_FUZZ_EXAMPLES", "12"))
DERANDOMIZE = os.environ.get("VC_FUZZ_RANDOM") != "1"
BOUNDARIES = 40  # schemathesis' coverage cases (limits ±1, wrong types, missing values) per operation
COUNTY = "469099"  # no other test writes here: what the fuzzer creates stays out of their way
ROLES = [
    ("province_admin", "460000", "fuzz-province", None),
    ("county_admin", COUNTY, "fuzz-county", None),
    ("advisor", COUNTY, "fuzz-advisor", None),
    ("law_firm", COUNTY, "fuzz-firm-user", "fuzz-firm"),
    ("justice_office", COUNTY, "fuzz-office-user", "fuzz-office"),
    ("village_committee", f"{COUNTY}100201", "fuzz-committee", None),
]


@dataclass
class Started:
    app: FastAPI
    http: httpx.AsyncClient
    secret: str

    def headers(
        self, role: str = "county_admin", scope: str = COUNTY, unit: str | None = None
    ) -> dict[str, str]:
        """A token the services accept for `role`: `unit` only where the role may carry one (a
        division's role refuses it, eventkit.auth.claims_problem), so a table may give it to all."""
        carries = Role(role) in UNITS | UNIT_OPTIONAL
        return bearer(self.secret, role, scope, f"edge-{role}", unit if carries else None)


ERROR_FIELDS = {"code", "message", "field", "errors", "correlation_id"}
SERVICES: dict[str, tuple[ServiceSpec, Callable[[ServiceSpec], FastAPI]]] = {
    "registry": (REGISTRY, create_app),
    "ledger": (LEDGER, build_ledger),
    "assessment": (ASSESSMENT, create_app),
    "reporting": (REPORTING, create_app),
}


@contextlib.asynccontextmanager
async def four_services(dsn: str, bootstrap: str) -> AsyncIterator[dict[str, Started]]:
    """The four apps, each under a name of its own (own schema, topic and consumer groups)."""
    tag = uuid4().hex[:8]
    started: dict[str, Started] = {}
    async with contextlib.AsyncExitStack() as stack:
        for name, (spec, build) in SERVICES.items():
            secret = new_secret()
            database = await stack.enter_async_context(own_database(dsn, f"vc_fuzz_{name}_{tag}"))
            own = replace(spec, name=f"fuzz{name}{tag}")
            app, http = await stack.enter_async_context(
                running_app(own, tag, database=database, bootstrap=bootstrap, secret=secret, build=build)
            )
            started[name] = Started(app, http, secret)
        yield started


def _request(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Schemathesis' requests-style arguments as httpx's."""
    out = {k: kwargs[k] for k in ("method", "url", "headers", "params", "cookies") if k in kwargs}
    out["headers"] = {k: v for k, v in (out.get("headers") or {}).items() if k.lower() != "connection"}
    if "json" in kwargs:
        out["json"] = kwargs["json"]
    elif "data" in kwargs:
        data = kwargs["data"]
        out["content" if isinstance(data, bytes | str) else "data"] = data
    return out


def _error_body_problem(response: httpx.Response) -> str | None:
    if not 400 <= response.status_code < 500:
        return None
    try:
        body = response.json()
    except ValueError:
        return "a 4xx without a JSON body"
    if not isinstance(body, dict) or set(body) != ERROR_FIELDS:
        return f"a 4xx body that is not the ErrorBody: {str(body)[:200]}"
    if body["code"].startswith("http_") or not any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]):
        return f"an undocumented code or a message not in Chinese: {body['code']} {body['message']}"
    return None


def _boundaries(schema: Any, operation: Any) -> list[Any]:
    """Schemathesis' coverage cases of the operation (values at and just beyond every bound, wrong
    types, missing parameters), an evenly spread sample of at most BOUNDARIES of them."""
    generator = CoverageGenerator(
        operation=operation,
        generation_modes=list(GenerationMode),
        generation_config=schema.config.generation_for(operation=operation, phase="coverage"),
        auth_storage=None,
        override=Override(),
        feedback=FeedbackSources(),
    )
    cases = list(generator)
    step = max(1, len(cases) // BOUNDARIES)
    return cases[::step][:BOUNDARIES]


def _streams(operation: Any) -> bool:
    """The operation answers a server-sent event stream (GET /dashboard/stream)."""
    ok = operation.definition.raw.get("responses", {}).get("200", {})
    return "text/event-stream" in ok.get("content", {})


def fuzz(service: Started, loop: asyncio.AbstractEventLoop) -> list[str]:
    """Failures found on every operation of `service`. Runs in a worker thread: hypothesis draws
    cases here, the app answers on the test's event loop."""
    http, secret = service.http, service.secret
    schema = schemathesis.openapi.from_dict(service.app.openapi())
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]
    failures: list[str] = []
    tokens = [
        bearer(secret, role, scope, subject, unit)["Authorization"] for role, scope, subject, unit in ROLES
    ]

    def send(case: Any, token: str | None = None) -> None:
        kwargs = _request(case.as_transport_kwargs(base_url="http://fuzz"))
        if token:
            kwargs["headers"]["authorization"] = token
        try:
            request = http.build_request(**kwargs)
        except (UnicodeEncodeError, httpx.InvalidURL, httpx.LocalProtocolError):
            return  # not sendable over HTTP at all: a real server never sees it
        response = asyncio.run_coroutine_threadsafe(http.send(request), loop).result(timeout=60)
        label = f"{case.method} {kwargs['url']} {str(kwargs.get('params'))[:120]}"
        problem = _error_body_problem(response)
        if problem:
            failures.append(f"{label}: {problem}")
        try:
            case.validate_response(response, checks=checks)
        except (AssertionError, BaseExceptionGroup) as exc:  # schemathesis' check failures
            failures.append(f"{label}: {response.status_code} {str(exc)[:600]}")

    for result in schema.get_all_operations():
        operation = result.ok()
        if _streams(operation):
            continue  # an accepted request never ends; its refusals: test_reporting_dashboard.py
        for number, case in enumerate(_boundaries(schema, operation)):
            send(case, tokens[number % len(tokens)])
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            # one strategy and a drawn token, not one strategy per token: building and validating
            # schemathesis' strategies took a fifth of the fuzzing's time; the roles drawn alike
            strategy = st.tuples(
                operation.as_strategy(mode, headers={"authorization": tokens[0]}), st.sampled_from(tokens)
            )

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=DERANDOMIZE,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(drawn=strategy)
            def one(drawn: tuple[Any, str]) -> None:
                send(*drawn)

            with contextlib.suppress(Unsatisfiable):  # no invalid input exists (e.g. GET /healthz)
                one()
    return failures


def refusal(response: httpx.Response, status: int) -> dict[str, Any]:
    """The body of an answer refused with `status`, checked to be the one documented error format."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == ERROR_FIELDS, body
    return body
