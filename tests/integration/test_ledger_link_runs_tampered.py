"""A run of chain links (`volume_link_runs`) altered or inserted behind the service's back: each of
its columns is the run's values one per line, and only the lengths of event_ids and hashes are
checked by the table. Whatever a column holds, `verify_volume` names the first link that does not
hold (never raises: that is a 500 from the volume's verify endpoint, never says ok), and the
exports' chain copy is refused by the outside verifier (`vc_contracts.verify`) at the same link.
(Real PostgreSQL.)"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import asyncpg
import pytest
from eventkit.auth import Principal, Role
from eventkit.imports import ImportProgress
from eventkit.store import EventStore, Metadata
from ledger.application.advisor_ledger import advisor_ledger
from ledger.application.import_writes import write_entries
from ledger.application.sealing import seal, seal_stream
from ledger.application.volume_chain import chain_copy, verify_volume
from test_ledger_harness import ledger_service
from test_ledger_import_chain import REACH, VILLAGES, _lecture
from vc_contracts import CST
from vc_contracts.verify import verify_volume as verify_file
from vc_contracts.verify_file import VolumeFileError, load_volume

VOLUME = f"village:{VILLAGES[1]}:2024"  # 50 links in one run: entries E-chain-1, E-chain-4, ...

Lines = list[str]
ADMIN = Principal(subject="runs-county", role=Role.county_admin, scope="621025")


async def _behind_the_back(pool: asyncpg.Pool, statement: str, *args: object) -> None:
    """`statement` on the runs with their append-only trigger disabled."""
    trigger = "TRIGGER volume_link_runs_append_only"
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(f"ALTER TABLE ledger.volume_link_runs DISABLE {trigger}")
        await conn.execute(statement, *args)
        await conn.execute(f"ALTER TABLE ledger.volume_link_runs ENABLE {trigger}")


async def _outside(pool: asyncpg.Pool, tmp_path: Path) -> int | None:
    """The seq the outside verifier names in the volume's chain copy (None: it refuses the file as
    unreadable); fails when the copy verifies."""
    copy = await chain_copy(pool, "ledger", VOLUME)
    assert copy is not None
    document = {"format": "vc-volume/1", "volume_id": VOLUME, "length": copy.length, "head": copy.head,
                "links": copy.links}  # fmt: skip
    path = tmp_path / "volume.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    try:
        volume = load_volume(path)
    except VolumeFileError:
        return None
    bad = verify_file(volume).first_mismatch
    assert bad is not None
    return bad.seq


def _swap(lines: Lines) -> Lines:
    lines[10], lines[11] = lines[11], lines[10]
    return lines


def _retype(lines: Lines) -> Lines:
    lines[10] = "VisitLogged"
    return lines


def _drop(lines: Lines) -> Lines:
    del lines[10]
    return lines


def _drop_last(lines: Lines) -> Lines:
    del lines[-1]
    return lines


def _not_an_id(lines: Lines) -> Lines:
    lines[10] = "x" * 36  # the same length: the table's check holds
    return lines


def _two_in_one(lines: Lines) -> Lines:
    # two ids' lines joined by a space, the run's last line dropped: the same length, a line fewer
    lines[10:12] = [f"{lines[10]} {lines[11][:-1]}"]
    lines[-1] = lines[-1] + "0"
    return lines


def _extra(lines: Lines) -> Lines:
    return [*lines, "E-inserted"]


@pytest.mark.parametrize(
    ("column", "change", "seq"),
    [
        ("entry_ids", _swap, 11),  # two links' entries swapped
        ("event_types", _retype, 11),  # a link's event type changed
        ("entry_ids", _drop, 11),  # a line dropped from entry_ids only: the entries after it move up
        ("entry_ids", _drop_last, 50),  # the last line dropped: the last link has no entry
        ("event_ids", _swap, 11),  # two links' events swapped
        ("event_ids", _not_an_id, 11),  # a line that is no uuid
        ("event_ids", _two_in_one, 11),  # two ids on one line
        ("entry_ids", _extra, 51),  # a line more: a link the volume does not have
    ],
)
async def test_a_run_altered_in_one_column_is_named_by_verify_and_by_the_outside_verifier(
    devstack, tmp_path: Path, column: str, change: Callable[[Lines], Lines], seq: int
) -> None:  # type: ignore[no-untyped-def]
    # given 150 lectures written in one chunk: one run a volume
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        progress = ImportProgress("runs", "ledger", "test", datetime.now(CST))
        events = [_lecture(i) for i in range(150)]
        await write_entries(
            EventStore(ledger.pool, "ledger"), events, Metadata("test"), progress, reach=REACH
        )
        assert (await verify_volume(ledger.pool, "ledger", VOLUME)).ok
        # when one column of the village's run is altered behind the service's back
        run = f"SELECT {column} FROM ledger.volume_link_runs WHERE volume_id = $1"
        lines = change((await ledger.pool.fetchval(run, VOLUME)).split("\n"))
        altered = f"UPDATE ledger.volume_link_runs SET {column} = $2 WHERE volume_id = $1"
        await _behind_the_back(ledger.pool, altered, VOLUME, "\n".join(lines))
        # then verify names the link, with text ids
        verdict = await verify_volume(ledger.pool, "ledger", VOLUME)
        bad = verdict.first_mismatch
        assert bad is not None, verdict
        assert bad.seq == seq, bad
        assert all(isinstance(x, str) for x in (bad.entry_id, bad.event_id, bad.event_type)), bad
        # and the exports' chain copy does not verify outside either (refused as read, or a link named)
        assert await _outside(ledger.pool, tmp_path) in {seq, None}


async def _three_imports(pool: asyncpg.Pool) -> None:
    """Three imports of lectures: the volume's runs are 1-50, 51-54 and 55-104."""
    store = EventStore(pool, "ledger")
    for name, span in (("a", range(150)), ("b", range(150, 162)), ("c", range(162, 312))):
        progress = ImportProgress(name, "ledger", "test", datetime.now(CST))
        await write_entries(store, [_lecture(i) for i in span], Metadata("test"), progress, reach=REACH)


