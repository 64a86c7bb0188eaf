"""Decode a whole batch of wire envelopes (Kafka values) in ONE pydantic-core call.

`decode_batch(values, handles)` gives, for every value, its `Envelope` and its typed event exactly
as `Envelope.model_validate_json(value)` then `.event()` would (upcast to the latest version), or
None for the whole batch when any value fails; the caller then decodes the records one by one,
which isolates the culprit and its error (eventkit's projection runner sends it to the DLQ).

How: one validator over `list[Json[union]]`: each value is parsed as a JSON document of its own (so
two values can never merge into one, nor one split in two), then validated against the member of a
union tagged by `event_type`, then `schema_version`, that is known to the catalogue:
- the latest version of a type the caller reads: the envelope's fields, and `data` read twice, as
  the plain dict the envelope carries and as the typed event, in the same pass;
- an older version: the envelope only; its data goes through `parse_event` (the upcasters) after;
- a type the caller does not read (not in `handles`): the envelope only; its event is None.
An unknown (type, version) matches no member, so the batch fails and the one-by-one path answers.

Stored events are validated with the `STORED` context, under which the write-side text and id
rules return their input unchanged (`text.IDENTITY_WHEN_STORED`): the typed members leave those
validators out (a Python call each, most of the cost of a visit), and pydantic's Python wrapper
around a pattern constraint is replaced by the constraint itself. Checks whose Python form is
exactly a Rust constraint on what a store holds run in Rust (`_IN_RUST`: division codes; instants
in +08:00, see `_CST_IN_RUST`); a stored value they refuse fails the slice and the record-by-record
path answers, so the result is never different, only slower. Every other validator (cross-field
checks) runs as before. A property test checks both paths agree on valid and mutated records
(tests/contracts/test_batch_decoding.py).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic_core import CoreSchema, SchemaValidator, core_schema

from vc_contracts import base, codes, divisions
from vc_contracts.base import Event, parse_event
from vc_contracts.envelope import Envelope
from vc_contracts.text import IDENTITY_WHEN_STORED, STORED

Decoded = tuple[Envelope, Event | None]
"""An envelope and its typed (upcast) event; None for a type the caller does not read."""

_PATTERN_WRAPPER = "_apply_constraint_with_incompatibility_info"
"""pydantic's Python wrapper that applies a `pattern` after a chain of validators; its inner
schema is the same check in Rust (it only turns a type error, impossible after a str, into a
TypeError)."""

_FUNCTIONS = {"function-before", "function-after", "function-wrap"}

_IN_RUST: dict[Any, str] = {
    divisions._check_division: divisions.DIVISION_CODE_PATTERN.replace(r"\d", "[0-9]"),
    divisions._check_county: divisions.COUNTY_CODE_PATTERN.replace(r"\d", "[0-9]"),
}
"""Python checks after `Normalised` (codes._code) whose accepted values, when already normalised
(ASCII digits only, no surrounding space: what a store holds), are exactly their published pattern
read in ASCII: the chain `_code` then the check is replaced by that pattern, checked in Rust. A
value the pattern refuses but the chain would accept (full-width digits, spaces around) fails the
batch, and the record-by-record path answers as before: never a different result, only slower."""


_CST_SECONDS = 8 * 3600

_EARLIEST = datetime(1, 1, 1, tzinfo=UTC)
"""The first instant `_to_cst` can convert: Python's `astimezone` goes through UTC, so
0001-01-01T00:00:00+08:00 (year 0 in UTC) is refused as out of range on the record-by-record
path, and the batch path must refuse it too (`ge`, in Rust) or it would let that poison through."""

_CST_IN_RUST = base._to_cst
"""`ShanghaiDateTime`'s Python step (any aware instant, converted to +08:00). What a store holds was
written through it, so every stored instant is already +08:00: on the batch path the step becomes
pydantic-core's own offset constraint (`tz_constraint=28800`: exactly +08:00, in Rust), which gives
the same instant with the same offset (its tzinfo is pydantic's fixed +08:00, not `base.CST`: equal
instants, the same `utcoffset()` and ISO form). An instant stored with another offset fails the
slice, and the record-by-record path converts it as before; so does one before `_EARLIEST`."""


def stored_schema(schema: Any) -> Any:
    """`schema` (a pydantic core schema) without the validators that are identities on stored data."""
    if isinstance(schema, list):
        return [stored_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if schema.get("type") in _FUNCTIONS:
        function = schema["function"]["function"]
        inner = schema["schema"]
        if (
            schema["type"] == "function-after"
            and function is _CST_IN_RUST
            and inner.get("type") == "datetime"
            and inner.get("tz_constraint") == "aware"
            and not inner.keys() & {"ge", "gt"}
        ):
            return {**inner, "tz_constraint": _CST_SECONDS, "ge": _EARLIEST}
        if (
            schema["type"] == "function-after"
            and function in _IN_RUST
            and inner.get("type") == "function-before"
            and inner["function"]["function"] is codes._code
            and inner["schema"] == {"type": "str"}
        ):
            return core_schema.str_schema(pattern=_IN_RUST[function])
        if function in IDENTITY_WHEN_STORED or (
            getattr(function, "__name__", "") == _PATTERN_WRAPPER and inner.get("type") == "str"
        ):
            return stored_schema(inner)
    return {k: v if k in ("cls", "function", "metadata") else stored_schema(v) for k, v in schema.items()}


_ENVELOPE = Envelope.__pydantic_core_schema__
assert _ENVELOPE["type"] == "model"  # a change of pydantic's schema shape stops us here


_EXTRA = _ENVELOPE["config"]["extra_fields_behavior"]


def _member(version_of: type[Event] | None) -> CoreSchema:
    """An Envelope's fields (a dict, the fields set), its `data` also validated as the event class
    `version_of` (if given) into the field `event`, which `decode_batch` takes out again. The
    envelope's own fields keep their schemas and order (an Envelope's JSON follows that order)."""
    fields = stored_schema(dict(_ENVELOPE["schema"]["fields"]))
    if version_of is not None:
        fields["event"] = core_schema.model_field(
            stored_schema(version_of.__pydantic_core_schema__), validation_alias="data"
        )
    return core_schema.model_fields_schema(fields, model_name="Envelope", extra_behavior=_EXTRA)


def _validator(handles: frozenset[str] | None) -> SchemaValidator:
    """`list[Json[union]]` over every known (type, version) (see the module docstring)."""
    by_type: dict[str, dict[int, CoreSchema]] = {}
    for (event_type, version), cls in base._CATALOGUE.items():
        read = handles is None or event_type in handles
        typed = cls if read and version == base._LATEST[event_type] else None
        by_type.setdefault(event_type, {})[version] = _member(typed)
    choices: dict[Hashable, CoreSchema] = {
        event_type: core_schema.tagged_union_schema(versions, "schema_version")
        for event_type, versions in by_type.items()
    }
    union = core_schema.tagged_union_schema(choices, "event_type")
    return SchemaValidator(core_schema.list_schema(core_schema.json_schema(union)))


_VALIDATORS: dict[frozenset[str] | None, tuple[Any, SchemaValidator]] = {}


def _catalogue_key() -> Any:
    """What the union was built from: events may be registered (and tests unregister them) later.
    The union reads the catalogue's classes and latest versions only (upcasters run after it)."""
    return base._CHANGES[0]


