"""`devstack up`'s supervisor: a service killed with SIGKILL is started again and answers, the others
stay up; a service that keeps dying right after each start is given up on and the stack stops."""

from __future__ import annotations

import os
import secrets
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from devstack import procs
from devstack.paths import repo_root
from devstack.postgres import ensure_database
from devstack.pytest_plugin import DevStack
from devstack.services import RunningService, Service, start_service
from devstack.supervise import RestartPolicy, Supervisor
from devstack.tansu import start_tansu
from support.servers import wait_ready

pytestmark = pytest.mark.timeout(240)

QUICK = RestartPolicy(first_delay=0.2, longest_delay=1.0, quick=120.0, give_up_after=3)


class Lines:
    def __init__(self) -> None:
        self.said: list[str] = []
        self.errors: list[str] = []


def tick_until(supervisor: Supervisor, done: Callable[[], bool], within: float = 90.0) -> int | None:
    """Tick as `devstack up` does until `done()`, the stack stopping, or `within` seconds (a hang)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if (code := supervisor.tick()) is not None or done():
            return code
        time.sleep(0.2)
    raise AssertionError("the supervisor neither recovered nor stopped")


@pytest.fixture
def state(tmp_path: Path) -> Path:
    (tmp_path / "run").mkdir()
    return tmp_path


@pytest.fixture
def stack_env(devstack: DevStack, state: Path) -> Iterator[dict[str, str]]:
    """A database and a broker of this test's own: the e2e stack runs the same service names."""
    dsn = ensure_database(devstack.dsn, "villagecounsel_supervise", fresh=True)
    broker = start_tansu(state, procs.free_port())
    try:
        # 2 s consumer sessions: quicker group joins (see tests/e2e/conftest.py)
        infra = {"DATABASE_URL": dsn, "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
                 "VC_CONSUMER_SESSION_TIMEOUT_MS": "2000"}  # fmt: skip
        yield {**os.environ, **infra, "VC_JWT_SECRET": secrets.token_urlsafe(48)}
    finally:
        broker.stop()


@pytest.fixture
def running(state: Path) -> Iterator[list[RunningService]]:
    """The list `devstack up` keeps: whatever is in it at the end is stopped."""
    servers: list[RunningService] = []
    yield servers
    for server in servers:
        server.stop(state / "run")


def test_a_killed_service_is_restarted_and_answers_again_while_the_others_stay_up(
    stack_env: dict[str, str], state: Path, running: list[RunningService]
) -> None:
    for name in ("registry", "ledger"):
        running.append(start_service(Service(name, procs.free_port()), stack_env, state, repo_root()))
    wait_ready(running)
    lines = Lines()
    supervisor = Supervisor(
        running, state, repo_root(), policy=QUICK, say=lines.said.append, err=lines.errors.append
    )
    registry, ledger = running
    assert supervisor.tick() is None

    os.kill(registry.process.pid, signal.SIGKILL)
    registry.process.wait(30)

    def answers_again() -> bool:  # and the terminal has said so, not before
        return running[0] is not registry and running[0].ready() and len(lines.said) == 2

    assert tick_until(supervisor, answers_again) is None
    assert running[0].process.pid != registry.process.pid and running[0].service == registry.service
    assert running[1] is ledger and ledger.process.poll() is None and ledger.ready()
    (death,) = lines.errors
    assert death.startswith(f"registry exited unexpectedly (code {-signal.SIGKILL})")
    assert "restarting it in 0.2 s, the other servers keep running" in death
    url = registry.service.url
    assert (
        lines.said[0]
        == f"registry restarting (pid {running[0].process.pid}); it answers on {url} once it is ready"
    )
    assert lines.said[1].startswith(f"registry is back: it answers on {url} (")
    pidfile = procs.read_pidfiles(state / "run")
    assert {r.name: r.pid for r in pidfile}["registry"] == running[0].process.pid


def test_a_service_that_keeps_dying_on_start_is_given_up_on_and_the_stack_stops(
    state: Path, running: list[RunningService]
) -> None:
    env = {**os.environ, "VC_JWT_SECRET": secrets.token_urlsafe(48)}
    broken = Service("no_such_service", procs.free_port())  # uvicorn exits at once: no such module
    running.append(start_service(broken, env, state, repo_root()))
    lines = Lines()
    supervisor = Supervisor(
        running, state, repo_root(), policy=QUICK, say=lines.said.append, err=lines.errors.append
    )

    assert tick_until(supervisor, lambda: False) == 1

    assert len(lines.said) == 2  # restarted twice, the third quick death ends it
    assert "1st quick death of 3 allowed" in lines.errors[0] and "in 0.2 s" in lines.errors[0]
    assert "2nd quick death of 3 allowed" in lines.errors[1] and "in 0.4 s" in lines.errors[1]
    assert "the 3rd time in a row" in lines.errors[2] and "giving up" in lines.errors[2]
    assert "no_such_service" in lines.errors[2]  # the log's end says why


class _Dead:
    """A service that has exited (code 1): what the supervisor reads of it."""

    def __init__(self, log: Path) -> None:
        self.service, self.log_path = Service("registry", 0), log
        self.process = type("P", (), {"returncode": 1, "poll": lambda self: 1})()


@pytest.mark.parametrize(
    ("lived", "then"),
    [
        (1074.0, "not a quick death: it ran longer than 60 s"),  # the newcomer's: was "1st quick death"
        (60.0, "not a quick death"),  # a minute exactly is no longer quick
        (59.0, "1st quick death of 5 allowed"),
    ],
)
def test_only_a_death_within_a_minute_of_starting_counts_as_quick(
    lived: float, then: str, tmp_path: Path
) -> None:
    # given a service started at 0 s that died at `lived`, when the supervisor notices, then
    log = tmp_path / "registry.log"
    log.write_text("bye\n")
    now = [0.0]
    lines = Lines()
    running: list[Any] = [_Dead(log)]
    supervisor = Supervisor(running, tmp_path, tmp_path, err=lines.errors.append, clock=lambda: now[0])
    now[0] = lived
    assert supervisor.tick() is None  # restarting it, not giving up
    assert then in lines.errors[0] and f"after {lived:.0f} s" in lines.errors[0], lines.errors[0]
    assert "in 1 s" in lines.errors[0]  # the first back-off either way


def test_the_back_off_doubles_up_to_its_longest() -> None:
    policy = RestartPolicy(first_delay=1, longest_delay=30)
    assert [policy.delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
