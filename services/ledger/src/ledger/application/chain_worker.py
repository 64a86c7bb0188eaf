"""A bulk import's chunks as the worker process (`eventkit.workers`) makes them, one call a chunk:
the events' COPY text, their canonical chain bodies and, from heads the worker keeps between the
calls of one import, the chunk's chain links and their COPY text.

Why the worker links: hashing a chunk's links (two SHA-256 a row) in the service's process took its
interpreter lock from the thread that decides the next rows, and the bodies had to come back over
the pipe to be hashed there. The links only need the heads each volume had before the chunk, and
the chunks of one import reach the single worker in order: the first call brings the heads of
every volume the import may reach (read under lock when its transaction began), and each call
moves them on.

The service stays the judge (`import_writes`): each chunk's answer says which heads it started
from, which the service checks against its own before writing; and whenever the worker cannot link
a chunk (no heads for one of its volumes, a body the fast path refuses, a chunk out of turn, its
heads lost with a worker that died, so the call ran in a thread or a new worker), that chunk and
every later one of the import come back unlinked, with their bodies, and the service links them
itself from its own heads (`volume_chain.link_bodies`), as before this module.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, NamedTuple

from eventkit.copy_text import event_rows_text

from ledger.application.volume_chain import BodyParts, LinksCopy, import_bodies, link_bodies, links_copy

Heads = dict[str, tuple[int, str]]  # volume id -> (length, head)
Place = tuple[str, tuple[str, ...], str | None]  # a row's entry id, volumes and county


class Linked(NamedTuple):
    """A chunk's links as the worker made them: their COPY text (`links_copy`) and count, each
    volume's new head and county, and the head it started from (the service checks the heads and
    the count: one link per volume of each event, `import_writes._write`)."""

    text: LinksCopy
    links: int
    moved: Heads
    started: Heads
    counties: dict[str, str | None]


class ChunkWork(NamedTuple):
    """`import_work`'s answer: the events' COPY text; the chunk's `Linked`, else (None) every
    body (`import_bodies`, None where refused) for the service to link."""

    events_text: bytes
    linked: Linked | None
    bodies: list[bytes | None] | None


@dataclass
class _Chain:
    heads: Heads  # every volume the import may link into, GENESIS-started where it has no head yet
    next: int = 0  # the chunk expected next
    broken: bool = False  # a chunk went unlinked: so do all after it (the service links them)


_KEPT = 16
_CHAINS: OrderedDict[str, _Chain] = OrderedDict()
"""This process's chains by import (the import's token), the latest few: an import that failed
leaves its chain here until newer ones push it out."""


def import_work(
    values: list[tuple[Any, ...]],
    places: list[Place],
    token: str = "",
    index: int = 0,
    heads: Heads | None = None,
) -> ChunkWork:
    """Chunk `index` of the import `token` (`values`: its rows' `BodyParts` as plain tuples, which
    pickle in C; `places`: each row's entry id, volumes and county, in position order). `heads`,
    with chunk 0 only: the (length, head) of every volume the import may reach. Pure but for this
    process's chains (`_CHAINS`)."""
    parts = [BodyParts._make(v) for v in values]
    rows = (
        (p.event_id, p.stream_id, p.stream_version, p.event_type, p.schema_version, p.tenant_json, place[2],
         p.occurred_at, p.data_json, p.metadata_json)
        for p, place in zip(parts, places, strict=True)
    )  # fmt: skip
    text = event_rows_text(rows, parts[0].recorded_at if parts else "")
    bodies = import_bodies(parts)
    linked = _linked(token, index, heads, bodies, parts, places) if token else None
    return ChunkWork(text, linked, None if linked is not None else bodies)


def _linked(
    token: str, index: int, heads: Heads | None, bodies: list[bytes | None], parts: list[BodyParts],
    places: list[Place],
) -> Linked | None:  # fmt: skip
    if heads is not None and index == 0:
        _CHAINS[token] = _Chain(dict(heads))
        while len(_CHAINS) > _KEPT:
            _CHAINS.popitem(last=False)
    chain = _CHAINS.get(token)
    if chain is None:  # this process never had the import's heads (its worker died meanwhile)
        return None
    if chain.broken or chain.next != index or any(b is None for b in bodies) or any(
        v not in chain.heads for _, volumes, _ in places for v in volumes
    ):  # fmt: skip
        chain.broken = True
        return None
    chained = link_bodies(bodies, parts, places, chain.heads)
    started = {v: chain.heads[v] for v in chained.heads}
    chain.heads |= chained.heads
    chain.next += 1
    text = chained.text if chained.text is not None else links_copy(chained.links)
    return Linked(text, len(chained.links), chained.heads, started, chained.counties)
