"""`entry_fields.dump_many` (one pydantic-core call for many events of a kind) gives what
`model_dump(mode="json")` gives each event: a re-import compares that with the entry logged."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from ledger.domain.entry_fields import EntryInvalidError, build, dump_many
from ledger.domain.kinds import Kind
from vc_contracts import CST

START = datetime(2025, 3, 5, 9, 0, tzinfo=CST)
COMMON = {
    "entry_id": "E-1",
    "client_entry_id": "paper-1",
    "advisor_id": "A-i1",
    "unit_id": "U-bench-firm",
    "village_code": "621001001001",
    "occurred_at": START,
    "note": "",
}
SAMPLES: dict[Kind, dict[str, Any]] = {
    Kind.visit: {"started_at": START, "ended_at": START + timedelta(hours=3), "hours": 3.0,
                 "place": "村委会", "summary": "坐班接待"},
    Kind.lecture: {"topic": "民法典", "audience": 30, "co_organisers": ["司法所"]},
    Kind.publicity: {"topic": "普法", "audience": 120},
    Kind.consultation: {"channel": "wechat", "category": "land", "outcome": "resolved",
                        "summary": "宅基地确权\n第二行", "question_id": None},
    Kind.mediation: {"parties": 2, "category": "land", "outcome": "agreed", "summary": "调解"},
    Kind.document_review: {"document_kind": "contract", "title": "承包合同", "summary": "审查意见"},
}  # fmt: skip
_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1, max_size=8)


@given(
    st.sampled_from(sorted(SAMPLES)),
    st.lists(st.tuples(_TEXT, st.text(max_size=6), st.integers(0, 10**6), st.integers(0, 400)), max_size=5),
)
def test_dump_many_is_model_dump_of_each(kind: Kind, variations: list[tuple[str, str, int, int]]) -> None:
    events = []
    for n, (client, note, minutes, hours_off) in enumerate(variations):
        start = START + timedelta(minutes=minutes)
        data = COMMON | SAMPLES[kind] | {"entry_id": f"E-{n}", "client_entry_id": client, "note": note}
        data |= {"occurred_at": start}
        if kind is Kind.visit:
            data |= {"started_at": start, "ended_at": start + timedelta(minutes=30 + hours_off)}
            data["hours"] = round((30 + hours_off) / 60, 1)
        try:
            events.append(build(kind, data))
        except EntryInvalidError:  # a variation the event refuses: not what is compared
            continue
    assert dump_many(kind, events) == [event.model_dump(mode="json") for event in events]
