"""Reporting's sealed links (real PostgreSQL): the first-seen link is kept, the latest follows the
seals, and a frozen head is checked against both: given the seals, when heads are checked, then
each verdict names the volume, seq, entry and event."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from reporting.application.seals_view import DDL, SealsView, check_heads, frozen_heads, volume_check
from support.inprocess import own_database
from vc_contracts.catalogue.ledger import VolumeSealed

VOLUME = "village:621025100200:2025"


def _id(n: int) -> UUID:
    return UUID(f"00000000-0000-4000-8000-{n:012d}")


def seal(links: list[str], start: int = 1, audit: bool = False) -> VolumeSealed:
    items = [{"seq": i, "entry_id": f"E-{i}", "event_id": _id(i), "event_type": "VisitLogged",
              "canonical_version": 2, "link": x} for i, x in enumerate(links, start=start)]  # fmt: skip
    return VolumeSealed(volume_id=VOLUME, kind="village", owner="621025100200", year=2025, county="621025",
                        from_seq=start, to_seq=start + len(links) - 1, length=start + len(links) - 1,
                        head=links[-1], audit=audit, links=items)  # type: ignore[arg-type]  # fmt: skip


@pytest.fixture
async def conn(devstack: Any) -> AsyncIterator[asyncpg.Connection]:
    async with own_database(devstack.dsn, "vc_reporting_seals") as dsn:
        connection = await asyncpg.connect(dsn)
        await connection.execute("CREATE SCHEMA r; " + DDL.replace("{t}", "r."))
        try:
            yield connection
        finally:
            await connection.close()


A, B, C, X = "a" * 64, "b" * 64, "c" * 64, "e" * 64


async def _apply(conn: asyncpg.Connection, *seals: VolumeSealed) -> None:
    for s in seals:
        await SealsView().apply(conn, "r.", None, s)  # type: ignore[arg-type]


async def test_heads_are_frozen_as_first_sealed_and_hold_until_a_seal_differs(conn) -> None:  # type: ignore[no-untyped-def]
    await _apply(conn, seal([A, B]), seal([C], start=3))
    assert await frozen_heads(conn, "r", "621025", 2025) == [{"volume_id": VOLUME, "length": 3, "head": C}]
    assert await check_heads(conn, "r", [(VOLUME, 3, C), (VOLUME, 2, B)]) == [None, None]

    wrong, unsealed = await check_heads(conn, "r", [(VOLUME, 2, X), (VOLUME, 9, C)])
    assert wrong is not None and (wrong.seq, wrong.entry_id, wrong.event_id) == (2, "E-2", str(_id(2)))
    assert "链头" in wrong.reason
    assert unsealed is not None and unsealed.seq == 9 and "没有" in unsealed.reason

    await _apply(conn, seal([A, X, X], audit=True))  # an audit recomputed another link at seq 2
    [rewritten] = await check_heads(conn, "r", [(VOLUME, 3, C)])
    assert rewritten is not None and (rewritten.seq, rewritten.entry_id) == (2, "E-2")
    assert "改写" in rewritten.reason
    assert await frozen_heads(conn, "r", "621025", 2025) == [{"volume_id": VOLUME, "length": 3, "head": C}]


async def test_a_volumes_check_against_its_first_seals_names_the_rewritten_entry(conn) -> None:  # type: ignore[no-untyped-def]
    """What the volume page shows next to the ledger's own verify: the ledger's verify passes a
    consistent rewrite of its own tables, the first seals held here do not."""
    assert await volume_check(conn, "r", VOLUME) is None  # nothing sealed yet: nothing to say
    await _apply(conn, seal([A, B]), seal([C], start=3))
    held = await volume_check(conn, "r", VOLUME)
    assert held is not None and held["ok"] and (held["length"], held["head"]) == (3, C)
    assert held["first_mismatch"] is None and held["county"] == "621025"
    await _apply(conn, seal([A, X, X], audit=True))
    found = await volume_check(conn, "r", VOLUME)
    assert found is not None and not found["ok"]
    assert found["first_mismatch"] == {"seq": 2, "entry_id": "E-2", "event_id": str(_id(2)),
                                       "reason": found["first_mismatch"]["reason"]}  # fmt: skip
    assert "第 2 条（记录 E-2" in found["message"] and "改写" in found["message"]
