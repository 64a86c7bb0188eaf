"""The composition root every service shares: pools, migrations, broker, relay, projections, app.

A service describes itself with a `ServiceSpec`; `create_app(spec)` returns its FastAPI app whose
lifespan opens the pool, migrates, installs read models, creates the topics it writes and reads
(configured partitions, before any consumer could auto-create them with the broker's default),
starts the FastStream broker (with its projection subscribers), the outbox relay and the
consumer-lag monitor, and closes all of it on shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from faststream.kafka import KafkaBroker
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import REGISTRY
from vc_contracts.topics import DEAD_LETTER_TOPIC, topic_for

from eventkit import changes, logs
from eventkit.auth import TokenVerifier
from eventkit.changes import ChangeHub
from eventkit.collector import batch_friendly_gc
from eventkit.consumer import start_broker, subscribe
from eventkit.credentials import refuse_token_in_url
from eventkit.db import create_pool
from eventkit.docs import install_offline_docs
from eventkit.idempotency import install_replay
from eventkit.imports import Imports
from eventkit.input_rules import install_input_rules
from eventkit.lag import ConsumerLagMonitor
from eventkit.migrations import EVENT_STORE, PROJECTIONS, Migration, migrate
from eventkit.own_views import install as install_own_view
from eventkit.projection import Projection, ProjectionRunner
from eventkit.reads import ReadRules, enforce_read_rule, missing_rules
from eventkit.relay import OutboxRelay
from eventkit.settings import Settings
from eventkit.store import EventStore
from eventkit.topics import ensure_topics
from eventkit.unit_places import UnitPlaces, enforce_unit_place
from eventkit.web import error_responses, install_error_handlers, install_error_schema, metrics_response
from eventkit.workers import THREADS, CpuWorkers
from eventkit.writes import WriteRules, enforce_write_rule, missing_write_rules

log = logging.getLogger(__name__)

SWITCH_INTERVAL = 0.0005
"""Seconds a thread may hold the interpreter lock while another waits for it (CPython's default is
0.005). A service hands CPU-bound work to threads (a bulk import's checking and row building) while
its event loop drives the database: each time the loop gives the lock up (a socket call), a busy
thread kept it for up to the whole interval, and the import's transaction waited with it. Issue 12's
profile: a 50,000-row import's COPY of events took 2.0 s of wall for 0.7 s of PostgreSQL work."""


def loop_friendly_switching() -> None:
    """Lower the interpreter's switch interval to SWITCH_INTERVAL (never raise it). Process-wide:
    called by each composition root, as `batch_friendly_gc`."""
    if sys.getswitchinterval() > SWITCH_INTERVAL:
        sys.setswitchinterval(SWITCH_INTERVAL)


@dataclass
class ServiceSpec:
    """What a service is made of: its routers, migrations, read models and options."""

    name: str
    title: str
    description: str
    routers: Sequence[APIRouter] = ()
    migrations: Sequence[Migration] = ()
    projections: Sequence[Projection] = ()
    public_paths: Sequence[str] = field(default_factory=list)
    format_hints: Mapping[str, str] = field(default_factory=dict)
    """Expected format by field name: the reason a 422 gives when such a field does not match."""
    change_feed: bool = False
    """Record the divisions each projection commit touches and serve them live (eventkit.changes)."""
    own_views: Sequence[Projection] = ()
    """Read models of the service's own events fed from its store, not Kafka (eventkit.own_views)."""
    reads: ReadRules = field(default_factory=dict)
    """Who may read each GET route (eventkit.reads): every GET route of `routers` needs one."""
    writes: WriteRules = field(default_factory=dict)
    """Who may call each command route (eventkit.writes): every POST/PUT/PATCH/DELETE route needs one."""
    cpu_work: Sequence[str] = ()
    """Modules of pure functions run in a worker process (eventkit.workers); none: no process."""
    unit_places: UnitPlaces | None = None
    """Where a providing unit is registered or serves, for the unit-token check on every route
    (eventkit.unit_places); None: the service knows no units, nothing to check."""


@dataclass
class Runtime:
    """What a request handler may use. Built in the lifespan, never at import time."""

    settings: Settings
    pool: asyncpg.Pool
    store: EventStore
    broker: KafkaBroker
    verifier: TokenVerifier
    runners: dict[str, ProjectionRunner]
    relay: OutboxRelay
    changes: ChangeHub | None = None
    own_views: list[ProjectionRunner] = field(default_factory=list)
    """Caught up by each command in its append's transaction (eventkit.own_views.catch_up)."""
    workers: CpuWorkers = THREADS
    """The worker process for `ServiceSpec.cpu_work` (eventkit.workers; a thread without one)."""


def build_broker(
    spec: ServiceSpec,
    bootstrap: str,
    runners: Sequence[ProjectionRunner],
    session_ms: int,
    fetch_max_wait_ms: int = 100,
    metadata_max_age_ms: int = 5000,
) -> KafkaBroker:
    """The service's FastStream broker with one batch subscriber per read model.

    A short metadata age makes each group's leader notice a topic whose partition count changed
    (recreated with more partitions after the broker lost its data) and rebalance onto all of
    them; with aiokafka's default of 5 minutes the group would read partition 0 only meanwhile.
    """
    broker = KafkaBroker(
        bootstrap,
        metadata_max_age_ms=metadata_max_age_ms,
        middlewares=[KafkaPrometheusMiddleware(registry=REGISTRY, app_name=spec.name)],
        acks="all",
        enable_idempotence=False,
        logger=logging.getLogger(f"{spec.name}.broker"),  # through the JSON handler
        log_level=logging.DEBUG,  # per-message "Received/Processed" lines only when debugging
    )
    for runner in runners:
        subscribe(
            broker,
            runner,
            bootstrap=bootstrap,
            group_prefix=spec.name,
            session_timeout_ms=session_ms,
            fetch_max_wait_ms=fetch_max_wait_ms,
        )
    return broker


async def _supervise(name: str, make: Any) -> None:
    """Keep a background loop alive: log a crash, back off, start again."""
    delay = 0.5
    while True:
        try:
            await make()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s crashed; restarting in %.1fs", name, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)


async def _cancel(task: asyncio.Task[None]) -> None:
    """Cancel `task` and wait for it, cancelling again if need be: aiokafka's close() suppresses
    CancelledError while it awaits its metadata task, so a cancellation landing there is lost."""
    while not task.done():
        task.cancel()
        await asyncio.wait([task], timeout=1.0)
    with contextlib.suppress(asyncio.CancelledError):
        await task


@contextlib.asynccontextmanager
async def open_runtime(spec: ServiceSpec, settings: Settings | None = None) -> AsyncIterator[Runtime]:
    """Open what `spec` needs (pool, migrations, read models, topics, broker, relay), close it after."""
    settings = settings or Settings()
    schema = settings.schema
    batch_friendly_gc()
    loop_friendly_switching()
    pool = await create_pool(settings.database_url, min_size=2, max_size=settings.db_pool_size)
    try:
        feed = changes.MIGRATIONS if spec.change_feed else []
        await migrate(pool, schema, EVENT_STORE, PROJECTIONS, feed, spec.migrations)
        runners = {p.name: ProjectionRunner(pool, schema, p, spec.change_feed) for p in spec.projections}
        for runner in runners.values():
            await runner.install()
        store = EventStore(pool, schema, max_event_bytes=settings.max_event_bytes)
        own_views = [ProjectionRunner(pool, schema, p) for p in spec.own_views]
        for runner in own_views:
            await install_own_view(runner, store)
        broker = build_broker(
            spec,
            settings.kafka_bootstrap_servers,
            list(runners.values()),
            settings.consumer_session_timeout_ms,
            settings.consumer_fetch_max_wait_ms,
            settings.consumer_metadata_max_age_ms,
        )
        relay = OutboxRelay(
            store,
            settings.kafka_bootstrap_servers,
            topic_for(spec.name),
            partitions=settings.topic_partitions,
            replication=settings.topic_replication,
        )
        verifier = TokenVerifier(
            settings.jwt_secret, settings.jwt_issuer, settings.jwks_url, settings.jwt_audience
        )
        topics = [topic_for(spec.name), DEAD_LETTER_TOPIC, *(t for p in spec.projections for t in p.topics)]
        await ensure_topics(
            settings.kafka_bootstrap_servers, topics, settings.topic_partitions, settings.topic_replication
        )
        lag = ConsumerLagMonitor(
            settings.kafka_bootstrap_servers,
            {f"{spec.name}.{p.name}": list(p.topics) for p in spec.projections},
            settings.consumer_lag_interval_seconds,
        )
        await start_broker(broker)
        relay_task = asyncio.create_task(_supervise(f"{spec.name} relay", relay.run))
        lag_task = asyncio.create_task(_supervise(f"{spec.name} consumer lag", lag.run))
        hub = changes.ChangeHub(pool, settings.database_url, schema) if spec.change_feed else None
        hub_task = asyncio.create_task(_supervise(f"{spec.name} change feed", hub.run)) if hub else None
        workers = CpuWorkers(spec.cpu_work) if spec.cpu_work else THREADS
        workers.start()
        warming = asyncio.create_task(workers.warm())  # in the background: start-up does not wait
        try:
            yield Runtime(settings, pool, store, broker, verifier, runners, relay, hub, own_views, workers)
        finally:
            await _cancel(warming)
            workers.stop()
            if hub_task:
                await _cancel(hub_task)
            await _cancel(lag_task)
            await _cancel(relay_task)
            await broker.stop()
    finally:
        await pool.close()


def create_app(spec: ServiceSpec) -> FastAPI:
    """The FastAPI app of `spec`: its runtime opened in the lifespan, the shared edge rules and ops routes."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logs.configure(spec.name)
        async with open_runtime(spec) as runtime:
            app.state.runtime = runtime
            yield

    app = FastAPI(
        title=spec.title,
        description=spec.description,
        version="0.1.0",
        lifespan=lifespan,
        # no token in any URL, on every route; then the role a GET needs (eventkit.reads) or a
        # command needs (eventkit.writes), then a unit token's unit inside its scope
        # (eventkit.unit_places), before the route's parameters and body
        dependencies=[
            Depends(refuse_token_in_url),
            Depends(enforce_read_rule),
            Depends(enforce_write_rule),
            Depends(enforce_unit_place),
        ],
        responses=error_responses(),
        docs_url=None,  # FastAPI's pages load Swagger UI from a CDN: served locally instead
        redoc_url=None,
        # a path no route takes is 404 in the error format: Starlette answered `/reports/..%2f`
        # with a bare 307 to `/reports/..` (no page of an API relies on a slash redirect)
        redirect_slashes=False,
    )
    install_offline_docs(app)
    install_error_handlers(app, spec.format_hints)
    install_input_rules(app)
    install_replay(app)
    app.state.imports = Imports(spec.name)

    @app.get("/healthz", tags=["ops"], summary="Liveness")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        tags=["ops"],
        summary="Readiness: database and broker reachable",
        responses={503: {"description": "Not ready: the checks say which part is down"}},
    )
    async def readyz(request: Request) -> JSONResponse:
        runtime: Runtime = request.app.state.runtime
        checks = {"database": False, "broker": False}
        with contextlib.suppress(Exception):
            checks["database"] = await runtime.pool.fetchval("SELECT 1") == 1
        with contextlib.suppress(Exception):
            checks["broker"] = bool(await runtime.broker.ping(timeout=2.0))
        ok = all(checks.values())
        return JSONResponse(status_code=200 if ok else 503, content={"ready": ok, "checks": checks})

    @app.get("/metrics", tags=["ops"], summary="Prometheus metrics", response_class=PlainTextResponse)
    async def metrics() -> Response:
        return metrics_response()

    missing = [path for router in spec.routers for path in missing_rules(router.routes, spec.reads)]
    if missing:  # a GET route nobody decided the readers of would fall back to scope alone
        raise RuntimeError(f"{spec.name}: no read rule (ServiceSpec.reads) for GET {', '.join(missing)}")
    app.state.read_rules = dict(spec.reads)
    missing = [key for router in spec.routers for key in missing_write_rules(router.routes, spec.writes)]
    if missing:  # a command nobody decided the callers of would fall back to the handler's own checks
        raise RuntimeError(f"{spec.name}: no write rule (ServiceSpec.writes) for {', '.join(missing)}")
    app.state.write_rules = dict(spec.writes)
    app.state.unit_places = spec.unit_places
    for router in spec.routers:
        app.include_router(router)
    install_error_schema(app)
    return app


def runtime_of(request: Request) -> Runtime:
    """The runtime of the app serving `request`."""
    return request.app.state.runtime  # type: ignore[no-any-return]
