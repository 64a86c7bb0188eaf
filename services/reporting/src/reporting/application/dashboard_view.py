"""Dashboard read model: division names at every level (the drill-down and its breadcrumb),
agreements with their filing, what each notice board shows, and compliance breaches.

Built from registry events (divisions, agreements, notice boards) and assessment events
(ComplianceBreached). Rebuildable like every read model (generation tables behind views).
A renewal opens a new term to file (as the registry does); a termination ends it. A batch is one
statement per run of divisions, signatures, filings, boards or breaches (renewals and terminations,
rare, one by one).
"""

from __future__ import annotations

from collections.abc import Sequence

from eventkit.db import Connection
from eventkit.projection import Projection
from eventkit.set_apply import (
    ONE_BY_ONE,
    Decoded,
    events_of,
    insert_rows,
    keyed,
    one_by_one,
    runs,
    update_rows,
)
from vc_contracts import Envelope, Event
from vc_contracts.catalogue import registry as rg
from vc_contracts.catalogue.assessment import ComplianceBreached
from vc_contracts.topics import topic_for

DDL = """
CREATE TABLE {t}db_divisions (
    code text PRIMARY KEY, name text NOT NULL, level text NOT NULL, parent_code text
);
CREATE TABLE {t}db_agreements (
    agreement_id text PRIMARY KEY, village_code text NOT NULL, opened_on date NOT NULL,
    filed_on date, stamped boolean NOT NULL DEFAULT false, terminated_on date
);
CREATE INDEX ON {t}db_agreements (village_code COLLATE "C");
CREATE TABLE {t}db_boards (village_code text PRIMARY KEY, advisor_id text NOT NULL, posted_on date NOT NULL);
CREATE TABLE {t}db_breaches (
    breach_id text PRIMARY KEY, village_code text NOT NULL, period text NOT NULL, rule text NOT NULL
);
CREATE INDEX ON {t}db_breaches (period, village_code);
"""

_GROUPS: dict[type[Event], str] = {
    rg.DivisionRegistered: "divisions", rg.AgreementSigned: "signed", rg.AgreementFiled: "filed",
    rg.NoticeBoardPosted: "boards", ComplianceBreached: "breaches",
    rg.AgreementRenewed: ONE_BY_ONE, rg.AgreementTerminated: ONE_BY_ONE,
}  # fmt: skip
_KEY = keyed({
    rg.DivisionRegistered: "code", rg.AgreementSigned: "agreement_id", rg.AgreementFiled: "agreement_id",
    rg.NoticeBoardPosted: "village_code", ComplianceBreached: "breach_id",
})  # fmt: skip


class DashboardView(Projection):
    name = "dashboard_v1"
    topics = (topic_for("registry"), topic_for("assessment"))
    tables = ("db_divisions", "db_agreements", "db_boards", "db_breaches")
    ddl = DDL
    handles = tuple(_GROUPS)

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        match event:
            case rg.DivisionRegistered():
                await conn.execute(
                    f"INSERT INTO {t}db_divisions VALUES ($1,$2,$3,$4) ON CONFLICT (code)"
                    " DO UPDATE SET name = excluded.name",
                    event.code, event.name, event.level.value, event.parent_code,
                )  # fmt: skip
            case rg.AgreementSigned():
                await conn.execute(
                    f"INSERT INTO {t}db_agreements (agreement_id, village_code, opened_on)"
                    " VALUES ($1,$2,$3) ON CONFLICT DO NOTHING",
                    event.agreement_id, event.village_code, event.signed_on,
                )  # fmt: skip
            case rg.AgreementFiled():
                await conn.execute(
                    f"UPDATE {t}db_agreements SET filed_on = $2, stamped = $3 WHERE agreement_id = $1",
                    event.agreement_id, event.filed_on, event.signed_and_stamped,
                )  # fmt: skip
            case rg.AgreementRenewed():
                await conn.execute(
                    f"UPDATE {t}db_agreements SET opened_on = $2, filed_on = NULL, stamped = false"
                    " WHERE agreement_id = $1",
                    event.agreement_id, event.renewed_on,
                )  # fmt: skip
            case rg.AgreementTerminated():
                await conn.execute(
                    f"UPDATE {t}db_agreements SET terminated_on = $2 WHERE agreement_id = $1",
                    event.agreement_id, event.terminated_on,
                )  # fmt: skip
            case rg.NoticeBoardPosted():
                await conn.execute(
                    f"INSERT INTO {t}db_boards VALUES ($1,$2,$3) ON CONFLICT (village_code)"
                    " DO UPDATE SET advisor_id = $2, posted_on = $3",
                    event.village_code, event.advisor_id, event.posted_on,
                )  # fmt: skip
            case ComplianceBreached():
                await conn.execute(
                    f"INSERT INTO {t}db_breaches VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING",
                    event.breach_id, event.village_code, event.period, event.rule,
                )  # fmt: skip

    async def apply_batch(self, conn: Connection, t: str, items: Sequence[Decoded]) -> None:
        for group, run in runs(items, lambda d: _GROUPS.get(type(d.event)), _KEY):
            match group:
                case "divisions":
                    rows = [
                        (e.code, e.name, e.level.value, e.parent_code)
                        for e in events_of(run, rg.DivisionRegistered)
                    ]
                    await insert_rows(conn, f"{t}db_divisions", DIVISION_COLUMNS, rows,
                                      "ON CONFLICT (code) DO UPDATE SET name = excluded.name")  # fmt: skip
                case "signed":
                    signed = [
                        (e.agreement_id, e.village_code, e.signed_on)
                        for e in events_of(run, rg.AgreementSigned)
                    ]
                    await insert_rows(
                        conn, f"{t}db_agreements", AGREEMENT_COLUMNS, signed, "ON CONFLICT DO NOTHING"
                    )
                case "filed":
                    filed = [
                        (e.agreement_id, e.filed_on, e.signed_and_stamped)
                        for e in events_of(run, rg.AgreementFiled)
                    ]
                    await update_rows(conn, f"{t}db_agreements", FILING_COLUMNS, filed,
                                      "filed_on = u.filed_on, stamped = u.stamped")  # fmt: skip
                case "boards":
                    boards = [
                        (e.village_code, e.advisor_id, e.posted_on)
                        for e in events_of(run, rg.NoticeBoardPosted)
                    ]
                    await insert_rows(conn, f"{t}db_boards", BOARD_COLUMNS, boards, BOARD_UPSERT)
                case "breaches":
                    breaches = [
                        (e.breach_id, e.village_code, e.period, e.rule)
                        for e in events_of(run, ComplianceBreached)
                    ]
                    await insert_rows(
                        conn, f"{t}db_breaches", BREACH_COLUMNS, breaches, "ON CONFLICT DO NOTHING"
                    )
                case _:
                    await one_by_one(self, conn, t, run)


DIVISION_COLUMNS = (("code", "text"), ("name", "text"), ("level", "text"), ("parent_code", "text"))
AGREEMENT_COLUMNS = (("agreement_id", "text"), ("village_code", "text"), ("opened_on", "date"))
FILING_COLUMNS = (("agreement_id", "text"), ("filed_on", "date"), ("stamped", "boolean"))
BOARD_COLUMNS = (("village_code", "text"), ("advisor_id", "text"), ("posted_on", "date"))
BREACH_COLUMNS = (("breach_id", "text"), ("village_code", "text"), ("period", "text"), ("rule", "text"))
BOARD_UPSERT = (
    "ON CONFLICT (village_code) DO UPDATE SET advisor_id = excluded.advisor_id,"
    " posted_on = excluded.posted_on"
)
