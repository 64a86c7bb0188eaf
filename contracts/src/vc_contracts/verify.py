"""The standalone verifier of a ledger volume: recomputes its hash chain from an export alone.

    python -m vc_contracts.verify FILE [--head HEX] [--json]        (FILE: .json or .xlsx export)
    python -m vc_contracts.verify --topic TOPIC --bootstrap HOST:PORT [--volume ID]

`verify_volume` walks the items in file order and names the first that does not hold, in this
order of checks per item: its `seq` is its position (else: deleted, inserted or reordered); its
canonical text is UTF-8, a JSON object naming the row's event (event_id, event_type, and data's
entry_id when it has one) and, for v2, byte-equal to its own RFC 8785 form; its link is
sha256(previous link ‖ text). Then: the items reach the declared length, the last link is the
file's head, and the file's head is `expected_head` (a head kept elsewhere: a report, a printout's
QR code, a published `VolumeSealed`). No database, no service code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from vc_contracts.chain import CANONICAL_V2, GENESIS, canonical_v2, link
from vc_contracts.verify_file import Item, VolumeFile, VolumeFileError, load_volume

__all__ = ["Item", "Mismatch", "Verdict", "VolumeFile", "VolumeFileError", "load_volume", "verify_volume"]

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


@dataclass(frozen=True)
class Verdict:
    """`head`: the last link recomputed from the canonical texts (GENESIS for an empty volume)."""

    volume_id: str
    length: int
    head: str
    first_mismatch: Mismatch | None

    @property
    def ok(self) -> bool:
        return self.first_mismatch is None


def verify_volume(volume: VolumeFile, expected_head: str | None = None) -> Verdict:
    """Recomputes the chain of `volume` and names its first mismatch (None: it verifies)."""
    head = GENESIS
    for item in volume.items:
        head = link(head, _body(item) or b"")
    return Verdict(volume.volume_id, volume.length, head, _first_mismatch(volume, expected_head))


def _first_mismatch(volume: VolumeFile, expected_head: str | None) -> Mismatch | None:
    items, previous = volume.items, GENESIS
    for position, item in enumerate(items, start=1):
        if item.seq != position or item.seq > volume.length:
            return _out_of_place(volume, position)
        body = _body(item)
        if body is None:
            return _named(item, "not_canonical", "规范文本不是有效的 UTF-8 文本")
        if (wrong := _form(item, body)) is not None:
            return wrong
        own = link(previous, body)
        if own != item.link:
            return _broken(volume, position, previous, own)
        previous = item.link
    last = items[-1] if items else None
    if len(items) < volume.length:
        gone = len(items) + 1
        return Mismatch(
            gone,
            "",
            "",
            "",
            "missing",
            f"第 {gone} 条缺失（卷册长度为 {volume.length}，文件只有 {len(items)} 条；已被删除）",
        )
    if previous != volume.head:
        return _at(
            last,
            volume.length,
            "head",
            f"卷册链头 {volume.head} 与最后一条链接 {previous} 不符（链头被改动）",
        )
    if expected_head is not None and expected_head != volume.head:
        return _at(
            last,
            volume.length,
            "expected_head",
            f"卷册链头 {volume.head} 与另行保存的链头 {expected_head} 不符（卷册被整体改写或截短）",
        )
    return None


def _body(item: Item) -> bytes | None:
    try:
        return item.canonical.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, e.g. from a "\udc80" escape in the JSON export
        return None


def _form(item: Item, body: bytes) -> Mismatch | None:
    """The canonical text's own checks: it names the row's event, and v2 is in RFC 8785 form."""
    try:
        event = json.loads(body)
    except ValueError:
        event = None
    if not isinstance(event, dict):
        return _named(item, "not_canonical", "规范文本不是 JSON 对象")
    if item.canonical_version == CANONICAL_V2:
        try:
            again = canonical_v2(event)
        except (ValueError, TypeError):
            again = b""
        if again != body:
            return _named(item, "not_canonical", "v2 规范文本与其重新规范化（RFC 8785）的结果不是逐字节相同")
    data = event.get("data")
    entry_id = data.get("entry_id", item.entry_id) if isinstance(data, dict) else item.entry_id
    if (event.get("event_id"), event.get("event_type"), entry_id) != (
        item.event_id,
        item.event_type,
        item.entry_id,
    ):
        said = f"事件 {event.get('event_id')}（{event.get('event_type')}，条目 {entry_id}）"
        return _named(item, "wrong_event", f"规范文本记载的是{said}，与本行不符")
    return None


def _broken(volume: VolumeFile, position: int, previous: str, own: str) -> Mismatch:
    """The item at `position` does not link to `previous`: says why, as far as the file shows."""
    items = volume.items
    item, after = items[position - 1], items[position] if position < len(items) else None
    links = [GENESIS] + [i.link for i in items]
    body, next_body = _body(item), _body(after) if after is not None else None
    if position >= 2 and body is not None and link(links[position - 2], body) == item.link:
        return _named(items[position - 2], "inserted", "此条是插入的：去掉它，后一条即与前一条接上")
    others = [h for n, h in enumerate(links) if n != position - 1 and _HEX.fullmatch(h)]
    if body is not None and any(link(h, body) == item.link for h in others):
        return _named(item, "reordered", "此条不在原来的位置（条目顺序被调换）")
    if after is not None and next_body is not None and link(previous, next_body) == after.link:
        return _named(item, "inserted", "此条是插入的：去掉它，前后两条即接上")
    if (after is not None and next_body is not None and link(own, next_body) == after.link) or (
        after is None and own == volume.head
    ):
        return _named(item, "altered_link", "链接被改动（事件内容未变，重新计算的链接与后文一致）")
    return _named(item, "altered_event", "事件内容与其链接不符（事件被改动，或其前有条目被删除）")


def _out_of_place(volume: VolumeFile, position: int) -> Mismatch:
    """The item at `position` carries another seq (or one beyond the length)."""
    items = volume.items
    item = items[position - 1]
    if item.seq > volume.length:
        return _named(item, "inserted", f"卷册长度为 {volume.length}，此条是多出的（插入的）")
    if item.seq < position:  # a second seq s: the one that does not chain at s is the inserted one
        taken, body = items[item.seq - 1], _body(item)
        links = [GENESIS] + [i.link for i in items]
        if taken != item and body is not None and link(links[item.seq - 1], body) == item.link:
            item = taken
        return _named(item, "inserted", f"第 {item.seq} 条出现了两次：此条是插入的")
    if any(later.seq == position for later in items[position:]):
        return _named(item, "reordered", f"第 {item.seq} 条排在第 {position} 条之前（条目顺序被调换）")
    return Mismatch(
        position,
        "",
        "",
        "",
        "missing",
        f"第 {position} 条缺失（已被删除），其后是第 {item.seq} 条（条目 {item.entry_id}）",
    )


def _named(item: Item, kind: str, reason: str) -> Mismatch:
    return Mismatch(item.seq, item.entry_id, item.event_id, item.event_type, kind, reason)


def _at(item: Item | None, seq: int, kind: str, reason: str) -> Mismatch:
    return _named(item, kind, reason) if item is not None else Mismatch(seq, "", "", "", kind, reason)


def main(argv: Sequence[str] | None = None) -> int:
    """The CLI; see the module docstring. Exit 0 ok, 1 mismatch, 2 unreadable file or usage."""
    from vc_contracts.verify_cli import run  # noqa: PLC0415 (argparse and printing live there)

    return run(argv)


if __name__ == "__main__":
    raise SystemExit(main())
