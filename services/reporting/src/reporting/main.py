"""Reporting service composition root: `uvicorn reporting.main:app`."""

from __future__ import annotations

from eventkit.runtime import ServiceSpec, create_app

from reporting.adapters.http import router
from reporting.application.compliance_view import ComplianceView

SPEC = ServiceSpec(
    name="reporting",
    title="Village Counsel · Reporting 统计上报",
    description="Compliance views, statistics, report submission and escalation county → city → province.",
    routers=[router],
    projections=[ComplianceView()],
)

app = create_app(SPEC)
