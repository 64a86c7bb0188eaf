"""What the benchmark writes and reads: ledger visits in a province of villages, and a read model of
hours per village (an upsert per event, like the reporting service's dashboards; a batch is one
aggregating upsert)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from uuid import uuid4

from eventkit.db import Connection
from eventkit.set_apply import Decoded
from eventkit.store import Metadata
from eventkit.text_arrays import text_array
from vc_contracts import CST, Envelope, Event, Tenant
from vc_contracts.catalogue.ledger import VisitLogged

PROVINCE_VILLAGES = 17_000
ENTRIES_PER_VILLAGE_YEAR = 40
PROVINCE_YEAR_EVENTS = PROVINCE_VILLAGES * ENTRIES_PER_VILLAGE_YEAR  # 680,000
REBUILD_GOAL_EVENTS = 1_000_000  # issue 12: "a province-year (~1 M events) rebuilt in under 60 s"

ACTOR = Metadata(actor="bench")


def village_code(i: int) -> str:
    """Seventeen counties of a thousand villages each: 6210CC + township 100-109 + village 001-100."""
    county, rest = divmod(i % PROVINCE_VILLAGES, 1000)
    township, village = divmod(rest, 100)
    return f"6210{county + 1:02d}{100 + township:03d}{village + 1:03d}"


VILLAGES = [village_code(i) for i in range(PROVINCE_VILLAGES)]
TENANTS = {code: Tenant.of(code) for code in VILLAGES}


_RNG = random.Random(2018)


def visit() -> tuple[str, Tenant, VisitLogged]:
    """A fresh entry: its stream id (one stream per entry, as the ledger does), tenant and event."""
    rng = _RNG
    code = rng.choice(VILLAGES)
    started = datetime(2024, 1, 1, 9, tzinfo=CST) + timedelta(days=rng.randrange(360))
    minutes = rng.randrange(30, 480, 15)
    entry_id = f"E-{uuid4().hex[:16]}"
    event = VisitLogged(
        entry_id=entry_id,
        advisor_id=f"A-{code[-6:]}",
        unit_id="U-bench",
        village_code=code,
        occurred_at=started,
        started_at=started,
        ended_at=started + timedelta(minutes=minutes),
        hours=round(minutes / 60, 2),
        place="村委会办公室",
        summary="驻村接待群众法律咨询，解答土地承包与赡养问题",
    )
    return f"entry-{entry_id}", TENANTS[code], event


class VillageHours:
    """Hours and entries per village: one upsert per visit, or one aggregating upsert per batch."""

    name = "village_hours"
    tables = ("village_hours",)
    entry_events = None  # Projection's optional members, as their defaults
    rebuild_defers_indexes = False
    handles = None
    ddl = """
    CREATE TABLE {t}village_hours (
        village_code text PRIMARY KEY,
        county text,
        entries integer NOT NULL,
        hours numeric(10, 2) NOT NULL,
        last_entry_id text NOT NULL
    );
    CREATE INDEX ON {t}village_hours (county);
    """

    def __init__(self, topic: str) -> None:
        self.topics: tuple[str, ...] = (topic,)

    async def apply(self, conn: Connection, t: str, envelope: Envelope, event: Event) -> None:
        if isinstance(event, VisitLogged):
            await conn.execute(
                f"INSERT INTO {t}village_hours AS v VALUES ($1, $2, 1, $3, $4)"
                " ON CONFLICT (village_code) DO UPDATE SET entries = v.entries + 1,"
                " hours = v.hours + excluded.hours, last_entry_id = excluded.last_entry_id",
                event.village_code,
                envelope.tenant.county,
                event.hours,
                event.entry_id,
            )

    async def apply_batch(self, conn: Connection, t: str, items: Sequence[Decoded]) -> None:
        """The batch's visits summed per village in SQL (each hour value rounded as one upsert
        rounds it), the first visit's county and the last visit's entry id, in one statement.

        Hours travel as float8, not numeric: asyncpg encodes a float as numeric through its exact
        binary expansion (a Decimal of some 50 digits, ~1 µs each); PostgreSQL's float8 -> numeric
        reads the shortest decimal instead. Both round to the same numeric(10, 2) for hours, which
        the event holds rounded to two decimals. The text columns travel as one joined text each, as
        the services' read models send them (`eventkit.text_arrays`)."""
        visits = [
            (d.event.village_code, d.envelope.tenant.county, d.event.hours, d.event.entry_id)
            for d in items
            if isinstance(d.event, VisitLogged)
        ]
        if not visits:
            return
        codes, counties, hours, ids = zip(*visits, strict=True)
        (codes_sql, code_values), (counties_sql, county_values), (ids_sql, id_values) = (
            text_array("$1", codes),
            text_array("$2", counties),
            text_array("$4", ids),
        )
        await conn.execute(
            f"INSERT INTO {t}village_hours AS v"
            " SELECT code, (array_agg(county ORDER BY n))[1], count(*), sum(h::numeric(10, 2)),"
            " (array_agg(id ORDER BY n DESC))[1]"
            f" FROM unnest({codes_sql}, {counties_sql}, $3::float8[], {ids_sql}) WITH ORDINALITY"
            " AS u(code, county, h, id, n) GROUP BY code"
            " ON CONFLICT (village_code) DO UPDATE SET entries = v.entries + excluded.entries,"
            " hours = v.hours + excluded.hours, last_entry_id = excluded.last_entry_id",
            code_values,
            county_values,
            list(hours),
            id_values,
        )
