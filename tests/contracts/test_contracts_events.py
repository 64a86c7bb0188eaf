"""Every catalogued event round-trips through JSON and refuses what the program forbids."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from vc_contracts import known_events, parse_event
from vc_contracts.catalogue import assessment, ledger, registry, reporting
from vc_contracts.envelope import Envelope
from vc_contracts.topics import topic_for

CATALOGUE = sorted(known_events())
LATEST = sorted(dict(CATALOGUE).items())  # older versions are read through their upcasters


def test_every_catalogued_event_has_a_sample(samples: dict[str, Any]) -> None:
    assert sorted(samples) == sorted({event_type for event_type, _ in CATALOGUE})


@pytest.mark.parametrize(("event_type", "version"), LATEST)
def test_event_round_trips_through_json(event_type: str, version: int, samples: dict[str, Any]) -> None:
    cls = known_events()[(event_type, version)]
    event = cls.model_validate(samples[event_type])
    assert cls.model_validate_json(event.model_dump_json()) == event
    assert parse_event(event_type, version, event.model_dump(mode="json")) == event


@pytest.mark.parametrize(("event_type", "version"), LATEST)
def test_event_round_trips_inside_an_envelope(
    event_type: str, version: int, samples: dict[str, Any], envelope_for: Any
) -> None:
    event = known_events()[(event_type, version)].model_validate(samples[event_type])
    wire = envelope_for(event).model_dump_json()
    assert Envelope.model_validate_json(wire).event() == event


@pytest.mark.parametrize(("event_type", "version"), CATALOGUE)
def test_events_are_frozen_and_closed(event_type: str, version: int, samples: dict[str, Any]) -> None:
    cls = known_events()[(event_type, version)]
    event = cls.model_validate(samples[event_type])
    with pytest.raises(ValidationError):
        setattr(event, next(iter(cls.model_fields)), "x")
    with pytest.raises(ValidationError, match="Extra inputs"):
        cls.model_validate({**samples[event_type], "unexpected": 1})


def test_each_module_holds_only_its_owners_events() -> None:
    for module in (registry, ledger, assessment, reporting):
        owner = module.__name__.rsplit(".", 1)[1]
        owned = {cls.__module__ for cls in known_events().values() if cls.owner == owner}
        assert owned == {module.__name__}
        assert topic_for(owner) == f"villagecounsel.{owner}.events"


def test_per_service_base_classes_are_not_events() -> None:
    names = {event_type for event_type, _ in CATALOGUE}
    assert not names & {
        "RegistryEvent",
        "LedgerEvent",
        "LedgerEntryEvent",
        "AssessmentEvent",
        "ReportingEvent",
    }


def test_every_field_is_described() -> None:
    for cls in known_events().values():
        for name, schema in cls.model_json_schema()["properties"].items():
            assert schema.get("description"), f"{cls.__name__}.{name} has no description"
        assert cls.__doc__, f"{cls.__name__} has no docstring"


def test_hours_are_rounded_to_two_decimals(samples: dict[str, Any]) -> None:
    visit = ledger.VisitLogged.model_validate({**samples["VisitLogged"], "hours": 2.3333333})
    assert visit.hours == 2.33


def test_compliance_rules_default_to_the_notice(samples: dict[str, Any]) -> None:
    rules = assessment.ComplianceRulesSet.model_validate(samples["ComplianceRulesSet"])
    assert (rules.min_quarter_onsite_hours, rules.min_year_lectures) == (8, 2)
    assert (rules.filing_deadline_month_day, rules.annual_report_due) == ("03-31", "12-31")
    assert rules.half_year_report_due == ["07-15", "01-15"]


REFUSED = [
    ("VisitLogged", {"ended_at": "2025-03-05T08:00:00+08:00"}, "ended_at must be after"),
    ("VisitLogged", {"hours": 5}, "does not match"),
    ("VisitLogged", {"started_at": "2025-03-05T09:30:00+08:00", "hours": 1.83}, "occurred_at must equal"),
    ("VisitLogged", {"village_code": "621025100000"}, "String should match"),  # a township
    ("DisputeMediated", {"parties": 1}, "greater than or equal to 2"),
    ("LectureHeld", {"audience": -1}, "greater than or equal to 0"),
    ("EntryCorrected", {"changes": {"entry_id": "other"}}, "not correctable"),
    ("EntryCorrected", {"changes": {}}, "at least 1"),
    ("AgreementSigned", {"term_end": "2025-01-01"}, "term_end must be after"),
    ("AgreementSigned", {"advisor_ids": []}, "at least 1"),
    ("AgreementSigned", {"advisor_ids": ["adv-1", "adv-1"]}, "must not repeat"),
    ("DivisionRegistered", {"level": "village"}, "not shaped like"),
    ("DivisionRegistered", {"parent_code": "622700"}, "does not enclose"),
    ("DivisionRegistered", {"parent_code": None}, "exactly the provinces"),
    ("UnitRegistered", {"credit_code": "31620000MD0012345I"}, "String should match"),
    ("AdvisorRegistered", {"licence_no": "1621"}, "String should match"),
    ("AdvisorRegistered", {"phone": "12345678901"}, "String should match"),
    ("AdvisorRegistered", {"name": ""}, "at least 1 character"),
    ("FeedbackSubmitted", {"rating": 6}, "less than or equal to 5"),
    ("ComplianceRulesSet", {"filing_deadline_month_day": "02-30"}, "2 月没有 30 日"),
    ("ComplianceRulesSet", {"half_year_report_due": ["07-15"]}, "at least 2"),
    ("ComplianceBreached", {"period": "2025Q5"}, "String should match"),
    ("ReportSubmitted", {"period": "2025"}, "does not fit kind"),
    ("ReportEscalated", {"from_level": "city", "to_level": "county"}, "upward only"),
    ("AdvisorFiguresConfirmed", {"period": "2025"}, "String should match"),
    ("DeadlineMissed", {"due_at": "2025-04-01T00:00:00"}, "timezone"),
]


@pytest.mark.parametrize(("event_type", "change", "message"), REFUSED)
def test_invalid_payload_is_refused(
    event_type: str, change: dict[str, Any], message: str, samples: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError, match=message):
        known_events()[(event_type, 1)].model_validate({**samples[event_type], **change})


def test_a_version_1_breach_is_read_as_version_2_without_the_rule_division(samples: dict[str, Any]) -> None:
    v1 = {k: v for k, v in samples["ComplianceBreached"].items() if k != "rule_division_code"}
    event = parse_event("ComplianceBreached", 1, v1)
    assert isinstance(event, assessment.ComplianceBreached) and event.schema_version == 2
    assert event.rule_division_code is None and event.rule_version == v1["rule_version"]
