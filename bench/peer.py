"""The peer a Python team would otherwise pick: the `eventsourcing` package's PostgreSQL recorder
(`PostgresApplicationRecorder`, psycopg 3), appending the same events from the same number of writers.

It orders its notification ids the way our store orders positions (its inserts take an EXCLUSIVE
table lock held to commit), and it is synchronous: each writer is a thread with a connection of
its pool, as its applications run it.
"""

from __future__ import annotations

import threading
import time
from urllib.parse import unquote, urlsplit

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore

from bench.store import WRITERS, prepared

SCHEMA = "bench_peer"


def datastore(dsn: str, pool_size: int = WRITERS) -> PostgresDatastore:
    url = urlsplit(dsn)
    return PostgresDatastore(
        dbname=url.path.lstrip("/"),
        host=url.hostname or "localhost",
        port=url.port or 5432,
        user=unquote(url.username or ""),
        password=unquote(url.password or ""),
        pool_size=pool_size,
        schema=SCHEMA,
        originator_id_type="text",  # our stream ids (entry-…), not UUIDs
    )


def single_appends(dsn: str, seconds: float) -> float:
    """WRITERS threads, each recording one event (a new stream) per call, for `seconds`. Events/s."""
    store = datastore(dsn)
    try:
        with store.transaction(commit=True) as curs:
            curs.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        recorder = PostgresApplicationRecorder(store, events_table_name="stored_events")
        recorder.create_table()
        todo = [
            StoredEvent(
                stream_id, 1, f"vc_contracts.catalogue.ledger:{e.event_type}", e.model_dump_json().encode()
            )
            for stream_id, _, e in prepared(int(seconds * 6000))
        ]
        recorder.insert_events([todo.pop()])  # the pool's connections and prepared statements
        done = [0] * WRITERS
        start = threading.Barrier(WRITERS + 1)
        deadline = 0.0

        def writer(n: int) -> None:
            start.wait()
            while time.perf_counter() < deadline:
                recorder.insert_events([todo.pop()])
                if time.perf_counter() <= deadline:
                    done[n] += 1

        threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
        for thread in threads:
            thread.start()
        deadline = time.perf_counter() + seconds
        start.wait()
        for thread in threads:
            thread.join()
        return sum(done) / seconds
    finally:
        store.close()
