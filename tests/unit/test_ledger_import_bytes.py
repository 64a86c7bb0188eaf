"""The backfill import's one-pass chain bodies (`import_bytes`) are the general path's bytes
(`plain_json` + `appended_bytes`, the bytes the record-by-record path hashes from the stored row),
or None where only the general path decides: on the ledger's own events and on arbitrary JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import uuid4

from eventkit.store import Appended, Metadata
from hypothesis import given
from hypothesis import strategies as st
from ledger.application.volume_chain import _data_text, _ready, appended_bytes, import_bytes, plain_json
from pydantic_core import to_json
from support.events import TENANT, visit
from support.json_values import json_values
from vc_contracts import CST, Event
from vc_contracts.chain import jcs_ready_text

WHEN = datetime(2025, 3, 5, 9, 30, 12, 345678, tzinfo=CST)
META = Metadata(actor="导入-staff", correlation_id=uuid4())
JSON = json_values()


def _appended(
    data_json: str, event: Event | None = None, *, stream: str = "entry-x", actor: str = META.actor,
    occurred_at: datetime = WHEN, recorded_at: datetime = WHEN + timedelta(seconds=1),
) -> Appended:  # fmt: skip
    meta = json.dumps({"actor": actor, "correlation_id": str(META.correlation_id), "causation_id": None})
    return Appended(
        7, recorded_at, uuid4(), stream, 1, "VisitLogged", 1, TENANT.model_dump_json(),
        TENANT.county, occurred_at, data_json, meta, event or visit(), TENANT, META,
    )  # fmt: skip


def _general(a: Appended) -> bytes | None:
    data, plain = plain_json(a.data_json)
    return appended_bytes(a, data, {}) if plain else None


def test_the_ledgers_events_take_the_one_pass_path_with_the_same_bytes() -> None:
    for i in range(20):
        event = visit(i)
        a = _appended(event.model_dump_json(), event=event)
        body = import_bytes(a, {})
        assert body is not None
        assert body == _general(a)


@given(
    moment=st.datetimes(
        min_value=datetime(1, 1, 2),  # noqa: DTZ001 (naive bounds of an aware strategy)
        max_value=datetime(9999, 12, 30),  # noqa: DTZ001
        timezones=st.sampled_from([CST, UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=8))]),
    ),
    recorded=st.datetimes(timezones=st.sampled_from([UTC, CST])),
)
def test_the_occurred_at_read_off_the_data_is_the_envelopes_text(
    moment: datetime, recorded: datetime
) -> None:
    """The envelope's occurred_at is taken from the data's JSON when it is the event's own datetime
    written +08:00 (any fraction of a second, any year); the bytes are the general path's."""
    event = visit().model_copy(update={"occurred_at": moment, "started_at": moment})
    for occurred_at in (
        event.occurred_at,
        moment.replace(tzinfo=moment.tzinfo),
    ):  # the same one; an equal one
        a = _appended(event.model_dump_json(), event, occurred_at=occurred_at, recorded_at=recorded)
        body = import_bytes(a, {})
        assert body is not None and body == _general(a)
        assert json.loads(body)["occurred_at"] == occurred_at.astimezone(CST).isoformat()


@given(
    data=st.dictionaries(st.text(max_size=6), JSON, max_size=5),
    writer=st.sampled_from(["pydantic", "utf-8", "ascii"]),
    stream=st.text(max_size=8),
    actor=st.text(max_size=8),
)
def test_arbitrary_json_gives_the_general_paths_bytes_or_none(
    data: dict[str, Any], writer: str, stream: str, actor: str
) -> None:
    ascii_only = writer == "ascii"  # json.dumps's default: a character beyond U+FFFF as \\ud83d\\ude00
    text = to_json(data).decode() if writer == "pydantic" else json.dumps(data, ensure_ascii=ascii_only)
    a = _appended(text, stream=stream, actor=actor)
    body = import_bytes(a, {})
    if body is not None:
        assert body == _general(a)


# given data JSON | why the one pass leaves it to the general path
REFUSED = [
    ('{"x":1e+20}', "an exponent: jsonb writes it back otherwise"),
    ('{"x":-0.0}', "a negative zero: jsonb has none"),
    ('{"x":9007199254740993}', "an int beyond 2^53: only the rfc8785 package decides"),
    ('{"x":0.0000001}', "a float repr writes with an exponent (1e-07)"),
    ('{"\U0001f600":1,"\ue000":2}', "a key beyond U+FFFF sorts otherwise in RFC 8785"),
    ('{"x":"\\ud800"}', "a lone surrogate cannot be UTF-8"),
    ('{"\\ud83d\\ude00":1,"\\ue000":2}', "the same key escaped, as json.dumps writes it (ensure_ascii)"),
]


def test_what_the_one_pass_leaves_to_the_general_path() -> None:
    for text, why in REFUSED:
        assert import_bytes(_appended(text), {}) is None, why
    plain = _appended('{"hours":3.0,"n":[1,2.5],"s":"1e5 -0.0"}')
    assert import_bytes(plain, {}) == _general(plain)


@given(data=JSON)
def test_pydantic_written_json_gives_the_json_modules_rfc8785_text(data: Any) -> None:
    """The data text pydantic-core wrote (the import's own: `model_dump_json`) is parsed and
    written by pydantic-core: the same RFC 8785 text as the json module's parse and sorted dump,
    or refused where that refuses."""
    text = to_json(data).decode()
    try:
        expected: str | None = jcs_ready_text(_ready(text))
    except ValueError:
        expected = None
    try:
        got: str | None = _data_text(text)[0]
    except ValueError:
        got = None
    assert got == expected


# data JSON | its RFC 8785 text (None: refused, the general path decides)
DATA_TEXTS = [
    ('{"b":1,"a":"x"}', '{"a":"x","b":1}'),  # pydantic's writing: keys sorted
    ('{"hours":3.0,"x":[2.5,{"d":null,"c":true}]}', '{"hours":3,"x":[2.5,{"c":true,"d":null}]}'),
    ('{"x":0.00001}', None),  # pydantic writes 1e-05 so: repr's exponent, refused
    ('{"x":-0.0}', None),  # a negative zero: jsonb has none
    ('{"x":9007199254740992}', None),  # beyond 2^53 - 1
    ('{"b": 1, "a": 2}', '{"a":2,"b":1}'),  # json.dumps's writing: the json module's path
    ('{"x":1e2}', None),  # an exponent (not pydantic's writing): the json module's path refuses
    ('{"x":"\\ud800"}', None),  # a lone surrogate, escaped: pydantic-core's parser refuses it
]


def test_the_data_texts_of_both_parsers() -> None:
    for text, expected in DATA_TEXTS:
        try:
            got: str | None = _data_text(text)[0]
        except ValueError:
            got = None
        assert got == expected, text
