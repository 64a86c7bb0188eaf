"""Recording each volume's hash chain at append time, and verifying it against the event store.

Where the evidence lives: the link hashes are written to `volume_links` (bulk writes: runs of
them to `volume_link_runs`; `chain_links` reads both) in the same transaction
as the events, each with the canonical version it was computed with (`vc_contracts.chain`), from
the event rows as PostgreSQL stored them (bulk imports compute them from the values they inserted,
which parse to the same JSON: `appended_bytes`). New links are v2: RFC 8785 of the envelope exactly
as the relay publishes it (`published_envelope` is `json.loads` of `eventkit.store.wire_event`'s
value), so any subscriber can recompute them; links written before v2 stay v1 and verify as v1.
`verify` reads the event rows again (not the entries read model) and recomputes; an event row
altered behind the service's back (trigger disabled, replica role) no longer hashes to its recorded
link.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, cast
from uuid import UUID

import asyncpg
from eventkit.copy_text import text_value
from eventkit.db import Connection
from eventkit.store import Appended, StoredEvent
from pydantic_core import from_json, to_json
from vc_contracts import CST
from vc_contracts.chain import (
    CANONICAL_V1,
    CANONICAL_V2,
    CURRENT_CANONICAL,
    GENESIS,
    canonical_v2,
    jcs_float,
    jcs_int,
    jcs_ready_text,
    link,
)

from ledger.domain.chain import INSERTED, Mismatch, Recorded, Verdict, canonical, verify, volumes_of

RAW_COLUMNS = (
    "e.position, e.event_id, e.event_type, e.schema_version, e.stream_id, e.stream_version, e.county,"
    " e.occurred_at, e.recorded_at, e.tenant::text AS tenant, e.data::text AS data,"
    " e.metadata::text AS metadata"
)

LINK_VERSION = CURRENT_CANONICAL
"""The canonical version appends link with (tests set CANONICAL_V1 to write chains as before v2)."""

VERSIONS = (CANONICAL_V1, CANONICAL_V2)


def _when(value: datetime) -> str:
    return value.astimezone(CST).isoformat()


def _canonical_event(
    position: int, event_id: UUID, event_type: str, schema_version: int, stream_id: str,
    stream_version: int, county: str | None, occurred_at: datetime, recorded_at: datetime,
    tenant: Any, data: Any, metadata: Any,
) -> bytes:  # fmt: skip
    """Canonical form v1: everything the store keeps about the event (only the ledger can compute it)."""
    return canonical(
        {
            "position": position,
            "event_id": str(event_id),
            "event_type": event_type,
            "schema_version": schema_version,
            "stream_id": stream_id,
            "stream_version": stream_version,
            "county": county,
            "occurred_at": _when(occurred_at),
            "recorded_at": _when(recorded_at),
            "tenant": tenant,
            "data": data,
            "metadata": metadata,
        }
    )


def _envelope(
    event_id: UUID, event_type: str, schema_version: int, stream_id: str, stream_version: int,
    occurred_at: datetime, recorded_at: datetime, tenant: Any, data: Any, metadata: dict[str, Any],
) -> dict[str, Any]:  # fmt: skip
    """The published envelope, as `wire_event` writes it (its keys: `vc_contracts.chain.ENVELOPE_KEYS`)."""
    return {
        "event_id": str(event_id),
        "event_type": event_type,
        "schema_version": schema_version,
        "stream_id": stream_id,
        "stream_version": stream_version,
        "occurred_at": _when(occurred_at),
        "recorded_at": _when(recorded_at),
        "actor": metadata["actor"],
        "correlation_id": metadata["correlation_id"],
        "causation_id": metadata.get("causation_id"),
        "tenant": tenant,
        "data": data,
    }


def published_envelope(row: asyncpg.Record) -> dict[str, Any]:
    """A stored event row's envelope as subscribers parse it from the topic (JSON object)."""
    return _envelope(
        row["event_id"], row["event_type"], row["schema_version"], row["stream_id"], row["stream_version"],
        row["occurred_at"], row["recorded_at"], json.loads(row["tenant"]), json.loads(row["data"]),
        json.loads(row["metadata"]),
    )  # fmt: skip


def event_bytes(row: asyncpg.Record, version: int = CURRENT_CANONICAL) -> bytes:
    """The canonical form `version` of a stored event row (RAW_COLUMNS). Raises ValueError for
    a version this ledger does not know."""
    if version == CANONICAL_V2:
        return canonical_v2(published_envelope(row))
    if version == CANONICAL_V1:
        return _canonical_event(
            row["position"], row["event_id"], row["event_type"], row["schema_version"], row["stream_id"],
            row["stream_version"], row["county"], row["occurred_at"], row["recorded_at"],
            json.loads(row["tenant"]), json.loads(row["data"]), json.loads(row["metadata"]),
        )  # fmt: skip
    raise ValueError(f"unknown canonical version {version}")


