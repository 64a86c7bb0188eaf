"""The compatibility checker finds each kind of breaking change and lets harmless edits through."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from vc_contracts.compat import breaking_changes
from vc_contracts.export import DEFAULT_DIR, render

Schema = dict[str, Any]


def published(path: str) -> Schema:
    return json.loads((DEFAULT_DIR / path).read_text("utf-8"))


def data_of(schema: Schema) -> Schema:
    return schema["properties"]["data"]


def remove_required_field(schema: Schema) -> None:
    del data_of(schema)["properties"]["hours"]
    data_of(schema)["required"].remove("hours")


def change_a_type(schema: Schema) -> None:
    data_of(schema)["properties"]["hours"]["type"] = "string"


def make_a_field_nullable(schema: Schema) -> None:
    hours = data_of(schema)["properties"].pop("hours")
    data_of(schema)["properties"]["hours"] = {"anyOf": [hours, {"type": "null"}]}


def add_required_field(schema: Schema) -> None:
    data_of(schema)["properties"]["weather"] = {"type": "string"}
    data_of(schema)["required"].append("weather")


def require_an_optional_field(schema: Schema) -> None:
    data_of(schema)["required"].append("note")


def add_optional_field(schema: Schema) -> None:
    data_of(schema)["properties"]["weather"] = {"type": "string", "default": "sunny"}


def tighten_a_pattern(schema: Schema) -> None:
    data_of(schema)["properties"]["place"]["maxLength"] = 10


def change_the_event_type(schema: Schema) -> None:
    schema["properties"]["event_type"]["const"] = "VisitRecorded"


def remove_enum_value(schema: Schema) -> None:
    schema["$defs"]["ConsultationChannel"]["enum"].remove("phone")


def add_enum_value(schema: Schema) -> None:
    schema["$defs"]["ConsultationChannel"]["enum"].append("letter")


def reword_descriptions(schema: Schema) -> None:
    data_of(schema)["description"] = "Reworded."
    data_of(schema)["properties"]["hours"]["description"] = "Reworded."
    data_of(schema)["properties"]["hours"]["title"] = "Duration"


BREAKS: list[tuple[str, Callable[[Schema], None], str]] = [
    ("ledger/VisitLogged.v1.json", remove_required_field, "removed field $.data.hours"),
    ("ledger/VisitLogged.v1.json", change_a_type, "type changed at $.data.hours: number -> string"),
    ("ledger/VisitLogged.v1.json", make_a_field_nullable, "type changed at $.data.hours"),
    ("ledger/VisitLogged.v1.json", add_required_field, "new required field $.data.weather"),
    ("ledger/VisitLogged.v1.json", require_an_optional_field, "new required field $.data.note"),
    ("ledger/VisitLogged.v1.json", add_optional_field, "field $.data.weather added to a closed object"),
    ("ledger/VisitLogged.v1.json", tighten_a_pattern, "constraint maxLength changed at $.data.place"),
    ("ledger/VisitLogged.v1.json", change_the_event_type, "type changed at $.event_type"),
    (
        "ledger/ConsultationGiven.v1.json",
        remove_enum_value,
        "enum values removed at $.data.channel: ['phone']",
    ),
    ("ledger/ConsultationGiven.v1.json", add_enum_value, "enum values added at $.data.channel"),
]


@pytest.mark.parametrize(("path", "edit", "expected"), BREAKS, ids=[edit.__name__ for _, edit, _ in BREAKS])
def test_breaking_change_is_detected(path: str, edit: Callable[[Schema], None], expected: str) -> None:
    old = published(path)
    new = copy.deepcopy(old)
    edit(new)
    problems = breaking_changes(old, new)
    assert any(problem.startswith(expected) for problem in problems), problems


def test_unchanged_and_reworded_schemas_are_compatible() -> None:
    old = published("ledger/VisitLogged.v1.json")
    new = copy.deepcopy(old)
    reword_descriptions(new)
    assert breaking_changes(old, old) == []
    assert breaking_changes(old, new) == []


def test_every_published_schema_is_compatible_with_the_code() -> None:
    current = render()
    for path in sorted(p.relative_to(DEFAULT_DIR).as_posix() for p in DEFAULT_DIR.rglob("*.v*.json")):
        assert path in current, f"{path}: published event version no longer in the code"
        assert breaking_changes(published(path), json.loads(current[path])) == [], path
