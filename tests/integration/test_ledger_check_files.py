"""Volumes an auditor can check without our database (issue 14), in-process app on the real
PostgreSQL and broker: links record their canonical version; new links are v2, the RFC 8785 form of
the envelope exactly as the relay publishes it (for events written by an append, a command and an
import); chains begun as v1 (the old code path) and continued as v2 verify, and an altered event of
either version is named; the JSON check file and the XLSX 校验数据 sheet carry every link with the
text it hashes, in the design's shape; the printable page shows head, length, version and QR code.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any

import jsonschema
import pytest
from eventkit.store import wire_event
from ledger.application import volume_chain
from openpyxl import load_workbook
from test_ledger_harness import Cast, Ledger, ledger_service, set_the_scene
from vc_contracts import CST
from vc_contracts.chain import CANONICAL_V1, CANONICAL_V2, GENESIS, canonical_v2, link
from vc_contracts.verify import load_volume, verify_volume

YEAR = datetime.now(CST).year - 1

CHECK_FILE_SHAPE: dict[str, Any] = {  # /work/briefs/s8-chain-design.md, "The volume export"
    "type": "object",
    "required": ["format", "volume_id", "kind", "owner", "owner_name", "year", "length", "head", "links"],
    "additionalProperties": False,
    "properties": {
        "format": {"const": "vc-volume/1"},
        "volume_id": {"type": "string", "pattern": "^(village|unit):[^:]+:[0-9]{4}$"},
        "kind": {"enum": ["village", "unit"]},
        "owner": {"type": "string"},
        "owner_name": {"type": "string"},
        "year": {"type": "integer"},
        "length": {"type": "integer", "minimum": 0},
        "head": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "links": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    "seq",
                    "entry_id",
                    "event_id",
                    "event_type",
                    "canonical_version",
                    "link",
                    "canonical",
                ],
                "properties": {
                    "seq": {"type": "integer", "minimum": 1},
                    "entry_id": {"type": "string"},
                    "event_id": {"type": "string", "format": "uuid"},
                    "event_type": {"type": "string"},
                    "canonical_version": {"enum": [1, 2]},
                    "link": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    "canonical": {"type": "string", "minLength": 2},
                },
            },
        },
    },
}


def at(month: int, day: int, hour: int, minute: int = 0) -> str:
    return datetime(YEAR, month, day, hour, minute, tzinfo=CST).isoformat()


@pytest.fixture(scope="module")
async def scene(devstack) -> AsyncIterator[tuple[Ledger, Cast]]:  # type: ignore[no-untyped-def]
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        cast = await set_the_scene(ledger, date(YEAR, 1, 1))
        for n, village in enumerate(cast.villages[:3]):
            await _write_a_mixed_chain(ledger, cast, village, 3 + n, "zhao" if n == 2 else "li")
        yield ledger, cast


async def _write_a_mixed_chain(ledger: Ledger, cast: Cast, village: str, month: int, advisor: str) -> None:
    """Two entries linked as the ledger did before v2, then an append, a command and an import as
    v2: visits of 2 h 20 min (hours 2.33, a float) and Chinese text throughout; in `month`."""
    unit_id = cast.firm if advisor == "li" else cast.office
    me = ledger.headers("advisor", "621025", cast.advisor(advisor), unit_id)
    visit = {"village_code": village, "started_at": at(month, 2, 9), "ended_at": at(month, 2, 11, 20),
             "place": "村委会", "summary": "坐班接待：土地承包“确权”咨询"}  # fmt: skip
    lecture = {
        "village_code": village,
        "occurred_at": at(month, 3, 14),
        "topic": "民法典进农村",
        "audience": 40,
    }
    volume_chain.LINK_VERSION = CANONICAL_V1  # the old code path, as releases before v2 linked
    try:
        for path, body in (("/visits", visit), ("/lectures", lecture)):
            assert (await ledger.http.post(path, json=body, headers=me)).status_code == 201
    finally:
        volume_chain.LINK_VERSION = CANONICAL_V2
    later = {
        **visit,
        "started_at": at(month, 9, 9),
        "ended_at": at(month, 9, 12),
        "summary": "调解邻里纠纷 3.0 小时",
    }
    r = await ledger.http.post("/visits", json=later, headers=me)
    assert r.status_code == 201, r.text
    committee = ledger.headers("village_committee", village, f"committee-{village}")
    confirmed = await ledger.http.post(f"/entries/{r.json()['entry_id']}/confirmation", headers=committee)
    assert confirmed.status_code == 201, confirmed.text
    out = io.StringIO()
    csv.writer(out).writerows([
        ["类型", "顾问编号", "村（社区）代码", "开始时间", "结束时间", "地点", "内容摘要", "客户端编号"],
        ["驻点服务", cast.advisor(advisor), village, f"{YEAR}-{month:02}-16 09:00",
         f"{YEAR}-{month:02}-16 11:20", "村委会", "补录：纸质台账“坐班”记录", f"paper-{village}"],
    ])  # fmt: skip
    unit = ledger.headers("law_firm" if advisor == "li" else "justice_office", "621025", "staff", unit_id)
    imported = await ledger.http.post(
        "/imports", content=out.getvalue().encode("utf-8-sig"), headers={**unit, "Content-Type": "text/csv"}
    )
    assert imported.status_code == 201 and imported.json()["imported"] == 1, imported.text


def _county(ledger: Ledger) -> dict[str, str]:
    return ledger.headers("county_admin", "621025")


async def _check_file(ledger: Ledger, village: str) -> dict[str, Any]:
    r = await ledger.http.get(f"/volumes/village:{village}:{YEAR}/export.json", headers=_county(ledger))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert "attachment" in r.headers["content-disposition"]
    return r.json()  # type: ignore[no-any-return]


async def _published(ledger: Ledger, event_id: str) -> dict[str, Any]:
    """The event as the relay puts it on the topic: json.loads of `wire_event`'s value."""
    row = await ledger.pool.fetchrow(
        "SELECT position, event_id, stream_id, stream_version, event_type, schema_version,"
        " tenant::text AS tenant, occurred_at, recorded_at, data::text AS data, metadata::text AS metadata,"
        " coalesce(county, tenant->>'county') AS partition_key FROM ledger.events WHERE event_id = $1::uuid",
        event_id,
    )
    return json.loads(wire_event(row).value)  # type: ignore[no-any-return]


