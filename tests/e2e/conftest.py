"""The four services as real processes, started the way `make run` starts them, on free ports."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from eventkit.tokens import issue
from support.lifetimes import stop_after_last_user
from support.scenes import board_villages  # noqa: F401  (a fixture: the board's villages)
from support.servers import running_services


@dataclass
class Stack:
    urls: dict[str, str]
    secret: str

    def headers(
        self, role: str, scope: str, subject: str | None = None, unit: str | None = None
    ) -> dict[str, str]:
        token = issue(self.secret, role=role, scope=scope, subject=subject, unit=unit)
        return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def stack(  # type: ignore[no-untyped-def]
    devstack, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Stack]:
    """Stopped once the last test using it is over (support/lifetimes.py)."""
    state: Path = tmp_path_factory.mktemp("services")
    secret = secrets.token_urlsafe(48)
    # a group join waits about half the session timeout and a service joins one group per read model
    # in turn: reporting's ten took ~30 s to start at the default 6 s (as in-process apps: 2 s)
    env = {**devstack.env(), "VC_JWT_SECRET": secret, "VC_CONSUMER_SESSION_TIMEOUT_MS": "2000"}
    env = {**os.environ, **env}
    with contextlib.ExitStack() as resources:
        urls = resources.enter_context(running_services(env, state))
        stop_after_last_user(request, resources.close)
        yield Stack(urls, secret)
