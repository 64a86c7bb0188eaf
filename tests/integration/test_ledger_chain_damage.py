"""Chain evidence damaged behind the service's back (a run's line that is no uuid or is missing, a
link's canonical version the ledger does not know, an event whose entry id is gone): the exports
still carry the volume, the damaged link with empty values and its damage named (never the text
"None" or a null id), which the outside verifier refuses or names; the seal publishes every link
it can recompute, names the volume it could not seal to its end and goes on with the others.
(Real PostgreSQL.)"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import asyncpg
import pytest
from eventkit.store import EventStore
from ledger.application.sealing import seal
from ledger.application.volume_chain import UNCANONICAL, UNKNOWN_VERSION, UNREADABLE, verify_volume
from openpyxl import load_workbook
from test_ledger_harness import ledger_service
from test_ledger_import_chain import VILLAGES
from test_ledger_link_runs_tampered import (
    VOLUME,
    Lines,
    _behind_the_back,
    _drop_last,
    _not_an_id,
    _three_imports,
)
from vc_contracts.verify import verify_volume as verify_file
from vc_contracts.verify_file import VolumeFileError, load_volume

EXPORT = f"/volumes/village/{VILLAGES[1]}/2024/export"


def _outside(path: Path) -> str:
    """What the outside verifier says of an export: "refused: …" or the seq it names."""
    try:
        volume = load_volume(path)
    except VolumeFileError as exc:
        return f"refused: {exc}"
    bad = verify_file(volume).first_mismatch
    assert bad is not None, "a damaged volume verified ok outside"
    return str(bad.seq)


@pytest.mark.parametrize(
    ("column", "change", "seq", "empty"),
    [
        ("event_ids", _not_an_id, 11, "event_id"),  # a line that is no uuid: the link has no event id
        ("entry_ids", _drop_last, 50, "entry_id"),  # the last line dropped: the last link has no entry
    ],
)
async def test_an_export_writes_a_damaged_link_empty_with_its_damage_named(
    devstack, tmp_path: Path, column: str, change: Callable[[Lines], Lines], seq: int, empty: str
) -> None:  # type: ignore[no-untyped-def]
    # given a volume of runs, one run's column altered behind the service's back
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        await _three_imports(ledger.pool)
        run = f"SELECT {column} FROM ledger.volume_link_runs WHERE volume_id = $1 AND first_seq = 1"
        lines = change((await ledger.pool.fetchval(run, VOLUME)).split("\n"))
        altered = f"UPDATE ledger.volume_link_runs SET {column} = $2 WHERE volume_id = $1 AND first_seq = 1"
        await _behind_the_back(ledger.pool, altered, VOLUME, "\n".join(lines))
        headers = ledger.headers("county_admin", "621025")
        # when the volume is exported as its JSON check file and as XLSX
        r = await ledger.http.get(f"{EXPORT}.json", headers=headers)
        x = await ledger.http.get(f"{EXPORT}.xlsx", headers=headers)
    # then both are written: the damaged link's missing value empty, its damage named, no "None"
    assert r.status_code == 200 and x.status_code == 200, (r.text, x.text)
    links = r.json()["links"]
    item = links[seq - 1]
    assert item["seq"] == seq and item[empty] == "" and item["damage"] == UNREADABLE, item
    assert all(value not in ("None", None) for key, value in item.items() if key != "canonical"), item
    assert all("damage" not in other for other in links if other["seq"] != seq)  # the sound links as before
    sheet = load_workbook(io.BytesIO(x.content))["校验数据"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[1][:8] == ["seq", "entry_id", "event_id", "event_type", "canonical_version", "link",
                           "canonical", "damage"]  # fmt: skip
    row = rows[seq + 1]
    assert row[0] == seq and row[rows[1].index(empty)] is None and row[7] == UNREADABLE, row
    assert "None" not in row
    # and the outside verifier refuses either file at that link, never says ok
    (tmp_path / "volume.json").write_text(r.text, encoding="utf-8")
    (tmp_path / "volume.xlsx").write_bytes(x.content)
    assert _outside(tmp_path / "volume.json") == f"refused: links[{seq - 1}]的「{empty}」应为非空文本"
    assert _outside(tmp_path / "volume.xlsx") == f"refused: 「校验数据」第 {seq + 2} 行缺少「{empty}」"


async def _seal_to(pool: asyncpg.Pool) -> dict[str, tuple[int, int]]:
    rows = await pool.fetch(
        "SELECT h.volume_id, h.length, coalesce(s.sealed_to, 0) AS sealed_to FROM ledger.volume_heads h"
        " LEFT JOIN ledger.volume_seals s USING (volume_id)"
    )
    return {r["volume_id"]: (r["length"], r["sealed_to"]) for r in rows}


_SEQ_51 = "(SELECT event_id FROM ledger.chain_links WHERE volume_id = $1 AND seq = 51)"


async def _unknown_version(pool: asyncpg.Pool) -> None:
    """The run of seqs 51-54 claims a canonical version the ledger does not know."""
    moved = "UPDATE ledger.volume_link_runs SET canonical_version = 7 WHERE volume_id = $1 AND first_seq = 51"
    await _behind_the_back(pool, moved, VOLUME)


async def _no_entry_id(pool: asyncpg.Pool) -> None:
    """The event of seq 51 no longer names its entry."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("ALTER TABLE ledger.events DISABLE TRIGGER events_append_only")
        gone = f"UPDATE ledger.events SET data = data - 'entry_id' WHERE event_id = {_SEQ_51}"
        await conn.execute(gone, VOLUME)
        await conn.execute("ALTER TABLE ledger.events ENABLE TRIGGER events_append_only")


