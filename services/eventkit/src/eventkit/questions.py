"""Residents' board questions and their answers, a read model several services keep (each its own
copy): the registry shows a question's answer to the resident, the ledger checks the question an
answer names, reporting lists questions left unanswered too long.

A question is asked on the registry (`ResidentFeedbackReceived`, registry topic); it is answered by
a ledger entry (`ConsultationGiven` v2 whose `question_id` names it, ledger topic). The two topics
arrive in any order, so each side upserts only its own columns. A correction of the answering entry
(new summary, channel or time) changes the answer; a voided entry reopens the question. An answering
entry's events reach it only when newer than the version applied (the runner admits them:
eventkit.entry_versions): its `ConsultationGiven` delivered again after its void does not answer
the question again, nor after a correction undo it. The call-back phone is in neither event, so
never here.

Shape of `{t}<table>`: question_id (PK), village_code, kind (question|meeting), category,
asked_at (timestamptz, when the registry recorded it), meeting_at; entry_id, channel, answer,
answered_at (the entry's occurred_at), all null while open. Events are rare (a few per village a
month), so they are applied one by one (no `apply_batch`).
"""

from __future__ import annotations

from collections.abc import Sequence

from vc_contracts import Envelope, Event
from vc_contracts.catalogue.ledger import ConsultationGiven, EntryCorrected, EntryVoided
from vc_contracts.catalogue.registry import ResidentFeedbackReceived
from vc_contracts.topics import topic_for

from eventkit.db import Connection
from eventkit.entry_versions import EntryEvents, versions_ddl
from eventkit.projection import Projection
from eventkit.set_apply import Decoded

ANSWER_FIELDS = {"summary": "answer", "channel": "channel", "occurred_at": "answered_at"}
"""Ledger field of the answering entry -> column it sets here (a correction may change them)."""


def _answering(item: Decoded) -> str | None:
    """The group of an answering entry's event: "answers" (it answers a question or changes an
    answer), "voids", or None (not an answering entry's event)."""
    match item.event:
        case EntryVoided():
            return "voids"
        case ConsultationGiven() if item.event.question_id is not None:
            return "answers"
        case EntryCorrected() if not ANSWER_FIELDS.keys().isdisjoint(item.event.changes):
            return "answers"
    return None


class BoardQuestions(Projection):
    """Projection of board questions and answers; subclass to name the copy (`name`, `tables`)."""

    name: str = "board_questions_v2"  # v2: answering entries' versions (their events in any order)
    tables: Sequence[str] = ("board_questions", "board_question_versions")
    topics: Sequence[str] = (topic_for("registry"), topic_for("ledger"))

    @property
    def table(self) -> str:
        return self.tables[0]

    @property
    def ddl(self) -> str:
        return f"""
        CREATE TABLE {{t}}{self.table} (
            question_id text PRIMARY KEY, village_code text, kind text, category text,
            asked_at timestamptz, meeting_at timestamptz,
            entry_id text, channel text, answer text, answered_at timestamptz
        );
        CREATE INDEX ON {{t}}{self.table} (village_code, asked_at);
        CREATE INDEX ON {{t}}{self.table} (entry_id);
        """ + versions_ddl(self.tables[1])

    @property
    def entry_events(self) -> EntryEvents:
        """The answering entries' events reach `apply` admitted (versions in `tables[1]`)."""
        return EntryEvents(self.tables[1], _answering, frozenset({"answers"}), frozenset({"voids"}))

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        table = f"{t}{self.table}"
        match event:
            case ResidentFeedbackReceived():
                await conn.execute(
                    f"INSERT INTO {table} (question_id, village_code, kind, category, asked_at, meeting_at)"
                    " VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (question_id) DO UPDATE SET"
                    " village_code = $2, kind = $3, category = $4, asked_at = $5, meeting_at = $6",
                    event.feedback_id, event.village_code, event.kind.value, event.category.value,
                    env.recorded_at, event.meeting_at,
                )  # fmt: skip
            case ConsultationGiven() if event.question_id:
                await conn.execute(
                    f"INSERT INTO {table} (question_id, entry_id, channel, answer, answered_at)"
                    " VALUES ($1,$2,$3,$4,$5) ON CONFLICT (question_id) DO UPDATE SET"
                    " entry_id = $2, channel = $3, answer = $4, answered_at = $5",
                    event.question_id, event.entry_id, event.channel.value, event.summary, event.occurred_at,
                )  # fmt: skip
            case EntryCorrected() if set(event.changes) & set(ANSWER_FIELDS):
                for field, column in ANSWER_FIELDS.items():
                    if field in event.changes:
                        cast = "::text::timestamptz" if column == "answered_at" else "::text"
                        await conn.execute(
                            f"UPDATE {table} SET {column} = $2{cast} WHERE entry_id = $1",
                            event.entry_id,
                            str(event.changes[field]),
                        )
            case EntryVoided():
                await conn.execute(
                    f"UPDATE {table} SET entry_id = NULL, channel = NULL, answer = NULL, answered_at = NULL"
                    " WHERE entry_id = $1",
                    event.entry_id,
                )
