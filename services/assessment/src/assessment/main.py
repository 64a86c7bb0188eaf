"""Assessment service composition root: `uvicorn assessment.main:app`."""

from __future__ import annotations

from eventkit.runtime import ServiceSpec, create_app
from eventkit.unit_places import served_counties

from assessment.adapters import http_commands, http_hours, http_queries
from assessment.adapters.reads import READS
from assessment.adapters.writes import WRITES
from assessment.application.assignments_view import AssignmentsView
from assessment.application.decisions_view import DecisionsView
from assessment.application.gatherings_view import GatheringsView
from assessment.application.hours_view import QuarterHoursView
from assessment.application.rectifications_view import RectificationsView

SPEC = ServiceSpec(
    name="assessment",
    title="Village Counsel · Assessment 考核评估",
    description="Compliance rules, feedback, yearly assessments and their outcomes.",
    routers=[http_hours.router, http_commands.router, http_queries.router],
    projections=[QuarterHoursView(), GatheringsView(), AssignmentsView()],
    own_views=[DecisionsView(), RectificationsView()],
    reads=READS,
    writes=WRITES,
    unit_places=served_counties(AssignmentsView.tables[0]),
)

app = create_app(SPEC)
