"""Tamper evidence of a volume: a hash chain over its events, verified link by link (pure)."""

from __future__ import annotations

import pytest
from ledger.domain.chain import INSERTED, Mismatch, Recorded, canonical, said, verify, volumes_of
from vc_contracts.chain import GENESIS, link


def chain(bodies: list[bytes]) -> list[Recorded]:
    links, head = [], GENESIS
    for n, body in enumerate(bodies, start=1):
        head = link(head, body)
        links.append(Recorded(n, f"E-{n}", f"ev-{n}", "VisitLogged", head, body))
    return links


BODIES = [canonical({"n": n, "data": {"summary": f"坐班 {n}"}}) for n in range(1, 5)]


def test_canonical_json_does_not_depend_on_key_order_or_spacing() -> None:
    assert canonical({"b": 1, "a": "村"}) == canonical({"a": "村", "b": 1}) == '{"a":"村","b":1}'.encode()


def test_an_untouched_volume_verifies_and_its_head_is_the_last_link() -> None:
    links = chain(BODIES)
    verdict = verify(links, links[-1].recorded_hash)
    assert verdict.ok and verdict.length == 4 and verdict.head == links[-1].recorded_hash


def test_an_altered_event_is_named_as_the_first_mismatch() -> None:
    links = chain(BODIES)
    altered = canonical({"n": 2, "data": {"summary": "篡改"}})
    links[1] = Recorded(2, "E-2", "ev-2", "VisitLogged", links[1].recorded_hash, altered)
    verdict = verify(links, links[-1].recorded_hash)
    assert not verdict.ok and verdict.first_mismatch is not None
    assert (verdict.first_mismatch.seq, verdict.first_mismatch.entry_id) == (2, "E-2")


def test_a_deleted_event_is_named() -> None:
    links = chain(BODIES)
    links[2] = Recorded(3, "E-3", "ev-3", "EntryVoided", links[2].recorded_hash, None)
    mismatch = verify(links, links[-1].recorded_hash).first_mismatch
    assert mismatch is not None and mismatch.entry_id == "E-3" and "删除" in mismatch.reason


def test_a_chain_cut_short_does_not_reach_the_recorded_head() -> None:
    links = chain(BODIES)
    verdict = verify(links[:3], links[-1].recorded_hash)
    assert not verdict.ok and "链头" in verdict.first_mismatch.reason  # type: ignore[union-attr]


def test_every_entry_belongs_to_its_village_volume_and_its_unit_volume_of_the_year() -> None:
    assert volumes_of("621025100201", "U-firm", 2025) == ("village:621025100201:2025", "unit:U-firm:2025")


def test_links_deleted_or_given_twice_are_named_where_the_seqs_leave_their_places() -> None:
    links = chain(BODIES)
    # the first two deleted: the first link left is seq 3, where seq 1 belongs
    gone = verify(links[2:], links[-1].recorded_hash).first_mismatch
    assert gone is not None and (gone.seq, gone.entry_id) == (1, "") and "删除" in gone.reason
    # seq 2 given twice (a copy of it inserted after it)
    twice = verify([*links[:2], links[1], *links[2:]], links[-1].recorded_hash).first_mismatch
    assert twice is not None and (twice.seq, twice.entry_id) == (2, "E-2") and "两次" in twice.reason


def test_a_link_with_a_fault_is_named_though_its_hash_holds() -> None:
    links = chain(BODIES)
    links[1] = Recorded(2, "E-3", "ev-2", "VisitLogged", links[1].recorded_hash, BODIES[1], "条目不符")
    mismatch = verify(links, links[-1].recorded_hash).first_mismatch
    assert mismatch is not None and (mismatch.seq, mismatch.reason) == (2, "条目不符")


ALTERED = Mismatch(3, "E-3", "ev-3", "VisitLogged", "改动")
STRAY = Mismatch(0, "E-5", "ev-9", "VisitLogged", INSERTED)


@pytest.mark.parametrize(
    ("mismatch", "number", "words"),
    [
        # given a mismatch naming an entry and its event type, with or without its number
        (ALTERED, 7, "：第 3 个链接（台账第 7 号记录 E-3，VisitLogged）改动"),
        (ALTERED, None, "：第 3 个链接（记录 E-3，VisitLogged）改动"),
        # a link whose event type line is gone (a run's column a line short): no empty "，）"
        (Mismatch(50, "E-50", "ev-50", "", "残缺"), None, "：第 50 个链接（记录 E-50）残缺"),
        (Mismatch(50, "E-50", "", "", "残缺"), 9, "：第 50 个链接（台账第 9 号记录 E-50）残缺"),
        # an event in no link (seq 0): its entry, no link numbered
        (STRAY, 5, "：台账第 5 号记录 E-5 有一个事件（VisitLogged）未登记在卷册哈希链中（记录被插入）"),
        # no entry (a link missing, the head): the link alone
        (Mismatch(4, "", "", "", "缺失"), None, "（第 4 个链接）：缺失"),
    ],
)
def test_a_mismatch_is_said_with_what_it_names_and_nothing_empty(
    mismatch: Mismatch, number: int | None, words: str
) -> None:
    # when it is said on screen, then it reads as given
    assert said(mismatch, number) == words
