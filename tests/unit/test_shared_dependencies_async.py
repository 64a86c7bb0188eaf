"""The dependencies eventkit gives every route run on the event loop, not in a worker thread.

FastAPI runs a plain `def` dependency through a worker thread (anyio's to_thread): a thread hop per
dependency and request. Every route of the four services had five to seven such hops (the token-in-
URL check, the read and write rules, the principal, the runtime, pool or store, the paging), about
1-2 ms of CPU of an in-process request that does nothing else. They do no blocking I/O, except
verifying a token against a JWKS endpoint, which `eventkit.web.checked` still sends to a thread.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from types import SimpleNamespace
from typing import Any

import pytest
from assessment.main import app as assessment
from eventkit.web import checked
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from ledger.main import app as ledger
from registry.main import app as registry
from reporting.main import app as reporting

APPS = {"registry": registry, "ledger": ledger, "assessment": assessment, "reporting": reporting}


def _calls(dependant: Dependant) -> list[Any]:
    found = []
    for sub in dependant.dependencies:
        found.append(sub.call)
        found.extend(_calls(sub))
    return found


def threaded_shared_dependencies(app: FastAPI) -> set[str]:
    """The eventkit dependencies of `app`'s routes that FastAPI would run in a worker thread."""
    return {
        f"{call.__module__}.{call.__qualname__}"
        for route in app.routes
        if isinstance(route, APIRoute)
        for call in _calls(route.dependant)
        if call is not None
        and getattr(call, "__module__", "").startswith("eventkit")
        and not inspect.iscoroutinefunction(call)
    }


@pytest.mark.parametrize("service", list(APPS))
def test_no_shared_dependency_of_a_route_runs_in_a_worker_thread(service: str) -> None:
    assert threaded_shared_dependencies(APPS[service]) == set()


def _request(fetches_keys: bool | None) -> Any:
    runtime = (
        None if fetches_keys is None else SimpleNamespace(verifier=SimpleNamespace(fetches_keys=fetches_keys))
    )
    return SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(runtime=runtime)))


@pytest.mark.parametrize(
    ("fetches_keys", "on_the_loop"),
    [
        (False, True),  # the shared secret: a few microseconds of CPU
        (True, False),  # JWKS: may wait on the network, never on the loop
        (None, False),  # no runtime known: as FastAPI would
    ],
)
def test_a_token_check_leaves_the_loop_only_when_it_may_fetch_keys(
    fetches_keys: bool | None, on_the_loop: bool
) -> None:
    async def main() -> tuple[int, int]:
        ran = await checked(_request(fetches_keys), threading.get_ident)
        return ran, threading.get_ident()

    ran, loop = asyncio.run(main())
    assert (ran == loop) is on_the_loop
