"""The cyclic collector's threshold is a process-wide setting of the composition roots
(eventkit.collector.batch_friendly_gc), not a side effect of building a ProjectionRunner."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from eventkit.collector import GC_YOUNG_THRESHOLD, batch_friendly_gc
from eventkit.projection import ProjectionRunner
from eventkit.workers import CpuWorkers


@pytest.fixture
def default_threshold() -> Iterator[None]:
    saved = gc.get_threshold()
    gc.set_threshold(700, saved[1], saved[2])
    yield
    gc.set_threshold(*saved)


class _Model:
    name, topics, tables, ddl = "m", ("t",), ("m",), ""
    entry_events, rebuild_defers_indexes, handles = None, False, None  # the protocol's defaults


@pytest.mark.usefixtures("default_threshold")
def test_building_a_runner_leaves_the_process_threshold_alone() -> None:
    ProjectionRunner(None, "s", _Model())  # type: ignore[arg-type]
    assert gc.get_threshold()[0] == 700


@pytest.mark.usefixtures("default_threshold")
@pytest.mark.parametrize(
    ("given", "then"), [(700, GC_YOUNG_THRESHOLD), (50_000, GC_YOUNG_THRESHOLD), (500_000, 500_000), (0, 0)]
)
def test_the_composition_root_raises_the_threshold_and_never_lowers_it(given: int, then: int) -> None:
    _, middle, old = gc.get_threshold()
    gc.set_threshold(given, middle, old)
    batch_friendly_gc()
    assert gc.get_threshold() == (then, middle, old)


async def test_a_cpu_worker_process_runs_with_the_batch_threshold() -> None:
    """A bulk import's chunks live in the worker as tens of thousands of containers: the worker
    takes the same collector policy as the service (`eventkit.workers._start_worker`)."""
    workers = CpuWorkers()
    workers.start()
    try:
        young, _, _ = await workers.run(gc.get_threshold)
    finally:
        workers.stop()
    assert young == GC_YOUNG_THRESHOLD
