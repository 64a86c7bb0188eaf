"""Validate many NEW events of one class in ONE pydantic-core call, each exactly as `model_validate`.

`validate_fresh(cls, items)` gives `[cls.model_validate(item) for item in items]`, or None when any
item is refused; the caller then validates the items one by one, which names each culprit and its
error as before (a backfill import names row and column). Never a different result, only slower.

Why: a new event's fields run write-side rules written in Python (ids normalised, text checked for
refused characters and stripped, codes read as ASCII digits, instants converted to +08:00): about
ten Python calls per event, most of a backfill row's validation. For the usual input each of them
returns its input unchanged, and for each the inputs it returns unchanged form a set that a Rust
constraint of pydantic-core can test exactly. The batch validator replaces each such Python step
by that constraint (`fresh_schema`); an input outside the set (a full-width digit, a space to
strip, a CR, a time in another offset…) fails the constraint, so the batch fails, and the
record-by-record path normalises or refuses it as always:
- an id (`codes._id`): printable ASCII without surrounding space (`_ID_AS_IS`);
- a text kind (`text._cleaner`): no C0/C1 control, DEL, U+FFFE/U+FFFF (nor TAB or LF when single
  line), no whitespace at either end (Python's `str.isspace`, listed once), within its cap; a lone
  surrogate cannot even reach Rust, which fails the batch too;
- a village code (`codes._code`, `divisions._check_division`, then the village pattern): that
  pattern in ASCII digits (`batch_decoding` does the same for stored codes);
- an instant (`base._to_cst`): already +08:00 (`tz_constraint`) and after year 1 in UTC.
Cross-field validators (a visit's times and hours) and every other step run as before. A property
test checks that both paths agree on valid and on mutated inputs (tests/contracts/test_fresh_batch.py).
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import SchemaValidator, core_schema

from vc_contracts import base, codes, divisions
from vc_contracts.catalogue.fields import VILLAGE_CODE_PATTERN

_FUNCTIONS = {"function-before", "function-after", "function-wrap"}
_PATTERN_WRAPPER = "_apply_constraint_with_incompatibility_info"

_SPACES = "".join(f"\\x{{{ord(c):X}}}" for c in map(chr, range(0x110000)) if c.isspace())
"""Every character `str.strip()` removes, as a Rust regex class body."""

_ID_AS_IS = "^[!-~](?:[ -~]*[!-~])?$"
"""Ids `codes._id` returns unchanged and does not refuse: printable ASCII, no space at either end."""

_CONTROLS = r"\x{0}-\x{8}\x{B}-\x{1F}\x{7F}-\x{9F}\x{FFFE}\x{FFFF}"
"""`text._REFUSED` without the surrogates (no Rust string holds one) and with CR (converted)."""


def _text_as_is(single_line: bool) -> str:
    """Texts a `text._cleaner` check returns unchanged: no refused character, no CR, (one line: no
    TAB or LF), nothing `strip` removes at either end. The cap is the schema's `max_length`."""
    inner = _CONTROLS + (r"\x{9}\x{A}" if single_line else "")
    edge = f"[^{inner}{_SPACES}]"
    return f"^(?:{edge}(?:[^{inner}]*{edge})?)?$"


_VILLAGE_AS_IS = VILLAGE_CODE_PATTERN.replace(r"\d", "[0-9]")
"""Village codes that `_code`, `_check_division` and the village pattern return unchanged: the
pattern in ASCII digits (it accepts only 12 digits not ending in 000, which the check accepts)."""

_CST_SECONDS = 8 * 3600
_EARLIEST = datetime(1, 1, 1, tzinfo=UTC)  # `_to_cst` of an earlier +08:00 instant overflows


def _cleaner_rule(function: Any) -> tuple[int, bool] | None:
    """(cap, single_line) of a `text._cleaner` check, else None."""
    if getattr(function, "__qualname__", "") != "_cleaner.<locals>.check":
        return None
    cells = inspect.getclosurevars(function).nonlocals
    return int(cells["cap"]), bool(cells["single_line"])


