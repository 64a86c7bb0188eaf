"""A bulk import's chunks linked in the worker process (`chain_worker.import_work`), from the heads
the import's first chunk brings and the worker keeps between calls: the links and heads are the
service's own (`VolumeHeads.links` over `import_bodies`), chunk after chunk; and from the first chunk
the worker cannot link (out of turn, a volume it has no head for, a refused body, its heads lost
with a dead worker), that chunk and every later one come back unlinked, with their bodies."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ledger.application.chain_worker import import_work
from ledger.application.volume_chain import (
    BodyParts,
    LinksCopy,
    ToLink,
    VolumeHeads,
    import_bodies,
    links_copy,
)
from vc_contracts import CST
from vc_contracts.chain import GENESIS, link

VOLUMES = ["village:621025100201:2025", "village:621025100202:2025", "unit:U-1:2025", "unit:U-2:2025"]
AT = datetime(2025, 3, 1, 9, tzinfo=CST)
Place = tuple[str, tuple[str, ...], str | None]


def _parts(n: int, topic: str = "民法典") -> BodyParts:
    at = AT + timedelta(minutes=n)
    data = f'{{"entry_id":"E-{n}","occurred_at":"{at.isoformat()}","topic":"{topic}","audience":{n}}}'
    metadata = '{"actor":"staff-1","correlation_id":"c-1","causation_id":null}'
    return BodyParts(
        str(UUID(int=n + 1)), "LectureHeld", 1, f"entry-E-{n}", 1, at, True, "2025-03-02T10:00:00+08:00",
        '{"village_code":"621025100201"}', data, metadata,
    )  # fmt: skip


def _chunks(chosen: list[list[str]], cut: int) -> list[tuple[list[BodyParts], list[Place]]]:
    rows = [_parts(n) for n in range(len(chosen))]
    places: list[Place] = [(f"E-{n}", tuple(vs), "621025") for n, vs in enumerate(chosen)]
    return [(rows[at : at + cut], places[at : at + cut]) for at in range(0, len(rows), cut)]


def _service_links(service: VolumeHeads, rows: list[BodyParts], places: list[Place]) -> LinksCopy:
    """The chunk's links as the service makes them itself, its heads moved on."""
    bodies = import_bodies(rows)
    return links_copy(
        service.links(
            ToLink(UUID(r.event_id), r.event_type, entry_id, body, volumes, county)  # type: ignore[arg-type]
            for r, (entry_id, volumes, county), body in zip(rows, places, bodies, strict=True)
        )
    )


@given(
    chosen=st.lists(st.lists(st.sampled_from(VOLUMES), min_size=1, max_size=2, unique=True), max_size=30),
    started=st.dictionaries(st.sampled_from(VOLUMES), st.integers(1, 10_000), max_size=4),
    cut=st.integers(1, 12),
)
def test_the_worker_links_every_chunk_as_the_service_would_from_the_heads_it_keeps(
    chosen: list[list[str]], started: dict[str, int], cut: int
) -> None:
    # given an import's chunks into four volumes, some of which have a head already
    heads = {v: (length, link(GENESIS, str(length).encode())) for v, length in started.items()}
    reach = {v: heads.get(v, (0, GENESIS)) for v in VOLUMES}
    service, token = VolumeHeads(heads=dict(heads)), uuid4().hex
    for index, (rows, places) in enumerate(_chunks(chosen, cut)):
        # when the worker makes each chunk in turn (the heads with the first)
        made = import_work([tuple(r) for r in rows], places, token, index, reach if index == 0 else None)
        # then its links are the service's, from the heads the service has before the chunk
        assert made.linked is not None and made.bodies is None
        assert made.linked.started == {v: service.heads.get(v, (0, GENESIS)) for v in made.linked.started}
        assert made.linked.text == _service_links(service, rows, places)
        assert made.linked.links == sum(len(p[1]) for p in places)
        assert {**service.heads, **made.linked.moved} == service.heads


def _run(
    chunks: list[tuple[list[BodyParts], list[Place]]], token: str, order: list[int], reach: Any
) -> list[Any]:
    return [
        import_work([tuple(r) for r in chunks[i][0]], chunks[i][1], token, i, reach if i == 0 else None)
        for i in order
    ]


@pytest.mark.parametrize(
    ("case", "order", "reach", "unlinked_from"),
    [
        ("a chunk out of turn", [0, 2, 1, 3], dict.fromkeys(VOLUMES, (0, GENESIS)), 1),
        ("a volume the heads do not hold", [0, 1, 2, 3], dict.fromkeys(VOLUMES[:3], (0, GENESIS)), 3),
        ("no heads: the worker that had them died", [1, 2, 3], None, 0),
    ],
)
def test_from_the_first_chunk_the_worker_cannot_link_every_later_one_comes_back_with_its_bodies(
    case: str, order: list[int], reach: Any, unlinked_from: int
) -> None:
    # given four chunks, the last one reaching the fourth volume
    chosen = [[VOLUMES[0], VOLUMES[2]]] * 6 + [[VOLUMES[1], VOLUMES[3]]] * 2
    chunks = _chunks(chosen, 2)
    # when the worker makes them (`case`)
    made = _run(chunks, uuid4().hex, order, reach)
    # then the chunks before the first it cannot link are linked, and none from it on
    linked = [m.linked is not None for m in made]
    assert linked == [n < unlinked_from for n in range(len(order))], case
    for m, i in zip(made, order, strict=True):
        assert m.bodies == (None if m.linked else import_bodies(chunks[i][0]))


def test_a_body_the_fast_path_refuses_leaves_its_chunk_and_the_later_ones_to_the_service() -> None:
    chunks = [([_parts(0)], [("E-0", (VOLUMES[0],), None)]),
              ([_parts(1, topic="😀 民法典")], [("E-1", (VOLUMES[0],), None)]),
              ([_parts(2)], [("E-2", (VOLUMES[0],), None)])]  # fmt: skip
    made = _run(chunks, uuid4().hex, [0, 1, 2], {VOLUMES[0]: (0, GENESIS)})
    assert [m.linked is not None for m in made] == [True, False, False]
    assert made[1].bodies is not None and made[1].bodies[0] is None
