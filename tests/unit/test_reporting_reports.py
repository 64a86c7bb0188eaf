"""Report state machine (pure): submit, review level by level, return and resubmit, refusals."""

from __future__ import annotations

from datetime import datetime

import pytest
from eventkit.errors import ConflictError
from reporting.domain.reports import ApproveReport, ReturnReport, SubmitReport, reports
from vc_contracts import CST, Event
from vc_contracts.catalogue.enums import Level, ReportKind
from vc_contracts.catalogue.reporting import ReportApproved, ReportEscalated, ReportReturned, ReportSubmitted

NOW = datetime(2025, 7, 10, 9, 0, tzinfo=CST)
HALF = SubmitReport(
    "R-1", ReportKind.half_year_ledger, "2025H1", "U-firm", "621025", {"rows": []}, ["firm-head"]
)
ANNUAL = SubmitReport(
    "R-2", ReportKind.annual_results, "2025", "county-621025", "621025", {}, ["county-head"]
)


def run(given: list[Event], command: object) -> list[Event]:
    return list(reports.decide(reports.fold(given), command, NOW))  # type: ignore[arg-type]


def through(*commands: object) -> list[Event]:
    history: list[Event] = []
    for command in commands:
        history += run(history, command)
    return history


def test_a_half_year_report_is_submitted_with_its_confirmation() -> None:
    assert [type(e) for e in run([], HALF)] == [ReportSubmitted]


def test_unconfirmed_figures_are_refused() -> None:
    with pytest.raises(ConflictError) as refused:
        run([], SubmitReport(**{**HALF.__dict__, "confirmed_by": []}))
    assert refused.value.field == "confirmed_by"


def test_county_approval_ends_a_half_year_report() -> None:
    history = through(HALF, ApproveReport(Level.county))
    assert [type(e) for e in history] == [ReportSubmitted, ReportApproved]
    assert reports.fold(history).status == "approved"
    with pytest.raises(ConflictError):
        run(history, HALF)


def test_annual_results_escalate_county_to_city_to_province() -> None:
    history = through(
        ANNUAL, ApproveReport(Level.county), ApproveReport(Level.city), ApproveReport(Level.province)
    )
    escalations = [
        (e.from_level, e.to_level, e.to_division_code) for e in history if isinstance(e, ReportEscalated)
    ]
    assert escalations == [(Level.county, Level.city, "621000"), (Level.city, Level.province, "620000")]
    assert reports.fold(history).status == "approved"


@pytest.mark.parametrize(
    ("given", "command", "field"),
    [
        ([], ApproveReport(Level.county), "status"),
        ([ANNUAL], ApproveReport(Level.city), "level"),
        ([ANNUAL, ApproveReport(Level.county)], ApproveReport(Level.province), "level"),
        ([ANNUAL, ApproveReport(Level.county)], ApproveReport(Level.county), "level"),
        ([HALF, ReturnReport(Level.county, "缺少调解数据")], ApproveReport(Level.county), "status"),
        ([HALF], HALF, "status"),
    ],
    ids=[
        "never-submitted",
        "city-before-county",
        "province-before-city",
        "county-twice",
        "returned",
        "twice",
    ],
)
def test_out_of_order_transitions_are_refused(given: list[object], command: object, field: str) -> None:
    with pytest.raises(ConflictError) as refused:
        run(through(*given), command)
    assert refused.value.field == field


def test_a_returned_report_is_resubmitted_and_reviewed_again_by_the_level_that_returned_it() -> None:
    history = through(
        ANNUAL, ApproveReport(Level.county), ReturnReport(Level.city, "考核结果缺少说明"), ANNUAL
    )
    state = reports.fold(history)
    assert (state.status, state.at_level, state.submissions) == ("pending", Level.city, 2)
    assert isinstance(history[3], ReportReturned)
    assert [type(e) for e in run(history, ApproveReport(Level.city))] == [ReportApproved, ReportEscalated]