UNIT = "unit:U-firm:2024"  # every lecture's unit: the event of seq 51 is linked there too


@pytest.mark.parametrize(
    ("damage", "reason", "damaged"),
    [(_unknown_version, UNKNOWN_VERSION, (VOLUME,)), (_no_entry_id, None, (UNIT, VOLUME))],
    ids=["version", "entry"],
)
async def test_a_volume_whose_link_cannot_be_recomputed_is_sealed_up_to_it_and_the_others_whole(
    devstack, damage: Callable[[asyncpg.Pool], object], reason: str | None, damaged: tuple[str, ...]
) -> None:  # type: ignore[no-untyped-def]
    # given a volume of three imports' runs (1-50, 51-54, 55-104) and three more volumes, the
    # volume's link 51 damaged behind the service's back
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        await _three_imports(ledger.pool)
        await damage(ledger.pool)  # type: ignore[misc]
        # when the volumes are sealed
        store = EventStore(ledger.pool, "ledger")
        sealed = await seal(store)
        # then the damaged volumes are sealed up to the link and named; every other one to its end
        assert sealed.damaged == damaged
        reach = await _seal_to(ledger.pool)
        assert reach.pop(VOLUME) == (104, 50)
        if UNIT in damaged:
            length, to = reach.pop(UNIT)
            assert 0 < to < length
        assert reach and all(length == to for length, to in reach.values()), reach
        assert sealed.volumes == len(damaged) + len(reach)
        published = await ledger.pool.fetch(
            "SELECT data::text FROM ledger.events WHERE stream_id = $1", f"volume-seal-{VOLUME}"
        )
        assert [json.loads(r[0])["to_seq"] for r in published] == [50]
        # and a second seal publishes nothing new, names the volume again and goes on
        again = await seal(store)
        assert (again.events, again.damaged) == (0, damaged)
        # and verify names the link, why where the link itself says it
        bad = (await verify_volume(ledger.pool, "ledger", VOLUME)).first_mismatch
        assert bad is not None and bad.seq == 51, bad
        if reason is not None:
            assert bad.reason == reason


