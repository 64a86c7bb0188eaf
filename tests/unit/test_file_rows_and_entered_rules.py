"""Rules that hold on every path (session 15, part D), pure: an entered schedule is read by the
board's own parser; the employer rule holds for registration as for nomination; an overlap with
another row of the same backfill file names that row; a cell refused while read leaves the rest of
its row checked."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from eventkit.errors import ConflictError, RuleViolationError
from eventkit.import_errors import Problems
from eventkit.spreadsheets import Column, Kind, read_sheet
from hypothesis import given
from hypothesis import strategies as st
from ledger.domain.facts import Busy
from ledger.domain.rules import check_clashes
from pydantic import BaseModel, ValidationError
from registry.domain.advisors import Advisor, RegisterAdvisor, advisors
from registry.domain.units import Unit
from vc_contracts import CST
from vc_contracts.catalogue.enums import AdvisorKind, UnitKind
from vc_contracts.schedules import EnteredSchedule, on_site_times, schedule_problem

NOW = datetime(2026, 3, 10, 10, 0, tzinfo=CST)

# given an entered schedule, then refused with (a reason containing) ... or accepted (None)
SCHEDULES = [
    ("每周三 9:00-12:00", None),
    ("每周二、周四 14:30-17:30", None),
    ("星期天 9:00-11:00", None),
    ("每周三上午", None),  # free text with a weekday stays possible (R9: residents read it)
    ("周五", None),
    ("每月第一、三周周二全天", None),  # a count of weeks, then the weekday (the province plan's)
    ("隔周周四 9:00-12:00", None),
    ("每月第二周周八", "周八"),
    ("每周八 25:00-26:00", "周八"),
    ("随时", "周一至周日"),
    ("9:00-12:00", "周一至周日"),
    ("请电话联系", "周一至周日"),
    ("每周末", "周末"),
    ("每周三 25:00-26:00", "25:00"),
    ("每周三 9:60-12:00", "9:60"),
    ("每周三 12:00-9:00", "结束时间须晚于开始时间"),
    ("每周一至周五 9:00-17:00", None),  # a range: every weekday (more in schedule_cases.json)
    ("星期一到星期三 9:00-12:00", None),
    ("每周三 9:00-9:00", "结束时间须晚于开始时间"),
]


@pytest.mark.parametrize(("schedule", "refused"), SCHEDULES)
def test_an_entered_schedule_is_refused_only_when_the_board_could_not_read_it(
    schedule: str, refused: str | None
) -> None:
    problem = schedule_problem(schedule)
    if refused is None:
        assert problem is None
    else:
        assert problem is not None and refused in problem and "例如：每周三 9:00-12:00" in problem


class Body(BaseModel):
    schedule: EnteredSchedule


def test_an_entered_schedule_field_refuses_with_the_reason_on_the_field() -> None:
    with pytest.raises(ValidationError) as refused:
        Body(schedule="随时")
    (error,) = refused.value.errors()
    assert error["loc"] == ("schedule",) and "周一至周日" in str(error["ctx"]["error"])
    assert Body(schedule="每周三 9:00-12:00").schedule == "每周三 9:00-12:00"


DAYS = st.lists(st.sampled_from("一二三四五六日"), min_size=1, max_size=3, unique=True)
CLOCK = st.tuples(st.integers(0, 23), st.integers(0, 59))


@given(DAYS, CLOCK, CLOCK)
def test_an_accepted_schedule_with_a_time_span_offers_meeting_times_every_week(
    days: list[str], first: tuple[int, int], second: tuple[int, int]
) -> None:
    start, end = sorted([first, second])
    schedule = "每" + "、".join(f"周{d}" for d in days) + f" {start[0]}:{start[1]:02d}-{end[0]}:{end[1]:02d}"
    if start == end:
        assert schedule_problem(schedule) is not None
        return
    assert schedule_problem(schedule) is None
    # what the registry accepts, the board offers: meeting times on each named weekday
    assert len(on_site_times(schedule, NOW, horizon_days=7)) >= len(days) - 1


FIRM = Unit("U-firm", UnitKind.law_firm, "甘肃正宁律师事务所", "621025")
OFFICE = Unit("U-office", UnitKind.justice_office, "山河司法所", "621025")
AID = Unit("U-aid", UnitKind.legal_aid_center, "正宁县法律援助中心", "621025")
LICENCE = "16210201234567890"
EMPLOYER = {
    UnitKind.law_firm: "律师事务所",
    UnitKind.justice_office: "司法所",
    UnitKind.legal_aid_center: "法律援助中心",
}


@pytest.mark.parametrize(
    ("unit", "kind", "licence"),
    [
        (FIRM, AdvisorKind.justice_office_head, None),
        (FIRM, AdvisorKind.judicial_assistant, None),
        (FIRM, AdvisorKind.legal_aid_lawyer, LICENCE),
        (OFFICE, AdvisorKind.lawyer, LICENCE),
        (AID, AdvisorKind.lawyer, LICENCE),
        (AID, AdvisorKind.justice_office_head, None),
    ],
)
def test_the_county_registers_only_kinds_the_unit_employs_as_a_nomination_does(
    unit: Unit, kind: AdvisorKind, licence: str | None
) -> None:
    command = RegisterAdvisor("A-x", "王某", kind, unit, "13800000001", licence)
    with pytest.raises(RuleViolationError) as refused:
        advisors.decide(Advisor(), command, NOW)
    assert refused.value.field == "kind"
    assert refused.value.message.startswith(f"{EMPLOYER[unit.kind]}的顾问只能是")


@pytest.mark.parametrize(
    ("unit", "kind", "licence"),
    [(FIRM, AdvisorKind.lawyer, LICENCE), (OFFICE, AdvisorKind.justice_office_head, None),
     (AID, AdvisorKind.public_lawyer, LICENCE)],
)  # fmt: skip
def test_a_kind_the_unit_employs_is_registered(unit: Unit, kind: AdvisorKind, licence: str | None) -> None:
    assert advisors.decide(Advisor(), RegisterAdvisor("A-x", "王某", kind, unit, "13800000001", licence), NOW)


T0 = datetime(2026, 3, 2, 10, 0, tzinfo=CST)
VISIT = Busy("E-new", "621025100201", T0, T0 + timedelta(hours=2), "visit", row=2)


@pytest.mark.parametrize(
    ("other", "expected"),
    [
        (Busy("E-8b7b", "621025100201", T0, T0 + timedelta(hours=2), "visit", row=8),
         "与本文件第 8 行（2026-03-02 10:00–12:00）时间重叠"),
        (Busy("E-8b7b", "621025100202", T0 + timedelta(hours=1), T0 + timedelta(hours=3), "visit", row=5),
         "同一时间不能在两个村（社区）现场服务：与本文件第 5 行（2026-03-02 11:00–13:00）时间重叠"),
        (Busy("E-8b7b", "621025100202", T0 + timedelta(hours=1), T0 + timedelta(hours=1), "lecture", row=6),
         "与本文件第 6 行（2026-03-02 11:00）时间重叠"),
    ],
)  # fmt: skip
def test_an_overlap_with_another_row_of_the_file_names_that_row_never_its_would_be_id(
    other: Busy, expected: str
) -> None:
    with pytest.raises(ConflictError) as refused:
        check_clashes(VISIT, [other])
    assert expected in refused.value.message and "E-8b7b" not in refused.value.message


@pytest.mark.parametrize(
    ("village", "expected"),
    [("621025100201", "与已登记的驻点服务记录（2026-03-02 10:00–12:00）时间重叠，请勿重复登记；"
                      "如有错误请更正原记录（记录编号 E-logged）"),
     ("621025100202", "同一时间不能在两个村（社区）现场服务：与东关村（621025100202）的驻点服务记录"
                      "（2026-03-02 10:00–12:00）时间重叠（记录编号 E-logged）")],
)  # fmt: skip
def test_an_overlap_with_the_ledger_names_the_work_as_a_person_knows_it_then_its_id(
    village: str, expected: str
) -> None:
    # given a logged visit at the same time (in the same village, or in another the directory names)
    logged = Busy("E-logged", village, T0, T0 + timedelta(hours=2), "visit")
    # when another visit is checked against it
    with pytest.raises(ConflictError) as refused:
        check_clashes(VISIT, [logged], {"division:621025100202": "东关村"})
    # then the refusal leads with its kind, time and village; the record id comes last
    assert refused.value.message == expected


COLUMNS = (
    Column("name", ("姓名",), required=True),
    Column("phone", ("电话",), Kind.identifier, required=True),
    Column("valid_from", ("起始日期",), Kind.date),
)


def test_a_row_with_an_unreadable_cell_keeps_its_other_cells_for_checking_and_is_never_good() -> None:
    sheet = read_sheet(
        "姓名,电话,起始日期\n张三,123,2026-13-45\n李四,13800000001,2026-01-02\n".encode(), COLUMNS
    )
    assert [n for n, _ in sheet.rows] == [3]
    assert sheet.partial == [(2, {"name": "张三", "phone": "123"})]
    assert [(p.row, p.column) for p in sheet.problems.found] == [(2, "起始日期")]


def test_a_cell_refused_while_read_is_not_refused_again_as_missing() -> None:
    problems = Problems({"valid_from": "起始日期", "phone": "电话"})
    problems.add_unreadable(2, "valid_from", "无法识别的日期")
    problems.add(2, "valid_from", "必填，不能为空")
    problems.add(2, "phone", "格式不正确")
    assert [(p.row, p.column, p.reason) for p in problems.found] == [
        (2, "起始日期", "第 2 行「起始日期」：无法识别的日期"),
        (2, "电话", "第 2 行「电话」：格式不正确"),
    ]
