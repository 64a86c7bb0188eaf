"""The write-rule tables (eventkit.writes): every command route of each service has exactly one rule,
no rule names a route that does not exist, and a service with a command route left out does not
start. The rules themselves are walked over HTTP in tests/e2e/test_write_rules.py."""

from __future__ import annotations

import importlib

import pytest
from eventkit.reads import EVERYONE
from eventkit.runtime import ServiceSpec, create_app
from eventkit.writes import COMMAND_METHODS, missing_write_rules, writers
from fastapi import APIRouter
from fastapi.routing import APIRoute

SERVICES = ("registry", "ledger", "assessment", "reporting")


@pytest.mark.parametrize("service", SERVICES)
def test_each_command_route_has_a_rule_and_each_rule_a_route(service: str) -> None:
    spec = importlib.import_module(f"{service}.main").SPEC
    routes = [route for router in spec.routers for route in router.routes]
    assert not [key for router in spec.routers for key in missing_write_rules(router.routes, spec.writes)]
    declared = {
        f"{method} {route.path_format}"
        for route in routes
        if isinstance(route, APIRoute)
        for method in route.methods & COMMAND_METHODS
    }
    assert set(spec.writes) == declared


def test_a_service_with_a_command_route_left_out_does_not_start() -> None:
    router = APIRouter()

    @router.post("/things")
    async def make() -> None: ...

    @router.put("/things/{thing_id}")
    async def replace(thing_id: str) -> None: ...

    spec = ServiceSpec(name="t", title="t", description="t", routers=[router],
                       writes={"POST /things": writers("登记", EVERYONE)})  # fmt: skip
    with pytest.raises(RuntimeError, match=r"no write rule .* PUT /things/\{thing_id\}"):
        create_app(spec)
