"""The dashboard's queries: per-village facts of a division for a period, aggregated per child
division (one query), the per-village grid and the 工作预警 villages (one query), names, reports,
assessment results and breaches. Rows are ordered by division code: there is no ranking.

Every threshold the SQL compares with comes from Python (minimums from the rule in force for each
county, `reporting.domain.pace` for the pace, `vc_contracts.filing_rules` for the filing deadline
and the window of terms due by it, each set by the rule in force at that deadline): the
SQL states no rule of its own except the filing status, which follows
`vc_contracts.filing.filing_status` case by case (filed and stamped by the deadline: on time;
filed later: late; filed unstamped; terminated before the deadline: none owed; else missing once
the deadline passed, pending before).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg
from eventkit.readmodels import in_force_sql
from vc_contracts.catalogue.assessment import ComplianceRulesSet
from vc_contracts.durations import minimum_seconds
from vc_contracts.filing_rules import filing_window
from vc_contracts.rules import rule_for_period

from reporting.domain.pace import Window, pace_threshold


@dataclass(frozen=True)
class Frame:
    """What one set of figures is computed for: a division prefix, the on-site quarter and the
    lecture/filing year, each seen on `as_of` (the year's window runs to its last day)."""

    prefix: str
    quarter: str
    quarter_window: Window
    year: int
    year_window: Window
    current: bool = False
    """Seen today (not a past period): only then are there warnings."""

    @property
    def as_of(self) -> date:
        return self.quarter_window.as_of


def _facts_sql(schema: str) -> str:
    s = schema
    return f"""
    WITH r AS (
        SELECT * FROM unnest($3::text[], $4::bigint[], $5::bigint[], $6::int[], $7::int[],
                             $8::date[], $9::date[])
            AS r(county, min_s, pace_s, lec_min, lec_pace, deadline, prev_deadline)
    ), h AS (
        SELECT village_code, sum(seconds)::bigint AS s FROM {s}.cv_hours
        WHERE quarter = $2 AND starts_with(village_code, $1) GROUP BY 1
    ), g AS (
        SELECT village_code, count(*)::int AS n FROM {s}.cv_gatherings
        WHERE year = $10 AND starts_with(village_code, $1) GROUP BY 1
    ), a AS ({in_force_sql(f"{s}.rp_assignments", "$11::date", "$1")}
    ), ag AS (
        SELECT DISTINCT ON (x.village_code) x.village_code,
            CASE WHEN x.filed_on IS NOT NULL AND x.filed_on <= $11 THEN
                     CASE WHEN NOT x.stamped THEN 'unstamped'
                          WHEN x.filed_on <= r.deadline THEN 'on_time' ELSE 'late' END
                 WHEN x.terminated_on IS NOT NULL AND x.terminated_on <= r.deadline
                      AND x.terminated_on <= $11 THEN 'none'
                 WHEN $11 > r.deadline THEN 'missing' ELSE 'pending' END AS status
        FROM {s}.db_agreements x JOIN r ON r.county = substr(x.village_code, 1, 6)
        WHERE starts_with(x.village_code, $1) AND x.opened_on > r.prev_deadline
          AND x.opened_on <= r.deadline AND x.opened_on <= $11
        ORDER BY x.village_code, (x.filed_on IS NULL), x.filed_on
    ), br AS (
        SELECT village_code, count(*)::int AS n FROM {s}.db_breaches
        WHERE period = ANY($12::text[]) AND starts_with(village_code, $1) GROUP BY 1
    ), f AS (
        SELECT v.village_code, v.name, v.township_code, a.advisor_id, coalesce(h.s, 0) AS s,
               r.min_s, r.pace_s, coalesce(g.n, 0) AS lectures, r.lec_min, r.lec_pace,
               coalesce(ag.status, 'none') AS agreement, coalesce(br.n, 0) AS breaches,
               (a.advisor_id IS NOT NULL AND (b.advisor_id IS NULL OR b.posted_on > $11
                OR b.advisor_id <> a.advisor_id)) AS board_stale
        FROM {s}.cv_villages v JOIN r ON r.county = substr(v.village_code, 1, 6)
        LEFT JOIN h USING (village_code) LEFT JOIN g USING (village_code)
        LEFT JOIN a USING (village_code) LEFT JOIN ag USING (village_code)
        LEFT JOIN br USING (village_code)
        LEFT JOIN {s}.db_boards b ON b.village_code = v.village_code
        WHERE starts_with(v.village_code, $1)
    )"""


WARNING_CONDITIONS = {
    "no_visit": "$13 AND advisor_id IS NOT NULL AND s = 0 AND pace_s > 0",
    "lectures_missing": "$13 AND lectures < lec_pace",
    "agreement_not_filed": "$13 AND agreement IN ('missing', 'unstamped')",
    "board_stale": "$13 AND board_stale",
}
"""Village warnings (what needs action now): `$13` is true for the current period only; no visit
is `pace.no_visit` (the pace threshold is 0 once the quarter has no week left), lectures behind
`pace.at_risk`'s threshold for the year."""


async def counties_in(pool: asyncpg.Pool, schema: str, prefix: str) -> list[str]:
    rows = await pool.fetch(
        f"SELECT DISTINCT substr(village_code, 1, 6) AS county FROM {schema}.cv_villages"
        " WHERE starts_with(village_code, $1) ORDER BY 1",
        prefix,
    )
    return [r["county"] for r in rows]


def _args(frame: Frame, counties: Sequence[str], sets: Sequence[ComplianceRulesSet]) -> list[Any]:
    mins, paces, lec_mins, lec_paces, deadlines, prevs = [], [], [], [], [], []
    year = str(frame.year)
    for county in counties:
        onsite = rule_for_period(county, frame.quarter, sets)
        yearly = rule_for_period(county, year, sets)
        seconds = minimum_seconds(onsite.min_quarter_onsite_hours)
        mins.append(seconds)
        paces.append(pace_threshold(seconds, frame.quarter_window))
        lec_mins.append(yearly.min_year_lectures)
        lec_paces.append(pace_threshold(yearly.min_year_lectures, frame.year_window))
        prev, deadline = filing_window(county, frame.year, sets)
        deadlines.append(deadline)
        prevs.append(prev)
    periods = [frame.quarter, year]
    return [
        frame.prefix, frame.quarter, list(counties), mins, paces, lec_mins, lec_paces, deadlines, prevs,
        frame.year, frame.as_of, periods, frame.current,
    ]  # fmt: skip


async def child_figures(
    pool: asyncpg.Pool,
    schema: str,
    frame: Frame,
    child_digits: int,
    counties: Sequence[str],
    sets: Sequence[ComplianceRulesSet],
) -> list[dict[str, Any]]:
    """Per child division (the first `child_digits` digits of the village codes), in code order:
    villages, covered, on-site / lecture minimums met, at risk, filing statuses, breaches and
    the count of each warning kind."""
    warnings = ",\n".join(f"count(*) FILTER (WHERE {c}) AS {k}" for k, c in WARNING_CONDITIONS.items())
    rows = await pool.fetch(
        _facts_sql(schema)
        + f"""
        SELECT substr(village_code, 1, $14) AS child, count(*) AS villages,
               count(advisor_id) AS covered,
               count(*) FILTER (WHERE s >= min_s) AS onsite_meeting,
               count(*) FILTER (WHERE s < pace_s) AS at_risk,
               count(*) FILTER (WHERE lectures >= lec_min) AS lectures_meeting,
               count(*) FILTER (WHERE agreement = 'on_time') AS agreements_on_time,
               count(*) FILTER (WHERE agreement = 'late') AS agreements_late,
               count(*) FILTER (WHERE agreement = 'missing') AS agreements_missing,
               count(*) FILTER (WHERE agreement = 'unstamped') AS agreements_unstamped,
               count(*) FILTER (WHERE agreement = 'pending') AS agreements_pending,
               count(*) FILTER (WHERE agreement = 'none') AS agreements_none,
               coalesce(sum(breaches), 0)::int AS breaches,
               {warnings}
        FROM f GROUP BY 1 ORDER BY 1""",
        *_args(frame, counties, sets),
        child_digits,
    )
    return [dict(r) for r in rows]


async def village_rows(
    pool: asyncpg.Pool,
    schema: str,
    frame: Frame,
    counties: Sequence[str],
    sets: Sequence[ComplianceRulesSet],
    only_warnings: bool,
    limit: int,
) -> list[dict[str, Any]]:
    """Villages in code order with their facts, advisor and township names, and which warning
    conditions hold; `only_warnings` keeps the villages with at least one."""
    flags = ",\n".join(f"({c}) AS w_{k}" for k, c in WARNING_CONDITIONS.items())
    where = " OR ".join(f"({c})" for c in WARNING_CONDITIONS.values()) if only_warnings else "true"
    rows = await pool.fetch(
        _facts_sql(schema)
        + f"""
        , w AS (
            SELECT f.*, (s < pace_s) AS at_risk, {flags} FROM f WHERE {where}
            ORDER BY village_code LIMIT $14
        )
        SELECT w.*, n.name AS advisor_name, t.name AS township_name
        FROM w LEFT JOIN {schema}.cv_advisor_names n ON n.advisor_id = w.advisor_id
        LEFT JOIN {schema}.db_divisions t ON t.code = w.township_code
        ORDER BY w.village_code""",
        *_args(frame, counties, sets),
        limit,
    )
    return [dict(r) for r in rows]


async def names(pool: asyncpg.Pool, schema: str, codes: Sequence[str]) -> dict[str, str]:
    """Division names (any level; villages also from the compliance view)."""
    rows = await pool.fetch(
        f"SELECT code, name FROM {schema}.db_divisions WHERE code = ANY($1::text[])"
        f" UNION ALL SELECT village_code, name FROM {schema}.cv_villages"
        " WHERE village_code = ANY($1::text[])",
        list(codes),
    )
    return {r["code"]: r["name"] for r in rows}


async def report_figures(
    pool: asyncpg.Pool, schema: str, prefix: str, years: Sequence[int]
) -> dict[int, Any]:
    """Per year: reports submitted / approved / returned (periods of that year) and recorded misses."""
    rows = await pool.fetch(
        f"""SELECT y, (SELECT count(*) FROM {schema}.reports WHERE starts_with(county, $1)
                       AND left(period, 4) = y::text) AS submitted,
                      (SELECT count(*) FROM {schema}.reports WHERE starts_with(county, $1)
                       AND left(period, 4) = y::text AND status = 'approved') AS approved,
                      (SELECT count(*) FROM {schema}.reports WHERE starts_with(county, $1)
                       AND left(period, 4) = y::text AND status = 'returned') AS returned,
                      (SELECT count(*) FROM {schema}.deadline_misses WHERE starts_with(county, $1)
                       AND left(period, 4) = y::text) AS overdue
            FROM unnest($2::int[]) AS y""",
        prefix,
        list(years),
    )
    return {r["y"]: {k: int(r[k]) for k in ("submitted", "approved", "returned", "overdue")} for r in rows}


async def submitted_reports(
    pool: asyncpg.Pool, schema: str, prefix: str, periods: Sequence[str]
) -> set[tuple[str, str, str]]:
    """(county, kind, period) of the reports already submitted for these periods."""
    rows = await pool.fetch(
        f"SELECT DISTINCT county, kind, period FROM {schema}.reports"
        " WHERE starts_with(county, $1) AND period = ANY($2::text[])",
        prefix,
        list(periods),
    )
    return {(r["county"], r["kind"], r["period"]) for r in rows}


async def assessment_results(
    pool: asyncpg.Pool, schema: str, prefix: str, years: Sequence[int]
) -> dict[int, dict[str, int]]:
    rows = await pool.fetch(
        f"SELECT year, result, count(*) AS n FROM {schema}.ar_results"
        " WHERE starts_with(county, $1) AND year = ANY($2::int[]) GROUP BY 1, 2",
        prefix,
        list(years),
    )
    found: dict[int, dict[str, int]] = {y: {"excellent": 0, "passed": 0, "failed": 0} for y in years}
    for r in rows:
        found[r["year"]][r["result"]] = int(r["n"])
    return found
