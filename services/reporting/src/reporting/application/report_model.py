"""Inline read models of the reporting service's own events, written in the append's transaction:
reports (status, level under review, figures, the chain heads the latest submission froze), advisors'
confirmations and recorded deadline misses."""

from __future__ import annotations

import json

from eventkit.db import Connection
from eventkit.migrations import Migration
from eventkit.store import StoredEvent
from vc_contracts.catalogue.reporting import (
    AdvisorFiguresConfirmed,
    DeadlineMissed,
    ReportApproved,
    ReportEscalated,
    ReportReturned,
    ReportSubmitted,
)
from vc_contracts.divisions import city_of, county_of

TABLES: list[Migration] = [
    (
        "reporting_0001_reports",
        """
        CREATE TABLE {schema}.reports (
            report_id text PRIMARY KEY, kind text NOT NULL, period text NOT NULL, submitter text NOT NULL,
            county text NOT NULL, city text NOT NULL, status text NOT NULL, at_level text NOT NULL,
            figures jsonb NOT NULL, confirmed_by jsonb NOT NULL, reason text,
            first_submitted_at timestamptz NOT NULL, updated_at timestamptz NOT NULL
        );
        CREATE INDEX ON {schema}.reports (county, kind, period);
        CREATE TABLE {schema}.deadline_misses (
            deadline_id text PRIMARY KEY, kind text NOT NULL, period text NOT NULL, owner text NOT NULL,
            county text NOT NULL, due_at timestamptz NOT NULL, recorded_at timestamptz NOT NULL
        );
        """,
    ),
    (
        "reporting_0002_advisor_confirmations",
        """
        CREATE TABLE {schema}.advisor_confirmations (
            unit_id text NOT NULL, period text NOT NULL, advisor_id text NOT NULL, digest text NOT NULL,
            confirmed_at timestamptz NOT NULL, PRIMARY KEY (unit_id, period, advisor_id)
        );
        """,
    ),
    (
        # The chain heads the latest submission froze ([{volume_id, length, head}], issue 14), so an
        # approval reads them with the row. Reports submitted before get them from their events.
        "reporting_0003_report_heads",
        """
        ALTER TABLE {schema}.reports ADD COLUMN heads jsonb NOT NULL DEFAULT '[]';
        UPDATE {schema}.reports r SET heads = coalesce((
            SELECT e.data->'heads' FROM {schema}.events e
            WHERE e.stream_id = r.report_id AND e.event_type = 'ReportSubmitted'
            ORDER BY e.stream_version DESC LIMIT 1), '[]');
        """,
    ),
]


async def record(conn: Connection, schema: str, stored: list[StoredEvent]) -> None:
    for item in stored:
        event, at = item.event, item.envelope.recorded_at
        match event:
            case ReportSubmitted():
                await conn.execute(
                    f"INSERT INTO {schema}.reports VALUES ($1,$2,$3,$4,$5,$6,'pending','county',$7::jsonb,"
                    "$8::jsonb,NULL,$9,$9,$10::jsonb) ON CONFLICT (report_id) DO UPDATE SET"
                    " status = 'pending', figures = excluded.figures, confirmed_by = excluded.confirmed_by,"
                    " updated_at = $9,"
                    " heads = excluded.heads",
                    event.report_id, event.kind.value, event.period, event.submitter_unit_id,
                    county_of(event.division_code), city_of(event.division_code),
                    json.dumps(event.figures, ensure_ascii=False), json.dumps(event.confirmed_by), at,
                    json.dumps([h.model_dump() for h in event.heads]),
                )  # fmt: skip
            case ReportApproved():
                await conn.execute(
                    f"UPDATE {schema}.reports SET status = CASE WHEN"
                    " (kind = 'half_year_ledger' AND $2 = 'county')"
                    " OR $2 = 'province' THEN 'approved' ELSE status END, reason = NULL, updated_at = $3"
                    " WHERE report_id = $1",
                    event.report_id, event.by_level.value, at,
                )  # fmt: skip
            case ReportEscalated():
                await conn.execute(
                    f"UPDATE {schema}.reports SET at_level = $2, updated_at = $3 WHERE report_id = $1",
                    event.report_id, event.to_level.value, at,
                )  # fmt: skip
            case ReportReturned():
                await conn.execute(
                    f"UPDATE {schema}.reports SET status = 'returned', reason = $2, updated_at = $3"
                    " WHERE report_id = $1",
                    event.report_id, event.reason, at,
                )  # fmt: skip
            case AdvisorFiguresConfirmed():
                await conn.execute(
                    f"INSERT INTO {schema}.advisor_confirmations VALUES ($1,$2,$3,$4,$5)"
                    " ON CONFLICT (unit_id, period, advisor_id) DO UPDATE SET digest = excluded.digest,"
                    " confirmed_at = excluded.confirmed_at",
                    event.unit_id, event.period, event.advisor_id, event.digest, at,
                )  # fmt: skip
            case DeadlineMissed():
                await conn.execute(
                    f"INSERT INTO {schema}.deadline_misses VALUES ($1,$2,$3,$4,$5,$6,$7)"
                    " ON CONFLICT DO NOTHING",
                    event.deadline_id, event.kind.value, event.period, event.unit_id or event.division_code,
                    county_of(event.division_code), event.due_at, at,
                )  # fmt: skip
