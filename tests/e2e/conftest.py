"""The four services as real processes, started the way `make run` starts them, on free ports."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from devstack import procs
from devstack.paths import repo_root
from devstack.services import SERVICES, RunningService, Service, start_service
from eventkit.tokens import issue


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
    (state / "run").mkdir()
    secret = secrets.token_urlsafe(48)
    env = {**devstack.env(), "VC_JWT_SECRET": secret, "VC_CONSUMER_SESSION_TIMEOUT_MS": "6000"}
    env = {**os.environ, **env}
    running: list[RunningService] = []
    try:
        for service in SERVICES:
            running.append(start_service(Service(service.name, procs.free_port()), env, state, repo_root()))
        deadline = time.monotonic() + 90
        for r in running:
            procs.wait_until(
                r.ready,
                what=f"{r.service.name} ready",
                timeout=max(deadline - time.monotonic(), 1),
                proc=r.process,
                log_path=r.log_path,
            )
        yield Stack({r.service.name: r.service.url for r in running}, secret)
    finally:
        for r in running:
            r.stop(state / "run")
