"""The ledger's sealed chain links as reporting holds them (issue 14): the "elsewhere" that makes a
rewrite of the ledger's tables visible. From the ledger's `VolumeSealed` events.

Per (volume, seq) the **first-seen** link is kept and never overwritten, next to the
**latest-sealed** one: an audit seal that recomputes a different link (an event rewritten behind
the ledger's back, links and all) leaves them different, and approval is refused. Per volume, the
longest sealed length. A report freezes, at submission, the first-seen head at each volume's
latest sealed length (`frozen_heads`); its read-model row keeps them (`reports.heads`), and every
approval checks them (`first_mismatch`).
Rebuildable like every read model: both columns come back from the topic in the same order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import asyncpg
from eventkit.db import Connection
from eventkit.errors import AppError
from eventkit.projection import Projection
from vc_contracts import Envelope, Event
from vc_contracts.catalogue.ledger import VolumeSealed
from vc_contracts.topics import topic_for

DDL = """
CREATE TABLE {t}rp_sealed_volumes (
    volume_id text PRIMARY KEY, kind text NOT NULL, owner text NOT NULL, year integer NOT NULL,
    county text, length integer NOT NULL
);
CREATE INDEX ON {t}rp_sealed_volumes (county, year);
CREATE TABLE {t}rp_sealed_links (
    volume_id text NOT NULL, seq integer NOT NULL,
    first_link text NOT NULL, first_entry_id text NOT NULL, first_event_id uuid NOT NULL,
    latest_link text NOT NULL, latest_entry_id text NOT NULL, latest_event_id uuid NOT NULL,
    PRIMARY KEY (volume_id, seq)
);
CREATE INDEX ON {t}rp_sealed_links (volume_id, seq) WHERE first_link <> latest_link;
"""


class SealsView(Projection):
    name = "sealed_links_v1"
    topics = (topic_for("ledger"),)
    tables = ("rp_sealed_volumes", "rp_sealed_links")
    ddl = DDL
    handles = (VolumeSealed,)

    async def apply(self, conn: Connection, t: str, env: Envelope, event: Event) -> None:
        if not isinstance(event, VolumeSealed):
            return
        await conn.execute(
            f"INSERT INTO {t}rp_sealed_volumes VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (volume_id)"
            f" DO UPDATE SET length = greatest({t}rp_sealed_volumes.length, excluded.length),"
            " county = excluded.county",
            event.volume_id, event.kind, event.volume_owner, event.year, event.county, event.to_seq,
        )  # fmt: skip
        links = event.links
        await conn.execute(
            f"""INSERT INTO {t}rp_sealed_links
                SELECT $1, u.seq, u.link, u.entry_id, u.event_id, u.link, u.entry_id, u.event_id
                FROM unnest($2::int[], $3::text[], $4::text[], $5::uuid[]) AS u(seq, link, entry_id, event_id)
                ON CONFLICT (volume_id, seq) DO UPDATE SET latest_link = excluded.latest_link,
                    latest_entry_id = excluded.latest_entry_id, latest_event_id = excluded.latest_event_id""",
            event.volume_id,
            [x.seq for x in links],
            [x.link for x in links],
            [x.entry_id for x in links],
            [x.event_id for x in links],
        )


async def frozen_heads(
    conn: Connection | asyncpg.Pool, schema: str, county: str, year: int
) -> list[dict[str, Any]]:
    """`[{volume_id, length, head}]` of the village and unit volumes of `county` and `year` as first
    sealed at their latest sealed length, village volumes first (what a submitted report freezes)."""
    rows = await conn.fetch(
        f"""SELECT v.volume_id, v.length, l.first_link AS head
            FROM {schema}.rp_sealed_volumes v
            JOIN {schema}.rp_sealed_links l ON l.volume_id = v.volume_id AND l.seq = v.length
            WHERE v.county = $1 AND v.year = $2 ORDER BY v.kind DESC, v.volume_id""",
        county,
        year,
    )
    return [dict(r) for r in rows]


@dataclass(frozen=True)
class ChainMismatch:
    """The first frozen head that no longer holds: the volume, and the entry whose link changed."""

    volume_id: str
    seq: int
    entry_id: str
    event_id: str
    reason: str


class ChainMismatchError(AppError):
    """A report's frozen chain head no longer holds (HTTP 409 `chain_mismatch`): approval refused."""

    status, code = 409, "chain_mismatch"

    def __init__(self, bad: ChainMismatch) -> None:
        super().__init__(
            f"台账哈希链与报告冻结的链头不符，不能审核通过：卷册 {bad.volume_id} 第 {bad.seq} 条"
            f"（记录 {bad.entry_id or '—'}，事件 {bad.event_id or '—'}）：{bad.reason}",
            field="heads",
            details=bad.__dict__,
        )


_REWRITTEN = "重新封存时该条记录的链接与首次封存时不同（记录在台账数据库中被改写）"


