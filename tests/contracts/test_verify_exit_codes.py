"""The verifier's exit codes (0 ok, 1 a mismatch found, 2 anything else: bad arguments, an
unreadable or malformed file, nothing to check), its strict reading of the file's types (a JSON
integer, not 1.0 or "1"; in XLSX a numeric cell), and the names it gives a deleted event."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from support.volumes import envelope, export_json, sheet_refusal, volume_of, write_xlsx
from vc_contracts import verify_topic
from vc_contracts.verify import VolumeFileError, load_volume, main, verify_volume

VOLUME = volume_of(envelope(1), envelope(2), envelope(3), envelope(4))
TOPIC_ARGS = ["--topic", "ledger", "--bootstrap", "localhost:1"]


def write_json(document: Any, path: Path) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def on_topic(monkeypatch: pytest.MonkeyPatch, records: list[dict[str, Any]]) -> None:
    """The topic as `records` (no broker: the reading is replaced, the checking is not)."""

    async def read(bootstrap: str, topic: str = "") -> list[dict[str, Any]]:
        return copy.deepcopy(records)

    monkeypatch.setattr(verify_topic, "read_topic", read)


def sealed(events: list[dict[str, Any]]) -> dict[str, Any]:
    vol = volume_of(*events)
    links = [{k: v for k, v in dataclasses.asdict(i).items() if k != "canonical"} for i in vol.items]
    data = {"volume_id": vol.volume_id, "from_seq": 1, "to_seq": vol.length, "length": vol.length,
            "head": vol.head, "audit": False, "links": links}  # fmt: skip
    return {"event_type": "VolumeSealed", "event_id": "seal-1", "data": data}


EVENTS = [envelope(n) for n in range(1, 4)]


# --- 1. exit codes, topic mode -------------------------------------------------------------------


def test_a_volume_without_seals_on_the_topic_cannot_be_checked_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    on_topic(monkeypatch, [*EVENTS, sealed(EVENTS)])
    assert main([*TOPIC_ARGS, "--volume", "village:621025100299:2026"]) == 2
    assert "village:621025100299:2026" in capsys.readouterr().err


def test_a_topic_without_any_seal_is_nothing_to_check_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    on_topic(monkeypatch, EVENTS)
    assert main(TOPIC_ARGS) == 2
    assert "没有" in capsys.readouterr().err


def test_a_malformed_seal_on_the_topic_is_named_exit_2_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = sealed(EVENTS)
    del broken["data"]["links"][1]["link"]
    on_topic(monkeypatch, [*EVENTS, broken])
    assert main(TOPIC_ARGS) == 2
    assert "VolumeSealed" in capsys.readouterr().err


def test_the_topic_mode_still_says_ok_0_and_mismatch_1(monkeypatch: pytest.MonkeyPatch) -> None:
    on_topic(monkeypatch, [*EVENTS, sealed(EVENTS)])
    assert main(TOPIC_ARGS) == 0
    altered = copy.deepcopy(EVENTS)
    altered[1]["data"]["summary"] = "篡改"
    on_topic(monkeypatch, [*altered, sealed(EVENTS)])
    assert main(TOPIC_ARGS) == 1


def test_the_help_documents_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as shown:
        main(["--help"])
    out = capsys.readouterr().out
    assert shown.value.code == 0
    assert all(code in out for code in ("退出码", "0", "1", "2")), out


# --- 2. strict types -----------------------------------------------------------------------------

Edit = Callable[[dict[str, Any]], None]

LENIENT_JSON: list[tuple[str, Edit, str]] = [
    ("seq a whole float", lambda d: d["links"][0].update(seq=1.0), "links[0]的「seq」"),
    ("seq as text", lambda d: d["links"][1].update(seq="2"), "links[1]的「seq」"),
    ("length a whole float", lambda d: d.update(length=4.0), "「length」"),
    ("length as text", lambda d: d.update(length="4"), "「length」"),
    ("version a whole float", lambda d: d["links"][2].update(canonical_version=2.0), "「canonical_version」"),
    ("version as text", lambda d: d["links"][2].update(canonical_version="2"), "「canonical_version」"),
    ("link with a space", lambda d: d["links"][0].update(link=d["links"][0]["link"] + " "), "「link」"),
    ("event id a number", lambda d: d["links"][0].update(event_id=12), "links[0]的「event_id」"),
    ("entry id a number", lambda d: d["links"][0].update(entry_id=7), "links[0]的「entry_id」"),
    ("volume id blank", lambda d: d.update(volume_id=""), "「volume_id」"),
    ("event id blank", lambda d: d["links"][0].update(event_id=""), "links[0]的「event_id」"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "edit", "named"), LENIENT_JSON, ids=[c[0] for c in LENIENT_JSON])
def test_a_json_value_of_another_type_is_refused_naming_the_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, edit: Edit, named: str
) -> None:
    document = export_json(VOLUME)
    edit(document)
    path = write_json(document, tmp_path / "v.json")
    with pytest.raises(VolumeFileError) as refused:
        load_volume(path)
    assert named in str(refused.value), case
    assert main([str(path)]) == 2
    assert named in capsys.readouterr().err


SheetEdit = Callable[[openpyxl.Workbook], None]

LENIENT_XLSX: list[tuple[str, SheetEdit, str]] = [
    ("seq as text", lambda b: b["校验数据"].cell(3, 1, "1"), "第 3 行的「seq」"),
    ("version as text", lambda b: b["校验数据"].cell(4, 5, "2"), "第 4 行的「canonical_version」"),
    ("length as text", lambda b: b["校验数据"].cell(1, 6, "4"), "「length」"),
    ("entry id a number", lambda b: b["校验数据"].cell(3, 2, 7), "第 3 行的「entry_id」"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "edit", "named"), LENIENT_XLSX, ids=[c[0] for c in LENIENT_XLSX])
def test_an_xlsx_number_written_as_text_is_refused_naming_the_row(
    tmp_path: Path, case: str, edit: SheetEdit, named: str
) -> None:
    assert named in sheet_refusal(VOLUME, tmp_path, edit), case


def test_an_xlsx_numeric_cell_holding_a_whole_number_reads(tmp_path: Path) -> None:
    path = write_xlsx(VOLUME, tmp_path / "v.xlsx")
    book = openpyxl.load_workbook(path)
    book["校验数据"].cell(4, 1, 2.0)  # a numeric cell: what a spreadsheet program may write
    book.save(path)
    assert load_volume(path) == VOLUME


# --- 8. a deleted event ----------------------------------------------------------------------------


def test_a_deleted_event_whose_text_is_null_is_a_mismatch_exit_1_not_an_unreadable_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = export_json(VOLUME)
    document["links"][2]["canonical"] = None  # what the ledger's check file holds for a deleted event
    path = write_json(document, tmp_path / "v.json")
    verdict = verify_volume(load_volume(path))
    assert verdict.first_mismatch is not None
    assert (verdict.first_mismatch.kind, verdict.first_mismatch.seq) == ("missing", 3)
    assert verdict.first_mismatch.entry_id == "E-3"
    assert main([str(path)]) == 1
    assert "删除" in capsys.readouterr().out


def test_a_deleted_event_renumbered_is_named_missing_when_the_length_still_counts_it() -> None:
    items = [VOLUME.items[0], VOLUME.items[1], dataclasses.replace(VOLUME.items[3], seq=3)]
    verdict = verify_volume(dataclasses.replace(VOLUME, items=tuple(items)))
    assert verdict.first_mismatch is not None
    assert (verdict.first_mismatch.kind, verdict.first_mismatch.seq) == ("missing", 3), verdict.first_mismatch


def test_a_later_seal_holding_the_next_event_at_a_seq_names_the_deletion() -> None:
    first = sealed(EVENTS)
    audit = sealed([EVENTS[0], EVENTS[2]])  # event 2 deleted in the ledger, event 3 renumbered to 2
    audit["data"]["audit"], audit["event_id"] = True, "seal-audit"
    [verdict] = verify_topic.check_records([*EVENTS, first, audit]).values()
    bad = verdict.first_mismatch
    assert bad is not None and bad.seq == 2 and bad.entry_id == "E-2"
    assert "删除" in bad.reason, bad.reason


@pytest.mark.parametrize("key", ["canonical", "length", "head"])
def test_a_json_key_given_twice_is_refused_exit_2_not_read_as_its_last_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str
) -> None:
    """A reader (or another tool) may take the first of two values where Python's json takes the
    last: a tampered first `canonical` before the original one must not verify."""
    document = export_json(VOLUME)
    holder = document["links"][0] if key == "canonical" else document
    text = json.dumps(holder, ensure_ascii=False)
    twice = "{" + json.dumps(key) + ': "tampered", ' + text[1:]
    path = tmp_path / "v.json"
    path.write_text(json.dumps(document, ensure_ascii=False).replace(text, twice), encoding="utf-8")
    assert main([str(path)]) == 2
    assert f"「{key}」" in capsys.readouterr().err
