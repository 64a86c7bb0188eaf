"""`parse_row` (readers worked out once per kind, remembered times) answers as the row-by-row
reading it replaced, on any row: the same row or the same problems in the same order.

`_reference` is that reading as it was (session 12), kept here as the specification; `when` is
compared with the time reading without its memory (`import_rows._when`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventkit.reasons import CODE_PATTERN_REASONS
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger.application import import_rows
from ledger.application.import_rows import (
    COMMON,
    ENUMS,
    INTS,
    KINDS,
    LabelError,
    ParsedRow,
    _whole,
    parse_row,
    when,
)
from ledger.domain.kinds import EVENT_OF, KIND_LABEL, Kind
from pydantic import TypeAdapter, ValidationError
from vc_contracts.catalogue.fields import VILLAGE_CODE_PATTERN, VillageCode
from vc_contracts.text import quoted


def _reference_detail(field: str, value: Any) -> Any:
    if field in INTS:
        return _whole(value)
    if field == "co_organisers":
        text = str(value)
        for sep in "，,;；":
            text = text.replace(sep, "、")
        return [part.strip() for part in text.split("、") if part.strip()]
    if field in ENUMS:
        text = str(value).strip()
        if text in ENUMS[field].values():
            return text
        if text not in ENUMS[field]:
            # quoted as a reader can see it (session 34: cut to 40, invisible characters named)
            raise LabelError(f"无法识别的取值「{quoted(text)}」，应为：{'、'.join(ENUMS[field])}")
        return ENUMS[field][text]
    return str(value).strip()


def _reference(line: int, values: dict[str, Any]) -> tuple[ParsedRow | None, list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    for field in ("kind", "advisor_id", "village_code", "started_at", "client_entry_id"):
        if field not in values and not (field == "started_at" and "occurred_at" in values):
            problems.append((field, "不能为空"))
    kind = KINDS.get(str(values.get("kind", "")).strip())
    if "kind" in values and kind is None:
        problems.append(
            (
                "kind",
                f"无法识别的类型「{quoted(str(values['kind']))}」，应为：{'、'.join(KIND_LABEL.values())}",
            )
        )
    if "village_code" in values:  # by the API's own type, without the memory of codes read well
        try:
            TypeAdapter(VillageCode).validate_python(str(values["village_code"]).strip())
        except ValidationError:
            problems.append(("village_code", CODE_PATTERN_REASONS[VILLAGE_CODE_PATTERN]))
    times: dict[str, datetime | None] = {"started_at": None, "ended_at": None}
    for field, source in (
        ("started_at", values.get("started_at", values.get("occurred_at"))),
        ("ended_at", values.get("ended_at")),
    ):
        if source is not None:
            try:
                times[field] = import_rows._when(source)
            except ValueError:
                problems.append((field, f"无法识别的时间「{quoted(str(source))}」，例如 2025-03-05 09:00"))
    if kind is Kind.visit and "ended_at" not in values:
        problems.append(("ended_at", "驻点服务须填写结束时间"))
    details: dict[str, Any] = {}
    for field in set(EVENT_OF[kind].model_fields) - COMMON if kind else ():
        if field in values:
            try:
                details[field] = _reference_detail(field, values[field])
            except LabelError as wrong:
                problems.append((field, str(wrong)))
            except ValueError:
                problems.append((field, f"须为整数（「{quoted(str(values[field]))}」）"))
    if problems or kind is None or times["started_at"] is None:
        return None, problems
    row = ParsedRow(
        line,
        kind,
        str(values["advisor_id"]).strip(),
        str(values["village_code"]).strip(),
        times["started_at"],
        times["ended_at"] if kind is Kind.visit else None,
        details,
        str(values.get("note", "")).strip(),
        str(values["client_entry_id"]).strip(),
    )
    return row, []


_FIELDS = sorted(COMMON | {"kind"} | {f for cls in EVENT_OF.values() for f in cls.model_fields})
_TIMES = st.one_of(
    st.sampled_from(
        [
            "2025-03-05T09:00:00+08:00",
            "2025-03-05 09:00",
            "2025-03-05T01:00:00+00:00",
            " 2025/3/5 9:00 ",
            "2025年03月05日 09:00",
            "2025.03.05 09:00",
            "2025/3/5",
            "2025-13-05 09:00",
            "明天",
        ]
    ),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),  # noqa: DTZ001 (naive cells)
    st.text(alphabet="0123456789-/: T+年月日", max_size=20),
)
_LABELS = [label for labels in ENUMS.values() for label in labels] + [
    code for labels in ENUMS.values() for code in labels.values()
]
_VALUES = st.one_of(
    st.sampled_from([*KINDS, *_LABELS, "30", "３０", "30.0", "3.5", "1e3", "-2", "甲，乙;丙、 丁", ""]),
    st.integers(-5, 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=10),
    _TIMES,
    st.none(),
)


@given(st.dictionaries(st.sampled_from([*_FIELDS, "occurred_at"]), _VALUES, max_size=14), st.integers(2, 9))
def test_parse_row_answers_as_the_row_by_row_reading(values: dict[str, Any], line: int) -> None:
    expected = _reference(line, values)
    assert parse_row(line, values) == expected
    assert parse_row(line, values) == expected  # with its times remembered


@settings(max_examples=400)
@given(st.data())
def test_a_row_of_each_kind_answers_as_the_row_by_row_reading(data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(sorted(KINDS)))
    fields = sorted(set(EVENT_OF[KINDS[kind]].model_fields) | {"occurred_at", "note"})
    cells = data.draw(st.dictionaries(st.sampled_from(fields), _VALUES, max_size=len(fields)))
    values = {"kind": kind} | cells
    assert parse_row(3, values) == _reference(3, values)


@given(_TIMES)
def test_a_remembered_time_is_the_time_read(value: Any) -> None:
    try:
        expected: Any = import_rows._when(value)
    except ValueError as exc:
        expected = type(exc)
    for _ in range(2):
        try:
            got: Any = when(value)
        except ValueError as exc:
            got = type(exc)
        assert got == expected
        assert getattr(got, "tzinfo", None) == getattr(expected, "tzinfo", None)
