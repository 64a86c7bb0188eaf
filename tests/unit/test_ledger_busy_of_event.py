"""The decider reads an event's on-site time from its typed fields (`busy_of_event`) instead of
dumping it to JSON and validating the times again: both give the same `Busy` for every kind,
channel, offset and span (hypothesis), and the same refusals (sizes, clashes: test_ledger_logging_rules)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from ledger.domain.entry_fields import build, busy_of, busy_of_event
from ledger.domain.kinds import Kind

DETAILS: dict[Kind, dict[str, Any]] = {
    Kind.visit: {"place": "村委会", "summary": "坐班"},
    Kind.lecture: {"topic": "民法典", "audience": 40},
    Kind.publicity: {"topic": "宪法日", "audience": 300},
    Kind.consultation: {"category": "land", "outcome": "resolved", "summary": "确权"},
    Kind.mediation: {"parties": 3, "category": "neighbour", "outcome": "agreed", "summary": "宅基地"},
    Kind.document_review: {"document_kind": "contract", "title": "土地流转合同", "summary": "补充违约条款"},
}
OFFSETS = st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
STARTS = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001 (hypothesis bounds are naive; `timezones` sets each offset)
    max_value=datetime(2099, 12, 31),  # noqa: DTZ001
    timezones=OFFSETS,
).map(lambda t: t.replace(microsecond=0))  # a caller's times are whole seconds (vc_contracts.base)


@given(
    kind=st.sampled_from(list(Kind)),
    start=STARTS,
    minutes=st.integers(min_value=1, max_value=12 * 60),
    channel=st.sampled_from(["on_site", "wechat", "phone"]),
)
def test_an_events_on_site_time_from_its_fields_equals_the_one_from_its_json(
    kind: Kind, start: datetime, minutes: int, channel: str
) -> None:
    data: dict[str, Any] = {
        **DETAILS[kind], "entry_id": "E-1", "client_entry_id": "paper-1", "advisor_id": "A-li",
        "unit_id": "U-firm", "village_code": "621025100201", "occurred_at": start, "note": "",
    }  # fmt: skip
    if kind is Kind.consultation:
        data["channel"] = channel
    if kind is Kind.visit:
        end = start + timedelta(minutes=minutes)
        data |= {"started_at": start, "ended_at": end, "hours": round(minutes / 60, 2)}
    event = build(kind, data)
    from_json = busy_of(kind, "E-1", "621025100201", event.model_dump(mode="json"))
    from_fields = busy_of_event(kind, "E-1", "621025100201", event)
    assert from_fields == from_json
    if from_json is not None and from_fields is not None:  # the same offset (+08:00) shown in messages
        assert from_fields.started_at.utcoffset() == from_json.started_at.utcoffset()
        assert from_fields.ended_at.utcoffset() == from_json.ended_at.utcoffset()
