"""Verifying the ledger's volumes from its Kafka topic alone (issue 14): no database, no service code.

    python -m vc_contracts.verify --topic villagecounsel.ledger.events --bootstrap HOST:PORT [--volume ID]
        [--json]

The ledger publishes every entry event and, daily and on demand, `VolumeSealed` events carrying each
volume's links (`vc_contracts.catalogue.ledger.VolumeSealed`). This reads the topic from the
beginning to its end offsets (every partition) and, per volume:

1. keeps the links of the **first** seal of each seq, and flags any later seal that contradicts
   one (another link or another event at the same seq): an audit seal recomputed from events
   rewritten in the ledger's database;
2. recomputes every canonical-v2 link from the entry event with that `event_id` as published on the
   topic (`canonical_v2` of its envelope, chained from the previous sealed link) and compares;
3. takes canonical-v1 links (which hash the store's internal row, not computable from the topic)
   from the first seal, and says so ("v1, taken from the seal").

It names the lowest seq that fails either check. Exit 0: every volume ok; 1: a mismatch;
2: nothing checked (the topic could not be read, a seal is malformed, no seal of the volume asked
for or none at all) or bad arguments. Needs the `kafka` extra (aiokafka).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from vc_contracts.chain import CANONICAL_V1, CANONICAL_V2, GENESIS, LinkMismatch, canonical_v2, link
from vc_contracts.cli_args import name
from vc_contracts.topics import topic_for
from vc_contracts.verify_cli import EXIT_CODES

SEALED = "VolumeSealed"
V1_NOTE = "v1, taken from the seal"


TopicMismatch = LinkMismatch  # the first entry of a volume the topic does not bear out


@dataclass(frozen=True)
class TopicVerdict:
    """One volume: `length` links sealed, `head` = the first-seen link at `length`; `v1_seqs`: the
    seqs whose links are canonical v1, taken from the seal rather than recomputed."""

    volume_id: str
    length: int
    head: str
    first_mismatch: TopicMismatch | None
    v1_seqs: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every sealed link holds."""
        return self.first_mismatch is None


def _mismatch(item: Mapping[str, Any], reason: str) -> TopicMismatch:
    return TopicMismatch(item["seq"], item["entry_id"], str(item["event_id"]), item["event_type"], reason)


def _volume(
    volume_id: str, seals: list[Mapping[str, Any]], events: Mapping[str, Mapping[str, Any]]
) -> TopicVerdict:
    first: dict[int, Mapping[str, Any]] = {}
    for seal in seals:
        for item in seal["links"]:
            first.setdefault(item["seq"], item)
    contradiction = _contradiction(seals, first)
    recomputed, previous, v1 = None, GENESIS, []
    for seq in range(1, max(first, default=0) + 1):
        item = first.get(seq)
        if item is None:
            recomputed = TopicMismatch(seq, "", "", "", f"封存中缺少第 {seq} 条")
            break
        if item["canonical_version"] == CANONICAL_V1:
            v1.append(seq)
        elif item["canonical_version"] != CANONICAL_V2:
            recomputed = _mismatch(item, f"未知的规范化版本 {item['canonical_version']}")
            break
        else:
            envelope = events.get(str(item["event_id"]))
            if envelope is None:
                recomputed = _mismatch(item, "主题上找不到该条记录的事件（事件缺失）")
                break
            if envelope.get("event_type") != item["event_type"]:
                recomputed = _mismatch(item, "主题上该事件的类型与封存的不符")
                break
            try:
                body = canonical_v2(envelope)
            except (TypeError, ValueError, RecursionError):  # an integer beyond 2^53, nesting too deep:
                # no subscriber could hash it
                recomputed = _mismatch(item, "主题上的该事件无法按 RFC 8785 规范化")
                break
            if link(previous, body) != item["link"]:
                recomputed = _mismatch(item, "按主题上的事件重新计算的链接与封存的不符（事件或链接被改动）")
                break
        previous = item["link"]
    found = [m for m in (contradiction, recomputed) if m is not None]
    bad = min(found, key=lambda m: m.seq) if found else None
    length = max(first, default=0)
    return TopicVerdict(volume_id, length, first[length]["link"] if length else GENESIS, bad, v1)


