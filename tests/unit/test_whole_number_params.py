"""Every whole number read from a path or a query, in all four services, is digits only.

Session 17 made paging and years refuse `+1`, `1.0`, `1_0` and ` 1` (`eventkit.params.WholeNumber`:
pydantic's lax int took them, `?page=1_0` was page 10); a newcomer found `from_year` (assessment)
and the typical cases' `year` (ledger) still declared without it. This walks every route of the
built apps, so a new integer parameter declared the old way fails here, not in production.
"""

from __future__ import annotations

import types
from typing import Any, Union, get_args, get_origin

import pytest
from assessment.main import app as assessment
from eventkit.params import WholeNumber
from fastapi import FastAPI
from fastapi.dependencies.utils import get_flat_dependant
from fastapi.routing import APIRoute
from ledger.main import app as ledger
from registry.main import app as registry
from reporting.main import app as reporting

APPS = {"registry": registry, "ledger": ledger, "assessment": assessment, "reporting": reporting}


def _is_int(annotation: Any) -> bool:
    if annotation is int:
        return True
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_is_int(a) for a in get_args(annotation) if a is not type(None))
    return False


def integer_params(app: FastAPI) -> list[tuple[str, str, bool]]:
    """(route, parameter, digits only) of every int path or query parameter, dependencies included."""
    found = []
    for route in app.routes:
        if not isinstance(route, APIRoute):
            continue
        flat = get_flat_dependant(route.dependant)
        for field in [*flat.path_params, *flat.query_params]:
            if _is_int(field.field_info.annotation):
                found.append((route.path, field.name, WholeNumber in field.field_info.metadata))
    return found


@pytest.mark.parametrize("service", list(APPS))
def test_every_integer_in_a_path_or_query_is_read_as_digits_only(service: str) -> None:
    params = integer_params(APPS[service])
    assert params, "no integer parameter found: the walk itself is broken"
    loose = [(path, name) for path, name, digits in params if not digits]
    assert not loose, loose
