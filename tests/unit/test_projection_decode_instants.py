"""A projection runner's decode of a batch (`ProjectionRunner.decode_batch`: slices through
vc_contracts.batch_decoding, record by record where a slice fails) with instants written in every
way a record may hold them: each valid record is decoded exactly as alone (`projection.decode`),
each record alone refuses is dead-lettered with its error, and none is lost or reordered."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, ClassVar
from uuid import uuid4

import pytest
from eventkit.projection import DECODE_SLICE, ProjectionRunner, decode
from eventkit.set_apply import Decoded
from support.events import META, TENANT, visit
from vc_contracts import Envelope
from vc_contracts.catalogue.ledger import VisitLogged

# (envelope field or "visit", instant): the visit's three instants move together (its own rules)
VALID = [
    ("recorded_at", "2025-03-05T01:00:00Z"),
    ("recorded_at", "2025-03-05T09:00:00.123456789+08:00"),
    ("recorded_at", "9999-12-31T23:59:59.999999+08:00"),
    ("occurred_at", "2025-03-04T20:00:00-05:00"),
    ("occurred_at", "0001-01-01T08:00:00+08:00"),
    ("visit", "2025-03-05T01:00:00+00:00"),
]
POISON = [
    ("recorded_at", "2025-03-05T09:00:00"),  # no offset
    ("recorded_at", "2025-03-05T23:59:60+08:00"),  # a leap second
    ("recorded_at", "2025-03-05T24:00:00+08:00"),
    ("recorded_at", "+12025-03-05T09:00:00+08:00"),
    ("occurred_at", "0001-01-01T00:00:00+08:00"),  # year 0 in UTC: no such instant for astimezone
    ("visit", "0001-01-01T07:59:59+08:00"),
]


class Visits:
    name = "visits"
    topics = ("t",)
    tables: ClassVar[tuple[str, ...]] = ()
    handles = (VisitLogged,)


def _record(i: int, field: str | None = None, instant: str = "") -> bytes:
    """A visit's envelope as the relay publishes it, with `field` (or the visit's times) rewritten."""
    event = visit(i)
    envelope: dict[str, Any] = json.loads(
        Envelope(
            event_id=uuid4(), event_type=event.event_type, schema_version=event.schema_version,
            stream_id=f"entry-{i}", stream_version=1, occurred_at=event.occurred_at,
            recorded_at=event.occurred_at, tenant=TENANT, actor=META.actor,
            correlation_id=META.correlation_id, data=event.model_dump(mode="json"),
        ).model_dump_json()
    )  # fmt: skip
    if field == "visit":  # a visit from `instant` to 10:00 the same day, in the same offset
        end = instant[:11] + "10:00:00" + instant[19:]
        hours = round(
            (datetime.fromisoformat(end) - datetime.fromisoformat(instant)).total_seconds() / 3600, 2
        )
        envelope["data"].update(occurred_at=instant, started_at=instant, ended_at=end, hours=hours)
    elif field is not None:
        envelope[field] = instant
    return json.dumps(envelope).encode()


RUNNER = ProjectionRunner(None, "unused", Visits())  # type: ignore[arg-type]  # decoding needs no database


async def _decode(values: list[bytes]) -> tuple[list[Decoded], list[tuple[bytes, str]]]:
    sent: list[tuple[bytes, str]] = []

    async def dead_letter(value: bytes, key: bytes | None, topic: str, error: str) -> None:
        sent.append((value, error))

    decoded, dead = await RUNNER.decode_batch([(v, None, "t") for v in values], dead_letter)
    assert len(dead) == len(sent)
    return decoded, sent


def _same(decoded: list[Decoded], values: list[bytes]) -> None:
    alone = [decode(v, RUNNER.handles) for v in values]
    assert [(d.envelope, d.event) for d in decoded] == [(d.envelope, d.event) for d in alone]
    assert [d.envelope.model_dump_json() for d in decoded] == [d.envelope.model_dump_json() for d in alone]
    assert [d.event.model_dump_json() for d in decoded] == [d.event.model_dump_json() for d in alone]


async def test_valid_instants_of_every_form_decode_as_each_record_alone() -> None:
    values = [_record(i) for i in range(DECODE_SLICE)]
    values[3:3] = [_record(1000 + n, field, instant) for n, (field, instant) in enumerate(VALID)]
    decoded, sent = await _decode(values)
    assert sent == []
    _same(decoded, values)


@pytest.mark.parametrize(("field", "instant"), POISON)
async def test_a_record_whose_instant_alone_is_refused_is_dead_lettered_and_the_rest_applied(
    field: str, instant: str
) -> None:
    values = [_record(i) for i in range(DECODE_SLICE + 5)]
    poison = _record(1000, field, instant)
    with pytest.raises(ValueError):
        decode(poison, RUNNER.handles)
    decoded, sent = await _decode([*values[:5], poison, *values[5:]])
    assert [value for value, _ in sent] == [poison]
    _same(decoded, values)
