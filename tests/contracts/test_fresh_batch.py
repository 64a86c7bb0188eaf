"""New events of one class validated in one call (vc_contracts.fresh_batch) are exactly what
`model_validate` gives each, and the whole batch is refused whenever the write-side rules would
change or refuse any item: a full-width digit, a space to strip, a CR, a control character, a
text over its cap, a time in another offset all fail the batch (the caller then validates one by
one), so the fast path never lets through or keeps what the record-by-record path would not."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from vc_contracts import CST
from vc_contracts.catalogue.ledger import (
    ConsultationGiven,
    DisputeMediated,
    DocumentReviewed,
    LectureHeld,
    PublicityEventHeld,
    VisitLogged,
)
from vc_contracts.fresh_batch import fresh_schema, validate_fresh

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
SAMPLES: list[tuple[type[BaseModel], dict[str, Any]]] = [
    (VisitLogged, COMMON | {"started_at": START, "ended_at": START + timedelta(hours=3), "hours": 3.0,
                            "place": "村委会", "summary": "坐班接待"}),
    (LectureHeld, COMMON | {"topic": "民法典", "audience": 30, "co_organisers": ["司法所"]}),
    (PublicityEventHeld, COMMON | {"topic": "普法", "audience": 120}),
    (ConsultationGiven, COMMON | {"channel": "wechat", "category": "land", "outcome": "resolved",
                                  "summary": "宅基地确权\n第二行", "question_id": None}),
    (DisputeMediated, COMMON | {"parties": 2, "category": "land", "outcome": "agreed", "summary": "调解"}),
    (DocumentReviewed, COMMON | {"document_kind": "contract", "title": "承包合同", "summary": "审查意见"}),
]  # fmt: skip


def one_by_one(cls: type[BaseModel], items: list[dict[str, Any]]) -> list[BaseModel] | None:
    try:
        return [cls.model_validate(dict(item)) for item in items]
    except ValidationError:
        return None


def assert_agree(cls: type[BaseModel], items: list[dict[str, Any]]) -> list[BaseModel] | None:
    """The batch is either refused or equal, item by item, to validating each alone; refused
    whenever one alone is refused."""
    batch, alone = validate_fresh(cls, items), one_by_one(cls, items)
    if alone is None:
        assert batch is None
    if batch is not None:
        assert alone is not None
        assert batch == alone
        for made, expected in zip(batch, alone, strict=True):
            assert type(made) is type(expected)
            assert made.model_dump_json() == expected.model_dump_json()
            assert made.model_fields_set == expected.model_fields_set
    return batch


@pytest.mark.parametrize(("cls", "sample"), SAMPLES, ids=[cls.__name__ for cls, _ in SAMPLES])
def test_the_usual_new_event_takes_the_batch_path_and_equals_model_validate(
    cls: type[BaseModel], sample: dict[str, Any]
) -> None:
    assert assert_agree(cls, [sample, sample | {"entry_id": "E-2", "note": "备注 两字"}]) is not None


def _python_steps(schema: Any, out: list[str]) -> list[str]:
    if isinstance(schema, dict):
        if str(schema.get("type", "")).startswith("function-"):
            out.append(schema["function"]["function"].__qualname__)
        for value in schema.values():
            _python_steps(value, out)
    elif isinstance(schema, list):
        for value in schema:
            _python_steps(value, out)
    return out


def test_only_cross_field_and_rounding_steps_stay_in_python() -> None:
    """Every id, text, code and instant rule of a visit runs in Rust on the batch path."""
    steps = _python_steps(fresh_schema(VisitLogged.__pydantic_core_schema__), [])
    assert sorted(steps) == ["VisitLogged._times_agree", "_round_hours"]


TEXT_FIELDS = {"note", "place", "summary", "topic", "title"}
ID_FIELDS = {"entry_id", "client_entry_id", "advisor_id", "unit_id", "village_code"}
AWKWARD = st.sampled_from(
    [" ", "\u3000", "\t", "\n", "\r", "\r\n", "\x00", "\x07", "\x7f", "\x85", "\xa0", "\u2028", "\ufffe",
     "\ud800", "１", "٣", "²", "Ａ", "é", "e\u0301", "x", "0", "中", "\U0001f600", "\u200b"]
)  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> tuple[type[BaseModel], list[dict[str, Any]]]:
    cls, sample = draw(st.sampled_from(SAMPLES))
    items = []
    for n in range(draw(st.integers(1, 3))):
        item = dict(sample, entry_id=f"E-{n}")
        for name in draw(st.sets(st.sampled_from(sorted((TEXT_FIELDS | ID_FIELDS) & set(item))), max_size=3)):
            text = str(item[name])
            where = draw(st.integers(0, len(text)))
            extra = draw(st.lists(AWKWARD, min_size=1, max_size=3))
            item[name] = text[:where] + "".join(extra) + text[where:]
        if draw(st.booleans()):
            name = draw(st.sampled_from(sorted(TEXT_FIELDS & set(item)) or ["note"]))
            item[name] = draw(st.sampled_from(["", "长" * 200, "长" * 201, "长" * 2000, "长" * 2001]))
        if draw(st.booleans()):
            offset = timezone(timedelta(hours=draw(st.integers(-12, 14))))
            for name in ("occurred_at", "started_at", "ended_at"):
                if name in item:
                    item[name] = item[name].astimezone(offset)
        if draw(st.booleans()):
            wrong = ["621001001000", "621001", "6210010010011", "021001001001"]
            item["village_code"] = draw(st.sampled_from(wrong))
        items.append(item)
    return cls, items


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_batches_agree_with_model_validate(
    case: tuple[type[BaseModel], list[dict[str, Any]]],
) -> None:
    cls, items = case
    assert_agree(cls, items)


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=6))
def test_any_text_in_any_text_or_id_field_agrees(text: str) -> None:
    cls, sample = SAMPLES[0]
    for name in ("place", "note", "summary", "advisor_id", "client_entry_id", "village_code"):
        assert_agree(cls, [sample | {name: text}])


@pytest.mark.parametrize(("cls", "sample"), SAMPLES, ids=[cls.__name__ for cls, _ in SAMPLES])
def test_the_batch_path_of_every_kind_runs_its_own_constraints_not_the_models_validator(
    cls: type[BaseModel], sample: dict[str, Any]
) -> None:
    """pydantic-core reuses a complete model's validator for a schema naming its class; then the
    Python steps would run again (they change +09:00 into +08:00 and strip spaces: correct, but
    the batch path would test nothing). Each kind's batch refuses what the Python steps change."""
    other_offset = sample | {"occurred_at": START.astimezone(timezone(timedelta(hours=9)))}
    if cls is VisitLogged:
        other_offset["started_at"] = other_offset["occurred_at"]
    padded = sample | {"advisor_id": " A-i1 "}
    assert validate_fresh(cls, [sample]) is not None
    assert validate_fresh(cls, [other_offset]) is None
    assert validate_fresh(cls, [padded]) is None
    assert one_by_one(cls, [other_offset]) is not None and one_by_one(cls, [padded]) is not None