async def _altered_event(pool: asyncpg.Pool, change: str) -> None:
    """The event of seq 11 of the volume altered behind the service's back (`change`: a SET list)."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("ALTER TABLE ledger.events DISABLE TRIGGER events_append_only")
        seq_11 = "(SELECT event_id FROM ledger.chain_links WHERE volume_id = $1 AND seq = 11)"
        await conn.execute(f"UPDATE ledger.events SET {change} WHERE event_id = {seq_11}", VOLUME)
        await conn.execute("ALTER TABLE ledger.events ENABLE TRIGGER events_append_only")


@pytest.mark.parametrize(
    "change",
    [
        "metadata = '{}'::jsonb",  # no actor, no correlation id: no envelope to publish
        "metadata = '[1]'::jsonb",  # not an object
        "data = jsonb_set(data, '{audience}', '1e400'::jsonb)",  # a number RFC 8785 cannot write
    ],
    ids=["no-actor", "not-an-object", "huge-number"],
)
async def test_an_event_altered_beyond_any_canonical_form_is_named_by_verify_export_and_seal(
    devstack, tmp_path: Path, change: str
) -> None:  # type: ignore[no-untyped-def]
    # given a volume of runs whose event of seq 11 was altered into a shape no canonical form takes
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        await _three_imports(ledger.pool)
        await _altered_event(ledger.pool, change)
        headers = ledger.headers("county_admin", "621025")
        # when the volume is verified, exported and sealed
        verdict = await ledger.http.post(f"/volumes/village/{VILLAGES[1]}/2024/verify", headers=headers)
        r = await ledger.http.get(f"{EXPORT}.json", headers=headers)
        sealed = await seal(EventStore(ledger.pool, "ledger"))
        reach = await _seal_to(ledger.pool)
    # then verify names the link as altered (no 500)
    assert verdict.status_code == 200, verdict.text
    bad = verdict.json()["first_mismatch"]
    assert (bad["seq"], bad["reason"]) == (11, UNCANONICAL), bad
    # and the export carries it with no canonical text and its damage named, refused outside
    assert r.status_code == 200, r.text
    item = r.json()["links"][10]
    assert (item["canonical"], item["damage"]) == ("", UNCANONICAL), item
    (tmp_path / "volume.json").write_text(r.text, encoding="utf-8")
    refused = "refused: links[10]的「canonical」应为非空文本（已删除的事件为 null）"
    assert _outside(tmp_path / "volume.json") == refused
    # and the seal stops before it in its volumes (the village's and the unit's), the others whole
    assert sealed.damaged == (UNIT, VOLUME)
    assert reach.pop(VOLUME) == (104, 10)
    assert all(length == to for volume, (length, to) in reach.items() if volume != UNIT), reach


async def test_a_volume_whose_seal_fails_otherwise_is_named_and_the_others_are_sealed(devstack) -> None:  # type: ignore[no-untyped-def]
    # given four volumes, the unit's head row altered behind the service's back: no county (a
    # unit's seal has no tenant to publish under)
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        await _three_imports(ledger.pool)
        await ledger.pool.execute("UPDATE ledger.volume_heads SET county = NULL WHERE volume_id = $1", UNIT)
        # when the volumes are sealed
        sealed = await seal(EventStore(ledger.pool, "ledger"))
        reach = await _seal_to(ledger.pool)
    # then the unit's volume is named and left unsealed, every village's sealed to its end
    assert sealed.damaged == (UNIT,)
    assert reach.pop(UNIT)[1] == 0
    assert len(reach) == 3 and all(length == to for length, to in reach.values()), reach


async def test_an_event_inserted_behind_the_back_is_said_by_its_entry_not_as_a_link_0(devstack) -> None:  # type: ignore[no-untyped-def]
    # given a volume of runs and an event of its entry E-chain-31 inserted behind the service's
    # back (no link in any chain)
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        await _three_imports(ledger.pool)
        await ledger.pool.execute(
            """INSERT INTO ledger.events (event_id, stream_id, stream_version, event_type, schema_version,
                   tenant, county, occurred_at, data, metadata)
               SELECT gen_random_uuid(), stream_id, stream_version + 1, event_type, schema_version, tenant,
                   county, occurred_at, data, metadata
               FROM ledger.events WHERE data->>'entry_id' = 'E-chain-31'"""
        )
        # when the volume is verified
        path = f"/volumes/village/{VILLAGES[1]}/2024/verify"
        verdict = (await ledger.http.post(path, headers=ledger.headers("county_admin", "621025"))).json()
    # then the message names the entry and the event that is in no chain, and no link numbered 0
    assert verdict["ok"] is False and verdict["first_mismatch"]["entry_id"] == "E-chain-31", verdict
    number = verdict["first_mismatch"]["number"]
    assert verdict["message"] == (
        f"本卷册校验未通过：台账第 {number} 号记录 E-chain-31 有一个事件（LectureHeld）"
        "未登记在卷册哈希链中（记录被插入）"
    ), verdict["message"]


async def test_a_volume_whose_head_row_is_gone_is_refused_for_export_saying_so(devstack) -> None:  # type: ignore[no-untyped-def]
    # given a volume of runs whose head row was deleted behind the service's back
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        await _three_imports(ledger.pool)
        await ledger.pool.execute("DELETE FROM ledger.volume_heads WHERE volume_id = $1", VOLUME)
        headers = ledger.headers("county_admin", "621025")
        # when it is exported, as its check file and as XLSX
        answers = [await ledger.http.get(f"{EXPORT}.{kind}", headers=headers) for kind in ("json", "xlsx")]
        path = f"/volumes/village/{VILLAGES[1]}/2024/verify"
        verdict = (await ledger.http.post(path, headers=headers)).json()
    # then both are refused with 409 saying the head is gone (not 404 "no entries yet")
    for r in answers:
        assert r.status_code == 409, r.text
        body = r.json()
        assert body["code"] == "conflict" and body["field"] == "volume_id", body
        said = f"卷册 {VOLUME} 的链头记录缺失（卷册表被改动），无法导出校验文件；请对本卷册运行校验"
        assert body["message"] == said
    # and verify names the head
    assert verdict["ok"] is False and "链头" in verdict["message"], verdict
