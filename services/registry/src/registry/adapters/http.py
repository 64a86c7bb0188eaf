"""The registry's HTTP API: command, query and import routers (OpenAPI at /docs)."""

from __future__ import annotations

from eventkit import imports

from registry.adapters import (
    http_commands,
    http_feedback,
    http_imports,
    http_queries,
    http_responsibilities,
    http_vetting,
)

# Imports first: `/divisions/import` must not be taken for another route's path parameter.
routers = [
    http_imports.router,
    imports.router,
    http_commands.router,
    http_vetting.router,
    http_queries.router,
    http_feedback.router,
    http_responsibilities.router,
]