def _contradiction(
    seals: list[Mapping[str, Any]], first: Mapping[int, Mapping[str, Any]]
) -> TopicMismatch | None:
    """The lowest seq a later seal contradicts (another link or event than the first seal's). When
    the later seal holds, at seq s, the event the first seals held at s + 1, the event first sealed
    at s was deleted and the rest renumbered: that deleted event is named."""
    found: TopicMismatch | None = None
    for seal in seals:
        for item in seal["links"]:
            kept = first[item["seq"]]
            differs = kept["link"] != item["link"] or str(kept["event_id"]) != str(item["event_id"])
            if not differs or (found is not None and item["seq"] >= found.seq):
                continue
            following = first.get(item["seq"] + 1)
            audit = "审计" if seal.get("audit") else ""
            if following is not None and str(following["event_id"]) == str(item["event_id"]):
                found = _mismatch(
                    kept,
                    f"后来的{audit}封存在此序号记载的是首次封存的下一条：此条记录已在台账数据库中被删除，其后各条重新编号",
                )
            else:
                found = _mismatch(
                    item, f"后来的{audit}封存与首次封存不符（该条记录在台账数据库中被改写或调换）"
                )
    return found


def check_records(
    envelopes: Iterable[Mapping[str, Any]], volume: str | None = None
) -> dict[str, TopicVerdict]:
    """Verdicts per volume id (sorted) from the topic's envelopes (parsed JSON) in topic order;
    only `volume` when given. Pure: no I/O. Raises `SealError` for a `VolumeSealed` event that is
    not the catalogue's shape (nothing can be checked against it)."""
    events: dict[str, Mapping[str, Any]] = {}
    seals: dict[str, list[Mapping[str, Any]]] = {}
    for envelope in envelopes:
        if envelope.get("event_type") == SEALED:
            data = _seal_data(envelope)
            if volume is None or data["volume_id"] == volume:
                seals.setdefault(data["volume_id"], []).append(data)
        elif "event_id" in envelope:
            events[str(envelope["event_id"])] = envelope
    return {v: _volume(v, seals[v], events) for v in sorted(seals)}


class SealError(ValueError):
    """A `VolumeSealed` event on the topic is not the catalogue's shape; the message (Chinese) names it."""


_LINK_FIELDS = {"seq": int, "entry_id": str, "event_id": str, "event_type": str, "canonical_version": int,
                "link": str}  # fmt: skip


def _seal_data(envelope: Mapping[str, Any]) -> Mapping[str, Any]:
    """The seal's data, its shape checked (`vc_contracts.catalogue.ledger.VolumeSealed`)."""
    data, name = envelope.get("data"), f"主题上的 VolumeSealed 事件 {envelope.get('event_id')}"
    if not isinstance(data, dict) or not isinstance(data.get("volume_id"), str):
        raise SealError(f"{name}缺少「volume_id」")
    links = data.get("links")
    if not isinstance(links, list):
        raise SealError(f"{name}缺少「links」")
    for n, item in enumerate(links):
        for key, kind in _LINK_FIELDS.items():
            value = item.get(key) if isinstance(item, dict) else None
            if not isinstance(value, kind) or isinstance(value, bool):
                raise SealError(f"{name}的 links[{n}]「{key}」缺失或类型不符")
    return data