class _NotPlain(ValueError):
    """A number jsonb would give back in another form."""


def _number(token: str) -> float:
    value = float(token)
    if "e" in token or "E" in token or (value == 0 and token.startswith("-")):
        raise _NotPlain(token)
    return value


def _constant(token: str) -> float:  # NaN, Infinity (jsonb refuses them anyway)
    raise _NotPlain(token)


_PLAIN = json.JSONDecoder(parse_float=_number, parse_constant=_constant)


def plain_json(text: str) -> tuple[Any, bool]:
    """json.loads(text), and whether jsonb gives every number back in the same form. It keeps
    numbers as `numeric`: 1e+20 reads back as 100000000000000000000 (an int, no longer a float),
    -0.0 as 0.0; every other token reads back as written. (The parser hands over each float's
    token: no scan of the text, whose ids are full of digits and e's.)"""
    try:
        return _PLAIN.decode(text), True
    except _NotPlain:
        return json.loads(text), False


def appended_bytes(a: Appended, data: Any, parsed: dict[str, Any]) -> bytes | None:
    """`event_bytes` (v2) of the row `a` inserted, from the values sent instead of
    reading the row back: json.loads of the text sent equals json.loads of jsonb's text of it when
    `plain_json` says so (else None). `data` is `plain_json(a.data_json)`'s value, and plain;
    `parsed` caches the tenants' and metadata's parsed JSON (None: not plain)."""
    for text in (a.tenant_json, a.metadata_json):  # one tenant per village, one metadata per upload
        if text not in parsed:
            value, plain = plain_json(text)
            parsed[text] = value if plain else None
    tenant, metadata = parsed[a.tenant_json], parsed[a.metadata_json]
    if tenant is None or metadata is None:
        return None
    return canonical_v2(_envelope(
        a.event_id, a.event_type, a.schema_version, a.stream_id, a.stream_version, a.occurred_at,
        a.recorded_at, tenant, data, metadata,
    ))  # fmt: skip


def _ready_float(token: str) -> float | int:
    return jcs_float(_number(token))


def _ready_int(token: str) -> int:
    return jcs_int(int(token))


_READY = json.JSONDecoder(parse_float=_ready_float, parse_int=_ready_int, parse_constant=_constant)
_ESCAPED_HIGH = re.compile(r"\\u[dD][89abAB]")


def _ready(text: str) -> Any:
    """`text` parsed into values `canonical_v2_ready` takes, refusing (ValueError) what jsonb would
    give back in another form (as `plain_json`) and what only the rfc8785 package writes: a
    character beyond U+FFFF, as itself or escaped (a high surrogate's `\\udXXX`, as json.dumps with
    ensure_ascii writes one), sorts otherwise in a key in RFC 8785 (UTF-16 units). Such a character
    is two UTF-16 units (a lone surrogate, which UTF-8 cannot carry either, makes the encoder raise
    UnicodeEncodeError): a 1 µs test of the length instead of a 9 µs regex scan of a row's data."""
    if len(text.encode("utf-16-le")) != 2 * len(text) or ("\\u" in text and _ESCAPED_HIGH.search(text)):
        raise _NotPlain("a character beyond U+FFFF")
    return _READY.decode(text)


_CST_TEXT = re.compile(r"\d\d\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.(?!000000)\d{6})?\+08:00", re.ASCII)
"""`datetime.isoformat()` of a +08:00 time: pydantic's JSON of a datetime whose offset is +08:00
is the same text (its fraction in 6 digits when not zero, none when zero)."""


class BodyParts(NamedTuple):
    """What `import_text` needs of an appended event: plain values, cheap to send to a worker
    process (`eventkit.workers`), unlike the `Appended` with its event and tenant models."""

    event_id: str
    event_type: str
    schema_version: int
    stream_id: str
    stream_version: int
    occurred_at: datetime
    occurred_is_data: bool  # the event's own occurred_at was appended: its data holds the same time
    recorded_at: str  # as the envelope writes it (+08:00)
    tenant_json: str
    data_json: str
    metadata_json: str


def body_parts(a: Appended) -> BodyParts:
    """`a`'s `BodyParts` (`row_parts` of the row it inserted)."""
    row = (a.event_id, a.stream_id, a.stream_version, a.event_type, a.schema_version, a.tenant_json, a.county,
           a.occurred_at, a.data_json, a.metadata_json, a.event)  # fmt: skip
    return row_parts(row, envelope_time(a.recorded_at))


