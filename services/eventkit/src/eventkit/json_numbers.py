"""A JSON `true` or `false` is no number: pydantic's lax mode reads it as 1 or 0 for an int, float or
Decimal field (a committee's rating `true` was stored as 1, a correction's `audience: true` as an
audience of 1). One rule for every way a value reaches a model: request bodies
(`eventkit.params.RequestBody`) and the values the ledger validates with its event models (a
correction's `changes`). Pure: no web framework, so domain modules may use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel

NOT_A_BOOL = "须为数字，不能为 true 或 false"
_NUMBERS = (int, float, Decimal)


def is_numeric(annotation: Any) -> bool:
    """True if `annotation` (perhaps Optional, a list or Annotated) holds a number type and no bool."""
    if annotation is bool:
        return False
    if isinstance(annotation, type):
        return issubclass(annotation, _NUMBERS) and not issubclass(annotation, bool)
    args = get_args(annotation)
    if get_origin(annotation) is Annotated:
        return is_numeric(args[0])
    return any(is_numeric(arg) for arg in args) and bool not in args


@cache
def number_fields(model: type[BaseModel]) -> frozenset[str]:
    """The names of `model`'s fields that hold numbers (`is_numeric`), as a caller sends them."""
    return frozenset(name for name, field in model.model_fields.items() if is_numeric(field.annotation))


def bools_for_numbers(names: frozenset[str], data: Mapping[str, Any]) -> list[tuple[str | int, ...]]:
    """Where `data` (JSON as sent) holds `true` or `false` for one of the number fields `names`, or
    an item of a list of them: `(name,)` or `(name, index)`."""
    found: list[tuple[str | int, ...]] = []
    for name in names.intersection(data):
        value = data[name]
        for at, item in enumerate(value) if type(value) is list else ((None, value),):
            if type(item) is bool:
                found.append((name,) if at is None else (name, at))
    return found
