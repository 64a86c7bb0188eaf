"""The committed JSON Schemas (contracts/schemas) match the code, break nothing already published,
and validate whole Kafka message values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from vc_contracts import known_events
from vc_contracts.export import DEFAULT_DIR, breaking_files, differing_files, main, render, schema_file

CATALOGUE = sorted(known_events())


def committed(path: str) -> dict[str, Any]:
    return json.loads((DEFAULT_DIR / path).read_text("utf-8"))


def test_committed_schemas_match_the_code() -> None:
    assert differing_files() == [], "run: uv run python -m vc_contracts.export"


def test_code_breaks_no_committed_schema() -> None:
    assert breaking_files() == []


def test_index_lists_every_event_version_and_its_topic() -> None:
    index = committed("index.json")
    listed = {(e["event_type"], e["schema_version"]): e for e in index["events"]}
    assert sorted(listed) == CATALOGUE
    for entry in listed.values():
        assert (DEFAULT_DIR / entry["file"]).is_file()
        assert entry["topic"] == f"villagecounsel.{entry['owner']}.events"


@pytest.mark.parametrize(("event_type", "version"), CATALOGUE)
def test_committed_schema_validates_a_whole_message(
    event_type: str, version: int, samples: dict[str, Any], envelope_for: Any
) -> None:
    event = known_events()[(event_type, version)].model_validate(samples[event_type])
    validator = Draft202012Validator(committed(schema_file(type(event))), format_checker=FormatChecker())
    message = json.loads(envelope_for(event).model_dump_json())
    validator.validate(message)
    assert not validator.is_valid({**message, "event_type": "SomethingElse"})
    assert not validator.is_valid({**message, "schema_version": version + 1})
    assert not validator.is_valid({**message, "data": {**message["data"], "unexpected": 1}})


def test_schema_refuses_a_county_code_where_a_village_is_due(
    samples: dict[str, Any], envelope_for: Any
) -> None:
    event = known_events()[("VisitLogged", 1)].model_validate(samples["VisitLogged"])
    message = json.loads(envelope_for(event).model_dump_json())
    message["data"]["village_code"] = "621025"
    assert not Draft202012Validator(committed("ledger/VisitLogged.v1.json")).is_valid(message)


def _export_to(directory: Path) -> None:
    for path, text in render().items():
        (directory / path).parent.mkdir(parents=True, exist_ok=True)
        (directory / path).write_text(text, "utf-8")


def test_check_mode_lists_stale_and_edited_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _export_to(tmp_path)
    assert main(["--check", str(tmp_path)]) == 0
    (tmp_path / "ledger/VisitLogged.v1.json").write_text("{}\n", "utf-8")
    (tmp_path / "ledger/VisitDreamed.v1.json").write_text("{}\n", "utf-8")
    assert main(["--check", str(tmp_path)]) == 1
    assert differing_files(tmp_path) == ["ledger/VisitDreamed.v1.json", "ledger/VisitLogged.v1.json"]
    assert "ledger/VisitLogged.v1.json" in capsys.readouterr().err


def test_export_refuses_to_overwrite_a_published_schema_with_a_breaking_change(tmp_path: Path) -> None:
    _export_to(tmp_path)
    published = tmp_path / "ledger/VisitLogged.v1.json"
    schema = json.loads(published.read_text("utf-8"))
    schema["properties"]["data"]["properties"]["channel"] = {"type": "string"}  # code lacks it: "removed"
    published.write_text(json.dumps(schema), "utf-8")
    assert main([str(tmp_path)]) == 1
    assert json.loads(published.read_text("utf-8")) == schema  # untouched
    assert main([str(tmp_path), "--allow-breaking"]) == 0
    assert differing_files(tmp_path) == []
