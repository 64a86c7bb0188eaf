"""Volumes (一村一卷, 一所一卷): a village's or a unit's entries of one year, numbered in order of
occurrence, with confirmations, corrections and voids shown in place, and the chain head.

Numbers count every entry of the year, voided ones included (a voided entry keeps its number and
shows why), so a period filter never renumbers. A late-logged entry takes its place by occurrence.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from eventkit.auth import Principal
from eventkit.errors import ConflictError, NotFoundError
from eventkit.periods import Period, parse_period, seconds_in_period
from vc_contracts.chain import GENESIS, owner_fits
from vc_contracts.chain import parse_volume_id as parse_volume_id_or_none
from vc_contracts.durations import display_hours, total_seconds

from ledger.application import access, entry_text
from ledger.application.directory_view import names
from ledger.application.queries import COLUMNS, entry_json
from ledger.application.volume_chain import chain_copy, verify_volume
from ledger.domain.chain import VOLUME_KINDS, said, volume_id

EXPORT_FORMAT = "vc-volume/1"


def _check_kind(kind: str) -> None:
    if kind not in VOLUME_KINDS:
        raise NotFoundError("卷册类型应为 village（一村一卷）或 unit（一所一卷）", field="kind")


def _check_shape(kind: str, owner: str, year: int) -> None:
    """404 (field volume_id) for an owner no volume can have: a village volume's owner is a village's
    12-digit code (not a township's), a unit's an id. Checked before the caller's scope, so every
    volume endpoint answers a malformed id with 404 whoever asks, as the README says."""
    if not owner_fits(kind, owner):
        what = "村代码（12 位数字）" if kind == "village" else "单位编号"
        raise NotFoundError(
            f"卷册编号 {volume_id(kind, owner, year)} 格式不正确：{what}不符，应为 village:村代码:年度 或 "
            "unit:单位编号:年度",
            field="volume_id",
        )


async def _head(pool: asyncpg.Pool, schema: str, vid: str) -> asyncpg.Record | None:
    return await pool.fetchrow(
        f"SELECT county, length, head, updated_at FROM {schema}.volume_heads WHERE volume_id = $1", vid
    )


async def _readable(
    pool: asyncpg.Pool, schema: str, who: Principal, kind: str, owner: str, year: int
) -> tuple[str, asyncpg.Record | None]:
    """(volume_id, its head row or None) of a volume `who` may read: 404 for an unknown kind, 403
    outside the principal's scope (after the id's shape: 404 for a malformed one, whoever asks)."""
    _check_kind(kind)
    _check_shape(kind, owner, year)
    vid = volume_id(kind, owner, year)
    head = await _head(pool, schema, vid)
    access.require_volume(who, kind, owner, head["county"] if head else None)
    return vid, head


async def _versions(pool: asyncpg.Pool, schema: str, vid: str) -> list[int]:
    """The canonical versions the volume's links were computed with, ascending (v1 then v2)."""
    rows = await pool.fetch(
        f"SELECT DISTINCT canonical_version FROM {schema}.chain_links WHERE volume_id = $1 ORDER BY 1", vid
    )
    return [r[0] for r in rows]


async def volume(
    pool: asyncpg.Pool, schema: str, who: Principal, kind: str, owner: str, year: int, period: str | None
) -> dict[str, Any]:
    vid, head = await _readable(pool, schema, who, kind, owner, year)
    counted = parse_period(period or str(year))
    start, end = counted.bounds
    column = "village_code" if kind == "village" else "unit_id"
    rows = await pool.fetch(
        f"""SELECT * FROM (
                SELECT {COLUMNS}, row_number() OVER (ORDER BY occurred_at, entry_id) AS number
                FROM {schema}.entries WHERE {column} = $1 AND year = $2) v
            WHERE {IN_PERIOD} ORDER BY number""",
        owner,
        year,
        start,
        end,
    )
    entries = count_hours([entry_json(r) for r in rows], counted)
    keys = name_keys(entries) | {f"{'division' if kind == 'village' else 'unit'}:{owner}"}
    known = await names(pool, schema, keys)
    readable(entries, known)
    owner_name = known.get(f"{'division' if kind == 'village' else 'unit'}:{owner}", owner)
    label = "一村一卷" if kind == "village" else "一所一卷"
    # people read the title (screens, the printed page, the XLSX): a unit by its name only, its id
    # is the system's; a village keeps its statistics code, public and what tells two 东关村 apart
    shown = f"{owner_name}（{owner}）" if kind == "village" else f"{owner_name} "
    versions = await _versions(pool, schema, vid)
    return {
        "volume_id": vid,
        "kind": kind,
        "owner": owner,
        "owner_name": owner_name,
        "year": year,
        "period": period or str(year),
        "title": f"{shown}{year} 年度法律顾问工作台账（{label}）",
        "chain": {
            "algorithm": "sha256(前一链值 ‖ 事件规范 JSON)",
            "length": head["length"] if head else 0,
            "head": head["head"] if head else GENESIS,
            "as_of": head["updated_at"].isoformat() if head else None,
            "canonical_versions": versions,  # [1, 2]: older links v1, newer v2 (vc_contracts.chain)
            "head_text": f"{vid} {head['head'] if head else GENESIS}",  # what the QR code holds
        },
        "entries": entries,
        "totals": totals(entries),
    }


