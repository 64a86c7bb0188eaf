# ruff: noqa: E501  (the generated events read best one per line)
"""Dashboard queries on a generated province: 86 counties × ~198 villages (17,028), 3,100 advisors,
agreements, notice boards and a quarter of visits and lectures.

The read models are filled through the reporting projections' own code (ProjectionRunner.apply_batch
with the events the registry and ledger would publish; Kafka is left out, its cost is measured in
the pipeline section). Then the overview is timed at province, city, county and township level and
set against a raw `SELECT count(*)` of the same tables in the same run.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from uuid import uuid4

import asyncpg
from eventkit.clock import now_cst
from eventkit.db import create_pool
from eventkit.migrations import EVENT_STORE, PROJECTIONS, migrate
from eventkit.periods import quarter_bounds, quarter_of
from eventkit.projection import ProjectionRunner
from reporting.application.assignments_view import AssignmentsView
from reporting.application.compliance_view import ComplianceView
from reporting.application.dashboard_view import DashboardView
from reporting.application.due_rules_view import DueRulesView, rule_sets
from reporting.application.overview import overview
from reporting.application.questions_view import ReportingQuestions
from reporting.application.report_model import TABLES
from reporting.application.results_view import ResultsView
from vc_contracts import CST, Envelope, Event, Tenant
from vc_contracts.catalogue import ledger as lg
from vc_contracts.catalogue import registry as rg
from vc_contracts.catalogue.enums import AdvisorKind, DivisionLevel
from vc_contracts.topics import topic_for

from bench.report import Figure, Row

SCHEMA = "bench_dash"
CITIES, COUNTIES, TOWNSHIPS, VILLAGES_PER_TOWN, ADVISORS = 14, 86, 12, 16, 3_100
VISITS_PER_VILLAGE, LECTURES_PER_VILLAGE = 3, 2
TABLES_READ = ("cv_villages", "cv_hours", "cv_gatherings", "rp_assignments", "db_agreements", "db_boards",
               "db_breaches", "db_divisions", "cv_advisor_names")  # fmt: skip
BATCH = 500


def county_codes() -> list[str]:
    """86 counties over 14 cities of province 62 (city 01..14, counties 21.. in each)."""
    return [f"62{1 + i % CITIES:02d}{21 + i // CITIES:02d}" for i in range(COUNTIES)]


def _events(today: date) -> Iterator[tuple[str, str, Event]]:
    """(topic service, stream id, event) of the generated province, registry first."""
    rnd = random.Random(7)
    div = rg.DivisionRegistered
    yield "registry", "div-620000", div(code="620000", name="甘肃省", level=DivisionLevel.province)
    for c in range(1, CITIES + 1):
        code = f"62{c:02d}00"
        yield (
            "registry",
            f"div-{code}",
            div(code=code, name=f"第{c}市", level=DivisionLevel.city, parent_code="620000"),
        )
    villages: list[str] = []
    for county in county_codes():
        yield "registry", f"div-{county}", div(code=county, name=f"{county}县", level=DivisionLevel.county,
                                               parent_code=county[:4] + "00")  # fmt: skip
        for t in range(TOWNSHIPS):
            town = f"{county}{100 + t:03d}000"
            yield "registry", f"div-{town}", div(code=town, name=f"第{t + 1}镇", level=DivisionLevel.township,
                                                 parent_code=county)  # fmt: skip
            for v in range(VILLAGES_PER_TOWN + (1 if t < 6 else 0)):
                code = f"{town[:9]}{201 + v:03d}"
                villages.append(code)
                yield "registry", f"div-{code}", div(code=code, name=f"第{v + 1}村", level=DivisionLevel.village,
                                                     parent_code=town)  # fmt: skip
    for a in range(ADVISORS):
        yield "registry", f"adv-{a}", rg.AdvisorRegistered(advisor_id=f"A{a}", name=f"顾问{a}", kind=AdvisorKind.lawyer,
                                                           unit_id=f"U{a % 400}", phone="13900001111")  # fmt: skip
    start = date(today.year, 1, 1)
    first, _ = quarter_bounds(quarter_of(today))
    for i, code in enumerate(villages):
        advisor = f"A{i * ADVISORS // len(villages)}"
        if i % 50:  # 2 % of villages without an advisor
            yield "registry", f"as-{code}", rg.AdvisorAssigned(
                assignment_id=f"AS-{code}", village_code=code, advisor_id=advisor, unit_id="U1",
                valid_from=start, schedule="每周三上午")  # fmt: skip
            yield "registry", f"nb-{code}", rg.NoticeBoardPosted(
                village_code=code, advisor_id=advisor, advisor_name="顾问", phone="13900001111",
                schedule="每周三上午", posted_on=start)  # fmt: skip
        ag = f"AG-{code}"
        yield "registry", ag, rg.AgreementSigned(agreement_id=ag, unit_id="U1", village_code=code, advisor_ids=[advisor],
                                                 term_start=start, term_end=date(today.year + 2, 12, 31),
                                                 signed_on=start + timedelta(days=5))  # fmt: skip
        if i % 10:
            filed = start + timedelta(days=rnd.choice([30, 60, 100]))
            yield "registry", ag, rg.AgreementFiled(agreement_id=ag, village_code=code, filing_no=f"F{i}", filed_on=filed,
                                                    signed_and_stamped=True)  # fmt: skip
        span = max((today - first).days, 1)
        for n in range(rnd.randint(0, 2 * VISITS_PER_VILLAGE)):
            day = first + timedelta(days=rnd.randrange(span))
            began = datetime(day.year, day.month, day.day, 9, tzinfo=CST)
            yield "ledger", f"v-{code}-{n}", lg.VisitLogged(
                entry_id=f"V{i}-{n}", occurred_at=began, started_at=began, ended_at=began + timedelta(hours=3),
                hours=3, place="村委会", summary="驻村", advisor_id=advisor, unit_id="U1", village_code=code)  # fmt: skip
        for n in range(rnd.randint(0, 2 * LECTURES_PER_VILLAGE)):
            at = datetime(today.year, 1 + n, 10, 9, tzinfo=CST)
            yield "ledger", f"l-{code}-{n}", lg.LectureHeld(
                entry_id=f"L{i}-{n}", occurred_at=at, topic="民法典", audience=30, advisor_id=advisor,
                unit_id="U1", village_code=code)  # fmt: skip


def _record(service: str, stream: str, event: Event, versions: dict[str, int]) -> tuple[bytes, None, str]:
    versions[stream] = versions.get(stream, 0) + 1
    now = datetime.now(CST)
    code = str(getattr(event, "village_code", None) or getattr(event, "code", "620000"))
    envelope = Envelope(
        event_id=uuid4(), event_type=event.event_type, schema_version=event.schema_version, stream_id=stream,
        stream_version=versions[stream], occurred_at=now, recorded_at=now, tenant=Tenant.of(code),
        actor="bench", correlation_id=uuid4(), data=event.model_dump(mode="json"),
    )  # fmt: skip
    return envelope.model_dump_json().encode(), None, topic_for(service)


async def _no_dead_letters(value: bytes, key: bytes | None, topic: str, error: str) -> None:
    raise AssertionError(f"bench event refused: {error}")


async def install(pool: asyncpg.Pool) -> list[ProjectionRunner]:
    """The bench schema's event store and every read model `overview` reads, installed empty."""
    await migrate(pool, SCHEMA, EVENT_STORE, PROJECTIONS, TABLES)
    projections = [ComplianceView(), AssignmentsView(), DashboardView(), DueRulesView(), ResultsView(),
                   ReportingQuestions()]  # fmt: skip
    runners = [ProjectionRunner(pool, SCHEMA, p) for p in projections]
    for runner in runners:
        await runner.install()
    return runners


