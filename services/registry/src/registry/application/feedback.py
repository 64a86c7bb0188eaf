"""Residents' questions from the public notice board: receiving them (rate-limited, idempotent),
listing them for the village's advisor and the county, and showing the answer to the resident who
comes back with the question's short code.

Where the call-back phone lives, and why: the event `ResidentFeedbackReceived` goes to the registry's
topic, a public record kept forever and read by every downstream team, so it carries only whether a
phone was left. The phone itself is written to `resident_feedback` in the same transaction as the
event (nothing is stored unless both are), a table no topic publishes and only `GET /feedback`
reads, for the village's advisor and the county. We chose a separate table over an encrypted field
in the event: an encrypted phone would still travel and be kept forever with every copy of the
topic, and its key would need managing in every consumer; a row can simply be erased on request.
The table is therefore a primary record (like the idempotency keys): it is not rebuilt from events.
The short code (8 characters, no 0/O/1/I) lives there too: it lets whoever holds it read the answer.

Where the answer comes from, and why: the advisor's answer IS the ledger entry (`ConsultationGiven`
with `question_id`), so nothing is typed twice and the volume counts it once. The registry learns it
from the ledger's topic (`eventkit.questions.BoardQuestions`, its own copy), like every other fact it
holds of another service. We chose that over the ledger owning the question: the question arrives
without a token on the registry's public endpoint, next to the private phone and code, and the ledger
keeps only work done. An answer therefore shows on the resident's page once the registry's projection
has caught up (seconds); a voided answering entry reopens the question.
"""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from eventkit.auth import Principal, Role
from eventkit.command_runner import Outcome
from eventkit.db import Connection
from eventkit.errors import ForbiddenError, NotFoundError, RateLimitedError
from eventkit.idempotency import Idempotency, answer_if_stored
from eventkit.migrations import Migration
from eventkit.paging import PageParams, page_of
from eventkit.scoping import within
from eventkit.store import EventStore, StoredEvent
from vc_contracts.catalogue.enums import (
    CONSULTATION_CATEGORY_LABELS,
    CONSULTATION_CHANNEL_LABELS,
    RESIDENT_REQUEST_KIND_LABELS,
    ConsultationCategory,
    ConsultationChannel,
    ResidentRequestKind,
)

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
    ),
    (
        "registry_0002_resident_questions",
        """
        ALTER TABLE {schema}.resident_feedback
            ADD COLUMN kind text NOT NULL DEFAULT 'question', ADD COLUMN meeting_at timestamptz,
            ADD COLUMN code text UNIQUE;
        CREATE INDEX ON {schema}.resident_feedback (client_key, received_at);
        """,
    ),
]

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
"""The short code's characters: no 0/O, 1/I, easy to read aloud and to type on a phone."""


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def normalise_code(typed: str) -> str:
    """What the resident typed, upper-cased without spaces or dashes (`k7qm-2xpa` -> `K7QM2XPA`)."""
    return "".join(ch for ch in typed.upper() if ch not in " -_\u3000")


PUBLIC_ACTOR = "public-feedback"
"""Whose idempotency keys the public form's submission ids are (there is no token subject)."""