IN_PERIOD = "occurred_at < $4 AND (occurred_at >= $3 OR ended_at > $3)"
"""The entries of a period [$3, $4): those that happened in it, and a visit begun before it that runs
into it (its hours served in the period count there: `eventkit.periods.seconds_in_period`)."""


def count_hours(entries: list[dict[str, Any]], period: Period) -> list[dict[str, Any]]:
    """Give each entry (in place) `counted_seconds`, what it adds to `period`'s on-site total by the one
    counting rule (`seconds_in_period`: a visit across a quarter boundary counts its part in the period),
    and `counted_hours` (`display_hours` of it): None for an entry that is not a visit, 0 for a voided
    visit (it counts nowhere). Returns `entries`."""
    for e in entries:
        if e["kind"] != "visit":
            e["counted_seconds"] = e["counted_hours"] = None
            continue
        e["counted_seconds"] = 0 if e["voided"] else seconds_in_period(e["started_at"], e["ended_at"], period)
        e["counted_hours"] = display_hours(e["counted_seconds"])
    return entries


def name_keys(entries: list[dict[str, Any]]) -> set[str]:
    """The directory keys of the villages, advisors and units the entries name."""
    keys = {f"division:{e['village_code']}" for e in entries} | {
        f"advisor:{e['advisor_id']}" for e in entries
    }
    # whoever confirmed, queried, corrected or voided: advisors by name (committees by village)
    actors = {f"advisor:{h['by']}" for e in entries for h in e.get("history", [])}
    return keys | actors | {f"unit:{e['unit_id']}" for e in entries}


def readable(entries: list[dict[str, Any]], known: dict[str, str]) -> None:
    """Give each entry (in place) the names, the content line, the status and the history lines a
    volume shows; `known` from `directory_view.names` (an unknown id stands for its name)."""
    for e in entries:
        e.pop("original", None)
        e["village_name"] = known.get(f"division:{e['village_code']}", e["village_code"])
        e["advisor_name"] = known.get(f"advisor:{e['advisor_id']}", e["advisor_id"])
        e["unit_name"] = known.get(f"unit:{e['unit_id']}", e["unit_id"])
        e["content"] = entry_text.content(e["kind"], e["data"])
        e["status"] = entry_text.status(e)
        e["notes"] = entry_text.history_lines(e["history"], known, e["village_code"])


