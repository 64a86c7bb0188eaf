"""Old schema versions stay readable: stored v1 data is upcast to the latest version on read."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from pydantic import Field
from vc_contracts import Envelope, Event, known_events, parse_event
from vc_contracts.base import UnknownEventError, event_class, unregister_event, upcaster
from vc_contracts.export import render

PROBE = "ProbeHoursLogged"


@pytest.fixture
def probe_versions() -> Iterator[tuple[type[Any], type[Any]]]:
    """A throwaway event in two versions: v2 split `minutes` into `hours`. Forgotten afterwards."""

    class ProbeV1(Event):
        event_type: ClassVar[str] = PROBE
        owner: ClassVar[str] = "test"
        minutes: int = Field(description="Duration in minutes")

    class ProbeV2(Event):
        event_type: ClassVar[str] = PROBE
        schema_version: ClassVar[int] = 2
        owner: ClassVar[str] = "test"
        hours: float = Field(description="Duration in hours")
        place: str = Field(description="Where")

    @upcaster(PROBE, from_version=1)
    def upcast_v1_v2(data: dict[str, Any]) -> dict[str, Any]:
        minutes = data.pop("minutes")
        return {**data, "hours": round(minutes / 60, 2), "place": "unknown"}

    try:
        yield ProbeV1, ProbeV2
    finally:
        unregister_event(PROBE)


def test_v1_data_is_upcast_to_the_latest_version(probe_versions: tuple[type[Any], type[Any]]) -> None:
    _, v2 = probe_versions
    event = parse_event(PROBE, 1, {"minutes": 90})
    assert event == v2(hours=1.5, place="unknown")
    assert event_class(PROBE) is v2


def test_envelope_of_an_old_version_yields_the_new_event(
    probe_versions: tuple[type[Any], type[Any]], envelope_for: Any
) -> None:
    v1, v2 = probe_versions
    old = envelope_for(v1(minutes=30))
    assert old.schema_version == 1
    assert Envelope.model_validate_json(old.model_dump_json()).event() == v2(hours=0.5, place="unknown")


def test_latest_version_is_parsed_as_is(probe_versions: tuple[type[Any], type[Any]]) -> None:
    assert parse_event(PROBE, 2, {"hours": 2.0, "place": "村委会"}).model_dump() == {
        "hours": 2.0,
        "place": "村委会",
    }


def test_test_events_stay_out_of_the_catalogue_and_the_schemas(
    probe_versions: tuple[type[Any], type[Any]],
) -> None:
    assert all(event_type != PROBE for event_type, _ in known_events())
    assert not any(PROBE in path for path in render())


def test_unregistered_test_events_are_forgotten(probe_versions: tuple[type[Any], type[Any]]) -> None:
    unregister_event(PROBE)
    with pytest.raises(UnknownEventError):
        parse_event(PROBE, 1, {"minutes": 1})


def test_unknown_event_type_is_refused() -> None:
    with pytest.raises(UnknownEventError):
        parse_event("VisitDreamed", 1, {})


def test_an_event_without_owner_cannot_be_declared() -> None:
    with pytest.raises(TypeError, match="no owner"):

        class Orphaned(Event):
            pass


def test_a_report_submitted_before_heads_were_frozen_reads_with_no_heads() -> None:
    from vc_contracts import parse_event  # noqa: PLC0415
    from vc_contracts.catalogue.reporting import ReportSubmitted  # noqa: PLC0415

    v1 = {"report_id": "rep-1", "kind": "annual_results", "period": "2025", "submitter_unit_id": "c-621025",
          "division_code": "621025", "figures": {}, "confirmed_by": ["c-1"]}  # fmt: skip
    event = parse_event("ReportSubmitted", 1, v1)
    assert isinstance(event, ReportSubmitted) and event.heads == []


def test_a_report_carries_the_heads_it_froze() -> None:
    from vc_contracts.catalogue.reporting import ReportSubmitted  # noqa: PLC0415

    head = {"volume_id": "village:621025100200:2025", "length": 2, "head": "ab" * 32}
    data = {"report_id": "rep-1", "kind": "annual_results", "period": "2025", "submitter_unit_id": "c-621025",
            "division_code": "621025", "figures": {}, "confirmed_by": ["c-1"], "heads": [head]}  # fmt: skip
    assert ReportSubmitted.model_validate(data).model_dump(mode="json")["heads"] == [head]
