"""PostgreSQL, Tansu and the four services for one generated province, on free ports under a
folder of .var/ (a fresh database each time); everything is stopped on exit, error or Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from devstack import procs
from devstack.paths import repo_root
from devstack.services import SERVICES, RunningService, Service, start_service
from devstack.stack import Infra, start_infra

DATABASE = "villagecounsel_province"


@dataclass
class Stack:
    infra: Infra
    urls: dict[str, str]
    secret: str
    env: dict[str, str]
    state: Path

    @property
    def dsn(self) -> str:
        return self.infra.dsn


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def province_stack(state: Path, *, timeout: float = 120, infra: Infra | None = None) -> Iterator[Stack]:
    """Start the servers and the four services; yield the stack; stop everything.

    `infra`: a database and a broker already running, used instead of starting them and stopped on
    exit like them (the tests pass a fresh database on the session's PostgreSQL, whose stop is then a
    no-op, and a broker of their own)."""
    state.mkdir(parents=True, exist_ok=True)
    lock = procs.try_lock(state / "lock")
    if lock is None:
        raise SystemExit(f"another province run is using {state}")
    previous = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    running: list[RunningService] = []
    try:
        if infra is None:
            infra = start_infra(state, database=DATABASE, fresh_database=True, rename_external_database=True)
        secret = secrets.token_urlsafe(48)
        env = {**os.environ, **infra.env(), "VC_JWT_SECRET": secret}
        (state / "run").mkdir(exist_ok=True)
        for service in SERVICES:
            running.append(start_service(Service(service.name, procs.free_port()), env, state, repo_root()))
        deadline = time.monotonic() + timeout
        for r in running:
            procs.wait_until(
                r.ready,
                what=f"{r.service.name} ready",
                timeout=max(deadline - time.monotonic(), 1),
                proc=r.process,
                log_path=r.log_path,
            )
        yield Stack(infra, {r.service.name: r.service.url for r in running}, secret, env, state)
    finally:
        try:
            for r in running:
                r.stop(state / "run")
            if infra is not None:
                infra.stop()
        finally:
            signal.signal(signal.SIGTERM, previous)
            lock.close()
