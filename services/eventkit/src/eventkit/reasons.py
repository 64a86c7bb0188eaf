"""What a pydantic validation error means, in Chinese, for the person who made it.

`reason_for(detail, hint)`: one `ErrorDetails` entry of a `ValidationError` → a short Chinese
reason. `hint` describes the expected format of the offending input, when the caller has one.
"""

from __future__ import annotations

from pydantic_core import ErrorDetails

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