def row_parts(row: tuple[Any, ...], recorded_at: str) -> BodyParts:
    """The `BodyParts` of a `bulk_rows` row (its event and values as `EventStore.bulk_rows` builds
    them) to be recorded at `recorded_at` (`envelope_time` of `EventStore.take_order`'s clock)."""
    occurred_at, event = row[7], row[10]
    return BodyParts(
        str(row[0]), row[3], row[4], row[1], row[2], occurred_at,
        occurred_at is getattr(event, "occurred_at", None), recorded_at, row[5], row[8], row[9],
    )  # fmt: skip


def envelope_time(value: datetime) -> str:
    """`value` as the published envelope writes it (+08:00)."""
    return value.isoformat() if value.tzinfo is CST else _when(value)


def _occurred(a: BodyParts, data: Any) -> str:
    """`_when(a.occurred_at)`, read off the data's `occurred_at` when that is the JSON of the very
    same datetime (the event's, which the import appends as its occurred_at) written +08:00."""
    if a.occurred_is_data and type(data) is dict:
        text = data.get("occurred_at")
        if type(text) is str and _CST_TEXT.fullmatch(text):
            return text
    return _when(a.occurred_at)


def import_bytes(a: Appended, parts: dict[str, str | None]) -> bytes | None:
    """`import_text` of `a`."""
    return import_text(body_parts(a), parts)


_KEPT_PARTS = 4096
_PARTS: dict[str, str | None] = {}
"""A worker process's `parts` cache across calls (metadata and tenants' texts), bounded."""


def import_bodies(rows: list[BodyParts]) -> list[bytes | None]:
    """`import_text` of each row, in order (None: refused): what a bulk import's worker process
    (`eventkit.workers`) computes while the service writes the chunk's entries."""
    if len(_PARTS) > _KEPT_PARTS:
        _PARTS.clear()
    return [import_text(row, _PARTS) for row in rows]


class Chained(NamedTuple):
    """What `link_bodies` answers for a chunk: its link rows and each volume's new head; or,
    when some body was refused (`bodies` not None), no links and every body (the service links
    that chunk itself, reading the refused ones back as stored)."""

    links: list[tuple[Any, ...]]
    heads: dict[str, tuple[int, str]]
    counties: dict[str, str | None]  # each moved volume's county (its entries')
    bodies: list[bytes | None] | None = None
    text: LinksCopy | None = None  # the links' `links_copy` (None: not built)


def link_bodies(
    bodies: list[bytes | None],
    rows: list[BodyParts],
    places: list[tuple[str, tuple[str, ...], str | None]],
    heads: dict[str, tuple[int, str]],
) -> Chained:
    """The chain links of a bulk import's chunk from its rows' canonical `bodies` (`import_bodies`,
    computed ahead in the worker process, `eventkit.workers`: they need no head): each row's link
    into each of its volumes (`places`: the row's entry id, volumes and county, in position order),
    from `heads` (the volumes' (length, head) as read under lock; a volume not in it starts at
    GENESIS). The link rows are `VolumeHeads.links`' (the event id as text: asyncpg writes a uuid
    from it); the same hashing, a SHA-256 a link (~1 µs). A refused body (None): no links, and
    `bodies` answered for the service's general path."""
    if any(body is None for body in bodies):
        return Chained([], {}, {}, bodies)
    moved: dict[str, tuple[int, str]] = {}
    counties: dict[str, str | None] = {}
    links: list[tuple[Any, ...]] = []
    for row, (entry_id, volumes, county), body in zip(rows, places, bodies, strict=True):
        for volume in volumes:
            length, head = moved.get(volume) or heads.get(volume) or (0, GENESIS)
            head = link(head, cast(bytes, body))
            moved[volume] = (length + 1, head)
            counties[volume] = county
            links.append((volume, length + 1, row.event_id, entry_id, row.event_type, head, CANONICAL_V2))
    return Chained(links, moved, counties, text=links_copy(links) if len(links) >= COPY_LINKS else None)


def import_text(a: BodyParts, parts: dict[str, str | None]) -> bytes | None:
    """`appended_bytes` in one pass: the data JSON sent is parsed once, straight into values the C
    encoder writes as RFC 8785, and the envelope's text is put together in its keys' sorted order
    from that and parts written once per upload (the metadata) and per village (the tenant), with
    no second walk over its values. None when that parse refuses (an exponent, a negative zero, an
    int beyond 2^53, a character beyond U+FFFF, a lone surrogate): `plain_json` and
    `appended_bytes` then decide, as before. `parts` caches the metadata's and tenants' texts
    (None: refused). A unit test compares the bytes with `appended_bytes` on arbitrary JSON."""
    head, tenant = _part(parts, a.metadata_json, _head), _part(parts, a.tenant_json, jcs_ready_text)
    if head is None or tenant is None:
        return None
    try:
        data_text, data = _data_text(a.data_json)
        text = (
            f'{head}{data_text},"event_id":"{a.event_id}",'
            f'"event_type":{_string(a.event_type)},"occurred_at":"{_occurred(a, data)}",'
            f'"recorded_at":"{a.recorded_at}",'
            f'"schema_version":{jcs_int(a.schema_version)},'
            f'"stream_id":{_string(a.stream_id)},"stream_version":{jcs_int(a.stream_version)},'
            f'"tenant":{tenant}}}'
        )
        return text.encode("utf-8")
    except ValueError:  # UnicodeEncodeError is one
        return None


