"""The input rules every service shares at its edge, installed once by `create_app`.

- Path and query values obey the same character rule as body text (vc_contracts.text): a NUL or
  another control character in a URL is refused with 422 before any handler runs, since it would
  otherwise reach PostgreSQL (which refuses NUL in text: a 500) or a log line.
- Every decimal digit in a path or query value is read as its ASCII digit before routing (the rule of
  vc_contracts.codes for codes, numbers and phones): `?county=６２１０２５` filters like `621025`.
- A value refused while a handler builds an event or an import row (a pydantic ValidationError the
  request model did not catch, e.g. a default taken from data stored before a rule existed) answers
  422 `validation_failed` naming the field, never a 500.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.types import ASGIApp, Receive, Scope, Send
from vc_contracts.codes import ascii_digits
from vc_contracts.text import clean_text

from eventkit.web import validation_response


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


def _digits(text: str) -> str:
    """`text` with every non-ASCII decimal digit as ASCII; nothing else changes."""
    if text.isascii():
        return text
    return "".join(ascii_digits(c) if not c.isascii() and c.isdecimal() else c for c in text)


class AsciiDigitsInUrls:
    """ASGI middleware: rewrites the path and the query string with ASCII digits before routing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope = self._rewritten(scope)
        await self.app(scope, receive, send)

    @staticmethod
    def _rewritten(scope: Scope) -> Scope:
        path, query = scope["path"], scope.get("query_string", b"")
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True) if b"%" in query else []
        new_pairs = [(_digits(k), _digits(v)) for k, v in pairs]
        if _digits(path) == path and new_pairs == pairs:
            return scope
        scope = dict(scope)
        if _digits(path) != path:
            scope["path"] = _digits(path)
            scope["raw_path"] = quote(scope["path"]).encode()
        if new_pairs != pairs:
            scope["query_string"] = urlencode(new_pairs).encode()
        return scope


async def _refused_value(_: Request, exc: Exception) -> JSONResponse:
    """The one 422 body of eventkit.web, with the reasons in Chinese, for a value a handler refused."""
    assert isinstance(exc, ValidationError)
    return validation_response(RequestValidationError(exc.errors()))


def install_input_rules(app: FastAPI) -> None:
    """Add the URL rules (ASCII digits, refused characters) and the 422 for values refused in handlers."""
    app.router.dependencies.append(Depends(refuse_control_characters))
    app.add_middleware(AsciiDigitsInUrls)
    app.add_exception_handler(ValidationError, _refused_value)
