"""Every read model that reads ledger entry events ends where the entry's stream, in order, leaves it,
whatever earlier event of that entry comes again afterwards (a republish out of order, or a replay of
one stream through `apply` / `apply_batch`).

Last session found two members of this kind: reporting's compliance view deleted a voided entry's
rows, so its `VisitLogged` delivered again counted again; the statistics view let a `VisitLogged`
delivered after a correction overwrite it. The same held for the assessment's quarter hours (a create
after a correction that moved the visit to another quarter counted it twice, and uncounted after a
void) and for an older correction delivered after a newer one (the gatherings' year went back). So did
the board questions' answers (eventkit.questions: a voided answer came back). The
property: for each prefix of an entry's stream and each earlier event of it delivered once more, the
tables equal those of the prefix alone. On the real PostgreSQL, by all three ways the runner hands
events over (one by one, batches of one, one batch), without its tracking: the runner admits an
entry's events for every read model that declares them (`Projection.entry_events`), none calls
eventkit.entry_versions itself."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import asyncpg
import pytest
from assessment.application.gatherings_view import GatheringsView
from assessment.application.hours_view import QuarterHoursView
from eventkit.projection import ProjectionRunner
from eventkit.questions import BoardQuestions
from eventkit.set_apply import Decoded
from eventkit.store import EventStore, StoredEvent
from ledger.domain.entries import stream_id
from reporting.application.compliance_view import ComplianceView
from reporting.application.stats_view import StatsView
from support.events import META, TENANT, consultation, lecture, visit
from vc_contracts import Event
from vc_contracts.catalogue import ledger as lg

pytestmark = pytest.mark.timeout(240)

VIEWS: list[Any] = [ComplianceView(), StatsView(), QuarterHoursView(), GatheringsView(), BoardQuestions()]


def _visit_stream() -> list[Event]:
    """A visit, moved to the next quarter, moved again to the next year, then voided."""
    logged = visit(1)
    events: list[Event] = [logged]
    for days in (100, 400):
        start = logged.started_at + timedelta(days=days)
        events.append(
            lg.EntryCorrected(
                entry_id=logged.entry_id,
                village_code=logged.village_code,
                changes={
                    "occurred_at": start.isoformat(),
                    "started_at": start.isoformat(),
                    "ended_at": (start + timedelta(hours=3)).isoformat(),
                    "hours": 3.0,
                },
                reason="日期登记错误",
            )
        )
    void = lg.EntryVoided(entry_id=logged.entry_id, village_code=logged.village_code, reason="重复登记")
    events.append(void)
    return events


def _lecture_stream() -> list[Event]:
    """A lecture, moved to the next year, moved back to a month before it was held, then voided."""
    held = lecture()
    events: list[Event] = [held]
    for days in (400, -30):
        when = held.occurred_at + timedelta(days=days)
        events.append(
            lg.EntryCorrected(
                entry_id=held.entry_id,
                village_code=held.village_code,
                changes={"occurred_at": when.isoformat()},
                reason="日期登记错误",
            )
        )
    events.append(lg.EntryVoided(entry_id=held.entry_id, village_code=held.village_code, reason="重复登记"))
    return events


def _answer_stream() -> list[Event]:
    """A consultation answering a board question, its answer corrected twice, then voided."""
    given = consultation().model_copy(update={"question_id": "Q-1"})
    events: list[Event] = [given]
    for summary in ("已电话答复", "已当面答复"):
        events.append(
            lg.EntryCorrected(
                entry_id=given.entry_id,
                village_code=given.village_code,
                changes={"summary": summary},
                reason="答复内容补充",
            )
        )
    void = lg.EntryVoided(entry_id=given.entry_id, village_code=given.village_code, reason="重复登记")
    events.append(void)
    return events


def _reviewed_visit_stream() -> list[Event]:
    """A visit confirmed, queried, corrected (its summary, then its times twice), confirmed between:
    events no read model reads lie between the ones they do, at every version."""
    logged = visit(2)
    ids = {"entry_id": logged.entry_id, "village_code": logged.village_code}
    day = logged.started_at.date()

    def moved(days: int) -> lg.EntryCorrected:
        start = logged.started_at + timedelta(days=days)
        changes = {"occurred_at": start.isoformat(), "started_at": start.isoformat(),
                   "ended_at": (start + timedelta(hours=3)).isoformat(), "hours": 3.0}  # fmt: skip
        return lg.EntryCorrected(**ids, changes=changes, reason="日期登记错误")

    return [
        logged,
        lg.EntryConfirmed(**ids, confirmed_by="vc-1", confirmed_on=day),
        lg.EntryQueried(**ids, reason="时间有误", queried_by="vc-1", queried_at=logged.ended_at),
        lg.EntryCorrected(**ids, changes={"summary": "坐班接待（更正）"}, reason="内容补充"),
        moved(100),
        lg.EntryConfirmed(**ids, confirmed_by="vc-2", confirmed_on=day + timedelta(days=101)),
        moved(110),
    ]


async def _tables(conn: asyncpg.Connection, t: str, view: Any) -> dict[str, list[tuple[Any, ...]]]:
    return {
        table: sorted(tuple(r) for r in await conn.fetch(f"SELECT * FROM {t}{table}"))
        for table in view.tables
    }


async def _deliver(
    conn: asyncpg.Connection, t: str, runner: ProjectionRunner, events: list[StoredEvent], path: str
) -> None:
    """As the runner hands events to the read model (its tracking, which would drop the earlier
    events delivered again, left out): one by one (a batch's fallback, `replay_parked`), in batches
    of one, or in one batch (`apply`, one after the other, for BoardQuestions: no `apply_batch`)."""
    if path == "apply":
        for s in events:
            await runner.hand_over_one(conn, t, Decoded(s.envelope, s.event))
    elif path == "batches of one":
        for s in events:
            await runner.hand_over(conn, t, [Decoded(s.envelope, s.event)])
    else:
        await runner.hand_over(conn, t, [Decoded(s.envelope, s.event) for s in events])


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.name)
@pytest.mark.parametrize(
    "make",
    [_visit_stream, _lecture_stream, _answer_stream, _reviewed_visit_stream],
    ids=["visit", "lecture", "answer", "reviewed visit"],
)
@pytest.mark.parametrize("path", ["apply", "batches of one", "one batch"])
async def test_an_earlier_event_delivered_again_changes_nothing(
    store: EventStore, pool: asyncpg.Pool, schema: str, view: Any, make: Any, path: str
) -> None:
    events = make()
    entry_id = events[0].entry_id
    stored = await store.append(stream_id(entry_id), 0, events, tenant=TENANT, metadata=META)
    runner = ProjectionRunner(pool, schema, view)
    await runner.install()
    t = runner.prefix(1)
    truncate = f"TRUNCATE {', '.join(t + table for table in view.tables)}"
    found = []
    for k in range(1, len(stored) + 1):
        for again in range(k - 1):
            async with pool.acquire() as conn, conn.transaction():
                await conn.execute(truncate)
                await _deliver(conn, t, runner, stored[:k], path)
                expected = await _tables(conn, t, view)
                await _deliver(conn, t, runner, [stored[again]], path)
                if await _tables(conn, t, view) != expected:
                    found.append((k, again))
                await conn.execute(truncate)
                await _deliver(conn, t, runner, [*stored[:k], stored[again]], path)
                if await _tables(conn, t, view) != expected:
                    found.append((k, again))
    names = [type(e).__name__ for e in events]
    assert not found, [(names[:k], "then again", names[again]) for k, again in found]


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: v.name)
async def test_an_entry_stream_in_order_ends_alike_by_every_path_with_its_last_correction(
    store: EventStore, pool: asyncpg.Pool, schema: str, view: Any
) -> None:
    events = _reviewed_visit_stream()
    stored = await store.append(stream_id(events[0].entry_id), 0, events, tenant=TENANT, metadata=META)
    runner = ProjectionRunner(pool, schema, view)
    await runner.install()
    t = runner.prefix(1)
    truncate = f"TRUNCATE {', '.join(t + table for table in view.tables)}"
    ends = {}
    async with pool.acquire() as conn, conn.transaction():
        for path in ("apply", "batches of one", "one batch"):
            await conn.execute(truncate)
            await _deliver(conn, t, runner, stored, path)
            ends[path] = await _tables(conn, t, view)
        if isinstance(view, StatsView):
            data = await conn.fetchval(f"SELECT data->>'summary' FROM {t}st_entries")
            assert data == "坐班接待（更正）"
        if isinstance(view, ComplianceView | QuarterHoursView):
            table = "cv_hours" if isinstance(view, ComplianceView) else "visit_hours"
            seconds = await conn.fetchval(f"SELECT sum(seconds) FROM {t}{table}")
            assert seconds == 3 * 3600  # the last span only, once
    assert ends["apply"] == ends["batches of one"] == ends["one batch"]