def _data_text(text: str) -> tuple[str, Any]:
    """The RFC 8785 text of the data JSON `text`, and its parsed value; ValueError where `_ready`
    refuses. Text pydantic-core wrote (`bulk_rows`: the event's `model_dump_json`; `to_json` of
    the parsed value gives the very same bytes back) is parsed and written by pydantic-core (7.4
    µs a row where the json module's parse with hooks and sorted dump take 8.4): its tokens are then
    known without the hooks (a float has an exponent only where `repr` writes one, which
    `jcs_float` refuses: pydantic-core writes 1e-05 as 0.00001, 1e16 as 1e+16), and with the
    keys of every object sorted (`_jcs_sorted`) and the floats made RFC 8785's, its output is
    RFC 8785's (the same escapes, shortest round-trip digits). Any other text: `_ready` and the
    C encoder, as before."""
    if len(text.encode("utf-16-le")) != 2 * len(text):  # as `_ready`: beyond U+FFFF, lone surrogates
        raise _NotPlain("a character beyond U+FFFF")
    try:
        data = from_json(text)
        written = to_json(data) == text.encode()
    except ValueError:  # e.g. an escaped lone surrogate, which json.loads takes (and `_ready` refuses)
        written = False
    if written:
        return to_json(_jcs_sorted(data)).decode(), data
    data = _ready(text)
    return jcs_ready_text(data), data


_SORTED: dict[tuple[str, ...], tuple[str, ...]] = {}
"""An object's keys in the order it was parsed -> sorted: one sort per event type's field order."""
_SORTED_KEPT = 256
_INT_LIMIT = 2**53 - 1


def _jcs_sorted(value: Any) -> Any:
    """`value` (parsed JSON) ready for RFC 8785 text by pydantic-core's `to_json`: each object's
    keys in sorted order (code points: UTF-16 units' order without characters beyond U+FFFF,
    which `_data_text` refused), each integral float an int, each int within ±(2^53 − 1). Raises
    _NotPlain (a ValueError) for a negative zero (jsonb has none) and a float `repr` writes with an
    exponent, as `_ready` does."""
    kind = type(value)
    if kind is str or value is None or kind is bool:
        return value
    if kind is dict:
        keys = tuple(value)
        order = _SORTED.get(keys)
        if order is None:
            order = tuple(sorted(keys))
            if len(_SORTED) < _SORTED_KEPT:  # bounded: nested objects of arbitrary keys
                _SORTED[keys] = order
        out = {}
        for key in order:  # mostly text: no call for it
            item = value[key]
            out[key] = item if type(item) is str else _jcs_sorted(item)
        return out
    if kind is int:
        if -_INT_LIMIT <= value <= _INT_LIMIT:
            return value
        raise _NotPlain(value)
    if kind is float:
        if value == 0 and math.copysign(1.0, value) < 0:
            raise _NotPlain(value)
        return jcs_float(value)
    if kind is list:
        return [_jcs_sorted(item) for item in value]
    raise _NotPlain(kind.__name__)


_string: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]  # the C one


def _head(metadata: Any) -> str:
    """The envelope's text before its data: the keys that sort before "data", from the metadata."""
    return (
        f'{{"actor":{jcs_ready_text(metadata["actor"])},'
        f'"causation_id":{jcs_ready_text(metadata.get("causation_id"))},'
        f'"correlation_id":{jcs_ready_text(metadata["correlation_id"])},"data":'
    )


def _part(parts: dict[str, str | None], text: str, write: Callable[[Any], str]) -> str | None:
    if text not in parts:
        try:
            parts[text] = write(_ready(text))
        except (ValueError, KeyError, TypeError):
            parts[text] = None
    return parts[text]


class ToLink(NamedTuple):
    """An appended event to link into its entry's volumes: `body` is its canonical form `version`.
    (A named tuple: made for every imported event, 0.4 µs where a frozen dataclass takes 1.2.)"""

    event_id: UUID
    event_type: str
    entry_id: str
    body: bytes
    volumes: tuple[str, ...]
    county: str | None  # the entry's county, kept with its volumes' heads
    version: int = CANONICAL_V2  # the imports' bodies: `appended_bytes` and `stored_bodies` are v2


