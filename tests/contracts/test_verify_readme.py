"""The README's worked example of a volume's chain (section "Verifying a volume without our
database") is recomputed here, so its hashes never go stale. On a failure the message shows the
block to paste."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import vc_contracts
from support.volumes import export_json, volume_of
from vc_contracts.chain import GENESIS, canonical_v2
from vc_contracts.verify import verify_volume

README = Path(vc_contracts.__file__).resolve().parents[3] / "README.md"
VILLAGE = "621025100200"
TENANT = {"province": "620000", "city": "621000", "county": "621025"}
ENTRY = "E-0001"

VISIT: dict[str, Any] = {
    "event_id": "6f0c8f3e-2b4a-4c1d-9e57-0a1b2c3d4e01",
    "event_type": "VisitLogged",
    "schema_version": 1,
    "stream_id": f"entry-{ENTRY}",
    "stream_version": 1,
    "occurred_at": "2026-03-05T09:00:00+08:00",
    "recorded_at": "2026-03-05T11:31:07.402000+08:00",
    "actor": "adv-1",
    "correlation_id": "0d5e1f2a-3b4c-4d5e-8f60-718293a4b5c6",
    "causation_id": None,
    "tenant": TENANT,
    "data": {
        "entry_id": ENTRY,
        "client_entry_id": "phone-7f3a",
        "advisor_id": "adv-1",
        "unit_id": "unit-firm-1",
        "village_code": VILLAGE,
        "occurred_at": "2026-03-05T09:00:00+08:00",
        "note": "",
        "started_at": "2026-03-05T09:00:00+08:00",
        "ended_at": "2026-03-05T11:20:00+08:00",
        "hours": 2.33,
        "place": "村委会办公室",
        "summary": "坐班接待",
    },
}
CONFIRMED: dict[str, Any] = {
    **VISIT,
    "event_id": "6f0c8f3e-2b4a-4c1d-9e57-0a1b2c3d4e02",
    "event_type": "EntryConfirmed",
    "stream_version": 2,
    "occurred_at": "2026-03-06T10:12:00+08:00",
    "recorded_at": "2026-03-06T10:12:00.118000+08:00",
    "actor": "committee-9",
    "correlation_id": "0d5e1f2a-3b4c-4d5e-8f60-718293a4b5c7",
    "causation_id": None,
    "data": {
        "entry_id": ENTRY,
        "village_code": VILLAGE,
        "confirmed_by": "committee-9",
        "confirmed_on": "2026-03-06",
    },
}


def hashes_block() -> str:
    volume = volume_of(VISIT, CONFIRMED)
    first, second = volume.items
    return "\n".join(
        [
            f"link_0 = {GENESIS}",
            f"c_1    = {first.canonical}",
            f"link_1 = SHA-256(link_0 ‖ c_1) = {first.link}",
            f"c_2    = {second.canonical}",
            f"link_2 = SHA-256(link_1 ‖ c_2) = {second.link}",
            "head   = link_2",
        ]
    )


def file_block() -> str:
    """The JSON export of the example, each canonical text cut short (they are in full above)."""
    volume = volume_of(VISIT, CONFIRMED, volume_id=f"village:{VILLAGE}:2026")
    text = json.dumps(export_json(volume), ensure_ascii=False, indent=2)
    for item in volume.items:
        quoted = json.dumps(item.canonical, ensure_ascii=False)
        text = text.replace(quoted, quoted[: quoted.index(",") + 1] + '…"')
    return text


def test_the_worked_example_is_what_the_verifier_computes() -> None:
    volume = volume_of(VISIT, CONFIRMED)
    assert [item.canonical.encode() for item in volume.items] == [
        canonical_v2(VISIT),
        canonical_v2(CONFIRMED),
    ]
    assert verify_volume(volume, volume.head).ok


def test_the_readme_shows_the_worked_examples_hashes_and_file() -> None:
    readme = README.read_text(encoding="utf-8")
    for block in (hashes_block(), file_block()):
        assert f"\n{block}\n```" in readme, f"README: paste this block into its worked example:\n{block}"
