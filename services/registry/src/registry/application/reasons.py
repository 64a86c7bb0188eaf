"""Validation problems in Chinese: what a pydantic error means, for the person who made it."""

from __future__ import annotations

from pydantic_core import ErrorDetails

FORMAT_HINTS = {
    "code": "行政区划代码须为6位（县级及以上）或12位（乡镇、村/社区）数字",
    "village_code": "村（社区）代码须为12位数字，末三位不为000",
    "credit_code": "统一社会信用代码须为18位（数字或大写字母）",
    "unit_credit_code": "统一社会信用代码须为18位（数字或大写字母）",
    "licence_no": "律师执业证号须为17位数字",
    "phone": "须为11位手机号（1开头）或带区号的座机号，如 0934-1234567",
    "county": "县级行政区划代码须为6位，如 621025",
    "township": "乡镇代码须为12位，末三位为000",
    "deadline": "日期须写作 MM-DD，如 03-31",
}
_FIXED = {
    "missing": "必填，不能为空",
    "json_invalid": "请求体不是有效的 JSON",
    "extra_forbidden": "不认识的字段，请删除",
    "bool_parsing": "须为 true 或 false",
    "bool_type": "须为 true 或 false",
    "string_type": "须为文本",
    "list_type": "须为列表",
    "string_too_short": "不能为空",
}


def reason_for(detail: ErrorDetails, hint: str | None = None) -> str:
    """`hint` describes the expected format of the offending input, when there is one."""
    kind, ctx = detail["type"], detail.get("ctx") or {}
    if kind in _FIXED:
        return _FIXED[kind]
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])  # our own validators already speak Chinese
    if kind == "enum":
        return "取值无效，可选：" + str(ctx.get("expected", "")).replace(" or ", ", ")
    if kind.startswith(("date", "datetime")):
        return "日期格式应为 YYYY-MM-DD，例如 2025-01-01"
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