COPY_LINKS = 200
"""Links from which `VolumeHeads.link` writes with COPY (text, `links_copy`: runs): for an import's
2,000 links a chunk, a third of the PostgreSQL time of the one-statement JSON insert, and no JSON
encoded; below, the insert of a row a link (COPY's column types are looked up first: one more
round trip)."""
_LINK_COLUMNS = ("volume_id", "seq", "event_id", "entry_id", "event_type", "hash", "canonical_version")
_RUN_COLUMNS = (
    "volume_id", "first_seq", "links", "event_ids", "entry_ids", "event_types", "hashes", "canonical_version"
)  # fmt: skip


@dataclass
class VolumeHeads:
    """The heads of the volumes a write links into, read under lock inside the append's transaction
    (the ordering lock is held since the transaction's first insert, and `FOR UPDATE`), moved on in
    memory by `link` and written back by `save`: a bulk write reads each head once, when a batch
    first reaches its volume, and writes it once at the end."""

    heads: dict[str, tuple[int, str]] = field(default_factory=dict)
    read: set[str] = field(default_factory=set)  # volumes read (some have no head yet)
    moved: dict[str, str | None] = field(default_factory=dict)  # volume -> its county

    async def lock(self, conn: Connection, schema: str, volumes: Iterable[str]) -> None:
        """Read and lock the heads of `volumes` not read yet."""
        new = list(set(volumes) - self.read)
        if not new:
            return
        rows = await conn.fetch(
            f"SELECT volume_id, length, head FROM {schema}.volume_heads WHERE volume_id = ANY($1::text[])"
            " FOR UPDATE",
            new,
        )
        self.heads |= {r["volume_id"]: (r["length"], r["head"]) for r in rows}
        self.read |= set(new)

    async def link(self, conn: Connection, schema: str, events: Iterable[ToLink]) -> None:
        """Insert the links of `events` (in position order, their volumes locked) in one statement."""
        await write_links(conn, schema, self.links(events))

    def links(self, events: Iterable[ToLink]) -> list[tuple[Any, ...]]:
        """The link rows of `events` (in position order, their volumes locked), the heads moved on:
        pure hashing, for `write_links`."""
        links: list[tuple[Any, ...]] = []
        for e in events:
            for volume in e.volumes:
                length, head = self.heads.get(volume, (0, GENESIS))
                head = link(head, e.body)
                self.heads[volume] = (length + 1, head)
                self.moved[volume] = e.county
                links.append((volume, length + 1, e.event_id, e.entry_id, e.event_type, head, e.version))
        return links

    def chained(self, chained: Chained) -> None:
        """Move the heads on as `link_bodies` did for a chunk."""
        self.heads |= chained.heads
        self.moved |= chained.counties

    async def save(self, conn: Connection, schema: str) -> None:
        """Write the heads `link` moved (one statement)."""
        if not self.moved:
            return
        moved = [(v, county, *self.heads[v]) for v, county in self.moved.items()]
        await conn.execute(
            f"""INSERT INTO {schema}.volume_heads (volume_id, kind, owner, year, county, length, head)
                SELECT u.v, split_part(u.v, ':', 1), split_part(u.v, ':', 2), split_part(u.v, ':', 3)::int,
                       u.county, u.length, u.head
                FROM unnest($1::text[], $2::text[], $3::int[], $4::text[]) AS u(v, county, length, head)
                ON CONFLICT (volume_id) DO UPDATE SET length = excluded.length, head = excluded.head,
                    updated_at = clock_timestamp()""",
            *[list(column) for column in zip(*moved, strict=True)],
        )
        self.moved = {}


def links_text(links: Iterable[tuple[Any, ...]]) -> bytes:
    """`VolumeHeads.links` rows in PostgreSQL's COPY text format (`eventkit.copy_text`), as
    `write_links` sends them. Pure: a bulk import builds it in a thread (`link_bodies`), so the event
    loop only sends it; asyncpg's record encoder would run on the loop, with an abstract-class check
    a value (issue 12's profile: ~0.1 s of a 50,000-row import's 100,000 links)."""
    links = list(links)
    # Nearly always no value holds a character COPY escapes (a volume and entry id, an event type,
    # a hex hash): the lines joined as they are hold exactly six tabs and one newline each, and no
    # backslash or carriage return. Counted once in C instead of four escapes a link.
    plain = "".join([f"{v}\t{s}\t{e}\t{n}\t{t}\t{h}\t{c}\n" for v, s, e, n, t, h, c in links])
    if (
        plain.count("\n") == len(links) and plain.count("\t") == 6 * len(links)
        and "\\" not in plain and "\r" not in plain
    ):  # fmt: skip
        return plain.encode()
    tv = text_value
    return "".join([
        f"{tv(volume)}\t{seq}\t{event_id}\t{tv(entry_id)}\t{tv(event_type)}\t{tv(head)}\t{version}\n"
        for volume, seq, event_id, entry_id, event_type, head, version in links
    ]).encode()  # fmt: skip