def fresh_schema(schema: Any) -> Any:
    """`schema` (a pydantic core schema) with each known write-side Python step replaced by the Rust
    constraint that accepts exactly the inputs the step returns unchanged (module docstring)."""
    if isinstance(schema, list):
        return [fresh_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    kind = schema.get("type")
    if kind == "chain":  # a code: `_code` then its check, then the field's own pattern
        steps = schema["steps"]
        first = steps[0] if steps else {}
        if (
            first.get("type") == "function-after"
            and first["function"]["function"] is divisions._check_division
            and first["schema"].get("type") == "function-before"
            and first["schema"]["function"]["function"] is codes._code
            and first["schema"]["schema"] == {"type": "str"}
            and len(steps) == 2
            and _pattern_step(steps[1]) == VILLAGE_CODE_PATTERN
        ):
            return core_schema.str_schema(pattern=_VILLAGE_AS_IS)
    if kind in _FUNCTIONS:
        function, inner = schema["function"]["function"], schema["schema"]
        if kind == "function-before" and function is codes._id and _plain_str(inner):
            return {**inner, "pattern": _ID_AS_IS}
        rule = _cleaner_rule(function) if kind == "function-before" else None
        if rule is not None and _plain_str(inner):
            cap, single_line = rule
            return {**inner, "pattern": _text_as_is(single_line), "max_length": cap}
        if (
            kind == "function-after"
            and function is base._to_cst
            and inner.get("type") == "datetime"
            and inner.get("tz_constraint") == "aware"
            and not inner.keys() & {"ge", "gt"}
        ):
            return {**inner, "tz_constraint": _CST_SECONDS, "ge": _EARLIEST}
    return {k: v if k in ("cls", "function", "metadata") else fresh_schema(v) for k, v in schema.items()}


def _plain_str(schema: dict[str, Any]) -> bool:
    """A str schema whose only constraints are lengths (a pattern would need combining)."""
    return schema.get("type") == "str" and schema.keys() <= {"type", "min_length", "max_length", "metadata"}


def _pattern_step(step: dict[str, Any]) -> str | None:
    """The pattern of pydantic's wrapper around a `pattern` constraint, else None."""
    if step.get("type") != "function-wrap":
        return None
    function, inner = step["function"]["function"], step["schema"]
    if getattr(function, "__name__", "") != _PATTERN_WRAPPER or inner.get("type") != "str":
        return None
    return inner.get("pattern") if inner.keys() == {"type", "pattern"} else None


_VALIDATORS: dict[type[BaseModel], SchemaValidator] = {}


def validator(cls: type[BaseModel]) -> SchemaValidator:
    """The batch validator of `cls` (a list of its new instances), built once per class."""
    found = _VALIDATORS.get(cls)
    if found is None:
        schema = core_schema.list_schema(fresh_schema(cls.__pydantic_core_schema__))
        # pydantic-core reuses a complete model's own validator for any `model` schema naming its
        # class (its "prebuilt" validators), which would put the Python steps replaced above back;
        # the class reads as incomplete only while this one validator is built.
        complete = cls.__dict__.get("__pydantic_complete__", False)
        cls.__pydantic_complete__ = False
        try:
            found = _VALIDATORS[cls] = SchemaValidator(schema)
        finally:
            cls.__pydantic_complete__ = complete
    return found


def prepare(*classes: type[BaseModel]) -> None:
    """Build the batch validators of `classes` now. Call it when the caller's module is imported
    (one thread): building marks the class incomplete for a moment (`validator`), which no other
    thread should see while it validates or builds schemas."""
    for cls in classes:
        validator(cls)


M = TypeVar("M", bound=BaseModel)


def validate_fresh(cls: type[M], items: Sequence[dict[str, Any]]) -> list[M] | None:
    """`[cls.model_validate(item) for item in items]` in one call, or None when any item fails
    (validate them one by one then, for each one's errors)."""
    try:
        return validator(cls).validate_python(items)  # type: ignore[no-any-return]
    except ValidationError:
        return None
