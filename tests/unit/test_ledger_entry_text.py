"""How a volume names who acted on an entry (pure): people read names, never sign-in ids."""

from __future__ import annotations

import pytest
from ledger.application.entry_text import history_lines

KNOWN = {
    "division:621025100201": "山河东村",
    "division:621025100001": "城关社区",
    "advisor:A-zhengda-3": "张志强",
}
AT = "2026-11-30T18:07:00+08:00"


@pytest.mark.parametrize(
    ("given_event", "given_by", "then_line"),
    [
        ("EntryConfirmed", "committee-621025100201", "2026-11-30 18:07 山河东村村委会确认"),
        ("EntryQueried", "committee-621025100001", "2026-11-30 18:07 城关社区居委会质疑：重复登记"),
        ("EntryVoided", "A-zhengda-3", "2026-11-30 18:07 作废（张志强）：重复登记"),
        # the directory does not know it (yet): the id rather than nothing
        ("EntryVoided", "A-nobody", "作废（A-nobody）"),
    ],
)
def test_given_who_acted_when_the_volume_lists_it_then_it_reads_a_name(
    given_event: str, given_by: str, then_line: str
) -> None:
    [line] = history_lines(
        [{"event_type": given_event, "by": given_by, "at": AT, "reason": "重复登记"}], KNOWN
    )
    assert then_line in line
    assert "committee-" not in line


@pytest.mark.parametrize(
    "member", ["village_committee-621025100200", "13909340001", "committee-621025100201"]
)
@pytest.mark.parametrize(
    ("event", "then"), [("EntryConfirmed", "山河东村村委会确认"), ("EntryQueried", "山河东村村委会质疑")]
)
def test_a_committee_is_named_by_the_entry_s_village_whatever_id_its_member_signed_in_with(
    member: str, event: str, then: str
) -> None:
    # given a member's sign-in id of any shape, when the volume lists the confirmation or query,
    # then it reads the committee of the entry's village (only it may confirm), never the id
    [line] = history_lines(
        [{"event_type": event, "by": member, "at": AT, "reason": "核实"}], KNOWN, "621025100201"
    )
    assert then in line and member not in line
    [unknown] = history_lines(
        [{"event_type": event, "by": member, "at": AT, "reason": "核实"}], {}, "621025100299"
    )
    assert member not in unknown and "村（居）委会" in unknown


def test_a_correction_lists_only_the_fields_it_changed() -> None:
    # given a correction whose form sent the start as it was and a new end (the hours follow the end)
    item = {
        "event_type": "EntryCorrected", "at": "2026-11-30T10:00:00+08:00", "by": "A-1",
        "reason": "结束时间记错",
        "changes": {"started_at": "2026-11-30T09:00:00+08:00", "ended_at": "2026-11-30T11:30:00+08:00",
                    "hours": 2.5},
        "before": {"started_at": "2026-11-30T09:00:00+08:00", "ended_at": "2026-11-30T12:00:00+08:00",
                   "hours": 3.0},
    }  # fmt: skip
    # when the volume lists it, then the start is not said to change, the end and the hours are
    [line] = history_lines([item])
    assert "开始时间" not in line
    assert "2026-11-30 12:00 → 2026-11-30 11:30" in line and "3.0 → 2.5" in line