async def fill(pool: asyncpg.Pool) -> tuple[int, float]:
    """Apply the generated province to the read models; (events, seconds)."""
    runners = await install(pool)
    versions: dict[str, int] = {}
    pending: dict[str, list[tuple[bytes, None, str]]] = {}
    count, started = 0, time.perf_counter()

    async def flush(topic: str) -> None:
        batch = pending.pop(topic, [])
        for runner in runners:
            if topic in runner.projection.topics and batch:
                await runner.apply_batch(batch, _no_dead_letters)

    for service, stream, event in _events(now_cst().date()):
        record = _record(service, stream, event, versions)
        pending.setdefault(record[2], []).append(record)
        count += 1
        if len(pending[record[2]]) >= BATCH:
            await flush(record[2])
    for topic in list(pending):
        await flush(topic)
    async with pool.acquire() as conn:
        await conn.execute("ANALYZE")
    return count, time.perf_counter() - started


async def _timed(make: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await make()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def run_dashboard_bench(dsn: str, repeat: int = 5) -> tuple[list[Row], list[str]]:
    """Rows for the report (median of `repeat` answers each) and notes."""
    pool = await create_pool(dsn, min_size=1, max_size=4)
    try:
        async with pool.acquire() as conn:
            await conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        events, took = await fill(pool)
        villages = await pool.fetchval(f"SELECT count(*) FROM {SCHEMA}.cv_villages")
        sets = await rule_sets(pool, SCHEMA)
        counts = " UNION ALL ".join(f"SELECT count(*) FROM {SCHEMA}.{t}" for t in TABLES_READ)
        scan = Figure(await _timed(lambda: pool.fetch(counts), repeat), "ms")
        county = county_codes()[0]
        levels = [("province 620000", "62"), (f"city {county[:4]}00", county[:4]), (f"county {county}", county),
                  (f"township {county}100000", f"{county}100")]  # fmt: skip
        rows = []
        for what, prefix in levels:
            answer = await overview(pool, SCHEMA, "62", prefix, quarter_of(now_cst()), sets)
            assert answer["tiles"]["coverage"]["total"] > 0
            ms = await _timed(
                lambda p=prefix: overview(pool, SCHEMA, "62", p, quarter_of(now_cst()), sets), repeat
            )  # type: ignore[misc]
            rows.append(
                Row(f"GET /dashboard/overview, {what}", Figure(ms, "ms"), scan, "count(*) of its tables")
            )
        notes = [
            f"Dashboard: {villages:,} villages, {ADVISORS:,} advisors; {events:,} events applied through the"
            f" reporting projections' own code (ProjectionRunner.apply_batch, no Kafka) in {took:.0f} s;"
            f" overview timings are medians of {repeat} answers (both periods' figures, children, the village"
            f" grid at county level and below, warnings); the raw limit is one `SELECT count(*)` of each of"
            f" the {len(TABLES_READ)} tables it reads, province-wide.",
        ]
        return rows, notes
    finally:
        async with pool.acquire() as conn:
            await conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        await pool.close()
