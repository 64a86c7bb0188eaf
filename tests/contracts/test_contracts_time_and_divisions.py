"""Instants are China Standard Time on the wire; division codes follow GB/T 2260 and the
statistics bureau's twelve-digit scheme."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from vc_contracts import CST, DivisionCode, ShanghaiDateTime, Tenant
from vc_contracts.divisions import contains, level_of


class Instant(BaseModel):
    at: ShanghaiDateTime


class Division(BaseModel):
    code: DivisionCode


@pytest.mark.parametrize(
    "value",
    [
        datetime(2025, 3, 31, 16, 0, tzinfo=UTC),
        "2025-03-31T16:00:00Z",
        datetime(2025, 3, 31, 18, 0, tzinfo=timezone(timedelta(hours=2))),
        "2025-04-01T00:00:00+08:00",
    ],
)
def test_instants_are_normalised_to_shanghai_time(value: object) -> None:
    at = Instant.model_validate({"at": value}).at
    assert at.utcoffset() == timedelta(hours=8)
    assert at == datetime(2025, 4, 1, 0, 0, tzinfo=CST)
    assert Instant(at=at).model_dump_json() == '{"at":"2025-04-01T00:00:00+08:00"}'


@pytest.mark.parametrize("value", [datetime(2025, 4, 1, 0, 0), "2025-04-01T00:00:00"])  # noqa: DTZ001 (naive on purpose)
def test_naive_instants_are_refused(value: object) -> None:
    with pytest.raises(ValidationError, match="timezone"):
        Instant.model_validate({"at": value})


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("620000", "province"),
        ("621000", "city"),
        ("621025", "county"),
        ("621025100000", "township"),
        ("621025100201", "village"),
    ],
)
def test_valid_division_codes_are_accepted(code: str, level: str) -> None:
    assert Division(code=code).code == code
    assert level_of(code) == level


@pytest.mark.parametrize(
    "code", ["62102", "621025000000", "0210250", "62102A", "abcdef", "", "6210251002011"]
)
def test_malformed_division_codes_are_refused(code: str) -> None:
    with pytest.raises(ValidationError):
        Division(code=code)


def test_divisions_nest_by_prefix() -> None:
    village = "621025100201"
    assert all(contains(scope, village) for scope in ("620000", "621000", "621025", "621025100000"))
    assert not contains("621026", village)
    assert not contains("621025101000", village)


def test_a_village_belongs_to_its_county_tenant() -> None:
    assert Tenant.of("621025100201") == Tenant(province="620000", city="621000", county="621025")


@given(
    start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),  # noqa: DTZ001  (naive bounds: hypothesis adds no zone)
    span=st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=3)),
    off=st.floats(min_value=-0.05, max_value=0.05),
)
def test_a_visits_hours_agree_with_its_span_as_display_hours_counts_them(
    start: datetime, span: timedelta, off: float
) -> None:
    """VisitLogged's cross-field rule (written inline for speed) reads the span exactly as
    `display_hours(seconds_between(...))`: its value is accepted, anything more than 0.01 away refused."""
    from vc_contracts.catalogue.ledger import VisitLogged  # noqa: PLC0415
    from vc_contracts.durations import display_hours, seconds_between  # noqa: PLC0415

    started = start.replace(tzinfo=CST)
    ended = started + span
    shown = display_hours(seconds_between(started, ended))
    hours = max(round(shown + off, 4), 0.0)
    fields = {"entry_id": "e-1", "advisor_id": "adv-1", "unit_id": "u-1", "village_code": "621025100201",
              "occurred_at": started, "started_at": started, "ended_at": ended, "hours": hours,
              "place": "村委会", "summary": "接待"}  # fmt: skip
    try:
        VisitLogged(**fields)
        accepted = True
    except ValueError:
        accepted = False
    # on exact decimals: the float difference put 24.01 outside 0.01 of 24.0 (hours_agree)
    entered = Fraction(repr(round(hours, 2)))
    assert accepted is (abs(entered - Fraction(repr(shown))) <= Fraction(1, 100))
