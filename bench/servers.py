"""The servers the benchmark runs on: started under `.var/bench/`, stopped on exit, error or Ctrl-C.

DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS, when set, are used instead (nothing is started for them).
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from devstack import procs
from devstack.paths import var_dir
from devstack.stack import Infra, start_infra

BENCH_DATABASE = "villagecounsel_bench"


def bench_dir() -> Path:
    return var_dir("bench")


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def servers() -> Iterator[Infra]:
    """PostgreSQL and Tansu for one benchmark run (a fresh database when the server is ours)."""
    folder = bench_dir()
    lock = procs.try_lock(folder / "lock")
    if lock is None:
        raise SystemExit(f"another benchmark is running (see {folder / 'lock'})")
    # SIGTERM (e.g. a CI timeout) takes the same way out as Ctrl-C, through the `finally` below.
    previous = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    infra: Infra | None = None
    try:
        infra = start_infra(folder, database=BENCH_DATABASE, fresh_database=True)
        yield infra
    finally:
        try:
            if infra is not None:
                infra.stop()
        finally:
            signal.signal(signal.SIGTERM, previous)
            lock.close()
