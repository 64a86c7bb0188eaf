"""Links written by COPY (`write_links` past `COPY_LINKS`) read back through `chain_links` exactly
as given, whatever their entry ids and event types hold (tab, backslash, carriage return, `\\N`,
characters beyond U+FFFF, a lone value in a run of one link): runs where a run can hold them, else
a row a link (real PostgreSQL)."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from ledger.application.volume_chain import COPY_LINKS, write_links
from test_ledger_harness import ledger_service

ODD = ["E-\t1", "E-\\1", "E-\r1", "\\N", "E-😀", "E-\\n", "", " "]


def _links(entry_id: str, event_type: str) -> list[tuple[Any, ...]]:
    """COPY_LINKS links into one volume, then one link alone in another (a run of one link) holding
    the odd value, and one more in a third volume in another canonical version."""
    links: list[tuple[Any, ...]] = [
        ("village:621025100201:2025", n, uuid4(), f"E-{n}", "VisitLogged", f"{n:064x}", 2)
        for n in range(1, COPY_LINKS + 1)
    ]
    links.append(("unit:U-odd:2025", 1, uuid4(), entry_id, event_type, "a" * 64, 2))
    links.append(("unit:U-v1:2025", 1, uuid4(), entry_id, event_type, "b" * 64, 1))
    return links


@pytest.mark.parametrize("where", ["entry_id", "event_type"])
async def test_odd_values_read_back_as_written(devstack, where: str) -> None:  # type: ignore[no-untyped-def]
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        for n, odd in enumerate(ODD):
            entry_id, event_type = (odd, "VisitLogged") if where == "entry_id" else ("E-1", odd)
            links = [(f"{v}{n}", *rest) for v, *rest in _links(entry_id, event_type)]
            async with ledger.pool.acquire() as conn, conn.transaction():
                await write_links(conn, "ledger", links)
            read = await ledger.pool.fetch(
                "SELECT volume_id, seq, event_id, entry_id, event_type, hash, canonical_version"
                " FROM ledger.chain_links WHERE volume_id = ANY($1::text[]) ORDER BY volume_id, seq",
                sorted({x[0] for x in links}),
            )
            assert [tuple(r) for r in read] == sorted(links, key=lambda x: (x[0], x[1])), repr(odd)


async def test_a_line_break_in_one_volumes_value_leaves_the_chunks_other_volumes_in_runs(devstack) -> None:  # type: ignore[no-untyped-def]
    # given a bulk write's chunk: COPY_LINKS links into one volume, and one link into another whose
    # entry id holds a line break (its run could not tell its values apart)
    links = [(f"{v}-nl", s, e, "E-\n1" if v == "unit:U-odd:2025" else n, *rest) for v, s, e, n, *rest in
             _links("E-1", "VisitLogged")]  # fmt: skip
    volumes = sorted({x[0] for x in links})
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        # when it is written
        async with ledger.pool.acquire() as conn, conn.transaction():
            await write_links(conn, "ledger", links)
        # then only that volume's link is a row; the other volumes' links are runs
        runs = await ledger.pool.fetch(
            "SELECT volume_id, links FROM ledger.volume_link_runs WHERE volume_id = ANY($1::text[])"
            " ORDER BY volume_id",
            volumes,
        )
        rows = await ledger.pool.fetch(
            "SELECT volume_id FROM ledger.volume_links WHERE volume_id = ANY($1::text[])", volumes
        )
        assert [tuple(r) for r in runs] == [
            ("unit:U-v1:2025-nl", 1), ("village:621025100201:2025-nl", COPY_LINKS)
        ]  # fmt: skip
        assert [r[0] for r in rows] == ["unit:U-odd:2025-nl"]
        # and every link reads back as written
        read = await ledger.pool.fetch(
            "SELECT volume_id, seq, event_id, entry_id, event_type, hash, canonical_version"
            " FROM ledger.chain_links WHERE volume_id = ANY($1::text[]) ORDER BY volume_id, seq",
            volumes,
        )
        assert [tuple(r) for r in read] == sorted(links, key=lambda x: (x[0], x[1]))
