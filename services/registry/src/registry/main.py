"""Registry service composition root: `uvicorn registry.main:app`."""

from __future__ import annotations

from eventkit.questions import BoardQuestions
from eventkit.runtime import ServiceSpec, create_app
from fastapi import FastAPI

from registry.adapters.http import routers
from registry.adapters.reads import READS
from registry.adapters.writes import WRITES
from registry.application.feedback import FEEDBACK_TABLES
from registry.application.reasons import FORMAT_HINTS
from registry.application.rules_view import FilingRulesView
from registry.application.sql_queries import unit_places
from registry.application.views import RegistryViews

SPEC = ServiceSpec(
    name="registry",
    title="Village Counsel · Registry 登记服务",
    description=(
        "Divisions, providing units, advisors, assignments, agreements and their filing, notice boards"
        " and WeChat service groups."
    ),
    routers=routers,
    migrations=FEEDBACK_TABLES,
    projections=[RegistryViews(), BoardQuestions(), FilingRulesView()],
    format_hints=FORMAT_HINTS,
    reads=READS,
    writes=WRITES,
    unit_places=unit_places,
)


def build_app() -> FastAPI:
    return create_app(SPEC)


app = build_app()
