"""Registry service composition root: `uvicorn registry.main:app`."""

from __future__ import annotations

from eventkit.runtime import ServiceSpec, create_app
from fastapi import FastAPI

from registry.adapters.http import routers
from registry.adapters.http_errors import explain_validation_in_chinese
from registry.application.views import RegistryViews

SPEC = ServiceSpec(
    name="registry",
    title="Village Counsel · Registry 登记服务",
    description=(
        "Divisions, providing units, advisors, assignments, agreements and their filing, notice boards"
        " and WeChat service groups."
    ),
    routers=routers,
    projections=[RegistryViews()],
)


def build_app() -> FastAPI:
    app = create_app(SPEC)
    explain_validation_in_chinese(app)
    return app


app = build_app()
