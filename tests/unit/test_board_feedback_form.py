"""The board's feedback form (vc_web.public.feedback_form): what is sent to the registry, and the
registry's refusal put back next to the fields it names."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from vc_web.public.feedback_form import Form, UnreadableForm, parse, request_body, with_errors
from vc_web.public.pages import tel
from vc_web.public.routes import answer_lookup


def posted(**values: str) -> Form:
    return parse(urlencode(values).encode())


@pytest.mark.parametrize(
    ("given", "then"),
    [
        ({"submission_id": "abcdefgh12", "category": "land", "text": "问题", "callback_phone": ""},
         {"submission_id": "abcdefgh12", "kind": "question", "category": "land", "text": "问题"}),  # no phone
        ({"submission_id": "abcdefgh12", "category": "labour", "text": "问", "callback_phone": "13912345678"},
         {"submission_id": "abcdefgh12", "kind": "question", "category": "labour", "text": "问",
          "callback_phone": "13912345678"}),
        ({"category": "other", "text": "x", "extra": "ignored"},
         {"kind": "question", "category": "other", "text": "x"}),
        ({"kind": "meeting", "category": "land", "text": "面谈", "meeting_at": "2026-12-02T14:30:00+08:00"},
         {"kind": "meeting", "category": "land", "text": "面谈", "meeting_at": "2026-12-02T14:30:00+08:00"}),
        ({"kind": "meeting", "category": "land", "text": "面谈", "meeting_at": ""},  # the registry asks
         {"kind": "meeting", "category": "land", "text": "面谈", "meeting_at": None}),
        ({"kind": "question", "category": "land", "text": "问", "meeting_at": "2026-12-02T14:30:00+08:00"},
         {"kind": "question", "category": "land", "text": "问"}),  # a time left selected is not sent
    ],
)  # fmt: skip
def test_the_registry_gets_the_form_as_typed(given: dict[str, str], then: dict[str, Any]) -> None:
    body = request_body(posted(**given))
    assert {k: v for k, v in body.items() if k != "submission_id" or "submission_id" in given} == then
    assert len(body["submission_id"]) >= 8  # a form without one gets a fresh id


def refusal(code: str, *fields: str) -> dict[str, Any]:
    errors = [{"field": f, "reason": f"{f} 的原因"} for f in fields]
    return {"code": code, "message": "请求内容有误", "field": fields[0] if fields else None, "errors": errors}


@pytest.mark.parametrize(
    ("error", "field_errors", "message_has"),
    [
        (refusal("validation_failed", "text"), {"text": "text 的原因"}, "修改"),
        (refusal("validation_failed", "text", "callback_phone"),
         {"text": "text 的原因", "callback_phone": "callback_phone 的原因"}, "修改"),
        (refusal("validation_failed", "submission_id"), {}, "请求内容有误"),  # not a visible field
        ({"code": "rate_limited", "message": "提交过于频繁", "errors": []}, {}, "提交过于频繁"),
        (refusal("idempotency_key_reused", "submission_id"), {}, "已提交过"),
    ],
)  # fmt: skip
def test_a_refusal_is_shown_next_to_the_fields_it_names(
    error: dict[str, Any], field_errors: dict[str, str], message_has: str
) -> None:
    form = with_errors(posted(submission_id="abcdefgh12", text="t"), error)
    assert form.errors == field_errors
    assert form.message is not None and message_has in form.message
    assert form.values["text"] == "t"  # what was typed stays for the retry


def test_a_reused_submission_gets_a_new_id_for_the_next_try() -> None:
    form = with_errors(posted(submission_id="abcdefgh12", text="t"), refusal("idempotency_key_reused"))
    assert form.submission_id != "abcdefgh12"


@pytest.mark.parametrize(
    ("shown", "dialled"),
    [
        ("13911112222", "tel:13911112222"),
        ("0934-5221234", "tel:09345221234"),
        ("0934-5221234-801", "tel:09345221234801"),
    ],
)
def test_a_phone_is_dialled_as_digits(shown: str, dialled: str) -> None:
    assert tel(shown) == dialled


@pytest.mark.parametrize(
    ("typed", "then"),
    [
        ("MABCF4BB", "/v/621025100201/q/MABCF4BB"),
        ("mabc-f4bb", "/v/621025100201/q/MABCF4BB"),
        ("ＭＡＢＣＦ４ＢＢ", "/v/621025100201/q/MABCF4BB"),  # a phone's input method in full-width mode
        ("ｍａｂｃ－ｆ４ｂｂ", "/v/621025100201/q/MABCF4BB"),
        ("ＭＡＢＣ　Ｆ４ＢＢ", "/v/621025100201/q/MABCF4BB"),  # an ideographic space between the halves
    ],
)
async def test_a_query_code_typed_in_full_width_finds_the_answer(typed: str, then: str) -> None:
    # given the code the board gave, typed on a phone in full-width mode, when looked up, then the
    # answer's own address (it was the "no such question" page: the letters were not ASCII)
    answer = await answer_lookup("621025100201", typed)
    assert (answer.status_code, answer.headers["location"]) == (303, then)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"submission_id=abcdefgh12&category=land&text=%ED%A0%80", "无法识别的字符"),  # a lone surrogate
        (b"submission_id=abcdefgh12&category=land&text=%FF%FE", "无法识别的字符"),
        ("submission_id=abcdefgh12&category=land&text=问".encode("gb18030"), "无法识别的字符"),
        (b"submission_id=abcdefgh12&category=land&text=a&text=b", "重复"),
        (b"submission_id=abcdefgh12&submission_id=abcdefgh13&category=land&text=a", "重复"),
    ],
)
def test_a_form_that_cannot_be_read_as_typed_is_refused_not_stored_garbled(body: bytes, message: str) -> None:
    # given a body that is no UTF-8 or names a field twice, when parsed, then refused with a reason
    # (it was sent on with U+FFFD marks for the resident's question, or with one of the two texts)
    with pytest.raises(UnreadableForm, match=message):
        parse(body)


def test_a_form_in_utf8_with_escapes_is_read_as_typed() -> None:
    form = parse(b"submission_id=abcdefgh12&category=land&text=%E9%97%AE+%F0%A0%80%80")
    assert form.values["text"] == "问 \U00020000"