class LinksCopy(NamedTuple):
    """Links as COPY text (`links_copy`): runs (`runs_text`, into `volume_link_runs`) and, for the
    runs that cannot hold their links, one line a link (`links_text`, into `volume_links`); b"":
    none of that kind."""

    runs: bytes
    rows: bytes


def runs_text(links: Iterable[tuple[Any, ...]]) -> tuple[bytes, list[tuple[Any, ...]]]:
    """`VolumeHeads.links` rows (in the order they were linked) as `volume_link_runs` lines in
    COPY text: one line per volume and run of links whose seqs follow on in one canonical version,
    each of its columns the run's values, one per line; and the links of the runs that cannot be
    one (run by run), which go one row each: a run where an entry id or event type holds a
    line break (it could not tell its values apart), or is empty in a run of one link
    (`string_to_array` of '' is no value, not one empty one). Only that volume's run is left out:
    the chunk's other volumes stay runs. Pure: built in the import's worker process
    (`chain_worker`)."""
    runs: list[list[tuple[Any, ...]]] = []
    last: dict[str, list[tuple[Any, ...]]] = {}
    for item in links:
        run = last.get(item[0])
        if run is None or run[-1][1] + 1 != item[1] or run[-1][6] != item[6]:
            run = last[item[0]] = []
            runs.append(run)
        run.append(item)
    tv, lines, left = text_value, [], []
    for run in runs:
        volume, first, *_, version = run[0]
        count = len(run) - 1
        entries = "\n".join([item[3] for item in run])
        types = "\n".join([item[4] for item in run])
        if entries.count("\n") != count or types.count("\n") != count or not entries or not types:
            left.extend(run)
            continue
        ids = "\\n".join([str(item[2]) for item in run])  # uuids and hex hashes: nothing to escape
        hashes = "\\n".join([item[5] for item in run])
        lines.append(
            f"{tv(volume)}\t{first}\t{count + 1}\t{ids}\t{tv(entries)}\t{tv(types)}\t{hashes}\t{version}\n"
        )
    return "".join(lines).encode(), left


def links_copy(links: list[tuple[Any, ...]]) -> LinksCopy:
    """`links` as the COPY text `write_links` sends: runs, and a line a link for those no run holds."""
    runs, left = runs_text(links)
    return LinksCopy(runs, links_text(left) if left else b"")


async def copy_links(conn: Connection, schema: str, copy: LinksCopy) -> None:
    """Insert links given as `links_copy` (COPY: of the runs, of the rows, or both)."""
    for table, columns, text in (
        ("volume_link_runs", _RUN_COLUMNS, copy.runs), ("volume_links", _LINK_COLUMNS, copy.rows)
    ):  # fmt: skip
        if text:
            await conn.copy_to_table(
                table, schema_name=schema, columns=columns, format="text",
                # a buffer is a documented source (not bytes: asyncpg would take it for a path)
                source=cast(Any, memoryview(text)),
            )  # fmt: skip


async def write_links(
    conn: Connection, schema: str, links: list[tuple[Any, ...]], copy: LinksCopy | None = None
) -> None:
    """Insert `VolumeHeads.links` rows in one statement (COPY of runs from COPY_LINKS rows).
    `copy`: their `links_copy`, built beforehand (`links` may then be left out: a chunk the
    worker linked)."""
    if copy is not None:
        await copy_links(conn, schema, copy)
        return
    if not links:
        return
    if len(links) >= COPY_LINKS:  # a bulk import's chunk: PostgreSQL's cheapest way in
        await copy_links(conn, schema, links_copy(links))
        return
    await conn.execute(  # one statement per batch, its rows one JSON document (pydantic-core's)
        f"INSERT INTO {schema}.volume_links"
        " (volume_id, seq, event_id, entry_id, event_type, hash, canonical_version)"
        " SELECT r->>0, (r->>1)::int, (r->>2)::uuid, r->>3, r->>4, r->>5, (r->>6)::smallint"
        " FROM jsonb_array_elements($1::jsonb) r",
        to_json(links).decode(),
    )


async def stored_bodies(conn: Connection, schema: str, event_ids: list[UUID]) -> dict[UUID, bytes]:
    """`event_bytes` (v2) of the stored rows of `event_ids` (read back inside the append's
    transaction)."""
    rows = await conn.fetch(
        f"SELECT {RAW_COLUMNS} FROM {schema}.events e WHERE e.event_id = ANY($1::uuid[])", event_ids
    )
    return {r["event_id"]: event_bytes(r, CANONICAL_V2) for r in rows}