def validator(handles: frozenset[str] | None = None) -> SchemaValidator:
    """The batch validator for `handles` (event types read; None: all), built once per catalogue."""
    key = _catalogue_key()
    cached = _VALIDATORS.get(handles)
    if cached is None or cached[0] != key:
        import vc_contracts.catalogue  # noqa: F401, PLC0415  (registers every event, as parse_event does)

        key = _catalogue_key()
        cached = _VALIDATORS[handles] = (key, _validator(handles))
    return cached[1]


_new = object.__new__
_set = object.__setattr__


def _envelope(fields: dict[str, Any], fields_set: set[str]) -> Envelope:
    """The Envelope of validated fields (in its fields' order), as pydantic builds it."""
    envelope: Envelope = _new(Envelope)
    _set(envelope, "__dict__", fields)
    _set(envelope, "__pydantic_fields_set__", fields_set)
    _set(envelope, "__pydantic_extra__", None)
    _set(envelope, "__pydantic_private__", None)
    return envelope


def decode_batch(
    values: Sequence[bytes | str], handles: frozenset[str] | None = None
) -> list[Decoded] | None:
    """Every value decoded (see the module docstring), or None when any of them fails to (the
    caller then decodes them one by one). Values are bytes or str holding UTF-8 JSON."""
    try:
        members = validator(handles).validate_python(values, context=STORED)
        decoded: list[Decoded] = []
        for fields, _, fields_set in members:
            event: Event | None = fields.pop("event", None)
            if event is not None:  # validated with the envelope: take it out, the envelope is as usual
                fields_set.discard("event")
            envelope = _envelope(fields, fields_set)
            if event is not None:
                pass
            elif handles is None or envelope.event_type in handles:  # an older version: upcast it
                event = parse_event(envelope.event_type, envelope.schema_version, envelope.data)
            else:
                event = None
            decoded.append((envelope, event))
    except ValueError:  # pydantic's ValidationError, an unknown event, an upcaster's refusal
        return None
    return decoded
