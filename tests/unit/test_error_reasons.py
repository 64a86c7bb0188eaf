"""Errors that name several fields list each in the one error body; the body is built by the runtime
(eventkit.errors), the domain only says which fields and why."""

from __future__ import annotations

from eventkit.errors import RuleViolationError
from ledger.domain.entry_fields import EntryInvalidError, build
from ledger.domain.kinds import Kind, label


def test_an_error_naming_one_field_lists_it_with_the_message() -> None:
    body = RuleViolationError("结束时间须晚于开始时间", field="ended_at").body("c-1")
    assert (body.code, body.field, body.correlation_id) == ("rule_violated", "ended_at", "c-1")
    assert [(e.field, e.reason) for e in body.errors] == [("ended_at", "结束时间须晚于开始时间")]


def test_an_error_without_a_field_lists_nothing() -> None:
    assert RuleViolationError("不行").body(None).errors == []


def test_an_invalid_entry_lists_every_field_with_its_chinese_name() -> None:
    try:
        build(Kind.visit, {})
    except EntryInvalidError as exc:
        body = exc.body(None)
        fields = [e.field for e in body.errors]
        assert len(fields) > 1 and body.field == fields[0]
        assert all(e.reason.startswith(f"「{label(e.field)}」") for e in body.errors)
        assert [f for f, _ in exc.problems] == fields  # the import's report keeps them without labels
    else:
        raise AssertionError("an empty visit was accepted")
