"""The four services as real processes, started the way `make run` starts them, on free ports."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from eventkit.tokens import issue
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
def stack(devstack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:  # type: ignore[no-untyped-def]
    state: Path = tmp_path_factory.mktemp("services")
    secret = secrets.token_urlsafe(48)
    env = {**devstack.env(), "VC_JWT_SECRET": secret, "VC_CONSUMER_SESSION_TIMEOUT_MS": "6000"}
    env = {**os.environ, **env}
    with running_services(env, state) as urls:
        yield Stack(urls, secret)