async def test_a_run_deleted_from_a_volume_of_runs_is_named_where_its_links_are_missing(
    devstack, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    # given a volume of three imports' runs (1-50, 51-54, 55-104)
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        await _three_imports(ledger.pool)
        runs = await ledger.pool.fetch(
            "SELECT first_seq, links FROM ledger.volume_link_runs WHERE volume_id = $1 ORDER BY 1", VOLUME
        )
        assert [(r["first_seq"], r["links"]) for r in runs] == [(1, 50), (51, 4), (55, 50)]
        assert (await verify_volume(ledger.pool, "ledger", VOLUME)).ok
        # when the first run is deleted behind the service's back
        deleted = "DELETE FROM ledger.volume_link_runs WHERE volume_id = $1 AND first_seq = 1"
        await _behind_the_back(ledger.pool, deleted, VOLUME)
        # then verify names the first missing link (seq 1), as the outside verifier does
        bad = (await verify_volume(ledger.pool, "ledger", VOLUME)).first_mismatch
        assert bad is not None
        assert bad.seq == 1, bad
        # and says so on screen without naming an entry it does not have
        path = f"/volumes/village/{VILLAGES[1]}/2024/verify"
        verdict = (await ledger.http.post(path, headers=ledger.headers("county_admin", "621025"))).json()
        assert verdict["ok"] is False and verdict["first_mismatch"]["seq"] == 1
        assert verdict["message"] == "本卷册校验未通过（第 1 个链接）：缺失（链接被删除），此处排的是第 51 个"
        work = await advisor_ledger(ledger.pool, "ledger", ADMIN, "A-1", "2024")
        [village] = [v for v in work["volumes"] if v["volume_id"] == VOLUME]
        assert village["message"] == "校验未通过（第 1 个链接）：缺失（链接被删除），此处排的是第 51 个"
        assert await _outside(ledger.pool, tmp_path) == 1


async def test_a_run_with_an_entry_line_dropped_does_not_stop_the_seal_of_its_volume_or_the_others(
    devstack,
) -> None:  # type: ignore[no-untyped-def]
    # given 150 lectures in four volumes' runs, the last entry line of one run dropped behind the
    # service's back (its last link has no entry id)
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        store = EventStore(ledger.pool, "ledger")
        progress = ImportProgress("seal", "ledger", "test", datetime.now(CST))
        await write_entries(store, [_lecture(i) for i in range(150)], Metadata("test"), progress, reach=REACH)
        run = "SELECT entry_ids FROM ledger.volume_link_runs WHERE volume_id = $1"
        lines = _drop_last((await ledger.pool.fetchval(run, VOLUME)).split("\n"))
        altered = "UPDATE ledger.volume_link_runs SET entry_ids = $2 WHERE volume_id = $1"
        await _behind_the_back(ledger.pool, altered, VOLUME, "\n".join(lines))
        # when the volumes are sealed
        sealed = await seal(store)
        # then every volume is sealed, each link recomputed from its stored event (its entry too)
        assert (sealed.volumes, sealed.links) == (4, 300)
        published = await ledger.pool.fetchval(
            "SELECT data::text FROM ledger.events WHERE stream_id = $1", seal_stream(VOLUME)
        )
        last = json.loads(published)["links"][-1]
        assert (last["seq"], last["entry_id"]) == (50, "E-chain-148")


@pytest.mark.parametrize(("first_seq", "named"), [(60, 55), (53, 53)])
async def test_a_run_moved_to_other_seqs_is_named_though_its_hashes_still_chain(
    devstack, tmp_path: Path, first_seq: int, named: int
) -> None:  # type: ignore[no-untyped-def]
    # given a volume of three imports' runs (1-50, 51-54, 55-104)
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        await _three_imports(ledger.pool)
        # when the last run's first seq is moved behind the service's back (a gap, or seqs twice)
        moved = "UPDATE ledger.volume_link_runs SET first_seq = $2 WHERE volume_id = $1 AND first_seq = 55"
        await _behind_the_back(ledger.pool, moved, VOLUME, first_seq)
        # then verify names where the seqs leave their places, as the outside verifier does
        bad = (await verify_volume(ledger.pool, "ledger", VOLUME)).first_mismatch
        assert bad is not None and bad.seq == named, bad
        assert await _outside(ledger.pool, tmp_path) == named
