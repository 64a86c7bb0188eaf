"""Numbers and yes/no values are taken as the JSON type their field names, never converted from another.

Pydantic's lax mode converts: a bool to 1 or 0 for an int, float or Decimal field (a committee's
rating `true` was stored as 1, a correction's `audience: true` an audience of 1), text of digits to
a number (`"rating": "5"`, `"min_quarter_onsite_hours": "8"`), a float without a fraction to an int
(`"year": 2.026e3` was 2026), and `"yes"`, `"on"`, `1` or `"true"` to true. Text fields meanwhile
refuse numbers (须为文本), so a client could not know which fields convert. One rule, the JSON types
of RFC 8259 as JavaScript's `JSON.stringify` writes them, for every way a value reaches a model:
request bodies (`eventkit.params.RequestBody`) and the values the ledger validates with its event
models (a correction's `changes`):

- a number field (int, float, Decimal, or a list of them) takes a JSON number: not text, not
  `true`/`false`, not NaN or Infinity (which Python's parser reads, though JSON has neither);
- a whole-number field (int) takes a JSON number written without a fraction or an exponent: `2026`,
  never `2026.0` or `2.026e3` (both reach us as the same float, so they cannot be told apart, and
  `JSON.stringify` writes neither for a whole number);
- a yes/no field (bool) takes `true` or `false`, never `1`, `"true"` or `"yes"`;
- `null` and values of other shapes (a list for a number) are left to the field's own validation.

Query and path values arrive as text and keep their own rule (`eventkit.params.WholeNumber`). A field
whose type also takes another kind (`int | str`, `int | bool`) is left to pydantic. Pure: no web
framework, so domain modules may use it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from enum import Enum
from functools import cache
from types import NoneType, UnionType
from typing import Annotated, Any, NamedTuple, Union, get_args, get_origin

from pydantic import BaseModel

NOT_A_BOOL = "须为数字，不能为 true 或 false"
NOT_TEXT = "须为数字，不能为文本（数字不加引号）"
NOT_WHOLE = "须为整数，不能带小数点或指数（如写 5，而非 5.0 或 5e0）"
NOT_FINITE = "须为有限的数字（不能为 NaN 或 Infinity）"
NOT_TRUE_FALSE = "须为 true 或 false（不能为文本或数字）"

KeyPath = tuple[str | int, ...]


class Expected(Enum):
    """The JSON type a field takes."""

    whole = "whole"  # int: a number without fraction or exponent
    number = "number"  # float, Decimal: any finite number
    flag = "flag"  # bool: true or false


class Typed(NamedTuple):
    """What a field takes: its JSON type, and whether as the items of a list."""

    kind: Expected
    listed: bool = False


_LISTS = (list, set, frozenset, tuple, Sequence)


def _kind(annotation: Any) -> Expected | None:
    """The JSON type of one member of a field's type (perhaps Annotated), or None for any other."""
    if get_origin(annotation) is Annotated:
        return _kind(get_args(annotation)[0])
    if annotation is bool:
        return Expected.flag
    if isinstance(annotation, type) and get_origin(annotation) is None:
        if issubclass(annotation, bool):
            return Expected.flag
        if issubclass(annotation, int):
            return Expected.whole
        if issubclass(annotation, float | Decimal):
            return Expected.number
    return None


def expected(annotation: Any) -> Typed | None:
    """What a field of `annotation` (perhaps Optional, Annotated, or a list) takes, or None when it
    is no number and no yes/no, or also takes something else (`int | str`, `int | bool`)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return expected(get_args(annotation)[0])
    if origin in _LISTS:
        args = get_args(annotation)
        inner = expected(args[0]) if len(args) == 1 else None
        return Typed(inner.kind, listed=True) if inner and not inner.listed else None
    if origin in (Union, UnionType):
        members = [expected(arg) for arg in get_args(annotation) if arg is not NoneType]
        if not members or any(m is None for m in members):
            return None
        kinds, listed = {m.kind for m in members if m}, {m.listed for m in members if m}
        if len(listed) != 1:
            return None
        if kinds <= {Expected.whole, Expected.number}:  # an int or a float: any number
            kind = Expected.whole if kinds == {Expected.whole} else Expected.number
            return Typed(kind, listed.pop())
        return Typed(Expected.flag, listed.pop()) if kinds == {Expected.flag} else None
    alone = _kind(annotation)
    return Typed(alone) if alone else None


@cache
def typed_fields(model: type[BaseModel]) -> dict[str, Typed]:
    """`model`'s number and yes/no fields (`expected`), by name as a caller sends them. Do not change
    the answer: it is cached per model."""
    found = {name: expected(field.annotation) for name, field in model.model_fields.items()}
    return {name: typed for name, typed in found.items() if typed is not None}


def _reason(kind: Expected, value: Any) -> str | None:
    """Why `value` (as JSON parses it) is no value of `kind`, or None (also for null and other shapes,
    left to the field)."""
    given = type(value)
    if kind is Expected.flag:
        return NOT_TRUE_FALSE if given in (str, int, float) else None
    if given is bool:
        return NOT_A_BOOL
    if given is str:
        return NOT_TEXT
    if given is float:
        if kind is Expected.whole:
            return NOT_WHOLE
        if not math.isfinite(value):
            return NOT_FINITE
    return None


def mistyped(fields: Mapping[str, Typed], data: Mapping[str, Any]) -> list[tuple[KeyPath, str]]:
    """Where `data` (JSON as sent) holds a value of another JSON type than its field in `fields`
    takes, with the reason in Chinese: `(name,)`, or `(name, index)` for an item of a list field."""
    found: list[tuple[KeyPath, str]] = []
    for name in [name for name in fields if name in data]:  # the fields' order, every time
        kind, listed = fields[name]
        value = data[name]
        if listed:
            if type(value) is list:
                found += [((name, at), why) for at, item in enumerate(value) if (why := _reason(kind, item))]
        elif why := _reason(kind, value):
            found.append(((name,), why))
    return found
