"""Validation problems in Chinese: what a pydantic error means, for the person who made it.

Shared by every service's 422 answer, so no English pydantic message reaches a caller.
"""

from __future__ import annotations

import re
from typing import Any

from vc_contracts.catalogue.enums import LABELS
from vc_contracts.catalogue.fields import VILLAGE_CODE_PATTERN
from vc_contracts.divisions import COUNTY_CODE_PATTERN, DIVISION_CODE_PATTERN
from vc_contracts.moment_text import DATE_FORMAT, DATETIME_FORMAT, TIME_FORMAT, moment_reason

from eventkit.periods import period_pattern_reason

_FIXED = {
    "missing": "必填，不能为空",
    "json_invalid": "请求体不是有效的 JSON",
    "json_type": "须为 JSON 文本",
    "extra_forbidden": "不认识的字段，请删除",
    "bool_parsing": "须为 true 或 false",
    "bool_type": "须为 true 或 false",
    "string_type": "须为文本",
    "string_unicode": "须为有效的 UTF-8 文本",
    "list_type": "须为列表",
    "dict_type": "须为对象（键值对）",
    "model_type": "须为对象（键值对）",
    "model_attributes_type": "须为对象（键值对）",
    "string_pattern_mismatch": "格式不正确",
    "literal_error": "取值无效",
    "uuid_parsing": "须为 UUID",
    "uuid_type": "须为 UUID",
    "float_parsing": "须为数字",
    "float_type": "须为数字",
    "finite_number": "须为有限的数字",
    "decimal_parsing": "须为数字",
    "decimal_type": "须为数字",
    "bytes_type": "须为文本",
    "too_long": "项数过多",
    "value_error": "取值无效",
    "assertion_error": "取值无效",
    "union_tag_invalid": "取值无效",
    "none_required": "须为空",
    "timezone_naive": "不能带时区",
}

CODE_PATTERN_REASONS = {
    COUNTY_CODE_PATTERN: "县级行政区划代码须为6位数字，末两位不为00，如 621025",
    VILLAGE_CODE_PATTERN: "村（社区）代码须为12位数字，末三位不为000",
    DIVISION_CODE_PATTERN: "行政区划代码须为6位（县级及以上）或12位（乡镇、村/社区）数字",
}
"""The reason of a division code refused by its shape, by the pattern that refused it (the shared
query types of `eventkit.params`), so every service says what a code looks like without a hint."""


def reason_for(detail: Any, hint: str | None = None) -> str:
    """One pydantic error (`ErrorDetails`) in Chinese; `hint` describes the expected format of the
    offending input, when there is one, and is preferred for format mismatches."""
    kind, ctx = detail["type"], detail.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])  # our own validators already speak Chinese
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in CODE_PATTERN_REASONS:
        return CODE_PATTERN_REASONS[ctx["pattern"]]  # a code's shape, said alike by every service
    if kind == "string_pattern_mismatch" and hint:
        return hint
    if kind == "string_pattern_mismatch" and (
        period := period_pattern_reason(ctx.get("pattern", ""), detail.get("input"))
    ):
        return period  # a period says which kind it wants (a half-year path sent a quarter)
    if kind == "literal_error" and "expected" in ctx:
        return "取值无效，可选：" + _choices(str(ctx["expected"]))
    if kind in _FIXED:
        return _FIXED[kind]
    if kind == "enum":  # a sheet's words are not the API's values: its hint names its own words
        return hint or "取值无效，可选：" + _choices(str(ctx.get("expected", "")))
    if kind.startswith(("date", "datetime", "time")) or kind == "timezone_aware":
        return _moment_reason(kind, detail.get("input"))
    if kind == "string_too_short":
        # "不能为空" only for a bound of one: a 2-character query code sent where 4 are needed
        # was told it was empty
        shortest = ctx.get("min_length")
        return f"过短，至少 {shortest} 个字符" if isinstance(shortest, int) and shortest > 1 else "不能为空"
    if kind == "string_too_long":
        return f"过长，最多 {ctx.get('max_length')} 个字符"
    if kind == "too_short":
        return f"至少需要 {ctx.get('min_length')} 项"
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于 {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于 {ctx.get('le', ctx.get('lt'))}"
    if kind.startswith("int"):
        return "须为整数"
    return hint or "格式不正确"


def _moment_reason(kind: str, given: Any) -> str:
    """A refused date, date-time or time: its first wrong part (`vc_contracts.moment_text`), else the
    format the field wants. Pydantic's own error type says little: it reads `...T09:00:00+25:00` as
    a date followed by "extra characters"."""
    with_time = kind.startswith("datetime") or kind == "timezone_aware"
    if kind == "date_from_datetime_inexact":
        return "须为日期（不含时间），" + DATE_FORMAT
    if kind in ("date_future", "datetime_future"):
        return "须晚于当前时间"
    if kind in ("date_past", "datetime_past"):
        return "须早于当前时间"
    if kind.startswith("time") and kind != "timezone_aware":
        return TIME_FORMAT
    return moment_reason(given, with_time=with_time) or (DATETIME_FORMAT if with_time else DATE_FORMAT)


_QUOTED = re.compile(r"'([^']*)'")
_LABELLED: dict[frozenset[str], dict[str, str]] = {
    frozenset(member.value for member in enum): {member.value: label for member, label in labels.items()}
    for enum, labels in LABELS.items()
}
"""Per enum of the catalogue, by its set of wire values (what pydantic's error lists): their labels."""


def _choices(expected: str) -> str:
    """Pydantic's "'land', 'marriage_family' or 'other'" as people read it: 土地（land）、婚姻家庭
    （marriage_family）、其他（other） when the values are an enum of the catalogue (its labels,
    `vc_contracts.catalogue.enums.LABELS`), the wire value kept for a caller of the API; else the values."""
    values = _QUOTED.findall(expected)
    labels = _LABELLED.get(frozenset(values), {})
    return "、".join(f"{labels[v]}（{v}）" if v in labels else v for v in values) or expected
