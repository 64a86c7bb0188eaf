"""Refusals name levels in Chinese (县级, 市级, 省级; 乡镇（街道）级…), never by their codes.

A city admin acting on a report the county still reviews was told "报告当前由county级审核，city级不能
审核": the level's code inside a Chinese sentence. The same kind: registering a division whose
code, length or parent does not fit its level named `township`, `county`… Every such refusal of
both deciders is walked here (given/when/then tables), and its message must hold no level code.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from eventkit.errors import ConflictError, RuleViolationError
from registry.domain.divisions import Division, RegisterDivision, divisions
from reporting.domain.reports import ApproveReport, ReturnReport, SubmitReport, reports
from support.deciding import Spec
from vc_contracts import CST, Event
from vc_contracts.catalogue.enums import DivisionLevel, Level, ReportKind

NOW = datetime(2026, 1, 20, 9, 0, tzinfo=CST)
CODES = re.compile(r"province|city|county|township|village|community", re.IGNORECASE)
ANNUAL = SubmitReport("R-2", ReportKind.annual_results, "2025", "county-621025", "621025", {}, ["head"])
REPORTS = Spec(reports, NOW)


def _history(*levels_approved: Level) -> list[Event]:
    history: list[Event] = REPORTS.given().when(ANNUAL).decided()
    for level in levels_approved:
        history += REPORTS.given(*history).when(ApproveReport(level)).decided()
    return history


@pytest.mark.parametrize(
    ("approved_by", "acting", "message"),
    [
        ((), Level.city, "报告当前由县级审核，市级不能审核"),
        ((), Level.province, "报告当前由县级审核，省级不能审核"),
        ((Level.county,), Level.county, "报告当前由市级审核，县级不能审核"),
        ((Level.county,), Level.province, "报告当前由市级审核，省级不能审核"),
        ((Level.county, Level.city), Level.city, "报告当前由省级审核，市级不能审核"),
        ((Level.county, Level.city), Level.county, "报告当前由省级审核，县级不能审核"),
    ],
)
@pytest.mark.parametrize("review", [ApproveReport, lambda level: ReturnReport(level, "数据有误")])
def test_a_review_at_the_wrong_level_names_both_levels_in_chinese(
    approved_by: tuple[Level, ...], acting: Level, message: str, review: object
) -> None:
    command = review(acting)  # type: ignore[operator]
    error = REPORTS.given(*_history(*approved_by)).when(command).refused(ConflictError, "level")
    assert error.message == message


PROVINCE = Division("620000", "甘肃省", DivisionLevel.province)
CITY = Division("621000", "庆阳市", DivisionLevel.city, "620000")
COUNTY = Division("621025", "正宁县", DivisionLevel.county, "621000")


@pytest.mark.parametrize(
    ("command", "field", "message"),
    [
        # a code too short for its level
        (
            RegisterDivision("621025", "某镇", DivisionLevel.township, COUNTY),
            "code",
            "乡镇（街道）级区划代码应为 12 位",
        ),
        # a code shaped for another level
        (
            RegisterDivision("621025100000", "某县", DivisionLevel.county, CITY),
            "code",
            "县（区）级区划代码应为 6 位",
        ),
        (
            RegisterDivision("621026", "某市", DivisionLevel.city, PROVINCE),
            "level",
            "代码 621026 的形式是县（区）级，与所填级别（市（州）级）不符",
        ),
        # a parent of the wrong level
        (
            RegisterDivision("621025100000", "某镇", DivisionLevel.township, CITY),
            "parent_code",
            "上级区划应为县（区）级",
        ),
    ],
)
def test_a_division_that_does_not_fit_its_level_names_the_levels_in_chinese(
    command: RegisterDivision, field: str, message: str
) -> None:
    error = Spec(divisions, NOW).given().when(command).refused(RuleViolationError, field)
    assert error.message == message
    assert not CODES.search(error.message)