async def record_links(conn: Connection, schema: str, stored: Iterable[StoredEvent]) -> None:
    """Link every event into its entry's village and unit volumes (call inside the append's transaction)."""
    events = sorted(stored, key=lambda s: s.position)
    rows = await conn.fetch(  # the rows as stored, and the volumes of their entries, in one round trip
        f"SELECT {RAW_COLUMNS}, n.entry_id, n.village_code, n.unit_id, n.year, n.county AS entry_county"
        f" FROM {schema}.events e JOIN {schema}.entries n ON n.stream_id = e.stream_id"
        " WHERE e.event_id = ANY($1::uuid[])",
        [s.envelope.event_id for s in events],
    )
    version = LINK_VERSION
    body = {r["event_id"]: event_bytes(r, version) for r in rows}
    owners = {
        r["entry_id"]: (volumes_of(r["village_code"], r["unit_id"], r["year"]), r["entry_county"])
        for r in rows
    }
    heads = VolumeHeads()
    await heads.lock(conn, schema, (v for vs, _ in owners.values() for v in vs))
    to_link = []
    for s in events:
        entry_id = s.envelope.data["entry_id"]
        volumes, county = owners[entry_id]
        to_link.append(ToLink(s.envelope.event_id, s.envelope.event_type, entry_id, body[s.envelope.event_id],
                              volumes, county, version))  # fmt: skip
    await heads.link(conn, schema, to_link)
    await heads.save(conn, schema)


async def _chain_rows(conn: Connection, schema: str, volume: str) -> list[asyncpg.Record]:
    """`volume`'s links in seq order, each with its event row as stored now (NULL columns: gone)."""
    return await conn.fetch(
        f"""SELECT l.seq, l.entry_id, l.event_id AS linked_id, l.event_type AS linked_type,
                   l.hash, l.canonical_version, {RAW_COLUMNS}, e.data->>'entry_id' AS data_entry_id
            FROM {schema}.chain_links l LEFT JOIN {schema}.events e ON e.event_id = l.event_id
            WHERE l.volume_id = $1 ORDER BY l.seq""",
        volume,
    )


def linked_body(row: asyncpg.Record) -> bytes | None:
    """The linked event's canonical form in its link's version (a row with `RAW_COLUMNS` and the
    link's `canonical_version`). None where it cannot be computed: the event is gone, the link
    claims a version this ledger does not know, or the event was altered into a shape no canonical
    form takes (metadata with no actor or no object, a number RFC 8785 cannot write): all behind
    the service's back. `_fault` names such a link for verify and the exports; the seal stops
    before it."""
    if row["event_id"] is None or row["canonical_version"] not in VERSIONS:
        return None
    try:
        return event_bytes(row, row["canonical_version"])
    except (KeyError, TypeError, ValueError, RecursionError):
        return None


async def first_stray(
    conn: Connection, schema: str, volume: str, linked: Collection[UUID] | None = None
) -> asyncpg.Record | None:
    """The first event (entry_id, event_id, event_type), by position, of an entry of `volume`
    ("village:<code>:<year>" or "unit:<id>:<year>") that has no link in the volume's chain: an
    event inserted behind the service's back. None: every one is linked. `linked`: the event ids
    the volume's links name, when the caller has read them (None: read here, by the primary key).

    The volume's events are read by its entries' index and their streams, and compared with the
    links here: left to itself, the planner of an anti-join in SQL walked the whole ledger's events
    by position hoping to meet an unlinked one early (0.4–0.9 s a volume at 50,000 events, growing
    with the ledger), or wanted an index on the links' event ids that every append paid for."""
    kind, owner, year = volume.split(":")
    if linked is None:
        linked = {
            r["event_id"]
            for r in await conn.fetch(
                f"SELECT event_id FROM {schema}.chain_links WHERE volume_id = $1", volume
            )
        }
    mine = await conn.fetch(
        f"""WITH mine AS MATERIALIZED (
                SELECT n.entry_id, e.event_id, e.event_type, e.position FROM {schema}.entries n
                JOIN {schema}.events e ON e.stream_id = n.stream_id
                WHERE n.{"village_code" if kind == "village" else "unit_id"} = $1 AND n.year = $2)
            SELECT entry_id, event_id, event_type FROM mine ORDER BY position""",
        owner,
        int(year),
    )
    return next((r for r in mine if r["event_id"] not in linked), None)


