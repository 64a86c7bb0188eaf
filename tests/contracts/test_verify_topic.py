"""The topic verifier (pure part): given the envelopes on the ledger topic, which entry it names."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from vc_contracts.chain import GENESIS, canonical_v2, link
from vc_contracts.verify_topic import V1_NOTE, _line, check_records

VOLUME = "village:621025100200:2026"


def envelope(n: int, summary: str = "坐班接待") -> dict[str, Any]:
    return {
        "event_id": f"00000000-0000-4000-8000-{n:012d}", "event_type": "VisitLogged", "schema_version": 1,
        "stream_id": f"entry-E-{n}", "stream_version": 1, "occurred_at": "2026-03-02T09:00:00+08:00",
        "recorded_at": "2026-03-02T09:00:01+08:00", "actor": "adv-1",
        "correlation_id": f"10000000-0000-4000-8000-{n:012d}", "causation_id": None,
        "tenant": {"province": "620000", "city": "621000", "county": "621025"},
        "data": {"entry_id": f"E-{n}", "summary": summary},
    }  # fmt: skip


def seal(
    events: list[dict[str, Any]], versions: list[int], start: int = 1, audit: bool = False
) -> dict[str, Any]:
    previous, links = GENESIS, []
    for seq, (e, version) in enumerate(zip(events, versions, strict=True), start=1):
        previous = link(previous, canonical_v2(e) if version == 2 else repr(e).encode())  # v1: any row text
        ids = {"seq": seq, "entry_id": e["data"]["entry_id"], "event_id": e["event_id"]}
        links.append({**ids, "event_type": e["event_type"], "canonical_version": version, "link": previous})
    chosen = links[start - 1 :]
    data = {"volume_id": VOLUME, "from_seq": start, "to_seq": len(links), "length": len(links),
            "head": previous, "audit": audit, "links": chosen}  # fmt: skip
    return {"event_type": "VolumeSealed", "event_id": f"seal-{start}-{audit}", "data": data}


EVENTS = [envelope(1), envelope(2), envelope(3)]


def test_a_v2_chain_recomputed_from_the_topic_is_ok() -> None:
    [verdict] = check_records([*EVENTS, seal(EVENTS, [2, 2, 2])]).values()
    assert verdict.ok and verdict.length == 3 and verdict.v1_seqs == []
    assert _line(verdict).startswith(f"ok {VOLUME} 3 {verdict.head}")


def test_v1_links_are_taken_from_the_seal_and_said_so() -> None:
    [verdict] = check_records([*EVENTS, seal(EVENTS, [1, 1, 2])]).values()
    assert verdict.ok and verdict.v1_seqs == [1, 2]
    assert V1_NOTE in _line(verdict)


def _altered() -> list[dict[str, Any]]:
    altered = copy.deepcopy(EVENTS)
    altered[1]["data"]["summary"] = "改过的内容"
    return altered


def _nested(event: dict[str, Any], depth: int = 100_000) -> dict[str, Any]:
    deep: list[Any] = []
    for _ in range(depth):
        deep = [deep]
    return {**event, "data": {**event["data"], "summary": deep}}


@pytest.mark.parametrize(
    ("records", "seq", "words"),
    [
        # the event on the topic does not hash to the sealed link (sealed from other content)
        ([*EVENTS, seal(_altered(), [2, 2, 2])], 2, "重新计算"),
        # a later audit seal, recomputed from a rewritten event, contradicts the first seal
        (
            [*EVENTS, seal(EVENTS, [2, 2, 2]), seal(_altered(), [2, 2, 2], audit=True)],
            2,
            "审计封存与首次封存不符",
        ),
        # the same with v1 links: the contradiction is still seen
        ([*EVENTS, seal(EVENTS, [1, 1, 1]), seal(_altered(), [1, 1, 1], audit=True)], 2, "首次封存不符"),
        # an event the seal names is missing from the topic
        ([EVENTS[0], EVENTS[2], seal(EVENTS, [2, 2, 2])], 2, "找不到"),
        # the seals skip a seq
        ([*EVENTS, seal(EVENTS, [2, 2, 2], start=2)], 1, "缺少第 1 条"),
        # an event on the topic nested too deep to canonicalise: a mismatch, not "cannot read the topic"
        ([EVENTS[0], _nested(EVENTS[1]), EVENTS[2], seal(EVENTS, [2, 2, 2])], 2, "无法按 RFC 8785"),
    ],
)
def test_the_first_entry_the_topic_does_not_bear_out_is_named(
    records: list[Any], seq: int, words: str
) -> None:
    [verdict] = check_records(records).values()
    assert verdict.first_mismatch is not None and verdict.first_mismatch.seq == seq, verdict
    assert words in verdict.first_mismatch.reason
    if seq == 2:
        assert verdict.first_mismatch.entry_id == "E-2"
        assert verdict.first_mismatch.event_id == EVENTS[1]["event_id"]
    assert _line(verdict).startswith(f"不一致 {VOLUME} 第 {seq} 条")


def test_only_the_volume_asked_for() -> None:
    assert check_records([*EVENTS, seal(EVENTS, [2, 2, 2])], volume="village:1:2026") == {}
