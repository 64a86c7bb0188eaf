"""Registry format hints: what the registry's own fields look like, for the person who typed them.

The generic Chinese reasons live in the runtime (`eventkit.reasons`), shared by every service.
"""

from __future__ import annotations

from eventkit.reasons import reason_for

__all__ = ["FORMAT_HINTS", "reason_for"]

FORMAT_HINTS = {
    "code": "行政区划代码须为6位（县级及以上）或12位（乡镇、村/社区）数字",
    "village_code": "村（社区）代码须为12位数字，末三位不为000",
    "credit_code": "统一社会信用代码须为18位（数字或大写字母）",
    "unit_credit_code": "统一社会信用代码须为18位（数字或大写字母）",
    "licence_no": "律师执业证号须为17位数字",
    "phone": "须为11位手机号（1开头）或带区号的座机号，如 0934-1234567",
    "callback_phone": "须为11位手机号（1开头）或带区号的座机号，如 0934-1234567；不需要回电可不填",
    "submission_id": "留言编号须为8至64位字母、数字、-或_（页面自动生成，请刷新页面后重新提交）",
    "county": "县级行政区划代码须为6位，如 621025",
    "township": "乡镇代码须为12位，末三位为000",
}
