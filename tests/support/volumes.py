"""Volume files for the standalone verifier's tests, built from envelopes (v2) and v1 texts.

    vol = volume_of(envelope(1), v1_text(2), envelope(3))   # three items, links and head computed
    export_json(vol)   -> the `vc-volume/1` JSON document (dict)
    write_xlsx(vol, path)                                    # the XLSX export's 「校验数据」 sheet
    replaced(vol, 2, link="…")                               # vol with item 2's fields changed
    rechained(vol)                                           # links and head recomputed (a rewrite)

A dict is an envelope (canonical v2 = RFC 8785 of it); a str is a v1 canonical text as the ledger
stored it (sorted keys, no spaces). Ids come from the event itself (data.entry_id).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from vc_contracts.chain import CANONICAL_V1, CANONICAL_V2, GENESIS, canonical_v2, link
from vc_contracts.verify import Item, VolumeFile, VolumeFileError, load_volume

VILLAGE = "621025100200"
VOLUME_ID = f"village:{VILLAGE}:2026"


def envelope(n: int, event_type: str = "VisitLogged", summary: str = "坐班接待") -> dict[str, Any]:
    """A published envelope of entry `E-n` (event `…-n`), as the relay puts it on the topic."""
    return {
        "event_id": f"00000000-0000-4000-8000-{n:012d}",
        "event_type": event_type,
        "schema_version": 1,
        "stream_id": f"entry-E-{n}",
        "stream_version": 1,
        "occurred_at": f"2026-03-{n:02d}T09:00:00+08:00",
        "recorded_at": f"2026-03-{n:02d}T12:00:00.250000+08:00",
        "actor": "adv-1",
        "correlation_id": f"00000000-0000-4000-9000-{n:012d}",
        "causation_id": None,
        "tenant": {"province": "620000", "city": "621000", "county": "621025"},
        "data": {"entry_id": f"E-{n}", "village_code": VILLAGE, "hours": 2.5, "summary": summary},
    }


def v1_text(n: int, event_type: str = "VisitLogged", summary: str = "坐班接待") -> str:
    """A v1 canonical text: the whole stored row (position, county, metadata), sorted, no spaces."""
    event = envelope(n, event_type, summary)
    row = {k: event[k] for k in ("event_id", "event_type", "schema_version", "stream_id", "stream_version")}
    row |= {"position": 100 + n, "county": "621025", "tenant": event["tenant"], "data": event["data"]}
    row |= {"occurred_at": event["occurred_at"], "recorded_at": event["recorded_at"]}
    row["metadata"] = {"actor": "adv-1", "correlation_id": event["correlation_id"]}
    return json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def volume_of(*events: dict[str, Any] | str, volume_id: str = VOLUME_ID) -> VolumeFile:
    items, head = [], GENESIS
    for seq, event in enumerate(events, start=1):
        if isinstance(event, str):
            text, version, parsed = event, CANONICAL_V1, json.loads(event)
        else:
            text, version, parsed = canonical_v2(event).decode(), CANONICAL_V2, event
        head = link(head, text.encode())
        entry_id = parsed["data"].get("entry_id", "")
        items.append(Item(seq, entry_id, parsed["event_id"], parsed["event_type"], version, head, text))
    return VolumeFile(volume_id, len(items), head, tuple(items))


def replaced(volume: VolumeFile, seq: int, **changes: Any) -> VolumeFile:
    items = list(volume.items)
    items[seq - 1] = dataclasses.replace(items[seq - 1], **changes)
    return dataclasses.replace(volume, items=tuple(items))


def rechained(volume: VolumeFile, length: int | None = None) -> VolumeFile:
    """`volume` with every link, the length and the head recomputed from its texts: a consistent
    rewrite, which only a head kept elsewhere (or the texts' own checks) can catch."""
    items, head = [], GENESIS
    for item in volume.items:
        head = link(head, item.canonical.encode())
        items.append(dataclasses.replace(item, link=head))
    return VolumeFile(volume.volume_id, len(items) if length is None else length, head, tuple(items))


def export_json(volume: VolumeFile) -> dict[str, Any]:
    kind, owner, year = volume.volume_id.split(":")
    return {
        "format": "vc-volume/1",
        "volume_id": volume.volume_id,
        "kind": kind,
        "owner": owner,
        "owner_name": "东关村",
        "year": int(year),
        "length": volume.length,
        "head": volume.head,
        "links": [dataclasses.asdict(item) for item in volume.items],
    }


def write_xlsx(volume: VolumeFile, path: Path) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "卷册"  # the sheet for people, before the machine-readable one
    sheet = book.create_sheet("校验数据")
    sheet.append(
        ["format", "vc-volume/1", "volume_id", volume.volume_id, "length", volume.length, "head", volume.head]
    )
    sheet.append(["seq", "entry_id", "event_id", "event_type", "canonical_version", "link", "canonical"])
    for item in volume.items:
        sheet.append([getattr(item, f.name) for f in dataclasses.fields(item)])
    book.save(path)
    return path


def sheet_refusal(volume: VolumeFile, folder: Path, edit: Callable[[Any], None]) -> str:
    """The error `load_volume` gives for `volume`'s XLSX export after `edit(workbook)`."""
    path = write_xlsx(volume, folder / "v.xlsx")
    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)
    with pytest.raises(VolumeFileError) as refused:
        load_volume(path)
    return str(refused.value)
