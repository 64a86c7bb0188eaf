"""Tamper evidence: each volume is a hash chain over the events of its entries (pure).

link_n = sha256(link_{n-1} ‖ canonical form of event n), link_0 = GENESIS (`vc_contracts.chain`,
which anyone can compute without the ledger). The canonical form is versioned per link: v1
(`canonical` here) is the whole stored event (ids, stream position, times, tenant, metadata, data)
with sorted keys and no spaces; v2 (new links) is RFC 8785 of the event's published envelope. Either
way any change to a stored event changes its link and every link after it.

The links are recorded when the event is appended (same transaction) in a separate append-only
table; `verify` recomputes them from the event store and names the first link that differs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from vc_contracts.chain import GENESIS, VOLUME_KINDS, LinkMismatch, link


def canonical(fields: Mapping[str, Any]) -> bytes:
    """Canonical form v1 of a stored event's fields: JSON, sorted keys, no spaces, UTF-8."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Recorded:
    """One link as recorded at append time, with the event as the store holds it now (None: gone)."""

    seq: int
    entry_id: str
    event_id: str
    event_type: str
    recorded_hash: str
    event: bytes | None
    fault: str | None = None  # why the link itself does not hold, whatever its hash (None: nothing)


__all__ = [
    "INSERTED",
    "VOLUME_KINDS",
    "Mismatch",
    "Recorded",
    "Verdict",
    "canonical",
    "said",
    "verify",
    "volume_id",
    "volumes_of",
]

Mismatch = LinkMismatch  # one definition, the contracts' (shared with the topic verifier)


@dataclass(frozen=True)
class Verdict:
    length: int
    head: str  # recomputed from the store
    first_mismatch: Mismatch | None

    @property
    def ok(self) -> bool:
        return self.first_mismatch is None


def verify(links: Iterable[Recorded], recorded_head: str) -> Verdict:
    """Recompute the chain from the stored events (`links` in seq order); the first link that
    differs is named: one out of its place (a seq missing or given twice: links deleted or
    inserted), one with a `fault`, or one whose hash is not the recomputed one."""
    previous, length, first = GENESIS, 0, None
    for item in links:
        length += 1
        if item.event is None:
            computed = ""
            reason = "事件记录已被删除"
        else:
            computed = link(previous, item.event)
            reason = "事件内容与登记时的哈希不符（记录被改动）"
        if first is None:
            first = _wrong(item, length, computed, reason)
        previous = computed or item.recorded_hash
    if first is None and previous != recorded_head:
        first = Mismatch(length, "", "", "", "卷册链头与最后一条链接不符（链接表被改动）")
    return Verdict(length, previous, first)


def _wrong(item: Recorded, position: int, computed: str, reason: str) -> Mismatch | None:
    """The mismatch of the link at `position` of the chain (None: it holds)."""
    if item.seq > position:
        return Mismatch(position, "", "", "", f"缺失（链接被删除），此处排的是第 {item.seq} 个")
    if item.seq < position:
        reason = "此序号的链接出现了两次（链接被插入）"
    elif item.fault is not None:
        reason = item.fault
    elif computed == item.recorded_hash:
        return None
    return Mismatch(item.seq, item.entry_id, item.event_id, item.event_type, reason)


def said(bad: Mismatch, number: int | None = None) -> str:
    """What follows 校验未通过 on screen: the link, its entry where it names one (with its `number`
    in the volume when known) and its event type where it has one (a damaged link may have
    neither), and why."""
    if not bad.entry_id:  # a link missing, the head: no entry to name
        return f"（第 {bad.seq} 个链接）：{bad.reason}"
    entry = f"台账第 {number} 号记录 {bad.entry_id}" if number is not None else f"记录 {bad.entry_id}"
    if bad.seq == 0:  # an event in no link (`INSERTED`): its entry, no link to number
        event = f"有一个事件（{bad.event_type}）" if bad.event_type else "有一个事件"
        return f"：{entry} {event}{bad.reason}"
    named = f"{entry}，{bad.event_type}" if bad.event_type else entry
    return f"：第 {bad.seq} 个链接（{named}）{bad.reason}"


INSERTED = "未登记在卷册哈希链中（记录被插入）"
"""The reason of an event of a volume's entry that no link of the volume names (seq 0: no link)."""


def volume_id(kind: str, owner: str, year: int) -> str:
    return f"{kind}:{owner}:{year}"


def volumes_of(village_code: str, unit_id: str, year: int) -> tuple[str, str]:
    """Every event of an entry is linked into its village's and its unit's volume of that year."""
    return volume_id("village", village_code, year), volume_id("unit", unit_id, year)
