"""Report state machine (pure): submit, review level by level, return and resubmit, refusals."""

from __future__ import annotations

from datetime import datetime

import pytest
from eventkit.errors import ConflictError
from reporting.domain.reports import ApproveReport, ReturnReport, SubmitReport, reports
from support.deciding import Spec
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


SPEC = Spec(reports, NOW)


def through(*commands: object) -> list[Event]:
    """The events of `commands` decided one after the other."""
    history: list[Event] = []
    for command in commands:
        history += SPEC.given(*history).when(command).decided()
    return history


def test_a_half_year_report_is_submitted_with_its_figures_and_confirmation() -> None:
    SPEC.given().when(HALF).then(
        ReportSubmitted(
            report_id="R-1",
            kind=ReportKind.half_year_ledger,
            period="2025H1",
            submitter_unit_id="U-firm",
            division_code="621025",
            figures={"rows": []},
            confirmed_by=["firm-head"],
        )
    )


def test_unconfirmed_figures_are_refused() -> None:
    SPEC.given().when(SubmitReport(**{**HALF.__dict__, "confirmed_by": []})).refused(
        ConflictError, "confirmed_by"
    )


def test_county_approval_ends_a_half_year_report() -> None:
    history = through(HALF, ApproveReport(Level.county))
    assert [type(e) for e in history] == [ReportSubmitted, ReportApproved]
    assert reports.fold(history).status == "approved"
    SPEC.given(*history).when(HALF).refused(ConflictError)


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
    SPEC.given(*through(*given)).when(command).refused(ConflictError, field)


def test_a_returned_report_is_resubmitted_and_reviewed_again_by_the_level_that_returned_it() -> None:
    history = through(
        ANNUAL, ApproveReport(Level.county), ReturnReport(Level.city, "考核结果缺少说明"), ANNUAL
    )
    state = reports.fold(history)
    assert (state.status, state.at_level, state.submissions) == ("pending", Level.city, 2)
    assert isinstance(history[3], ReportReturned)
    SPEC.given(*history).when(ApproveReport(Level.city)).then(
        ReportApproved(report_id="R-2", by_level=Level.city),
        ReportEscalated(
            report_id="R-2", from_level=Level.city, to_level=Level.province, to_division_code="620000"
        ),
    )