async def verify_volume(pool: asyncpg.Pool, schema: str, volume: str) -> Verdict:
    """Recompute `volume`'s chain from the event store (each link in its own canonical version)
    and compare it with the recorded links."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        rows = await _chain_rows(conn, schema, volume)
        head = await conn.fetchval(f"SELECT head FROM {schema}.volume_heads WHERE volume_id = $1", volume)
        stray = await first_stray(conn, schema, volume, {r["linked_id"] for r in rows})
    verdict = verify([_recorded(r) for r in rows], head or GENESIS)
    if verdict.ok and stray is not None:
        extra = Mismatch(0, stray["entry_id"], str(stray["event_id"]), stray["event_type"], INSERTED)
        return Verdict(verdict.length, verdict.head, extra)
    return verdict


UNREADABLE = "链接记录残缺或无法读取（链接表被改动）"
MISNAMED = "链接登记的条目或事件类型与事件记录不符（链接表被改动）"
UNKNOWN_VERSION = "链接登记的规范版本本系统不认识（链接表被改动）"
UNCANONICAL = "事件记录已被改得无法生成规范文本（记录被改动）"


def _fault(row: asyncpg.Record, body: bytes | None) -> str | None:
    """Why a link (`_chain_rows`, its event's `linked_body`) does not hold whatever its hash: a
    value missing (a run's column with a line fewer than the others, or an event id that is no
    uuid: `chain_links`), a canonical version this ledger does not know, an event with no canonical
    form, or an entry or event type that is not its event's (a run's column with lines swapped or
    dropped). The one judgement verify and the exports' chain copy make of a link."""
    if (
        row["linked_id"] is None
        or row["entry_id"] is None
        or row["linked_type"] is None
        or row["hash"] is None
    ):
        return UNREADABLE
    if row["canonical_version"] not in VERSIONS:
        return UNKNOWN_VERSION
    if row["event_id"] is not None and body is None:
        return UNCANONICAL
    if row["event_id"] is not None and (row["event_type"], row["data_entry_id"]) != (
        row["linked_type"], row["entry_id"]
    ):  # fmt: skip
        return MISNAMED
    return None


def _said(row: asyncpg.Record) -> tuple[str, str, str, str]:
    """A link's (entry id, event id, event type, hash) as text: "" where the link has none (a
    damaged link, `_fault`), never None or the text "None"."""
    event_id = "" if row["linked_id"] is None else str(row["linked_id"])
    return row["entry_id"] or "", event_id, row["linked_type"] or "", row["hash"] or ""


def _recorded(row: asyncpg.Record) -> Recorded:
    """A link as `verify` takes it."""
    body = linked_body(row)
    return Recorded(row["seq"], *_said(row), body, _fault(row, body))


def _text(row: asyncpg.Record, body: bytes | None) -> str:
    """The canonical text of a link's event (`body`: its `linked_body`); `null` (JSON: no event)
    when the event is gone, so that a verifier names the item (never a blank cell a reader would
    refuse as unreadable); "" where it has none (the verifier refuses that link)."""
    if row["event_id"] is None:
        return "null"
    return "" if body is None else body.decode()


def _copied(row: asyncpg.Record) -> dict[str, Any]:
    """A link as the exports' chain copy carries it (`ChainCopy.links`): a damaged link (`_fault`)
    with "" for each value it has none of and its `damage` named."""
    entry_id, event_id, event_type, hash_ = _said(row)
    body = linked_body(row)
    item = {
        "seq": row["seq"],
        "entry_id": entry_id,
        "event_id": event_id,
        "event_type": event_type,
        "canonical_version": row["canonical_version"],
        "link": hash_,
        "canonical": _text(row, body),
    }
    if (damage := _fault(row, body)) is not None:
        item["damage"] = damage
    return item


@dataclass(frozen=True)
class ChainCopy:
    """A volume's recorded chain with each link's canonical text, read in one snapshot: what the
    exports carry for a verifier (`vc_contracts.verify`) that has no access to the ledger.

    A link damaged behind the service's back (`_fault`: a value unreadable or missing, a version
    this ledger does not know, an event with no canonical form, an entry or event type not its
    event's) is carried as it stands:
    "" for each value it has none of (never the text "None" or null) and a `damage` key naming
    what is wrong in the words verify uses. The outside verifier refuses a file with such an empty
    value at that link (links[n], or the XLSX row), or names the link, and never says ok; the other
    links are carried as ever, sound files have no `damage` key. (Refusing the export instead would
    leave an auditor with no copy of the volume at all, and name nothing.)"""

    length: int
    head: str
    county: str | None
    links: list[dict[str, Any]]  # {seq, entry_id, event_id, event_type, canonical_version, link, canonical}
    # (and `damage` on a damaged link)


async def chain_copy(pool: asyncpg.Pool, schema: str, volume: str) -> ChainCopy | None:
    """`volume`'s recorded head and links, each with the canonical text of its event as stored now
    (an altered event's text no longer hashes to its link; a deleted one's is `null`; a damaged
    link: `ChainCopy`), or None for a volume without links."""
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        head = await conn.fetchrow(
            f"SELECT county, length, head FROM {schema}.volume_heads WHERE volume_id = $1", volume
        )
        if head is None:
            return None
        rows = await _chain_rows(conn, schema, volume)
    return ChainCopy(head["length"], head["head"], head["county"], [_copied(r) for r in rows])
