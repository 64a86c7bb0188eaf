"""Every request body takes each value as the JSON type its field names (`eventkit.json_numbers`,
applied by `eventkit.params.RequestBody` in every service at once): a number as a JSON number, a
whole number without a fraction or exponent, a yes/no as `true` or `false`.

Before, text fields refused numbers (须为文本) while number fields took text: `"rating": "5"` and
`"min_quarter_onsite_hours": "8"` were 201, `"year": 2.026e3` was the year 2026, and
`"signed_and_stamped": "yes"` was true. Given a field's type and a value, when the body is
validated, then it is refused naming the field with a reason in Chinese, or taken as it was sent.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any

import pytest
from eventkit.json_numbers import Expected, Typed, mistyped, typed_fields
from eventkit.params import RequestBody, YearQuery
from pydantic import BaseModel, Field, TypeAdapter, ValidationError

SERVICES = ("assessment", "ledger", "registry", "reporting")


def _every_body() -> list[type[RequestBody]]:
    for service in SERVICES:
        adapters = importlib.import_module(f"{service}.adapters")
        for module in pkgutil.iter_modules(adapters.__path__):
            importlib.import_module(f"{service}.adapters.{module.name}")

    def below(cls: type[RequestBody]) -> Iterator[type[RequestBody]]:
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    return sorted(
        {cls for cls in below(RequestBody) if cls.__module__.startswith(SERVICES)},
        key=lambda cls: (cls.__module__, cls.__qualname__),
    )


BODIES = _every_body()
FIELDS = [
    pytest.param(body, name, typed, id=f"{body.__module__.split('.')[0]}.{body.__qualname__}.{name}")
    for body in BODIES
    for name, typed in typed_fields(body).items()
]


def reasons(body: type[BaseModel], data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as refused:
        body.model_validate(data)
    return {
        ".".join(map(str, e["loc"])): str(e["ctx"]["error"]) for e in refused.value.errors() if e.get("ctx")
    }


def test_every_service_has_typed_body_fields_to_check() -> None:
    # the table below is built from the services' own models: a new number field is in it at once
    named = {(body.__qualname__, name) for body in BODIES for name in typed_fields(body)}
    assert {("RulesIn", "min_quarter_onsite_hours"), ("FeedbackIn", "rating"), ("FeedbackIn", "year"),
            ("LectureIn", "audience"), ("MediationIn", "parties"), ("GroupIn", "member_count"),
            ("FilingIn", "signed_and_stamped")} <= named  # fmt: skip


WRONG = {  # what each kind of field refuses, as JSON parses it, and the words of the reason
    Expected.whole: [("5", "须为数字"), ("", "须为数字"), (True, "true 或 false"), (2026.0, "须为整数"),
                     (2.026e3, "须为整数"), (7.5, "须为整数"), (float("nan"), "须为整数")],
    Expected.number: [("8", "须为数字"), ("8.5", "须为数字"), (False, "true 或 false"),
                      (float("nan"), "有限"), (float("inf"), "有限")],
    Expected.flag: [("true", "true 或 false"), ("yes", "true 或 false"), (1, "true 或 false"),
                    (0, "true 或 false"), (1.0, "true 或 false")],
}  # fmt: skip


@pytest.mark.parametrize(("body", "name", "typed"), FIELDS)
def test_a_value_of_another_json_type_is_refused_naming_the_field(
    body: type[RequestBody], name: str, typed: Typed
) -> None:
    for value, words in WRONG[typed.kind]:
        sent = [value] if typed.listed else value
        where = f"{name}.0" if typed.listed else name
        found = reasons(body, {name: sent})
        assert words in found.get(where, ""), (value, found)


class Sample(RequestBody):
    rating: int = 0
    share: float | None = None
    amount: Decimal = Decimal(0)
    counts: list[int] = Field(default_factory=list)
    bounded: Annotated[int, Field(ge=0)] = 0
    flag: bool = False
    either: int | bool = 0  # a bool is one of its values: neither kind's rule
    code: int | str = 0  # text is one of its values
    name: str = ""


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [(int, Expected.whole), (float, Expected.number), (Decimal, Expected.number),
     (int | None, Expected.whole), (int | float, Expected.number),
     (Annotated[int, Field(ge=1)], Expected.whole), (bool, Expected.flag), (bool | None, Expected.flag),
     (list[int], Expected.whole), (int | bool, None), (int | str, None), (str, None), (str | None, None)],
)  # fmt: skip
def test_which_json_type_a_field_takes(annotation: object, expected: Expected | None) -> None:
    class One(BaseModel):
        value: annotation  # type: ignore[valid-type]

    found = typed_fields(One).get("value")
    assert (found.kind if found else None) is expected


def test_each_value_is_found_where_it_was_sent() -> None:
    data = {"rating": "5", "share": 1.5, "counts": [1, False, 3.0], "flag": "true", "either": True,
            "code": "x", "name": "x", "bounded": 3}  # fmt: skip
    found = dict(mistyped(typed_fields(Sample), data))
    assert sorted(found) == [("counts", 1), ("counts", 2), ("flag",), ("rating",)], found


@pytest.mark.parametrize(
    "data",
    [{"rating": 5, "share": 8, "amount": 3, "counts": [1, 2], "flag": True},  # an int is a number
     {"share": 7.25, "amount": 0.5, "flag": False},
     {"share": None, "rating": 0, "bounded": 0},  # None is left to the field (optional or missing)
     {"either": True, "code": "x"}, {"either": 3, "code": 4}],
)  # fmt: skip
def test_values_of_the_fields_json_type_are_taken(data: dict[str, Any]) -> None:
    Sample.model_validate(data)


def test_query_parameters_still_arrive_as_text() -> None:
    # the rule is the bodies': a query or path number is text of digits (eventkit.params.WholeNumber)
    assert TypeAdapter(YearQuery).validate_python("2026") == 2026
