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
from collections.abc import Sequence
from dataclasses import dataclass

from vc_contracts.chain import CANONICAL_V2, GENESIS, canonical_v2, link
from vc_contracts.verify_causes import Mismatch, at, body_of, broken, named, out_of_place
from vc_contracts.verify_file import Item, VolumeFile, VolumeFileError, load_volume

__all__ = ["Item", "Mismatch", "Verdict", "VolumeFile", "VolumeFileError", "load_volume", "verify_volume"]


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


def verify_volume(
    volume: VolumeFile, expected_head: str | None = None, expected_length: int | None = None
) -> Verdict:
    """Recomputes the chain of `volume` and names its first mismatch (None: it verifies).

    `expected_head`: 64 lowercase hex chars kept elsewhere, or None to check the file alone. Never
    raises: whatever the items hold (even a text UTF-8 cannot encode), the verdict names it.
    `expected_length`: the volume's length when `expected_head` was kept (a report freezes both; a
    volume only grows): the head is compared with the link at that seq, not with the file's last.
    None: the file's own length."""
    head = GENESIS
    for item in volume.items:
        head = link(head, body_of(item) or b"")
    return Verdict(
        volume.volume_id, volume.length, head, _first_mismatch(volume, expected_head, expected_length)
    )


def _first_mismatch(
    volume: VolumeFile, expected_head: str | None, expected_length: int | None = None
) -> Mismatch | None:
    items, previous = volume.items, GENESIS
    for position, item in enumerate(items, start=1):
        if item.seq != position or item.seq > volume.length:
            return out_of_place(volume, position)
        if item.canonical is None:  # the ledger's check file says so for an event it no longer holds
            return named(item, "missing", "事件记录已被删除（校验文件中此条的规范文本为空）")
        body = body_of(item)
        if body is None:
            return named(item, "not_canonical", "规范文本不是有效的 UTF-8 文本")
        if (wrong := _form(item, body)) is not None:
            return wrong
        own = link(previous, body)
        if own != item.link:
            return broken(volume, position, previous, own)
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
            f"缺失：卷册长度为 {volume.length}，文件只有 {len(items)} 条（已被删除）",
        )
    if previous != volume.head:
        return at(
            last,
            volume.length,
            "head",
            f"卷册链头 {volume.head} 与最后一条链接 {previous} 不符（链头被改动）",
        )
    if expected_head is None:
        return None
    if expected_length is None or expected_length == volume.length:
        if expected_head != volume.head:
            return at(
                last,
                volume.length,
                "expected_head",
                f"卷册链头 {volume.head} 与另行保存的链头 {expected_head} 不符（卷册被整体改写或截短）",
            )
        return None
    if expected_length > volume.length or expected_length < 1:
        return at(
            last,
            volume.length,
            "expected_head",
            f"另行保存的链头在第 {expected_length} 条，而本文件只有 {volume.length} 条（卷册被截短）",
        )
    kept = items[expected_length - 1]
    if kept.link != expected_head:
        return at(
            kept,
            expected_length,
            "expected_head",
            f"第 {expected_length} 条的链接 {kept.link} 与另行保存的链头 {expected_head} 不符"
            f"（第 1 至 {expected_length} 条中有记录被改写）",
        )
    return None


def _form(item: Item, body: bytes) -> Mismatch | None:
    """The canonical text's own checks: it names the row's event, and v2 is in RFC 8785 form."""
    try:
        event = json.loads(body)
    except (ValueError, RecursionError):
        event = None
    if not isinstance(event, dict):
        return named(item, "not_canonical", "规范文本不是 JSON 对象")
    if item.canonical_version == CANONICAL_V2:
        try:
            again = canonical_v2(event)
        except (ValueError, TypeError, RecursionError):
            again = b""
        if again != body:
            return named(item, "not_canonical", "v2 规范文本与其重新规范化（RFC 8785）的结果不是逐字节相同")
    data = event.get("data")
    entry_id = data.get("entry_id", item.entry_id) if isinstance(data, dict) else item.entry_id
    if (event.get("event_id"), event.get("event_type"), entry_id) != (
        item.event_id,
        item.event_type,
        item.entry_id,
    ):
        said = f"事件 {event.get('event_id')}（{event.get('event_type')}，条目 {entry_id}）"
        return named(item, "wrong_event", f"规范文本记载的是{said}，与本行不符")
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """The CLI; see the module docstring. Exit 0 ok, 1 mismatch, 2 unreadable file or usage."""
    from vc_contracts.verify_cli import run  # noqa: PLC0415 (argparse and printing live there)

    return run(argv)


if __name__ == "__main__":
    raise SystemExit(main())
