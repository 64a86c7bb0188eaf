"""Which service and read model a maintenance command line names (rebuild, parked, own_views),
checked before anything connects: an unknown one is a usage error listing the choices (exit 2),
not a ModuleNotFoundError or StopIteration traceback."""

from __future__ import annotations

import argparse
from importlib import import_module
from typing import Any

from eventkit.projection import Projection

SERVICES = ("registry", "ledger", "assessment", "reporting")
"""The services whose `<service>.main` holds a ServiceSpec."""


def service_spec(parser: argparse.ArgumentParser, service: str) -> Any:
    """`<service>.main.SPEC` for one of SERVICES; else `parser.error` (exit 2)."""
    if service not in SERVICES:
        parser.error(f"unknown service {service!r}; one of: {', '.join(SERVICES)}")
    return import_module(f"{service}.main").SPEC


def projection_named(
    parser: argparse.ArgumentParser, service: str, name: str, among: str = "projections"
) -> Projection:
    """The read model `name` in `service`'s spec (its `among` list: projections or own_views); else
    `parser.error` (exit 2)."""
    projections: list[Projection] = getattr(service_spec(parser, service), among)
    for projection in projections:
        if projection.name == name:
            return projection
    names = ", ".join(p.name for p in projections)
    parser.error(f"{service} has no read model {name!r}; its read models: {names}")
