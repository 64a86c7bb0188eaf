"""Residents' feedback from the public notice board: receiving it (rate-limited, idempotent) and
listing it for the village's advisor and the county.

Where the call-back phone lives, and why: the event `ResidentFeedbackReceived` goes to the registry's
topic, a public record kept forever and read by every downstream team, so it carries only whether a
phone was left. The phone itself is written to `resident_feedback` in the same transaction as the
event (nothing is stored unless both are), a table no topic publishes and only `GET /feedback`
reads, for the village's advisor and the county. We chose a separate table over an encrypted field
in the event: an encrypted phone would still travel and be kept forever with every copy of the
topic, and its key would need managing in every consumer; a row can simply be erased on request.
The table is therefore a primary record (like the idempotency keys): it is not rebuilt from events.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from eventkit.auth import Principal, Role
from eventkit.command_runner import Outcome
from eventkit.db import Connection
from eventkit.errors import ForbiddenError, RateLimitedError
from eventkit.idempotency import Idempotency, answer_if_stored
from eventkit.migrations import Migration
from eventkit.paging import PageParams, page_of
from eventkit.scoping import within
from eventkit.store import EventStore, StoredEvent
from vc_contracts.catalogue.enums import CONSULTATION_CATEGORY_LABELS, ConsultationCategory

from registry.application.command_handler import Handler, new_id
from registry.application.sql_queries import Filters, ReadModel, code_prefix
from registry.domain import feedback

FEEDBACK_TABLES: list[Migration] = [
    (
        "registry_0001_resident_feedback",
        """
        CREATE TABLE {schema}.resident_feedback (
            feedback_id text PRIMARY KEY, village_code text NOT NULL, category text NOT NULL,
            text text NOT NULL, callback_phone text, client_key text NOT NULL,
            received_at timestamptz NOT NULL
        );
        CREATE INDEX ON {schema}.resident_feedback (village_code, received_at);
        CREATE INDEX ON {schema}.resident_feedback (client_key, village_code, received_at);
        """,
    )
]

PUBLIC_ACTOR = "public-feedback"
"""Whose idempotency keys the public form's submission ids are (there is no token subject)."""


class FeedbackCommands(Handler):
    def __init__(self, store: EventStore, per_hour: int) -> None:
        super().__init__(store)
        self.per_hour = per_hour

    async def receive(
        self,
        village_code: str,
        category: ConsultationCategory,
        text: str,
        callback_phone: str | None,
        client: str,
        idem: Idempotency,
    ) -> Outcome:
        """Record a resident's feedback: 201 with its id; the same submission again replays the
        first answer; more than `per_hour` from one client for one village within an hour is
        refused (429 rate_limited); an unknown village is 404."""
        await answer_if_stored(self.store.pool, idem)  # a double submit replays even at the limit
        village = await self.division(village_code)
        command = feedback.ReceiveFeedback(new_id("FB"), village, category, text, callback_phone is not None)

        async def keep_private(conn: Connection, stored: list[StoredEvent]) -> None:
            await conn.execute(
                f"INSERT INTO {self.store.schema}.resident_feedback VALUES ($1,$2,$3,$4,$5,$6,$7)",
                command.feedback_id, village_code, category.value, text, callback_phone, client,
                stored[0].envelope.recorded_at,
            )  # fmt: skip

        async def answer(_: Connection, outcome: Outcome) -> dict[str, Any]:
            return {"feedback_id": command.feedback_id, "village_code": village_code, **outcome.summary()}

        async with self.store.pool.acquire() as conn, conn.transaction():
            # one client's submissions for one village are counted one at a time
            await conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"feedback:{client}:{village_code}"
            )
            await answer_if_stored(self.store.pool, idem)  # a twin that committed while we waited
            recent = await conn.fetchval(
                f"SELECT count(*) FROM {self.store.schema}.resident_feedback WHERE client_key = $1"
                " AND village_code = $2 AND received_at > now() - interval '1 hour'",
                client,
                village_code,
            )
            if recent >= self.per_hour:
                raise RateLimitedError(
                    f"提交过于频繁：同一网络每小时最多可为本村留言 {self.per_hour} 条，请稍后再试，"
                    "或在驻村时间当面咨询、拨打顾问电话"
                )
            return await self.commands.run(
                feedback.feedback,
                feedback.stream_id(command.feedback_id),
                command,
                actor=PUBLIC_ACTOR,
                tenant=village_code,
                idempotency=idem,
                respond=answer,
                after_append=keep_private,
                conn=conn,
            )


async def list_feedback(
    db: ReadModel, who: Principal, village_code: str | None, paging: PageParams, today: date
) -> dict[str, Any]:
    """Feedback newest first, with the call-back phone: the county (its villages) and an advisor
    (the villages it serves `today`) only; 403 for anyone else or a village outside that."""
    if who.role not in (Role.county_admin, Role.advisor):
        raise ForbiddenError("只有本村法律顾问和县级管理员可以查看居民留言")
    if village_code:
        who.require_division(village_code, "village_code")
    f = Filters(within("f.village_code", "?"), code_prefix(who)).add("f.village_code = ?", village_code)
    if who.role is Role.advisor:
        served = [r["village_code"] for r in await db.rows(_served(), who.subject, today)]
        if village_code and village_code not in served:
            raise ForbiddenError("只能查看本人当前服务的村（社区）的留言", field="village_code")
        f.add("f.village_code = ANY(?)", served)
    total = await db.value(f"SELECT count(*) FROM {{s}}.resident_feedback f WHERE {f.where}", *f.args)
    rows = await db.rows(
        "SELECT f.feedback_id, f.village_code, d.name AS village_name, f.category, f.text,"
        " f.callback_phone, f.received_at FROM {s}.resident_feedback f"
        f" LEFT JOIN {{s}}.divisions d ON d.code = f.village_code WHERE {f.where}"
        " ORDER BY f.received_at DESC, f.feedback_id" + f.page(paging.page_size, paging.offset),
        *f.args,
    )
    for row in rows:
        row["category_label"] = CONSULTATION_CATEGORY_LABELS[ConsultationCategory(row["category"])]
    return page_of(rows, total, paging)


def _served() -> str:
    return (
        "SELECT village_code FROM {s}.assignments WHERE advisor_id = $1 AND valid_from <= $2"
        " AND (valid_to IS NULL OR valid_to >= $2)"
    )
