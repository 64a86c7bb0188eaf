"""Advisors' yearly assessment results per county (R14/R15), from the assessment service's events;
the annual results report carries their counts next to the year's ledger figures."""

from __future__ import annotations

import asyncpg
from eventkit.db import Connection
from eventkit.projection import Projection
from vc_contracts import Envelope, Event
from vc_contracts.catalogue.assessment import AssessmentConcluded
from vc_contracts.catalogue.enums import AssessmentResult, wire_labels
from vc_contracts.topics import topic_for

DDL = """
CREATE TABLE {t}ar_results (
    assessment_id text PRIMARY KEY, advisor_id text NOT NULL, year int NOT NULL, result text NOT NULL,
    county text NOT NULL
);
"""
RESULT_NAMES = wire_labels(AssessmentResult)
RULE = "每位法律顾问每年一条考核结论，按考核结论所属县计；同一考核以最新结论为准。"


class ResultsView(Projection):
    name = "assessment_results"
    topics = (topic_for("assessment"),)
    tables = ("ar_results",)
    ddl = DDL

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        if isinstance(event, AssessmentConcluded):
            await conn.execute(
                f"INSERT INTO {t}ar_results VALUES ($1,$2,$3,$4,$5) ON CONFLICT (assessment_id)"
                " DO UPDATE SET result = excluded.result",
                event.assessment_id, event.advisor_id, event.year, event.result.value, env.tenant.narrowest,
            )  # fmt: skip


async def results_of(pool: asyncpg.Pool, schema: str, county: str, year: int) -> dict[str, object]:
    rows = await pool.fetch(
        f"SELECT result, count(*) AS n FROM {schema}.ar_results"
        " WHERE county = $1 AND year = $2 GROUP BY result",
        county,
        year,
    )
    counts = {r["result"]: int(r["n"]) for r in rows}
    return {
        "counts": {k.value: counts.get(k.value, 0) for k in AssessmentResult},
        "headings": RESULT_NAMES,
        "counting_rule": RULE,
    }
