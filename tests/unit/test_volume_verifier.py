"""The standalone verifier names the first item of a volume file that does not hold (pure).

Given a volume of four items (all v2, or all v1), when the file is tampered with in one way, then
the verdict names that kind of mismatch at that seq, with the item's entry and event ids.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.volumes import envelope, rechained, replaced, v1_text, volume_of
from vc_contracts.chain import GENESIS, link
from vc_contracts.verify import VolumeFile, verify_volume

V2 = volume_of(*(envelope(n) for n in range(1, 5)))
V1 = volume_of(*(v1_text(n) for n in range(1, 5)))
OTHER = link(GENESIS, b"elsewhere")

Tamper = Callable[[VolumeFile], VolumeFile]


def without(*seqs: int) -> Tamper:
    return lambda v: dataclasses.replace(v, items=tuple(i for i in v.items if i.seq not in seqs))


def in_order(*seqs: int, renumber: bool = False) -> Tamper:
    def tamper(v: VolumeFile) -> VolumeFile:
        items = [v.items[s - 1] for s in seqs]
        if renumber:
            items = [dataclasses.replace(item, seq=n) for n, item in enumerate(items, start=1)]
        return dataclasses.replace(v, items=tuple(items))

    return tamper


def cut_to_3(v: VolumeFile) -> VolumeFile:
    """The last item dropped and the length with it, but the head left as it was."""
    return dataclasses.replace(v, items=v.items[:3], length=3)


def renumbered_cut(v: VolumeFile) -> VolumeFile:
    """Item 3 deleted, the rest renumbered and the length cut: the file alone reads it as item 3's
    text altered (only a head kept elsewhere, or the old seals, tell it apart)."""
    return dataclasses.replace(in_order(1, 2, 4, renumber=True)(v), length=3)


def altered(v: VolumeFile) -> VolumeFile:
    text = v.items[1].canonical.replace("坐班接待", "篡改记录")
    return replaced(v, 2, canonical=text)


def forged(renumber: bool, valid_link: bool) -> Tamper:
    return lambda v: forged_at_3(v, renumber=renumber, valid_link=valid_link)


def text_of(seq: int, old: str, new: str) -> Tamper:
    return lambda v: replaced(v, seq, canonical=v.items[seq - 1].canonical.replace(old, new, 1))


def forged_at_3(v: VolumeFile, *, renumber: bool, valid_link: bool) -> VolumeFile:
    """A fifth event slipped in after item 2, with the version of its neighbours."""
    sample = v.items[0]
    text = v1_text(9) if sample.canonical_version == 1 else volume_of(envelope(9)).items[0].canonical
    forged = dataclasses.replace(
        v.items[2], entry_id="E-9", event_id=json.loads(text)["event_id"], canonical=text, seq=3
    )
    forged = dataclasses.replace(forged, link=link(v.items[1].link, text.encode()) if valid_link else OTHER)
    rest = [dataclasses.replace(i, seq=i.seq + 1) if renumber else i for i in v.items[2:]]
    return dataclasses.replace(v, items=(*v.items[:2], forged, *rest), length=v.length + renumber)


# (case, tamper, kind named, seq named, entry named)
CASES: list[tuple[str, Tamper, str, int, str]] = [
    ("altered event", altered, "altered_event", 2, "E-2"),
    ("altered event, whole chain rewritten", lambda v: rechained(altered(v)), "", 0, ""),
    ("altered link", lambda v: replaced(v, 2, link=OTHER), "altered_link", 2, "E-2"),
    ("altered last link", lambda v: replaced(v, 4, link=OTHER), "altered_link", 4, "E-4"),
    ("deleted item (seq gap)", without(3), "missing", 3, ""),
    ("deleted item, renumbered", in_order(1, 2, 4, renumber=True), "missing", 3, ""),
    ("deleted item, renumbered, length cut", renumbered_cut, "altered_event", 3, "E-4"),
    ("deleted last item", without(4), "missing", 4, ""),
    ("deleted last item, length cut", cut_to_3, "head", 3, "E-3"),
    ("inserted, same seq, valid link", forged(False, True), "inserted", 3, "E-9"),
    ("inserted, same seq, bad link", forged(False, False), "inserted", 3, "E-9"),
    ("inserted, renumbered, valid link", forged(True, True), "inserted", 3, "E-9"),
    ("inserted, renumbered, bad link", forged(True, False), "inserted", 3, "E-9"),
    ("inserted beyond the length", in_order(1, 2, 3, 4, 4, renumber=True), "inserted", 5, "E-4"),
    ("a copy of an item", in_order(1, 2, 2, 3, 4), "inserted", 2, "E-2"),
    ("reordered", in_order(1, 2, 4, 3), "reordered", 4, "E-4"),
    ("reordered, renumbered", in_order(1, 2, 4, 3, renumber=True), "reordered", 3, "E-4"),
    ("first two swapped, renumbered", in_order(2, 1, 3, 4, renumber=True), "reordered", 1, "E-2"),
    ("row names another event", lambda v: replaced(v, 2, event_id="ev-3"), "wrong_event", 2, "E-2"),
    ("row names another type", lambda v: replaced(v, 3, event_type="EntryVoided"), "wrong_event", 3, "E-3"),
    ("row names another entry", lambda v: replaced(v, 3, entry_id="E-7"), "wrong_event", 3, "E-7"),
    ("text is not JSON", lambda v: rechained(replaced(v, 2, canonical="坐班")), "not_canonical", 2, "E-2"),
    ("text is not UTF-8", lambda v: replaced(v, 2, canonical="{\udc80}"), "not_canonical", 2, "E-2"),
    ("file head is not the last link", lambda v: dataclasses.replace(v, head=OTHER), "head", 4, "E-4"),
]  # fmt: skip


@pytest.mark.parametrize("chain", [V2, V1], ids=["v2", "v1"])
@pytest.mark.parametrize(("case", "tamper", "kind", "seq", "entry_id"), CASES, ids=[c[0] for c in CASES])
def test_a_tampered_volume_is_named_at_its_first_mismatch(
    chain: VolumeFile, case: str, tamper: Tamper, kind: str, seq: int, entry_id: str
) -> None:
    verdict = verify_volume(tamper(chain))
    if not kind:  # a consistent rewrite: the file alone cannot tell (see the expected head below)
        assert verdict.ok, verdict.first_mismatch
        return
    mismatch = verdict.first_mismatch
    assert mismatch is not None, case
    assert (mismatch.kind, mismatch.seq, mismatch.entry_id) == (kind, seq, entry_id), mismatch
    assert mismatch.message.startswith(f"第 {seq} 条")
    assert entry_id in mismatch.message


V2_ONLY: list[tuple[str, Tamper]] = [
    ("keys out of order", lambda v: replaced(v, 2, canonical=json.dumps(envelope(2), ensure_ascii=False))),
    ("a space added", text_of(2, ":", ": ")),
    ("Chinese escaped", text_of(2, "坐", "\\u5750")),
    ("a key outside the envelope", text_of(2, "{", '{"a":1,')),
    ("an integer beyond 2^53", text_of(2, "2.5", "9007199254740993")),
]  # fmt: skip


@pytest.mark.parametrize(("case", "tamper"), V2_ONLY, ids=[c[0] for c in V2_ONLY])
def test_a_v2_text_must_be_its_own_rfc8785_form_even_when_its_links_agree(case: str, tamper: Tamper) -> None:
    changed = rechained(tamper(V2))
    assert changed.items[1].canonical != V2.items[1].canonical, case
    mismatch = verify_volume(changed).first_mismatch
    assert mismatch is not None and (mismatch.kind, mismatch.seq, mismatch.entry_id) == (
        "not_canonical",
        2,
        "E-2",
    )


def test_a_v1_text_is_hashed_as_given_so_its_key_order_is_not_checked() -> None:
    spaced = rechained(replaced(V1, 2, canonical=json.dumps(json.loads(V1.items[1].canonical))))
    assert verify_volume(spaced).ok


@pytest.mark.parametrize(
    ("given", "expected_head", "ok"),
    [
        (V2, V2.head, True),
        (V2, OTHER, False),
        (rechained(altered(V2)), V2.head, False),  # consistent rewrite: only the head kept elsewhere tells
        (rechained(in_order(1, 2, 3)(V2)), V2.head, False),  # cut short, consistently
        (V1, V1.head, True),
        (rechained(altered(V1)), V1.head, False),
        (rechained(in_order(1, 2, 4, renumber=True)(V1)), V1.head, False),  # one deleted, consistently
    ],
)
def test_the_file_head_is_checked_against_a_head_kept_elsewhere(
    given: VolumeFile, expected_head: str, ok: bool
) -> None:
    verdict = verify_volume(given, expected_head)
    assert verdict.ok is ok
    if not ok:
        assert verdict.first_mismatch is not None and verdict.first_mismatch.kind == "expected_head"
        assert verdict.first_mismatch.seq == given.length and expected_head in verdict.first_mismatch.reason


@pytest.mark.parametrize(
    "given",
    [V2, V1, volume_of(v1_text(1), v1_text(2), envelope(3), envelope(4)), volume_of()],
    ids=["v2", "v1", "v1 then v2", "empty"],
)
def test_an_untouched_volume_verifies_and_its_head_is_the_file_head(given: VolumeFile) -> None:
    verdict = verify_volume(given)
    assert verdict.ok and (verdict.length, verdict.head) == (given.length, given.head)


summaries = st.text(max_size=12)


@st.composite
def volumes(draw: st.DrawFn) -> VolumeFile:
    v1s = draw(st.lists(summaries, max_size=3))
    v2s = draw(st.lists(summaries, min_size=1 if not v1s else 0, max_size=3))
    events = [v1_text(n, summary=s) for n, s in enumerate(v1s, start=1)]
    events += [envelope(n, summary=s) for n, s in enumerate(v2s, start=len(v1s) + 1)]
    return volume_of(*events)


@given(volumes())
def test_any_untouched_chain_verifies(volume: VolumeFile) -> None:
    assert verify_volume(volume, volume.head).ok


@given(volumes(), st.data())
def test_any_single_byte_change_is_named_at_or_before_its_item(
    volume: VolumeFile, data: st.DataObject
) -> None:
    item = data.draw(st.sampled_from(volume.items))
    field = data.draw(st.sampled_from(["canonical", "link"]))
    raw = bytearray(getattr(item, field).encode())
    at = data.draw(st.integers(0, len(raw) - 1))
    raw[at] = data.draw(st.integers(0, 255).filter(lambda b: b != raw[at]))
    changed = replaced(volume, item.seq, **{field: raw.decode("utf-8", "surrogateescape")})
    mismatch = verify_volume(changed).first_mismatch
    assert mismatch is not None and mismatch.seq <= item.seq, mismatch
