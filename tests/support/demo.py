"""The Zhengning demo seeded once per session into a template database, and copies of it.

Seeding the demo over the HTTP APIs (as `make run` does) takes a good part of a minute on a loaded
machine, and the browser stack and the e2e demo tests used to seed one each (three seeds a session).
Now the `demo` session fixture seeds it once: registry and ledger in-process (the only two the seed
talks to) on database `villagecounsel_demo` and a broker of its own, then stops them, so no session
is left on the database and it can serve as a template. `copy_of(demo, server_dsn, name)` makes
`CREATE DATABASE name TEMPLATE villagecounsel_demo` for a test or stack that needs the demo.

Why a copy is whole with a broker of its own: the copy holds the event stores, the command side's
state (idempotency keys) and the ledger's read models with their tracking rows, but the new broker is
empty. So every relay checkpoint in the copy is set back to 0 (what the relay itself does on broker
amnesia): on start each service republishes its whole store to the new broker, the consumers skip
what their tracking rows already hold (they deduplicate by stream version, as after any replay) and
the read models the template does not hold (assessment's, reporting's) are built from those events.
Consumer groups are new on the new broker and read from the earliest offset. Stores, read models
and topics therefore agree in every copy, and a copy's writes are its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from devstack import procs, seed_demo
from devstack.postgres import ensure_database, psql, with_database
from devstack.tansu import start_tansu

from support.inprocess import ByHost, environment, new_secret

TEMPLATE = "villagecounsel_demo"

# what a relay does on broker amnesia (eventkit/relay.py), for every service schema in the copy
_REPUBLISH_ALL = """
DO $$ DECLARE s text; BEGIN
  FOR s IN SELECT table_schema FROM information_schema.tables WHERE table_name = 'relay_checkpoint' LOOP
    EXECUTE format('UPDATE %I.relay_checkpoint SET position = 0, published = 0', s);
  END LOOP;
END $$
"""


@dataclass(frozen=True)
class Demo:
    """The seeded template: its database name, what the seed made, and what it printed to stderr
    (a request the services refused is printed there: empty when every step was accepted)."""

    database: str
    seeded: seed_demo.Seeded
    refused: str


def copy_of(demo: Demo, server_dsn: str, name: str) -> str:
    """A fresh database `name` holding the seeded demo, set to republish its stores; its DSN.

    Start the copy's services on a broker of their own (an empty one): see the module docstring."""
    admin = with_database(server_dsn, "postgres")
    psql(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(admin, f"CREATE DATABASE {name} TEMPLATE {demo.database}")
    dsn = with_database(server_dsn, name)
    psql(dsn, _REPUBLISH_ALL)
    return dsn


def drop(server_dsn: str, name: str) -> None:
    psql(with_database(server_dsn, "postgres"), f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextlib.contextmanager
def seeded_template(server_dsn: str, state: Path) -> Iterator[Demo]:
    """Seed the demo into database TEMPLATE (recreated), yield it, drop it at the end."""
    dsn = ensure_database(server_dsn, TEMPLATE, fresh=True)
    broker = start_tansu(state, procs.free_port())
    try:
        # in a thread of its own: this thread may hold an event loop (pytest-asyncio's or Playwright's)
        with ThreadPoolExecutor(1) as worker:
            demo = worker.submit(asyncio.run, _seed(dsn, broker.bootstrap)).result()
    finally:
        broker.stop()
    try:
        yield demo
    finally:
        # best effort: at the session's end the server may already be stopping (a PostgreSQL restarted
        # by a test from a worker thread gets its death signal when that thread exits with the event
        # loop); the next session recreates the template anyway
        with contextlib.suppress(RuntimeError, OSError):
            drop(server_dsn, TEMPLATE)


async def _seed(dsn: str, bootstrap: str) -> Demo:
    """Registry and ledger in-process (real lifespans, so relays and consumers run), the seed over
    them; both stopped (pools closed) before returning, which the template needs."""
    from ledger.main import build_app as build_ledger  # noqa: PLC0415  (imported by the few who seed)
    from registry.main import build_app as build_registry  # noqa: PLC0415

    secret = new_secret()
    env = {"DATABASE_URL": dsn, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "VC_JWT_SECRET": secret,
           "VC_CONSUMER_SESSION_TIMEOUT_MS": "2000"}  # fmt: skip  # 2 s sessions: a quick group join
    saved_urls = dict(seed_demo.URL)
    refused = io.StringIO()
    with environment(env):
        registry, ledger = build_registry(), build_ledger()
        os.environ["VC_SERVICE"] = "registry"
        async with registry.router.lifespan_context(registry):
            os.environ["VC_SERVICE"] = "ledger"
            async with ledger.router.lifespan_context(ledger):
                seed_demo.URL.update(registry="http://registry", ledger="http://ledger")
                try:
                    with contextlib.redirect_stderr(refused), contextlib.redirect_stdout(io.StringIO()):
                        transport = ByHost({"registry": registry, "ledger": ledger})
                        seeded = await seed_demo.seed(secret, transport)
                finally:
                    seed_demo.URL.clear()
                    seed_demo.URL.update(saved_urls)
    return Demo(TEMPLATE, seeded, refused.getvalue())
