"""Path and query values obey the same character rule as body text (vc_contracts.text): a NUL or
another control character in a URL is refused with 422 before any handler runs, since it would
otherwise reach PostgreSQL (which refuses NUL in text: a 500) or a log line.

Installed once for every route of every service (`create_app` adds it as an app dependency).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from vc_contracts.text import clean_text


def _problem(where: tuple[str, ...], value: str) -> dict[str, Any] | None:
    try:
        clean_text(value, single_line=True)
    except ValueError as exc:
        return {"type": "value_error", "loc": where, "msg": str(exc), "input": value, "ctx": {"error": exc}}
    return None


async def refuse_control_characters(request: Request) -> None:
    """Raise RequestValidationError (422 validation_failed) naming each path or query value that
    holds a refused character (NUL, other controls, line breaks, lone surrogates)."""
    values = [(("path", name), str(value)) for name, value in request.path_params.items()]
    values += [(("query", name), value) for name, value in request.query_params.multi_items()]
    problems = [p for where, value in values if (p := _problem(where, value)) is not None]
    if problems:
        raise RequestValidationError(problems)