def totals(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """{entries, voided, by_kind: {kind label: live count}, visit_seconds, visit_hours} of entries
    given their `counted_seconds` (`count_hours`): the live visits' exact seconds in the period added
    up, then rounded once for display (never the per-entry rounded hours)."""
    live = [e for e in entries if not e["voided"]]
    by_kind: dict[str, int] = {}
    for e in live:
        by_kind[e["kind_label"]] = by_kind.get(e["kind_label"], 0) + 1
    seconds = total_seconds(e["counted_seconds"] for e in live if e["counted_seconds"] is not None)
    return {
        "entries": len(entries),
        "voided": len(entries) - len(live),
        "by_kind": by_kind,
        "visit_seconds": seconds,
        "visit_hours": display_hours(seconds),
    }


async def verify(
    pool: asyncpg.Pool, schema: str, who: Principal, kind: str, owner: str, year: int
) -> dict[str, Any]:
    vid, head = await _readable(pool, schema, who, kind, owner, year)
    verdict = await verify_volume(pool, schema, vid)
    answer: dict[str, Any] = {
        "volume_id": vid,
        "ok": verdict.ok,
        "length": verdict.length,
        "recorded_head": head["head"] if head else GENESIS,
        "computed_head": verdict.head,
        "first_mismatch": None,
        "message": f"本卷册校验通过：{verdict.length} 条链接均与事件存储一致",
    }
    if (bad := verdict.first_mismatch) is not None:
        number = await _number(pool, schema, kind, owner, year, bad.entry_id)
        answer["first_mismatch"] = {**bad.__dict__, "number": number}
        answer["message"] = f"本卷册校验未通过{said(bad, number)}"
    return answer


async def _number(
    pool: asyncpg.Pool, schema: str, kind: str, owner: str, year: int, entry_id: str
) -> int | None:
    column = "village_code" if kind == "village" else "unit_id"
    value = await pool.fetchval(
        f"""SELECT number FROM (SELECT entry_id, row_number() OVER (ORDER BY occurred_at, entry_id) AS number
            FROM {schema}.entries WHERE {column} = $1 AND year = $2) v WHERE entry_id = $3""",
        owner,
        year,
        entry_id,
    )
    return int(value) if value is not None else None


async def head(
    pool: asyncpg.Pool, schema: str, who: Principal, kind: str, owner: str, year: int
) -> tuple[str, str]:
    """(volume_id, recorded head) of a volume the principal may read (GENESIS: no links yet)."""
    vid, row = await _readable(pool, schema, who, kind, owner, year)
    return vid, row["head"] if row else GENESIS


def parse_volume_id(vid: str) -> tuple[str, str, int]:
    """`kind:owner:year` → (kind, owner, year); 404 (field volume_id) for anything else."""
    parts = parse_volume_id_or_none(vid)
    if parts is None:
        raise NotFoundError(
            f"卷册编号 {vid} 格式不正确，应为 village:村代码:年度 或 unit:单位编号:年度", field="volume_id"
        )
    return parts


async def _refuse_headless(pool: asyncpg.Pool, schema: str, vid: str) -> None:
    """409 for a volume without a head row that has links: its head row was deleted behind the
    service's back (a volume's head is written with its first link)."""
    linked = f"SELECT EXISTS (SELECT 1 FROM {schema}.chain_links WHERE volume_id = $1)"
    if await pool.fetchval(linked, vid):
        message = f"卷册 {vid} 的链头记录缺失（卷册表被改动），无法导出校验文件；请对本卷册运行校验"
        raise ConflictError(message, field="volume_id")


async def export_json(pool: asyncpg.Pool, schema: str, who: Principal, vid: str) -> dict[str, Any]:
    """The volume's check file (format vc-volume/1; README "Verifying a volume without our
    database"): {format, volume_id, kind, owner, owner_name, year, length, head, links: [{seq,
    entry_id, event_id, event_type, canonical_version, link, canonical[, damage]}]}, links in seq
    order. 403 outside the principal's scope, 404 for a malformed id or a volume without entries.

    Chain evidence damaged behind the service's back does not stop the export: an auditor gets the
    volume as it stands, and the damaged link says so. Its values it has none of (an event id that
    is no uuid, a run's line missing) are "" and its `damage` names what is wrong in verify's words
    (`volume_chain.ChainCopy`); the outside verifier refuses the file at that link (links[n]) or
    names it, never says ok, and the volume's verify names the same link. A volume whose head row
    is gone (its links are there) cannot state its head: 409, saying so (not 404 "no entries");
    its verify names the head."""
    kind, owner, year = parse_volume_id(vid)
    await _readable(pool, schema, who, kind, owner, year)
    copy = await chain_copy(pool, schema, vid)
    if copy is None:
        await _refuse_headless(pool, schema, vid)
        raise NotFoundError(f"卷册 {vid} 不存在（尚无任何台账记录）", field="volume_id")
    key = f"{'division' if kind == 'village' else 'unit'}:{owner}"
    owner_name = (await names(pool, schema, {key})).get(key, owner)
    return {
        "format": EXPORT_FORMAT,
        "volume_id": vid,
        "kind": kind,
        "owner": owner,
        "owner_name": owner_name,
        "year": year,
        "length": copy.length,
        "head": copy.head,
        "links": copy.links,
    }
