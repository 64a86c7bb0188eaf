"""The registry's read model, projected from its own topic: what the query API serves.

Each event maps to plain row writes (no cross-stream lookups), so events of different streams may
arrive in any order; queries join at read time. Version-keyed history rows make redelivery harmless.
A batch runs each statement once per run of one event type, for the whole run (`executemany`,
pipelined): each type's statements write different tables, so that leaves what event-by-event
application leaves. Named `registry_views_v3`: the tables changed (v3: nominations), so a new
projection (consumer group) builds them from the earliest offset while the old generation stays untouched.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any

from eventkit.db import Connection
from eventkit.projection import Projection
from eventkit.set_apply import Decoded, runs
from vc_contracts import Envelope, Event
from vc_contracts.catalogue import registry as ev
from vc_contracts.topics import topic_for

from registry.application.read_model import DDL, TABLES

# Per event type: (SQL, argument sources). A source names a field of the event, or with "@" a field
# of the envelope: @county (the tenant's county), @version (stream version), @occurred_at.
WRITES: dict[type[Event], list[tuple[str, tuple[str, ...]]]] = {
    ev.DivisionRegistered: [
        (
            "INSERT INTO {t}divisions VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING",
            ("code", "name", "level", "parent_code", "@county", "@occurred_at"),
        )
    ],
    ev.UnitRegistered: [
        (
            "INSERT INTO {t}units VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING",
            ("unit_id", "kind", "name", "division_code", "@county", "credit_code", "licence_no"),
        )
    ],
    ev.AdvisorRegistered: [
        (
            "INSERT INTO {t}advisors VALUES ($1,$2,$3,$4,$5,$6,$7,'active',NULL) ON CONFLICT DO NOTHING",
            ("advisor_id", "name", "kind", "unit_id", "@county", "licence_no", "phone"),
        )
    ],
    # One row per nominee, last nomination and its decision; `version` keeps a redelivered older
    # event from undoing a later one (a re-nomination after a rejection reuses the row).
    ev.AdvisorNominated: [
        (
            "INSERT INTO {t}nominations VALUES ($1,$2,$3,$4,$5,$6,$7,$8,'pending',$9,NULL,NULL)"
            " ON CONFLICT (advisor_id) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name,"
            " kind = EXCLUDED.kind, licence_no = EXCLUDED.licence_no, phone = EXCLUDED.phone,"
            " state = 'pending', nominated_at = EXCLUDED.nominated_at, decided_at = NULL, reason = NULL"
            " WHERE {t}nominations.version < EXCLUDED.version",
            (
                "advisor_id",
                "@version",
                "name",
                "kind",
                "unit_id",
                "@county",
                "licence_no",
                "phone",
                "@occurred_at",
            ),
        )
    ],
    ev.AdvisorApproved: [
        (
            "UPDATE {t}nominations SET version = $2, state = 'approved', decided_at = $3, reason = NULL"
            " WHERE advisor_id = $1 AND version < $2",
            ("advisor_id", "@version", "@occurred_at"),
        )
    ],
    ev.AdvisorRejected: [
        (
            "UPDATE {t}nominations SET version = $2, state = 'rejected', decided_at = $3, reason = $4"
            " WHERE advisor_id = $1 AND version < $2",
            ("advisor_id", "@version", "@occurred_at", "reason"),
        )
    ],
    ev.AdvisorStatusChanged: [
        (
            "UPDATE {t}advisors SET status = $2, status_since = $3 WHERE advisor_id = $1",
            ("advisor_id", "status", "changed_on"),
        ),
        (
            "INSERT INTO {t}advisor_statuses VALUES ($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING",
            ("advisor_id", "@version", "status", "changed_on", "reason"),
        ),
    ],
    ev.AdvisorAssigned: [
        (
            "INSERT INTO {t}assignments VALUES ($1,$2,$3,$4,$5,$6,NULL,$7,NULL) ON CONFLICT DO NOTHING",
            ("assignment_id", "village_code", "advisor_id", "unit_id", "@county", "valid_from", "schedule"),
        )
    ],
    ev.AssignmentEnded: [
        (
            "UPDATE {t}assignments SET valid_to = $2, end_reason = $3 WHERE assignment_id = $1",
            ("assignment_id", "valid_to", "reason"),
        )
    ],
    ev.AgreementSigned: [
        (
            "INSERT INTO {t}agreements (agreement_id, village_code, unit_id, county, advisor_ids, term_start,"
            " term_end, signed_on) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT DO NOTHING",
            (
                "agreement_id",
                "village_code",
                "unit_id",
                "@county",
                "advisor_ids",
                "term_start",
                "term_end",
                "signed_on",
            ),
        )
    ],
    ev.AgreementFiled: [
        (
            "UPDATE {t}agreements SET filing_no = $2, filed_on = $3, signed_and_stamped = $4"
            " WHERE agreement_id = $1",
            ("agreement_id", "filing_no", "filed_on", "signed_and_stamped"),
        ),
        (
            "INSERT INTO {t}agreement_filings VALUES ($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING",
            ("agreement_id", "@version", "filing_no", "filed_on", "signed_and_stamped"),
        ),
    ],
    ev.AgreementRenewed: [
        (
            "UPDATE {t}agreements SET term_end = $2, renewed_on = $3, filing_no = NULL, filed_on = NULL,"
            " signed_and_stamped = NULL WHERE agreement_id = $1",
            ("agreement_id", "new_term_end", "renewed_on"),
        )
    ],
    ev.AgreementTerminated: [
        (
            "UPDATE {t}agreements SET terminated_on = $2, termination_reason = $3 WHERE agreement_id = $1",
            ("agreement_id", "terminated_on", "reason"),
        )
    ],
    ev.NoticeBoardPosted: [
        (
            "INSERT INTO {t}notice_boards VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (village_code) DO UPDATE"
            " SET advisor_id = $3, advisor_name = $4, phone = $5, schedule = $6, posted_on = $7",
            ("village_code", "@county", "advisor_id", "advisor_name", "phone", "schedule", "posted_on"),
        )
    ],
    ev.ServiceGroupEstablished: [
        (
            "INSERT INTO {t}service_groups VALUES ($1,$2,$3,$4,$5,$6,$7,$6) ON CONFLICT DO NOTHING",
            ("village_code", "group_id", "@county", "advisor_id", "name", "established_on", "member_count"),
        ),
        (
            "INSERT INTO {t}service_group_counts VALUES ($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING",
            ("group_id", "@version", "village_code", "member_count", "established_on"),
        ),
    ],
    ev.ServiceGroupMembersCounted: [
        (
            "UPDATE {t}service_groups SET member_count = $2, counted_on = $3 WHERE village_code = $1",
            ("village_code", "member_count", "counted_on"),
        ),
        (
            "INSERT INTO {t}service_group_counts VALUES ($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING",
            ("group_id", "@version", "village_code", "member_count", "counted_on"),
        ),
    ],
}


def _value(source: str, env: Envelope, event: Event) -> Any:
    match source:
        case "@county":
            return env.tenant.county
        case "@version":
            return env.stream_version
        case "@occurred_at":
            return env.occurred_at
    value = getattr(event, source)
    return value.value if isinstance(value, Enum) else value


class RegistryViews(Projection):
    name = "registry_views_v3"
    topics: Sequence[str] = (topic_for("registry"),)
    tables: Sequence[str] = TABLES
    ddl = DDL
    handles = tuple(WRITES)

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        for sql, args in WRITES.get(type(event), []):
            await conn.execute(sql.replace("{t}", t), *(_value(s, env, event) for s in args))

    async def apply_batch(self, conn: Connection, t: str, items: Sequence[Decoded]) -> None:
        for kind, run in runs(items, lambda d: type(d.event) if type(d.event) in WRITES else None):
            for sql, args in WRITES[kind]:  # type: ignore[index]
                rows = [tuple(_value(s, d.envelope, d.event) for s in args) for d in run]
                await conn.executemany(sql.replace("{t}", t), rows)