class FeedbackCommands(Handler):
    def __init__(self, store: EventStore, per_minute: int) -> None:
        super().__init__(store)
        self.per_minute = per_minute

    async def receive(
        self,
        village_code: str,
        request: feedback.ResidentRequest,
        callback_phone: str | None,
        client: str,
        idem: Idempotency,
        today: date,
    ) -> Outcome:
        """Record a resident's question or meeting request: 201 `{feedback_id, code, village_code,
        kind, …}`; the same submission again replays the first answer (the same code); more than
        `per_minute` from one client for one village within a minute is refused (429 rate_limited);
        an unknown village is 404; a meeting not at one of the village's coming on-site times 422."""
        await answer_if_stored(self.store.pool, idem)  # a double submit replays even at the limit
        village = await self.division(village_code)
        term = (await self.village_assignments(village_code)).as_of(today)
        command = feedback.ReceiveFeedback(
            new_id("FB"), village, request.category, request.text, callback_phone is not None,
            request.kind, request.meeting_at, term.schedule if term else None,
        )  # fmt: skip
        code = new_code()

        async def keep_private(conn: Connection, stored: list[StoredEvent]) -> None:
            await conn.execute(
                f"INSERT INTO {self.store.schema}.resident_feedback (feedback_id, village_code,"
                " category, text, callback_phone, client_key, received_at, kind, meeting_at, code)"
                " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
                command.feedback_id, village_code, request.category.value, request.text, callback_phone,
                client, stored[0].envelope.recorded_at, request.kind.value, command.meeting_at, code,
            )  # fmt: skip

        async def answer(_: Connection, outcome: Outcome) -> dict[str, Any]:
            return {
                "feedback_id": command.feedback_id, "code": code, "village_code": village_code,
                "kind": request.kind.value, **outcome.summary(),
            }  # fmt: skip

        async with self.store.pool.acquire() as conn, conn.transaction():
            # one client's submissions for one village are counted one at a time
            await conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"feedback:{client}:{village_code}"
            )
            await answer_if_stored(self.store.pool, idem)  # a twin that committed while we waited
            recent = await conn.fetchval(
                f"SELECT count(*) FROM {self.store.schema}.resident_feedback WHERE client_key = $1"
                " AND village_code = $2 AND received_at > now() - interval '1 minute'",
                client,
                village_code,
            )
            if recent >= self.per_minute:
                raise RateLimitedError(
                    f"提交过于频繁：同一网络每分钟最多可向本村提交 {self.per_minute} 条提问或预约，"
                    "请一分钟后再试，或在驻村时间当面咨询、拨打顾问电话"
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


OPEN, ANSWERED = "open", "answered"


async def list_feedback(
    db: ReadModel,
    who: Principal,
    village_code: str | None,
    paging: PageParams,
    today: date,
    status: str | None = None,
) -> dict[str, Any]:
    """Questions newest first (open ones oldest first when `status=open`), with the call-back phone
    and the answer once the ledger has it: the county (its villages) and an advisor (the villages it
    serves `today`) only; 403 for anyone else or a village outside that. Each item:
    `{feedback_id, village_code, village_name, kind, kind_label, category, category_label, text,
    callback_phone, received_at, meeting_at, status, entry_id, answer, answered_at, channel}`."""
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
    if status in (OPEN, ANSWERED):
        f.clauses.append(f"q.entry_id IS {'' if status == OPEN else 'NOT '}NULL")
    joined = " FROM {s}.resident_feedback f LEFT JOIN {s}.board_questions q ON q.question_id = f.feedback_id"
    total = await db.value(f"SELECT count(*){joined} WHERE {f.where}", *f.args)
    order = "f.received_at, f.feedback_id" if status == OPEN else "f.received_at DESC, f.feedback_id"
    rows = await db.rows(
        "SELECT f.feedback_id, f.village_code, d.name AS village_name, f.kind, f.category, f.text,"
        " f.callback_phone, f.received_at, f.meeting_at, q.entry_id, q.answer, q.answered_at, q.channel"
        + joined
        + f" LEFT JOIN {{s}}.divisions d ON d.code = f.village_code WHERE {f.where} ORDER BY {order}"
        + f.page(paging.page_size, paging.offset),
        *f.args,
    )
    return page_of([_labelled(row) for row in rows], total, paging)


async def public_answer(db: ReadModel, village_code: str, typed_code: str) -> dict[str, Any]:
    """What the resident holding the code reads: `{village_code, village_name, kind, kind_label,
    category_label, text, received_at, meeting_at, status, answer, answered_at, channel_label}`
    (never the phone). 404 when no question of this village has that code."""
    code = normalise_code(typed_code)
    row = await db.row(
        "SELECT f.feedback_id, f.village_code, d.name AS village_name, f.kind, f.category, f.text,"
        " f.received_at, f.meeting_at, q.entry_id, q.answer, q.answered_at, q.channel"
        " FROM {s}.resident_feedback f LEFT JOIN {s}.board_questions q ON q.question_id = f.feedback_id"
        " LEFT JOIN {s}.divisions d ON d.code = f.village_code WHERE f.code = $1 AND f.village_code = $2",
        code,
        village_code,
    )
    if row is None:
        raise NotFoundError("没有找到这个查询码对应的留言，请核对后再输入", field="code")
    answer = _labelled(row)
    del answer["feedback_id"], answer["entry_id"]
    return answer


def _labelled(row: dict[str, Any]) -> dict[str, Any]:
    row["category_label"] = CONSULTATION_CATEGORY_LABELS[ConsultationCategory(row["category"])]
    row["kind_label"] = RESIDENT_REQUEST_KIND_LABELS[ResidentRequestKind(row["kind"])]
    row["status"] = ANSWERED if row["entry_id"] else OPEN
    channel = row.pop("channel")
    row["channel"] = channel
    row["channel_label"] = CONSULTATION_CHANNEL_LABELS[ConsultationChannel(channel)] if channel else None
    return row


def _served() -> str:
    return (
        "SELECT village_code FROM {s}.assignments WHERE advisor_id = $1 AND valid_from <= $2"
        " AND (valid_to IS NULL OR valid_to >= $2)"
    )
