"""A batch of wire envelopes decoded in one call (vc_contracts.batch_decoding) gives exactly what
decoding each record alone gives (`Envelope.model_validate_json` then `.event()`), and refuses the
whole batch whenever any record alone would be refused: poison is never let through."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationInfo
from pydantic_core import SchemaValidator, core_schema
from test_contracts_events import REFUSED
from vc_contracts import Envelope, Event, event_class, known_events
from vc_contracts.base import unregister_event, upcaster
from vc_contracts.batch_decoding import _IN_RUST, decode_batch
from vc_contracts.text import IDENTITY_WHEN_STORED, STORED

LATEST = sorted((event_type, event_class(event_type)) for event_type in {t for t, _ in known_events()})
VISITS = frozenset({"VisitLogged"})


def one_by_one(value: bytes | str, handles: frozenset[str] | None = None) -> tuple[Envelope, Event | None]:
    """What the projection runner does with one record (eventkit.projection.decode)."""
    envelope = Envelope.model_validate_json(value)
    if handles is None or envelope.event_type in handles:
        return envelope, envelope.event()
    event_class(envelope.event_type, envelope.schema_version)
    return envelope, None


def assert_same(batch: list[tuple[Envelope, Event | None]] | None, values: list[Any], handles: Any) -> None:
    assert batch is not None
    alone = [one_by_one(value, handles) for value in values]
    assert batch == alone
    for (envelope, event), (expected, expected_event) in zip(batch, alone, strict=True):
        assert type(envelope) is Envelope and type(event) is type(expected_event)
        assert envelope.model_dump_json() == expected.model_dump_json()
        assert envelope.model_fields_set == expected.model_fields_set
        # +08:00 on both paths (the batch path's tzinfo is pydantic's fixed offset: _CST_IN_RUST)
        assert envelope.occurred_at.utcoffset() == expected.occurred_at.utcoffset() == timedelta(hours=8)
        assert envelope.occurred_at.isoformat() == expected.occurred_at.isoformat()
        if event is not None:
            assert event.model_dump_json() == expected_event.model_dump_json()  # type: ignore[union-attr]


@pytest.fixture
def wire(samples: dict[str, Any], envelope_for: Callable[[Event], Envelope]) -> list[bytes]:
    """One envelope per catalogued event type (its latest version), as the relay publishes it."""
    return [
        envelope_for(cls.model_validate(samples[event_type])).model_dump_json().encode()
        for event_type, cls in LATEST
    ]


@pytest.mark.parametrize("handles", [None, VISITS, frozenset()], ids=["all", "visits", "none"])
def test_a_batch_of_every_event_type_decodes_as_each_record_alone(wire: list[bytes], handles: Any) -> None:
    assert_same(decode_batch(wire, handles), wire, handles)
    as_text = [value.decode() for value in wire]
    assert_same(decode_batch(as_text, handles), as_text, handles)


def test_a_type_not_read_is_decoded_without_its_event(wire: list[bytes]) -> None:
    decoded = decode_batch(wire, VISITS)
    assert decoded is not None
    assert {envelope.event_type for envelope, event in decoded if event is not None} == set(VISITS)


@pytest.mark.parametrize(("event_type", "change", "message"), REFUSED)
def test_one_invalid_payload_refuses_the_batch(
    event_type: str, change: dict[str, Any], message: str, wire: list[bytes]
) -> None:
    bad = json.loads(next(v for v in wire if json.loads(v)["event_type"] == event_type))
    bad["data"].update(change)
    value = json.dumps(bad, ensure_ascii=False).encode()
    with pytest.raises(ValueError, match=message):
        one_by_one(value)
    assert decode_batch([*wire, value]) is None
    assert decode_batch([value, *wire], frozenset({event_type})) is None


@pytest.mark.parametrize(
    "poison",
    [
        b"\xff\xfe not JSON",
        b'{"hello": "world"}',
        b"",
        None,  # a tombstone
        "[]",
    ],
)
def test_a_record_that_is_no_envelope_refuses_the_batch(poison: Any, wire: list[bytes]) -> None:
    assert decode_batch([*wire, poison]) is None


def test_an_unknown_event_type_or_version_refuses_the_batch(wire: list[bytes]) -> None:
    for change in ({"event_type": "NothingHappened"}, {"schema_version": 9}):
        value = json.dumps({**json.loads(wire[0]), **change}).encode()
        assert decode_batch([value]) is None
        assert decode_batch([value], frozenset()) is None  # even when its type is not read


def test_records_are_never_read_across_their_boundaries(wire: list[bytes]) -> None:
    """Two halves of one valid envelope, each invalid alone, are two poison records."""
    text = wire[0].decode()
    cut = text.index(',"stream_id"')
    halves = [text[: cut + 1], text[cut + 1 :]]
    with pytest.raises(ValueError):
        one_by_one(halves[0])
    assert decode_batch(halves) is None
    assert decode_batch([wire[1] + b"," + wire[2]]) is None  # two envelopes in one record


@pytest.fixture
def probe() -> Iterator[None]:
    """A throwaway event in two versions (v1's text `length` became v2's number `hours`), registered
    after the batch validator may already have been built, then forgotten."""

    class ProbeV1(Event):
        event_type: ClassVar[str] = "ProbeBatchHours"
        owner: ClassVar[str] = "test"
        length: str

    class ProbeV2(Event):
        event_type: ClassVar[str] = "ProbeBatchHours"
        schema_version: ClassVar[int] = 2
        owner: ClassVar[str] = "test"
        hours: float

    @upcaster("ProbeBatchHours", from_version=1)
    def to_v2(data: dict[str, Any]) -> dict[str, Any]:
        return {"hours": data["length"]}

    try:
        yield
    finally:
        unregister_event("ProbeBatchHours")


def test_older_versions_are_upcast_and_the_catalogue_may_change(
    probe: None, wire: list[bytes], envelope_for: Callable[[Event], Envelope]
) -> None:
    v1 = event_class("ProbeBatchHours", 1)
    old = envelope_for(v1(length="1.5")).model_dump_json().encode()
    new = envelope_for(event_class("ProbeBatchHours")(hours=2)).model_dump_json().encode()
    assert_same(decode_batch([old, *wire, new]), [old, *wire, new], None)
    assert decode_batch([old.replace(b'"1.5"', b'"long"')]) is None  # refused once upcast
    unregister_event("ProbeBatchHours")
    assert decode_batch([old]) is None and decode_batch([new]) is None


# -- the validators a batch leaves out are identities on stored data ---------------------------

ANY_VALUE = st.one_of(st.text(), st.integers(), st.none(), st.binary(), st.lists(st.text()))


class _Info:
    """What pydantic hands a with-info validator: the validation context."""

    context = STORED
    config = None
    mode = "json"
    data: ClassVar[dict[str, Any]] = {}
    field_name = None


@given(value=ANY_VALUE)
def test_every_validator_left_out_returns_stored_input_unchanged(value: Any) -> None:
    info: ValidationInfo = _Info()  # type: ignore[assignment]
    assert IDENTITY_WHEN_STORED
    for validator in IDENTITY_WHEN_STORED:
        assert validator(value, info) is value


# -- mutated records: the batch never accepts what a record alone refuses ----------------------

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(
        ["", " ", "\x00", "\u3000村\n", "２０２５", "621025100201", "２１０２５100201", "1.5", "2025-03-05",
         "2025-03-05T09:00:00", "2025-03-05T09:00:00+08:00", "2025-03-05T01:00:00Z", "9999-12-31T23:00-14:00",
         "5b3d8a1e-9a0b-4d2e-8f6e-0c1d2e3f4a5b", " adv-1 ", "adv\t1"]
    ),
)  # fmt: skip
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def mutated(draw: st.DrawFn, wire: list[bytes]) -> bytes:
    envelope = json.loads(draw(st.sampled_from(wire)))
    for _ in range(draw(st.integers(1, 3))):
        node = envelope.get(draw(st.sampled_from(["envelope", "data", "data", "tenant"])))
        node = node if isinstance(node, dict) else envelope
        key = draw(st.sampled_from([*sorted(node), "extra"]))
        if draw(st.booleans()) and key in node:
            del node[key]
        else:
            node[key] = draw(JSON_VALUES)
    return json.dumps(envelope, ensure_ascii=draw(st.booleans())).encode()


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])  # `wire` is never changed
@given(data=st.data())
def test_a_mutated_record_is_accepted_only_as_it_would_be_alone(
    data: st.DataObject, wire: list[bytes]
) -> None:
    value = data.draw(mutated(wire))
    handles = data.draw(st.sampled_from([None, VISITS]))
    batch = decode_batch([value], handles)
    try:
        alone = one_by_one(value, handles)
    except ValueError:  # pydantic's ValidationError, an unknown event
        assert batch is None
        return
    if batch is not None:  # the batch may refuse more (the caller then decodes alone), never less
        assert_same(batch, [value], handles)
        assert batch[0][0] == alone[0]


@given(st.text(alphabet="0123456789", max_size=14))
def test_the_division_checks_in_rust_accept_exactly_what_the_python_checks_accept(code: str) -> None:
    for check, pattern in _IN_RUST.items():
        try:
            check(code)
            accepted = True
        except ValueError:
            accepted = False
        rust = SchemaValidator(core_schema.str_schema(pattern=pattern))
        assert rust.isinstance_python(code) is accepted, (check.__name__, code)


@pytest.mark.parametrize("spelled", ["full-width", "spaced", "line break"])
def test_a_code_the_python_rules_would_normalise_falls_back_to_the_record_by_record_path(
    spelled: str, wire: list[bytes]
) -> None:
    visit = json.loads(next(v for v in wire if json.loads(v)["event_type"] == "VisitLogged"))
    code = visit["data"]["village_code"]
    visit["data"]["village_code"] = {
        "full-width": code.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"}),
        "spaced": f" {code} ",
        "line break": f"{code}\n",
    }[spelled]
    value = json.dumps(visit, ensure_ascii=False).encode()
    assert decode_batch([value], VISITS) is None  # the Rust pattern refuses what Python would rewrite
    _, event = one_by_one(value, VISITS)
    assert event is not None and event.village_code == code  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("field", "spelled"),
    [
        ("recorded_at", "2025-03-05T01:00:00Z"),
        ("occurred_at", "2025-03-04T20:00:00-05:00"),
        ("started_at", "2025-03-05T01:00:00+00:00"),
    ],
)
def test_an_instant_stored_with_another_offset_falls_back_and_is_read_as_cst(
    field: str, spelled: str, wire: list[bytes]
) -> None:
    """Stores hold +08:00 instants only; the batch path checks that in Rust (`_CST_IN_RUST`). Any
    other offset fails the slice, and the record-by-record path converts it, as before."""
    visit = json.loads(next(v for v in wire if json.loads(v)["event_type"] == "VisitLogged"))
    if field == "started_at":  # keep the visit's own cross-field rules: move its three instants together
        for name in ("occurred_at", "started_at"):
            visit["data"][name] = spelled
        visit["data"]["ended_at"] = "2025-03-05T02:30:00+00:00"
        visit["data"]["hours"] = 1.5
    else:
        visit[field] = spelled
    value = json.dumps(visit, ensure_ascii=False).encode()
    assert decode_batch([value], VISITS) is None
    envelope, event = one_by_one(value, VISITS)
    moment = getattr(event, field) if field == "started_at" else getattr(envelope, field)
    assert moment.utcoffset() == timedelta(hours=8) and moment.isoformat().endswith("+08:00")


@pytest.mark.parametrize("field", ["recorded_at", "occurred_at", "started_at"])
@pytest.mark.parametrize("spelled", ["0001-01-01T00:00:00+08:00", "0001-01-01T07:59:59.999999+08:00"])
def test_an_instant_before_the_first_convertible_one_is_poison_on_both_paths(
    field: str, spelled: str, wire: list[bytes]
) -> None:
    """+08:00 already, but `astimezone` goes through UTC (year 0 there), so one record alone is
    refused (时间超出可表示的范围); the batch must not accept it (it once did: poison let through)."""
    visit = json.loads(next(v for v in wire if json.loads(v)["event_type"] == "VisitLogged"))
    if field == "started_at":
        visit["data"].update(occurred_at=spelled, started_at=spelled, ended_at="0001-01-01T09:00:00+08:00")
    else:
        visit[field] = spelled
    value = json.dumps(visit, ensure_ascii=False).encode()
    with pytest.raises(ValueError, match="时间超出可表示的范围"):
        one_by_one(value, VISITS)
    assert decode_batch([value], VISITS) is None
    assert decode_batch([*wire, value]) is None