async def read_topic(bootstrap: str, topic: str = topic_for("ledger")) -> list[dict[str, Any]]:
    """Every envelope on `topic` from the beginning to its end offsets (asked again once reached,
    until they hold still), as parsed JSON (records that are not JSON objects are skipped),
    partition by partition in offset order."""
    from aiokafka import AIOKafkaConsumer, TopicPartition  # noqa: PLC0415 (the kafka extra)

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, group_id=None)
    try:
        await consumer.start()
        partitions = consumer.partitions_for_topic(topic) or set()
        if not partitions:
            await consumer.topics()  # a metadata refresh
            partitions = consumer.partitions_for_topic(topic) or set()
        parts = [TopicPartition(topic, p) for p in sorted(partitions)]
        if not parts:
            raise LookupError(f"topic {topic} not found")
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        out: dict[int, list[dict[str, Any]]] = {p.partition: [] for p in parts}
        ends = await consumer.end_offsets(parts)
        while True:
            await _read_to(consumer, ends, out)
            again = await consumer.end_offsets(parts)  # a broker's watermark may lag its last write
            if again == ends:
                break
            ends = again
        return [envelope for p in sorted(out) for envelope in out[p]]
    finally:
        await consumer.stop()


async def _read_to(consumer: Any, ends: dict[Any, int], out: dict[int, list[dict[str, Any]]]) -> None:
    """Read every partition at least up to its offset in `ends`, appending the JSON objects to `out`."""
    pending = {p for p, end in ends.items() if await consumer.position(p) < end}
    while pending:
        batches = await consumer.getmany(*pending, timeout_ms=1000)
        for tp, records in batches.items():
            for record in records:  # records past the end are kept too: the end is only a floor
                try:
                    value = json.loads(record.value or b"")
                except (ValueError, RecursionError):  # not JSON, or nested too deep to be an envelope
                    continue
                if isinstance(value, dict):
                    out[tp.partition].append(value)
        pending = {p for p in pending if await consumer.position(p) < ends[p]}


async def verify_topic(
    bootstrap: str, topic: str = topic_for("ledger"), volume: str | None = None
) -> dict[str, TopicVerdict]:
    """`check_records` of the whole topic (see the module docstring)."""
    return check_records(await read_topic(bootstrap, topic), volume)


def _line(verdict: TopicVerdict) -> str:
    note = f"；{V1_NOTE}：{len(verdict.v1_seqs)} 条" if verdict.v1_seqs else ""
    bad = verdict.first_mismatch
    if bad is None:
        return f"ok {verdict.volume_id} {verdict.length} {verdict.head}{note}"
    return (
        f"不一致 {verdict.volume_id} 第 {bad.seq} 条（记录 {bad.entry_id or '—'}，"
        f"事件 {bad.event_id or '—'}，{bad.event_type or '—'}）：{bad.reason}{note}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """The CLI (`--topic T --bootstrap H:P [--volume ID] [--json]`); returns the exit code:
    0 every volume verifies, 1 a mismatch is named, 2 nothing could be checked (the topic cannot be
    read, a seal is malformed, no seal at all or none of `--volume`) or bad arguments."""
    parser = argparse.ArgumentParser(
        prog="python -m vc_contracts.verify", description="按主题校验台账卷册的哈希链。", epilog=EXIT_CODES
    )
    parser.add_argument("--topic", type=name, default=topic_for("ledger"))
    parser.add_argument("--bootstrap", type=name, required=True, help="Kafka bootstrap servers, HOST:PORT")
    parser.add_argument("--volume", help="只校验此卷册，如 village:621025100200:2026")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出结论")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        verdicts = asyncio.run(verify_topic(args.bootstrap, args.topic, args.volume))
    except SealError as exc:
        print(f"无法校验：{exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # any failure to read the topic is exit 2, named
        print(f"无法读取主题 {args.topic}：{type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    if args.volume and args.volume not in verdicts:
        print(f"无法校验：主题上没有卷册 {args.volume} 的封存记录", file=sys.stderr)
        return 2
    if not verdicts:
        print(f"无法校验：主题 {args.topic} 上没有任何卷册的封存记录（VolumeSealed）", file=sys.stderr)
        return 2
    if args.json:
        answer = [
            {**asdict(v), "ok": v.ok, "v1_note": V1_NOTE if v.v1_seqs else None} for v in verdicts.values()
        ]
        print(json.dumps(answer, ensure_ascii=False, indent=2))
    else:
        for verdict in verdicts.values():
            print(_line(verdict))
    return 0 if all(v.ok for v in verdicts.values()) else 1
