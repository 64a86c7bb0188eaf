"""The residents' question form on the board (a question, or a meeting at one of the village's
coming on-site times): what was typed, and the registry's answer mapped back onto the form's fields
(each reason shown next to its field, in the registry's Chinese).

The form works without JavaScript: a plain urlencoded POST. Every form shown carries a fresh
`submission_id`, so pressing 提交 twice (or reloading the confirmation) records one feedback.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from vc_contracts.catalogue.enums import CONSULTATION_CATEGORY_LABELS
from vc_contracts.schedules import OnSiteTime, on_site_times

FIELDS = ("kind", "category", "text", "callback_phone", "meeting_at")
MAX_FORM_BYTES = 64 * 1024  # the text's 2,000 characters are at most ~18 KB urlencoded
CATEGORIES = [(c.value, label) for c, label in CONSULTATION_CATEGORY_LABELS.items()]


@dataclass
class Form:
    """The form as shown: values to keep, errors per field, one message above it."""

    submission_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    message: str | None = None


class UnreadableForm(ValueError):
    """A posted form that cannot be read as typed (the reason in Chinese, shown above the form)."""


def parse(body: bytes) -> Form:
    """The posted form (unknown fields ignored; a missing or odd submission id gets a new one, and
    the registry judges the rest). Raises UnreadableForm for bytes or escapes that are no UTF-8 and
    for a field sent twice: decoded with replacement, `%ED%A0%80` (a lone surrogate) or another encoding's
    body was stored as the resident's question in U+FFFD marks, and of two `text` values one was
    dropped without a word (a JSON body is refused for both, eventkit.input_rules)."""
    try:
        posted = parse_qs(body.decode("utf-8"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise UnreadableForm("留言中有无法识别的字符（不是 UTF-8 文本），请刷新页面后重新填写") from None
    if any(len(posted.get(name, [])) > 1 for name in (*FIELDS, "submission_id")):
        raise UnreadableForm("表单中有重复的内容，请刷新页面后重新填写")
    values = {name: posted.get(name, [""])[0] for name in FIELDS}
    submission = posted.get("submission_id", [""])[0]
    return Form(submission_id=submission or uuid.uuid4().hex, values=values)


def request_body(form: Form) -> dict[str, Any]:
    """The registry's JSON body; an empty phone is left out (it is optional), the meeting time is
    sent only with a meeting (an empty one too: the registry then asks to choose one)."""
    kind = "meeting" if form.values.get("kind") == "meeting" else "question"
    body: dict[str, Any] = {
        "submission_id": form.submission_id,
        "kind": kind,
        "category": form.values.get("category", ""),
        "text": form.values.get("text", ""),
    }
    if form.values.get("callback_phone", "").strip():
        body["callback_phone"] = form.values["callback_phone"]
    if kind == "meeting":
        body["meeting_at"] = form.values.get("meeting_at") or None
    return body


def meeting_times(schedule: str | None, now: datetime) -> list[OnSiteTime]:
    """The on-site times a resident may ask to meet at (the registry accepts only these)."""
    return on_site_times(schedule, now)[:8]


def with_errors(form: Form, error: dict[str, Any]) -> Form:
    """`form` with the registry's refusal on it: field reasons next to the fields, else a message."""
    for item in error.get("errors") or []:
        name = str(item.get("field") or "")
        if name in FIELDS and name not in form.errors:
            form.errors[name] = str(item.get("reason") or "")
    if error.get("code") == "idempotency_key_reused":
        # the page was submitted once already with other content (e.g. restored from history)
        form.submission_id = uuid.uuid4().hex
        form.message = "这份表单已提交过。请确认内容后再点一次“提交”。"
    elif not form.errors:
        form.message = str(error.get("message") or "提交未成功，请稍后再试")
    else:
        form.message = "请按提示修改标出的内容后再提交"
    return form
