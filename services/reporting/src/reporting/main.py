"""Reporting service composition root: `uvicorn reporting.main:app`."""

from __future__ import annotations

from eventkit.runtime import ServiceSpec, create_app

from reporting.adapters.http import router
from reporting.adapters.http_dashboard import router as dashboard_router
from reporting.adapters.http_deadlines import router as deadlines_router
from reporting.adapters.http_public import PUBLIC_PATHS
from reporting.adapters.http_public import router as public_router
from reporting.adapters.http_report_detail import router as detail_router
from reporting.adapters.http_reports import router as reports_router
from reporting.adapters.reads import READS
from reporting.adapters.writes import WRITES
from reporting.application.assignments_view import AssignmentsView
from reporting.application.board_view import BoardView
from reporting.application.compliance_view import ComplianceView
from reporting.application.dashboard_view import DashboardView
from reporting.application.due_rules_view import DueRulesView
from reporting.application.questions_view import ReportingQuestions
from reporting.application.report_model import TABLES
from reporting.application.report_queries import unit_places
from reporting.application.results_view import ResultsView
from reporting.application.seals_view import SealsView
from reporting.application.stats_view import StatsView
from reporting.application.typical_cases_view import TypicalCasesView

SPEC = ServiceSpec(
    name="reporting",
    title="Village Counsel · Reporting 统计上报",
    description="Compliance views, statistics, report submission and escalation county → city → province.",
    routers=[router, reports_router, detail_router, deadlines_router, dashboard_router, public_router],
    migrations=TABLES,
    projections=[
        ComplianceView(),
        StatsView(),
        BoardView(),
        DueRulesView(),
        ResultsView(),
        AssignmentsView(),
        DashboardView(),
        TypicalCasesView(),
        ReportingQuestions(),
        SealsView(),
    ],
    change_feed=True,
    public_paths=PUBLIC_PATHS,
    reads=READS,
    writes=WRITES,
    unit_places=unit_places,
)

app = create_app(SPEC)