async def check_heads(
    conn: Connection | asyncpg.Pool, schema: str, heads: list[tuple[str, int, str]]
) -> list[ChainMismatch | None]:
    """Check each `(volume_id, length, head)` frozen in a report against the ledger's chains as last
    sealed, in one query: per head, the first seq whose latest-sealed link differs from its
    first-seen one, else a latest link at `length` other than `head` (or none sealed); None where
    the head holds. Same order as `heads`."""
    rows = await conn.fetch(
        f"""SELECT h.volume_id, h.length, h.head, c.seq AS changed, c.latest_entry_id AS changed_entry,
                   c.latest_event_id AS changed_event, a.latest_link, a.latest_entry_id, a.latest_event_id
            FROM unnest($1::text[], $2::int[], $3::text[]) WITH ORDINALITY AS h(volume_id, length, head, n)
            LEFT JOIN LATERAL (
                SELECT seq, latest_entry_id, latest_event_id FROM {schema}.rp_sealed_links l
                WHERE l.volume_id = h.volume_id AND l.first_link <> l.latest_link ORDER BY seq LIMIT 1
            ) c ON true
            LEFT JOIN {schema}.rp_sealed_links a ON a.volume_id = h.volume_id AND a.seq = h.length
            ORDER BY h.n""",
        [h[0] for h in heads],
        [h[1] for h in heads],
        [h[2] for h in heads],
    )
    return [_verdict(r) for r in rows]


def _verdict(r: asyncpg.Record) -> ChainMismatch | None:
    volume_id, length = r["volume_id"], r["length"]
    if r["changed"] is not None:
        return ChainMismatch(volume_id, r["changed"], r["changed_entry"], str(r["changed_event"]), _REWRITTEN)
    if r["latest_link"] is None:
        return ChainMismatch(volume_id, length, "", "", "台账中没有该卷册在此条数的封存记录")
    if r["latest_link"] != r["head"]:
        event_id = str(r["latest_event_id"])
        return ChainMismatch(
            volume_id, length, r["latest_entry_id"], event_id, "报告冻结的链头与台账当前的链头不符"
        )
    return None


async def first_mismatch(
    conn: Connection | asyncpg.Pool, schema: str, heads: list[tuple[str, int, str]]
) -> ChainMismatch | None:
    """The first head of `check_heads` that does not hold (None: every head holds)."""
    return next((bad for bad in await check_heads(conn, schema, heads) if bad is not None), None)


async def submitted_heads(
    conn: Connection | asyncpg.Pool, schema: str, report_id: str
) -> list[tuple[str, int, str]]:
    """`(volume_id, length, head)` frozen by the report's latest submission, from its read-model row
    (`reports.heads`, filled by `report_model.record`); [] for none or no such report."""
    return heads_of(
        await conn.fetchval(f"SELECT heads::text FROM {schema}.reports WHERE report_id = $1", report_id)
    )


def heads_of(column: str | None) -> list[tuple[str, int, str]]:
    """The `reports.heads` column (JSON text `[{volume_id, length, head}]`) as tuples."""
    return [(h["volume_id"], h["length"], h["head"]) for h in json.loads(column or "[]")]


async def head_checks(
    pool: asyncpg.Pool, schema: str, heads: list[tuple[str, int, str]], names: dict[str, str]
) -> list[dict[str, Any]]:
    """The frozen heads as a report's page shows them: `[{volume_id, volume_name, length, head,
    ok, result}]`; `result` is 一致 or the reason with the entry named (Chinese)."""
    checked = []
    for (volume_id, length, head), bad in zip(heads, await check_heads(pool, schema, heads), strict=True):
        kind, owner, year = volume_id.split(":")
        result = "一致" if bad is None else f"不一致：第 {bad.seq} 条（记录 {bad.entry_id}）{bad.reason}"
        label = "村卷" if kind == "village" else "单位卷"
        checked.append({
            "volume_id": volume_id, "volume_name": f"{names.get(owner, owner)} {year} 年{label}",
            "length": length, "head": head, "ok": bad is None, "result": result,
        })  # fmt: skip
    return checked


async def volume_check(conn: Connection | asyncpg.Pool, schema: str, volume_id: str) -> dict[str, Any] | None:
    """A volume as reporting holds its seals, checked: `{volume_id, county, kind, owner, length, head,
    ok, first_mismatch: null | {seq, entry_id, event_id, reason}, message}` (head = the first-seen
    link at the longest sealed length; Chinese message), or None when no seal of it arrived yet.
    The ledger's own verify recomputes from its own tables, so a consistent rewrite of both passes
    it; the first-seen seals live here, outside the ledger's database, and a re-seal (`seal
    --audit`) that differs from them is named."""
    row = await conn.fetchrow(
        f"""SELECT v.county, v.kind, v.owner, v.length, f.first_link AS head, c.seq AS changed,
                   c.latest_entry_id AS changed_entry, c.latest_event_id AS changed_event
            FROM {schema}.rp_sealed_volumes v
            LEFT JOIN {schema}.rp_sealed_links f ON f.volume_id = v.volume_id AND f.seq = v.length
            LEFT JOIN LATERAL (
                SELECT seq, latest_entry_id, latest_event_id FROM {schema}.rp_sealed_links l
                WHERE l.volume_id = v.volume_id AND l.first_link <> l.latest_link ORDER BY seq LIMIT 1
            ) c ON true
            WHERE v.volume_id = $1""",
        volume_id,
    )
    if row is None:
        return None
    bad = None
    message = f"第 1 至 {row['length']} 条与首次封存的链接一致"
    if row["changed"] is not None:
        bad = {"seq": row["changed"], "entry_id": row["changed_entry"], "event_id": str(row["changed_event"]),
               "reason": _REWRITTEN}  # fmt: skip
        message = f"第 {bad['seq']} 条（记录 {bad['entry_id']}，事件 {bad['event_id']}）{_REWRITTEN}"
    return {
        "volume_id": volume_id, "county": row["county"], "kind": row["kind"], "owner": row["owner"],
        "length": row["length"], "head": row["head"], "ok": bad is None, "first_mismatch": bad,
        "message": message,
    }  # fmt: skip
