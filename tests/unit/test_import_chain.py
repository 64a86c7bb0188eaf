"""A bulk import's chain links, computed in the worker process (`import_chain`), are the links the
service computes itself (`VolumeHeads.links` over `import_bodies`), from any heads; a chunk with a
body the fast path refuses gives no links and every body back (the service links it itself)."""

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st
from ledger.application.volume_chain import (
    BodyParts,
    ToLink,
    VolumeHeads,
    import_bodies,
    import_chain,
)
from vc_contracts import CST
from vc_contracts.chain import GENESIS, link

VOLUMES = ["village:621025100201:2025", "village:621025100202:2025", "unit:U-1:2025", "unit:U-2:2025"]
AT = datetime(2025, 3, 1, 9, tzinfo=CST)


def _parts(n: int, topic: str = "民法典") -> BodyParts:
    at = AT + timedelta(minutes=n)
    data = f'{{"entry_id":"E-{n}","occurred_at":"{at.isoformat()}","topic":"{topic}","audience":{n}}}'
    metadata = '{"actor":"staff-1","correlation_id":"c-1","causation_id":null}'
    return BodyParts(
        str(UUID(int=n + 1)), "LectureHeld", 1, f"entry-E-{n}", 1, at, True, "2025-03-02T10:00:00+08:00",
        '{"village_code":"621025100201"}', data, metadata,
    )  # fmt: skip


def _by_service(
    rows: list[BodyParts], places: list[tuple[str, tuple[str, ...], str | None]], heads: dict[str, Any]
) -> tuple[list[tuple[Any, ...]], dict[str, tuple[int, str]]]:
    own = VolumeHeads(heads=dict(heads))
    bodies = import_bodies(rows)
    links = own.links(
        ToLink(UUID(r.event_id), r.event_type, entry_id, body, volumes, county)  # type: ignore[arg-type]
        for r, (entry_id, volumes, county), body in zip(rows, places, bodies, strict=True)
    )
    return [(v, seq, str(e), *rest) for v, seq, e, *rest in links], own.heads


@given(
    chosen=st.lists(st.lists(st.sampled_from(VOLUMES), min_size=1, max_size=2, unique=True), max_size=40),
    started=st.dictionaries(st.sampled_from(VOLUMES), st.integers(1, 10_000), max_size=4),
)
def test_the_worker_links_what_the_service_links_from_any_heads(
    chosen: list[list[str]], started: dict[str, int]
) -> None:
    # given rows linked into one or two of four volumes, some of which already have a head
    rows = [_parts(n) for n in range(len(chosen))]
    places: list[tuple[str, tuple[str, ...], str | None]] = [
        (f"E-{n}", tuple(vs), "621025") for n, vs in enumerate(chosen)
    ]
    heads = {v: (length, link(GENESIS, str(length).encode())) for v, length in started.items()}
    # when the worker links them
    chained = import_chain(rows, places, heads)
    # then the rows and the heads moved on are the service's own
    links, moved = _by_service(rows, places, heads)
    assert chained.bodies is None
    assert chained.links == links
    assert {**heads, **chained.heads} == moved
    assert set(chained.counties) == {v for vs in chosen for v in vs}


def test_a_row_the_fast_path_refuses_gives_the_bodies_back_and_no_link() -> None:
    # given a chunk whose second row's data holds a character beyond U+FFFF
    rows = [_parts(0), _parts(1, topic="😀 民法典"), _parts(2)]
    places = [(f"E-{n}", (VOLUMES[0],), "621025") for n in range(3)]
    # when the worker links them
    chained = import_chain(rows, places, {})
    # then nothing is linked, no head moved, and the bodies are those the service would have used
    assert (chained.links, chained.heads, chained.counties) == ([], {}, {})
    assert chained.bodies == import_bodies(rows)
    assert chained.bodies[1] is None and None not in (chained.bodies[0], chained.bodies[2])
