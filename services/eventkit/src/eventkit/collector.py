"""CPython's cyclic garbage collector in processes that hold batches of events: one policy, set
once per process by its composition root (`open_runtime`, `python -m eventkit.rebuild`, the
bench) and by each CPU worker process (`eventkit.workers`), never by a library class."""

from __future__ import annotations

import gc

GC_YOUNG_THRESHOLD = 200_000
"""Container objects allocated (net: CPython counts a freed one off again) before its cyclic
collector runs (its default: 700), in every process that applies projections (set once at
start-up by `batch_friendly_gc`).

A batch of events lives as some 20 containers an event (envelopes, events, their dicts, lists)
until it is written, and two batches of up to 2,000 (`consumer.MAX_RECORDS`) are alive at once
(overlap.py): ~80,000 containers the collector can never free. With the default it ran every ~70
events, a quarter of the catch-up's CPU (issue 12's py-spy profile); with 50,000 the two batches
in flight still crossed it, 2–4 young collections per 50,000 events, 1.2–3.3 µs of the subscriber's
~24 µs an event (`bench.catchup_profile`'s `gc.callbacks` clock). Above the peak in flight, a steady
catch-up never collects. Refcounting still frees everything that is not in a cycle at once; cycles
wait for the next collection, some 200,000 allocations later (tens of MB at most)."""


def batch_friendly_gc() -> None:
    """Raise the cyclic collector's young-generation threshold to GC_YOUNG_THRESHOLD (never lower
    it). A process-wide setting: called by each composition root (`open_runtime`, the rebuild and
    parked-events tools, the benchmark), never by a library class."""
    young, middle, old = gc.get_threshold()
    if 0 < young < GC_YOUNG_THRESHOLD:
        gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)
