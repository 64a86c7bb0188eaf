"""Registry service composition root: `uvicorn registry.main:app`."""

from __future__ import annotations

from eventkit.runtime import ServiceSpec, create_app

from registry.adapters.http import routers
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

app = create_app(SPEC)
