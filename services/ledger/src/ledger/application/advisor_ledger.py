"""An advisor's entries of a period (year, half-year, quarter) across the villages served in it,
with every volume they sit in (each village's and unit's volume: chain head and verification).

Who may read it:
- the advisor themself;
- their unit (an advisor assigned for the unit, or with work of the unit in the ledger), which
  sees the entries logged for the unit inside its scope;
- county, city and province administrators whose scope holds a village the advisor served (an
  assignment or an entry there); they see the entries inside their scope.
Anyone else, or an administrator of another county: 403 `forbidden` naming `advisor_id`.

Entries carry their number in their village's volume (the volume's own numbering, voided entries
included), so a row of this export can be found again in the village's 一村一卷.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from eventkit.auth import ADMINS, UNITS, Principal, Role
from eventkit.errors import ForbiddenError, NotFoundError
from eventkit.periods import parse_period
from eventkit.scoping import within

from ledger.application import access
from ledger.application.directory_view import names
from ledger.application.queries import COLUMNS, entry_json
from ledger.application.volume_chain import verify_volume
from ledger.application.volumes import IN_PERIOD, count_hours, name_keys, readable, totals
from ledger.domain.chain import GENESIS, said, volumes_of

_PART = {
    "H1": "上半年",
    "H2": "下半年",
    "Q1": "第一季度",
    "Q2": "第二季度",
    "Q3": "第三季度",
    "Q4": "第四季度",
}


def period_label(period: str) -> str:
    """2026 → 2026 年度; 2026H1 → 2026 年上半年; 2026Q3 → 2026 年第三季度."""
    return f"{period} 年度" if len(period) == 4 else f"{period[:4]} 年{_PART[period[4:]]}"


async def _require_reader(pool: asyncpg.Pool, schema: str, who: Principal, advisor_id: str) -> None:
    if who.role is Role.advisor:
        if who.subject != advisor_id:
            raise ForbiddenError("法律顾问只能导出本人的工作记录", field="advisor_id")
        return
    if who.role in UNITS:
        await access.require_advisor_of_unit(pool, schema, who, advisor_id)
        return
    if who.role in ADMINS:
        served = await pool.fetchval(
            f"""SELECT EXISTS (SELECT 1 FROM {schema}.known_assignments
                               WHERE advisor_id = $1 AND {within("village_code", "$2")})
                    OR EXISTS (SELECT 1 FROM {schema}.entries
                               WHERE advisor_id = $1 AND {within("village_code", "$2")})""",
            advisor_id,
            who.scope_prefix,
        )
        if served:
            return
        raise ForbiddenError(
            f"顾问 {advisor_id} 未在您的管辖范围 {who.scope} 内服务过村（社区），无权导出其工作记录",
            field="advisor_id",
        )
    raise ForbiddenError("无权导出法律顾问的工作记录", field="advisor_id")


async def advisor_ledger(
    pool: asyncpg.Pool, schema: str, who: Principal, advisor_id: str, period: str
) -> dict[str, Any]:
    """{advisor_id, advisor_name, period, period_label, title, entries: [volume-shaped entries with
    `number` = number in the village's volume], volumes: [{volume_id, kind, owner, owner_name,
    length, head, ok, message}], all_verified, totals}.

    403 `forbidden` (field advisor_id) outside the rules above; 404 `not_found` for an advisor the
    ledger has never heard of (no name from the registry, no assignment, no entry)."""
    counted = parse_period(period)
    start, end = counted.bounds
    year = start.year
    known_advisor = await names(pool, schema, [f"advisor:{advisor_id}"])
    if not known_advisor and not await _has_trace(pool, schema, advisor_id):
        raise NotFoundError(f"法律顾问 {advisor_id} 不存在", field="advisor_id")
    await _require_reader(pool, schema, who, advisor_id)
    args: list[Any] = [advisor_id, year, start, end]
    scope = access.read_filter(who, args) if who.role is not Role.advisor else "TRUE"
    rows = await pool.fetch(
        f"""SELECT * FROM (
                SELECT {COLUMNS},
                       row_number() OVER (PARTITION BY village_code ORDER BY occurred_at, entry_id) AS number
                FROM {schema}.entries
                WHERE year = $2 AND village_code IN (
                    SELECT DISTINCT village_code FROM {schema}.entries WHERE advisor_id = $1 AND year = $2)
            ) v
            WHERE advisor_id = $1 AND {IN_PERIOD} AND {scope}
            UNION ALL
            -- a visit of the year before (12-31) that runs into this year (01-01) counts its hours of
            -- the new year here, numbered as it stands in its own year's volume
            SELECT {COLUMNS},
                   (SELECT count(*) FROM {schema}.entries x
                    WHERE x.village_code = v.village_code AND x.year = v.year
                      AND (x.occurred_at, x.entry_id) <= (v.occurred_at, v.entry_id)) AS number
            FROM {schema}.entries v
            WHERE advisor_id = $1 AND year = $2 - 1 AND ended_at > $3 AND {IN_PERIOD} AND {scope}
            ORDER BY occurred_at, entry_id""",
        *args,
    )
    entries = count_hours([entry_json(r) for r in rows], counted)
    volume_ids = sorted({v for e in entries for v in volumes_of(e["village_code"], e["unit_id"], e["year"])})
    known = await names(pool, schema, name_keys(entries) | {f"advisor:{advisor_id}"})
    readable(entries, known)
    volumes = [await _volume_check(pool, schema, vid, known) for vid in volume_ids]
    advisor_name = known.get(f"advisor:{advisor_id}", advisor_id)
    label = period_label(period)
    return {
        "advisor_id": advisor_id,
        "advisor_name": advisor_name,
        "period": period,
        "period_label": label,
        "title": f"{advisor_name} {label}法律顾问工作记录",  # the name only: ids are not for people
        "entries": entries,
        "volumes": volumes,
        "all_verified": all(v["ok"] for v in volumes),
        "totals": totals(entries),
    }


async def _has_trace(pool: asyncpg.Pool, schema: str, advisor_id: str) -> bool:
    return bool(
        await pool.fetchval(
            f"SELECT EXISTS (SELECT 1 FROM {schema}.known_assignments WHERE advisor_id = $1)"
            f" OR EXISTS (SELECT 1 FROM {schema}.entries WHERE advisor_id = $1)",
            advisor_id,
        )
    )


async def _volume_check(pool: asyncpg.Pool, schema: str, vid: str, known: dict[str, str]) -> dict[str, Any]:
    kind, owner, _ = vid.split(":")
    head = await pool.fetchrow(f"SELECT length, head FROM {schema}.volume_heads WHERE volume_id = $1", vid)
    verdict = await verify_volume(pool, schema, vid)
    key = f"{'division' if kind == 'village' else 'unit'}:{owner}"
    if verdict.ok:
        message = f"校验通过：{verdict.length} 个链接均与事件存储一致"
    else:
        bad = verdict.first_mismatch
        assert bad is not None
        message = f"校验未通过{said(bad)}"
    return {
        "volume_id": vid,
        "kind": kind,
        "kind_label": "一村一卷" if kind == "village" else "一所一卷",
        "owner": owner,
        "owner_name": known.get(key, owner),
        "length": head["length"] if head else 0,
        "head": head["head"] if head else GENESIS,
        "ok": verdict.ok,
        "message": message,
    }
