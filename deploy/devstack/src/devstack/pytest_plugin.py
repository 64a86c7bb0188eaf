"""pytest fixtures for the real servers: `pytest_plugins = ["devstack.pytest_plugin"]` in tests/conftest.py.

Servers start lazily (only if a test asks for `devstack`), once per session, in a slot folder
`.var/test/slot-N/` guarded by a file lock: concurrent sessions (two terminals, pytest-xdist workers)
get separate slots, while a slot left by a crashed session is reused (its leftovers are stopped first,
its PostgreSQL data dir is kept, so start-up stays around a second).
"""

from __future__ import annotations

import atexit
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest

from devstack import procs
from devstack.paths import var_dir
from devstack.stack import Infra, start_infra

TEST_DATABASE = "villagecounsel_test"
_MAX_SLOTS = 32


@dataclass
class DevStack:
    """What tests get: connection strings and the broker-amnesia switch."""

    dsn: str  # postgresql://postgres@127.0.0.1:PORT/villagecounsel_test, recreated empty each session
    bootstrap: str  # 127.0.0.1:PORT
    state_dir: Path  # the slot folder; logs in state_dir / "logs"
    _infra: Infra = field(repr=False)

    @property
    def can_restart_broker(self) -> bool:
        """False when KAFKA_BOOTSTRAP_SERVERS points at a broker we did not start."""
        return self._infra.can_restart_broker

    def restart_broker(self) -> None:
        """Restart Tansu on the same port and wait until it answers; all topics and offsets are gone.

        Clients connected before keep reconnecting to the same address. Skips the test when the broker
        is external (cannot be restarted from here).
        """
        if not self.can_restart_broker:
            pytest.skip("KAFKA_BOOTSTRAP_SERVERS points at an external broker; cannot restart it")
        self._infra.restart_broker()

    def restart_postgres(self) -> None:
        """`pg_ctl restart -m fast` on the same port: every session is cut (advisory locks, LISTEN),
        the data stays; returns once it accepts connections. Skips the test when PostgreSQL is external.
        """
        if not self._infra.can_restart_postgres:
            pytest.skip("DATABASE_URL points at an external PostgreSQL; cannot restart it")
        self._infra.restart_postgres()

    def env(self) -> dict[str, str]:
        """DATABASE_URL and KAFKA_BOOTSTRAP_SERVERS, e.g. for a service under test (add VC_* yourself)."""
        return self._infra.env()


def _acquire_slot(base: Path) -> tuple[Path, IO[str]]:
    for n in range(_MAX_SLOTS):
        slot = base / f"slot-{n}"
        lock = procs.try_lock(slot / "lock")
        if lock is not None:
            return slot, lock
    raise procs.StartupError(f"all {_MAX_SLOTS} test slots in {base} are in use")


@pytest.fixture(scope="session")
def devstack() -> Iterator[DevStack]:
    slot, lock = _acquire_slot(var_dir("test"))
    infra: Infra | None = None

    def stop() -> None:
        if infra is not None:
            infra.stop()
        lock.close()

    # atexit covers an interpreter exit that skips fixture teardown; stop() is idempotent
    atexit.register(stop)
    try:
        infra = start_infra(slot, database=TEST_DATABASE, fresh_database=True, rename_external_database=True)
        yield DevStack(infra.dsn, infra.bootstrap, slot, infra)
    finally:
        stop()
        atexit.unregister(stop)
