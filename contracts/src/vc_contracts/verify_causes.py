"""Why an item of a volume file does not hold: `Mismatch`, and the diagnosis of a broken link or an
out-of-place seq (a deleted, inserted or reordered item), as far as the file itself can show it.

A broken link at position p (item p does not hash from the link before it) is told apart by which
link the neighbours do chain from: item p chains from the link two back (the item before it was
inserted); from another item's link (reordered); the next item chains past p (p was inserted) or
from p's recomputed link (p's link was altered); else, when the file holds fewer items than its
length, an item before p was deleted and the rest renumbered (missing at p); else p's text was
altered (a deletion renumbered with its length cut looks the same from the file: only a head kept
elsewhere, or a seal of the old numbering on the topic, tells them apart). Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vc_contracts.chain import GENESIS, link
from vc_contracts.verify_file import Item, VolumeFile

_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Mismatch:
    """The first item that does not hold. `kind`: missing, inserted, reordered, altered_event,
    altered_link, not_canonical, wrong_event, head, expected_head. Ids are "" for a missing item."""

    seq: int
    entry_id: str
    event_id: str
    event_type: str
    kind: str
    reason: str  # Simplified Chinese

    @property
    def message(self) -> str:
        named = "，".join(
            part
            for part in (
                f"条目 {self.entry_id}" if self.entry_id else "",
                f"事件 {self.event_id}" if self.event_id else "",
                self.event_type,
            )
            if part
        )
        return f"第 {self.seq} 条" + (f"（{named}）" if named else "") + f"：{self.reason}"


def body_of(item: Item) -> bytes | None:
    """The UTF-8 bytes the item's link hashes, or None when its text is gone or cannot be encoded."""
    if item.canonical is None:
        return None
    try:
        return item.canonical.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, e.g. from a "\udc80" escape in the JSON export
        return None


def broken(volume: VolumeFile, position: int, previous: str, own: str) -> Mismatch:
    """The item at `position` does not link to `previous`: says why, as far as the file shows."""
    items = volume.items
    item, after = items[position - 1], items[position] if position < len(items) else None
    links = [GENESIS] + [i.link for i in items]
    body, next_body = body_of(item), body_of(after) if after is not None else None
    if position >= 2 and body is not None and link(links[position - 2], body) == item.link:
        return named(items[position - 2], "inserted", "此条是插入的：去掉它，后一条即与前一条接上")
    others = [h for n, h in enumerate(links) if n != position - 1 and _HEX.fullmatch(h)]
    if body is not None and any(link(h, body) == item.link for h in others):
        return named(item, "reordered", "此条不在原来的位置（条目顺序被调换）")
    if after is not None and next_body is not None and link(previous, next_body) == after.link:
        return named(item, "inserted", "此条是插入的：去掉它，前后两条即接上")
    if (after is not None and next_body is not None and link(own, next_body) == after.link) or (
        after is None and own == volume.head
    ):
        return named(item, "altered_link", "链接被改动（事件内容未变，重新计算的链接与后文一致）")
    if len(items) < volume.length:  # the length still counts an item the file no longer has
        return at(
            None,
            position,
            "missing",
            f"缺失（已被删除，其后各条重新编号）：卷册长度为 {volume.length}，文件只有 {len(items)} 条，"
            f"此处排的第 {item.seq} 条（条目 {item.entry_id}）不接前一条",
        )
    return named(item, "altered_event", "事件内容与其链接不符（事件被改动，或其前有条目被删除）")


def out_of_place(volume: VolumeFile, position: int) -> Mismatch:
    """The item at `position` carries another seq (or one beyond the length)."""
    items = volume.items
    item = items[position - 1]
    if item.seq > volume.length:
        return named(item, "inserted", f"卷册长度为 {volume.length}，此条是多出的（插入的）")
    if item.seq < position:  # a second seq s: the one that does not chain at s is the inserted one
        taken, body = items[item.seq - 1], body_of(item)
        links = [GENESIS] + [i.link for i in items]
        if taken != item and body is not None and link(links[item.seq - 1], body) == item.link:
            item = taken
        return named(item, "inserted", "此序号出现了两次：此条是插入的")
    if any(later.seq == position for later in items[position:]):
        return named(item, "reordered", f"第 {item.seq} 条排在第 {position} 条之前（条目顺序被调换）")
    return at(
        None,
        position,
        "missing",
        f"缺失（已被删除）：此处排的是第 {item.seq} 条（条目 {item.entry_id}）",
    )


def named(item: Item, kind: str, reason: str) -> Mismatch:
    """A mismatch naming `item` (its seq, entry, event)."""
    return Mismatch(item.seq, item.entry_id, item.event_id, item.event_type, kind, reason)


def at(item: Item | None, seq: int, kind: str, reason: str) -> Mismatch:
    """A mismatch naming `item`, or only `seq` when the volume has no item to name."""
    return named(item, kind, reason) if item is not None else Mismatch(seq, "", "", "", kind, reason)
