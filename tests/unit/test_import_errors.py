"""The one import_rejected answer: any refusal while building a row's command or event (the decider's,
or a ValidationError of whatever field types the event models use) is an error of that row."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import pytest
from eventkit.auth import Principal, Role
from eventkit.errors import RuleViolationError
from eventkit.import_errors import ImportRejectedError, Problems, RowProblem
from ledger.application import import_checks
from ledger.application.import_checks import FileFacts, build_events, prepare_row
from ledger.application.import_rows import parse_row
from ledger.domain.facts import Assignment
from pydantic import AfterValidator, BaseModel, ValidationError
from vc_contracts import CST


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise ValueError("不能含有不可见的控制字符")
    return text


class Summary(BaseModel):
    """Stands for an event model whose text type refuses NUL (as contracts' field types may)."""

    summary: Annotated[str, AfterValidator(_no_nul)]
    audience: int = 0


def refusal(data: dict[str, Any]) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        Summary.model_validate(data)
    return caught.value


def test_a_validation_error_becomes_errors_of_the_row_by_column() -> None:
    problems = Problems({"summary": "内容摘要"}, {"audience": "参加人数"})
    problems.add_refusal(7, refusal({"summary": "答复\x00", "audience": "很多"}), {"summary": "summary",
                         "audience": "audience"}, "row")  # fmt: skip
    found = [(p.row, p.column, p.field) for p in problems.found]
    assert found == [(7, "内容摘要", "rows[7].summary"), (7, "参加人数", "rows[7].audience")]
    assert problems.found[0].reason == "第 7 行「内容摘要」：不能含有不可见的控制字符"
    with pytest.raises(ImportRejectedError) as rejected:
        problems.raise_if_any()
    body = rejected.value.body("c-1")
    assert (rejected.value.status, body.code, body.field) == (422, "import_rejected", "rows[7].summary")


def test_a_field_the_sheet_has_no_column_for_is_named_by_the_row() -> None:
    problems = Problems()
    problems.add_refusal(3, refusal({"summary": "x\x00"}), {}, "row")
    problems.add_refusal(4, RuleViolationError("不对", field="hours"), {}, "row")
    assert [(p.row, p.column, p.field) for p in problems.found] == [(3, "整行", "rows[3].row"),
                                                                      (4, "整行", "rows[4].row")]  # fmt: skip


@pytest.mark.parametrize("stage", ["log_data", "build"])
def test_a_validation_error_while_deciding_a_backfill_row_is_a_row_error(
    monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    """Whether the rules before the event (`log_data`) or building the event (`build`, row by row
    once the batch is refused) raise a bare ValidationError, it is the row's problem."""

    def refusing(*_: Any) -> Any:
        raise refusal({"summary": "微信群答复\x00土地流转"})

    monkeypatch.setattr(import_checks, stage, refusing)
    monkeypatch.setattr(import_checks, "build_many", lambda *_: None)
    row, _ = parse_row(9, {"kind": "法律咨询", "advisor_id": "A-1", "village_code": "621025100201",
                           "started_at": "2025-03-05T20:00:00+08:00", "channel": "微信群",
                           "summary": "微信群答复", "client_entry_id": "c-9"})  # fmt: skip
    assert row is not None
    who = Principal(subject="staff", role=Role.law_firm, scope="621025", unit_id="U-1")
    problems = Problems(labels={"summary": "内容摘要"})
    facts = FileFacts(histories={}, existing={}, names={"advisor:A-1": "王建国"})  # a known advisor
    now = datetime(2026, 1, 1, tzinfo=CST)
    if stage == "build":  # the assignment rule would refuse first: let the row reach its event
        monkeypatch.setattr(import_checks, "log_data", lambda *_: {"summary": "微信群答复"})
    prepared = prepare_row(row, "E-1", who, "U-1", facts, now, problems)
    events = build_events([prepared] if prepared else [], problems)
    assert prepared is None if stage == "log_data" else events == [None]
    assert [(p.row, p.column) for p in problems.found] == [(9, "内容摘要")]


def test_an_advisor_the_assignments_know_is_not_unknown_while_the_directory_lags() -> None:
    term = Assignment("AS-1", "A-7", "U-1", "621025100201", date(2026, 1, 1))
    lagging = FileFacts(histories={"621025100201": [term]}, existing={})
    assert lagging.knows_advisor("A-7"), "an assigned advisor exists even before the directory names them"
    assert not lagging.knows_advisor("A-nobody")
    assert FileFacts(histories={}, existing={}, names={"advisor:A-8": "王建国"}).knows_advisor("A-8")


def test_the_worksheet_is_named_in_the_message_as_a_reader_can_see_it() -> None:
    # a worksheet named 台账\u202e表 showed the rest of the message reversed on the import page
    refused = ImportRejectedError(
        [RowProblem(field="rows[2].kind", reason="x", row=2, column="类型")], "台账\u202e表"
    )
    assert "工作表「台账<U+202E>表」中" in refused.message
