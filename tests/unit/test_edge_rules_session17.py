"""Pure rules behind session 17's edge fixes: one name per input in every error body
(`eventkit.errors.input_name`) and no bool read as a number (`eventkit.json_numbers`)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated

import pytest
from eventkit.errors import AppError, ErrorBody, FieldError, input_name
from eventkit.json_numbers import NOT_A_BOOL, Expected, expected, mistyped, typed_fields
from eventkit.params import RequestBody
from eventkit.web import validation_response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError
from vc_contracts.text import ShortText


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ("body.ended_at", "ended_at"),  # pydantic's loc for a body field
        ("query.county", "county"),
        ("path.entry_id", "entry_id"),
        ("header.Idempotency-Key", "Idempotency-Key"),
        ("body.changes.summary", "changes.summary"),  # nested: the path inside the body stays
        ("body.co_organisers.1", "co_organisers.1"),
        ("ended_at", "ended_at"),  # a rule's name is already the one form
        ("changes.summary", "changes.summary"),
        ("body", "body"),  # the whole body refused
        ("path", "path"),  # a field called path (the web gateway's)
        ("body.", "body."),  # nothing after the dot: not a location
        ("rows[2].code", "rows[2].code"),  # an import's row and column
        (None, None),
    ],
)
def test_an_input_is_named_without_where_it_came_from(given: str | None, named: str | None) -> None:
    assert input_name(given) == named


def test_every_error_body_applies_the_rule_whoever_built_it() -> None:
    body = AppError("结束时间须晚于开始时间", field="body.ended_at").body("c-1")
    assert body.field == "ended_at" and body.errors[0].field == "ended_at"
    made = ErrorBody(
        code="x", message="m", field="query.page", errors=[FieldError(field="query.page", reason="r")]
    )
    assert made.field == "page" and made.errors[0].field == "page"


class Sample(BaseModel):
    rating: int
    share: float | None = None
    amount: Decimal = Decimal(0)
    counts: list[int] = Field(default_factory=list)
    bounded: Annotated[int, Field(ge=0)] = 0
    flag: bool = False
    either: int | bool = 0  # a bool is one of its values: not refused
    name: str = ""


@pytest.mark.parametrize(
    ("annotation", "numeric"),
    [(int, True), (float, True), (Decimal, True), (int | None, True), (list[int], True),
     (Annotated[int, Field(ge=1)], True), (bool, False), (int | bool, False), (str, False),
     (str | None, False)],
)  # fmt: skip
def test_which_annotations_hold_numbers(annotation: object, numeric: bool) -> None:
    found = expected(annotation)
    assert (found is not None and found.kind is not Expected.flag) is numeric


def test_a_bool_sent_for_a_number_is_found_where_it_was_sent() -> None:
    fields = typed_fields(Sample)
    assert {name for name, typed in fields.items() if typed.kind is not Expected.flag} == {
        "rating", "share", "amount", "counts", "bounded"
    }  # fmt: skip
    data = {"rating": True, "share": 1.5, "counts": [1, False, 3], "flag": True, "either": True, "name": "x"}
    assert sorted(mistyped(fields, data), key=str) == [(("counts", 1), NOT_A_BOOL), (("rating",), NOT_A_BOOL)]
    assert mistyped(fields, {"rating": 1, "share": None, "amount": 3}) == []


class _Listed(RequestBody):
    co_organisers: list[ShortText] = Field(default_factory=list)


@pytest.mark.parametrize(
    ("organisers", "said"),
    [
        (["司法所", "\u3164"], "第 2 项：不能包含不可见的字符 U+3164"),
        (["司法所", "村委会\n"], None),
        (["司\n所"], "第 1 项："),
    ],
)
def test_a_refused_item_of_a_list_names_the_item(organisers: list[str], said: str | None) -> None:
    """Session 32's newcomer: a page shows a list's refusal at the list's one field (协办单位), and
    "（第 1 个字符）", counted in the second item, named the wrong character of what was typed."""
    try:
        _Listed.model_validate({"co_organisers": organisers})
    except ValidationError as refused:
        answer = validation_response(
            RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in refused.errors()])
        )
        (error,) = json.loads(bytes(answer.body))["errors"]
        assert error["field"].startswith("co_organisers.") and error["reason"].startswith(said or "!"), error
    else:
        assert said is None
