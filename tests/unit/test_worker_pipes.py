"""`eventkit.workers`: the pipes between the service and its worker process hold a bulk import's
chunk in a few writes (1 MiB each, not Linux's 64 KiB). Every write or read of a full pipe is a wait
for the interpreter lock that the thread deciding the import holds."""

from __future__ import annotations

import fcntl

from eventkit.workers import PIPE_BYTES, CpuWorkers


def _sizes(workers: CpuWorkers) -> list[int]:
    pool = workers._pool
    ends = [pool._call_queue._reader, pool._call_queue._writer, pool._result_queue._reader,  # type: ignore[union-attr]
            pool._result_queue._writer]  # type: ignore[union-attr]  # fmt: skip
    return [fcntl.fcntl(end.fileno(), fcntl.F_GETPIPE_SZ) for end in ends]


def test_a_started_pools_pipes_hold_a_mebibyte() -> None:
    workers = CpuWorkers()
    workers.start()
    try:
        assert _sizes(workers) == [PIPE_BYTES] * 4
    finally:
        workers.stop()