async def test_new_links_hash_the_published_envelope_of_appends_commands_and_imports(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    check = await _check_file(ledger, cast.villages[0])
    v2 = [item for item in check["links"] if item["canonical_version"] == CANONICAL_V2]
    published = {item["event_id"]: await _published(ledger, item["event_id"]) for item in v2}
    for item in v2:
        assert item["canonical"].encode() == canonical_v2(published[item["event_id"]]), item["event_type"]
    written = {(p["event_type"], (p["data"].get("client_entry_id") or "")[:6]) for p in published.values()}
    assert written >= {("VisitLogged", ""), ("EntryConfirmed", ""), ("VisitLogged", "paper-")}
    floats = [p["data"]["hours"] for p in published.values() if isinstance(p["data"].get("hours"), float)]
    assert 2.33 in floats and 3.0 in floats
    assert any(p["causation_id"] is None for p in published.values())
    texts = "".join(item["canonical"] for item in v2)  # Chinese as UTF-8 text, not \u escapes
    assert "调解邻里纠纷" in texts and "补录：纸质台账“坐班”记录" in texts


async def test_the_check_file_has_the_designs_shape_and_its_links_recompute_to_the_head(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    check = await _check_file(ledger, cast.villages[0])
    jsonschema.validate(check, CHECK_FILE_SHAPE)
    assert check["volume_id"] == f"village:{cast.villages[0]}:{YEAR}" and check["owner_name"] == "上川村"
    assert [item["seq"] for item in check["links"]] == list(range(1, check["length"] + 1))
    assert [item["canonical_version"] for item in check["links"]] == [1, 1, 2, 2, 2]
    previous = GENESIS
    for item in check["links"]:
        if item["canonical_version"] == CANONICAL_V2:  # the text is its own RFC 8785 form
            assert canonical_v2(json.loads(item["canonical"])) == item["canonical"].encode()
        previous = link(previous, item["canonical"].encode())
        assert previous == item["link"], item["seq"]
    assert previous == check["head"]
    same = await ledger.http.get(f"/volumes/village/{cast.villages[0]}/{YEAR}/export.json",
                                 headers=_county(ledger))  # fmt: skip
    assert same.json() == check


async def test_the_xlsx_check_sheet_holds_the_same_links_and_the_human_sheet_is_unchanged(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    check = await _check_file(ledger, cast.villages[0])
    r = await ledger.http.get(f"/volumes/village/{cast.villages[0]}/{YEAR}/export.xlsx",
                              headers=_county(ledger), params={"period": f"{YEAR}Q1"})  # fmt: skip
    assert r.status_code == 200, r.text
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["工作台账", "校验数据"]
    human = [list(row) for row in book["工作台账"].iter_rows(values_only=True)]
    assert "防篡改链头" in human[2][0] and any(row[0] == "序号" for row in human)
    rows = [list(row) for row in book["校验数据"].iter_rows(values_only=True)]
    assert rows[0] == ["format", "vc-volume/1", "volume_id", check["volume_id"], "length", check["length"],
                       "head", check["head"]]  # fmt: skip
    keys = ["seq", "entry_id", "event_id", "event_type", "canonical_version", "link", "canonical"]
    assert rows[1] == [*keys, None]  # openpyxl reads every row as wide as the widest (row 1)
    assert all(row[7] is None for row in rows[1:])
    assert [dict(zip(keys, row[:7], strict=True)) for row in rows[2:]] == check["links"]


async def test_a_mixed_chain_verifies_and_an_altered_event_of_either_version_is_named(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    village = cast.villages[1]
    path = f"/volumes/village/{village}/{YEAR}/verify"
    committee = ledger.headers("village_committee", village, f"committee-{village}")
    assert (await ledger.http.post(path, headers=committee)).json()["ok"] is True
    links = (await _check_file(ledger, village))["links"]
    for version in (CANONICAL_V1, CANONICAL_V2):
        item = next(
            i for i in links if i["canonical_version"] == version and i["event_type"] == "VisitLogged"
        )
        async with _altered(ledger, item["event_id"]):
            verdict = (await ledger.http.post(path, headers=committee)).json()
            assert verdict["ok"] is False, version
            named = verdict["first_mismatch"]
            assert (named["seq"], named["entry_id"], named["event_id"]) == (
                item["seq"], item["entry_id"], item["event_id"]
            ), version  # fmt: skip
            check = await _check_file(ledger, village)  # the altered text no longer hashes to its link
            exported = check["links"][item["seq"] - 1]
            assert exported["link"] == item["link"] and exported["canonical"] != item["canonical"]
        assert (await ledger.http.post(path, headers=committee)).json()["ok"] is True


def _visit_of(links: list[dict[str, Any]], version: int) -> dict[str, Any]:
    return next(i for i in links if i["canonical_version"] == version and i["event_type"] == "VisitLogged")


class _altered:
    """An event's summary rewritten behind the service's back (trigger off), put back on exit."""

    def __init__(self, ledger: Ledger, event_id: str) -> None:
        self.ledger, self.event_id = ledger, event_id

    async def _set(self, data: str | None) -> str:
        async with self.ledger.pool.acquire() as conn, conn.transaction():
            await conn.execute("ALTER TABLE ledger.events DISABLE TRIGGER events_append_only")
            before = await conn.fetchval(
                "SELECT data::text FROM ledger.events WHERE event_id = $1::uuid", self.event_id
            )
            changed = data if data is not None else json.dumps({**json.loads(before), "summary": "篡改"})
            await conn.execute(
                "UPDATE ledger.events SET data = $2::jsonb WHERE event_id = $1::uuid", self.event_id, changed
            )
            await conn.execute("ALTER TABLE ledger.events ENABLE TRIGGER events_append_only")
        return str(before)

    async def __aenter__(self) -> None:
        self.before = await self._set(None)

    async def __aexit__(self, *_: object) -> None:
        await self._set(self.before)


async def test_the_check_file_refuses_unknown_malformed_and_foreign_volumes_in_the_error_format(
    scene,
) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    county = _county(ledger)
    for vid in (f"village:{cast.villages[3]}:{YEAR}", "village:621025390201", "parish:x:2025"):
        r = await ledger.http.get(f"/volumes/{vid}/export.json", headers=county)
        body = r.json()
        assert r.status_code == 404 and body["code"] == "not_found" and body["field"] == "volume_id", vid
        assert body["correlation_id"] and "卷册" in body["message"]
    other = ledger.headers("county_admin", "621026")
    r = await ledger.http.get(f"/volumes/village:{cast.villages[0]}:{YEAR}/export.json", headers=other)
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    firm = ledger.headers("law_firm", "621025", "staff", cast.office)  # another unit's volume
    r = await ledger.http.get(f"/volumes/unit:{cast.firm}:{YEAR}/export.json", headers=firm)
    assert r.status_code == 403
    r = await ledger.http.get(f"/volumes/village:{cast.villages[0]}:{YEAR}/export.json")
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"


async def test_the_printable_page_and_the_qr_endpoint_carry_head_length_and_version(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    check = await _check_file(ledger, cast.villages[0])
    base = f"/volumes/village/{cast.villages[0]}/{YEAR}"
    page = (await ledger.http.get(f"{base}/export.html", headers=_county(ledger))).text
    assert check["head"] in page and f"共 {check['length']} 个链接" in page and "v1、v2" in page
    assert "data-testid='head-qr'><svg" in page
    volume = (await ledger.http.get(base, headers=_county(ledger))).json()
    assert volume["chain"]["canonical_versions"] == [1, 2]
    assert volume["chain"]["head_text"] == f"{check['volume_id']} {check['head']}"
    qr = await ledger.http.get(f"{base}/head.svg", headers=_county(ledger))
    assert qr.status_code == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    assert qr.headers["x-chain-head"] == check["head"] and b"<svg" in qr.content


def _verified(check: dict[str, Any], tmp_path: Any, name: str) -> Any:
    """The standalone verifier's verdict on the check file saved as `name`."""
    path = tmp_path / name
    path.write_text(json.dumps(check, ensure_ascii=False), encoding="utf-8")
    return verify_volume(load_volume(path), expected_head=check["head"])


async def test_the_standalone_verifier_passes_both_exports_of_a_mixed_chain(scene, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    check = await _check_file(ledger, cast.villages[0])
    verdict = _verified(check, tmp_path, "volume.json")
    assert verdict.ok and (verdict.length, verdict.head) == (check["length"], check["head"])
    r = await ledger.http.get(
        f"/volumes/village/{cast.villages[0]}/{YEAR}/export.xlsx", headers=_county(ledger)
    )
    (tmp_path / "volume.xlsx").write_bytes(r.content)
    from_xlsx = verify_volume(load_volume(tmp_path / "volume.xlsx"), expected_head=check["head"])
    assert from_xlsx.ok and from_xlsx.head == check["head"] and from_xlsx.length == check["length"]


async def test_the_standalone_verifier_names_what_the_ledger_names(scene, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An altered event (each version) and then a deleted one, in the office's village."""
    ledger, cast = scene
    village = cast.villages[2]
    path = f"/volumes/village/{village}/{YEAR}/verify"
    committee = ledger.headers("village_committee", village, f"committee-{village}")
    links = (await _check_file(ledger, village))["links"]
    for version in (CANONICAL_V1, CANONICAL_V2):
        item = next(
            i for i in links if i["canonical_version"] == version and i["event_type"] == "VisitLogged"
        )
        async with _altered(ledger, item["event_id"]):
            ledgers = (await ledger.http.post(path, headers=committee)).json()["first_mismatch"]
            verdict = _verified(await _check_file(ledger, village), tmp_path, f"altered-{version}.json")
            assert verdict.first_mismatch is not None
            assert (verdict.first_mismatch.seq, verdict.first_mismatch.event_id) == (
                ledgers["seq"], ledgers["event_id"]
            ) == (item["seq"], item["event_id"])  # fmt: skip
    gone = next(i for i in links if i["event_type"] == "LectureHeld")
    async with ledger.pool.acquire() as conn, conn.transaction():
        await conn.execute("ALTER TABLE ledger.events DISABLE TRIGGER events_append_only")
        await conn.execute("DELETE FROM ledger.events WHERE event_id = $1::uuid", gone["event_id"])
        await conn.execute("ALTER TABLE ledger.events ENABLE TRIGGER events_append_only")
    check = await _check_file(ledger, village)
    assert check["links"][gone["seq"] - 1]["canonical"] == "null"
    ledgers = (await ledger.http.post(path, headers=committee)).json()["first_mismatch"]
    verdict = _verified(check, tmp_path, "deleted.json")
    assert verdict.first_mismatch is not None and "删除" in ledgers["reason"]
    assert verdict.first_mismatch.seq == ledgers["seq"] == gone["seq"]


MALFORMED_OWNERS = [
    ("village", "东关村"),  # a name where the code belongs
    ("village", "62102510020"),  # 11 digits
    ("village", "621025100000"),  # a township's code, not a village's
    ("unit", "律所 一"),  # whitespace
    ("unit", "u" * 129),  # longer than any id
]


@pytest.mark.parametrize(
    ("kind", "owner"), MALFORMED_OWNERS, ids=[f"{k}-{o[:12]}" for k, o in MALFORMED_OWNERS]
)
async def test_a_malformed_volume_id_is_404_on_every_volume_endpoint_whoever_asks(
    scene, kind: str, owner: str
) -> None:  # type: ignore[no-untyped-def]
    """The README promises 404 for a malformed volume id: its shape is checked before the caller's
    scope (a 403 would say "exists, not yours" about a volume that cannot exist)."""
    ledger, cast = scene
    askers = {
        "county": _county(ledger),
        "other county": ledger.headers("county_admin", "621026"),
        "committee": ledger.headers("village_committee", cast.villages[0], "committee-x"),
        "firm": ledger.headers("law_firm", "621025", "staff", cast.office),
    }
    base = f"/volumes/{kind}/{owner}/{YEAR}"
    for who, headers in askers.items():
        for method, path in (
            ("GET", base),
            ("GET", f"{base}/export.xlsx"),
            ("GET", f"{base}/export.html"),
            ("GET", f"{base}/export.json"),
            ("GET", f"{base}/head.svg"),
            ("POST", f"{base}/verify"),
            ("GET", f"/volumes/{kind}:{owner}:{YEAR}/export.json"),
        ):
            r = await ledger.http.request(method, path, headers=headers)
            assert r.status_code == 404, (who, method, path, r.status_code, r.text)
            body = r.json()
            assert body["code"] == "not_found" and body["field"] == "volume_id", (who, path, body)
            assert body["correlation_id"] and "卷册" in body["message"]
