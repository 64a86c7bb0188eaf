"""Assessment service composition root: `uvicorn assessment.main:app`."""

from __future__ import annotations

from eventkit.runtime import ServiceSpec, create_app

from assessment.adapters.http import router
from assessment.application.hours_view import QuarterHoursView

SPEC = ServiceSpec(
    name="assessment",
    title="Village Counsel · Assessment 考核评估",
    description="Compliance rules, feedback, yearly assessments and their outcomes.",
    routers=[router],
    projections=[QuarterHoursView()],
)

app = create_app(SPEC)
