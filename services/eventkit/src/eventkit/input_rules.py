"""The input rules every service shares at its edge, installed once by `create_app`.

- Path and query values obey the character rule of body text (vc_contracts.text), as one line used
  exactly as sent (`check_line_as_sent`): a NUL, TAB, CR, LF or another control character, or an
  invisible one (U+2028/U+2029, bidirectional controls), anywhere in a URL value is refused with 422
  before any handler runs, since it would otherwise reach PostgreSQL (which refuses NUL in text: a
  500), a log line or a message (`%0d%0a` was echoed in a 404). A path value longer
  than PATH_VALUE_MAX is refused the same way, without repeating it.
- Every digit NFKC reads as an ASCII digit (full-width, from a Chinese input method) in a path or
  query value is read as that digit before routing: `?county=６２１０２５` filters like `621025`.
  Other scripts' digits stay as sent, and numbers and periods refuse them (`?page=١`).
- A query parameter the route does not declare is refused (422 naming it), never ignored: a misspelt
  filter (`?county=` where the route reads `division`, `?period=` where it reads `quarter`) would
  otherwise answer as if there were no filter, the caller's whole scope.
- A query parameter sent twice (`?page=1&page=2`) is refused (422 naming it) unless the route reads
  it as a list (`?status=a&status=b`): FastAPI took the last one silently, so a link glued from two
  filters answered for one of them.
- A JSON body naming a key twice in one object (`{"summary": "a", "summary": "b"}`) is refused (422
  naming it, nested keys by their path): the JSON parser kept the last value, silently dropping the
  other.
- A command that takes no body (a confirmation, an approval) refuses one that says something (422
  naming `body`): a client sending `{"reason": …}` to such a route believes it was read. Nothing at
  all, or `{}`, is the empty body; a route that reads its body itself (an upload) is left to read it.
- A value refused while a handler builds an event or an import row (a pydantic ValidationError the
  request model did not catch, e.g. a default taken from data stored before a rule existed) answers
  422 `validation_failed` naming the field, never a 500.
"""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin
from urllib.parse import parse_qsl, quote, unquote, urlencode

from fastapi import Depends, FastAPI, Request
from fastapi.dependencies.utils import get_flat_dependant
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.types import ASGIApp, Receive, Scope, Send
from vc_contracts.text import check_line_as_sent

from eventkit.json_keys import repeated_keys
from eventkit.web import validation_response

PATH_VALUE_MAX = 200
"""The longest value a path segment may hold: every id or code in a path is far shorter (ids are at
most 128 characters, vc_contracts.codes.ID_MAX; a volume id adds its kind and year). A longer one
names nothing that exists, and was echoed whole in the 404's message and `errors` (a 5,000-character
entry id made a 10 kB answer and log line)."""


def _problem(where: tuple[str, ...], value: str) -> dict[str, Any] | None:
    try:
        if where[0] == "path" and len(value) > PATH_VALUE_MAX:
            raise ValueError(f"过长（{len(value)} 个字符，路径中的编号最多 {PATH_VALUE_MAX} 个字符）")
        check_line_as_sent(value)
    except ValueError as exc:
        return {"type": "value_error", "loc": where, "msg": str(exc), "input": value, "ctx": {"error": exc}}
    return None


async def refuse_control_characters(request: Request) -> None:
    """Raise RequestValidationError (422 validation_failed) naming each path or query value that
    holds a refused character (NUL, TAB, line breaks, other controls, lone surrogates, invisible
    format characters: `vc_contracts.text.check_line_as_sent`)."""
    values = [(("path", name), str(value)) for name, value in request.path_params.items()]
    values += [(("query", name), value) for name, value in request.query_params.multi_items()]
    problems = [p for where, value in values if (p := _problem(where, value)) is not None]
    if problems:
        raise RequestValidationError(problems)


_LISTS = (list, set, frozenset, tuple, Sequence)


def _is_list(annotation: Any) -> bool:
    """True if a query parameter of this annotation (perhaps Optional or Annotated) takes repeats."""
    origin = get_origin(annotation)
    if origin in _LISTS or annotation in _LISTS:
        return True
    return origin in (Union, UnionType, Annotated) and any(_is_list(arg) for arg in get_args(annotation))


def _declared_query(route: APIRoute) -> tuple[frozenset[str], frozenset[str]]:
    """The query parameter names `route` reads (its dependencies' too), and those it reads as lists."""
    params = get_flat_dependant(route.dependant).query_params
    return frozenset(p.alias for p in params), frozenset(
        p.alias for p in params if _is_list(p.field_info.annotation)
    )


def _sent_twice(name: str, count: int, value: str | None) -> dict[str, Any]:
    message = f"只能填写一次（收到 {count} 个）"
    return {"type": "value_error", "loc": ("query", name), "msg": message, "input": value,
            "ctx": {"error": ValueError(message)}}  # fmt: skip


def unknown_query_rule() -> Callable[[Request], Awaitable[None]]:
    """A dependency raising RequestValidationError (422 validation_failed, "不认识的字段，请删除")
    naming each query parameter the matched route does not declare, and ("只能填写一次") each one
    sent more than once that the route does not read as a list.

    Each route's declared names are worked out on its first request and kept in a mapping of this
    rule (one per app), not on the route: the routes are FastAPI's objects. Routes are
    added after the rule is installed (a router's dependencies apply to routes included later), so
    they cannot all be known at install time. Dict reads and writes are atomic: threads may share it.
    """
    # by id(): a route compares by value and is unhashable; the route is kept with its names, so
    # its id cannot be reused by another object while the entry lives
    declared: dict[int, tuple[APIRoute, tuple[frozenset[str], frozenset[str]]]] = {}

    async def refuse_unknown_query(request: Request) -> None:
        route = request.scope.get("route")
        if not isinstance(route, APIRoute):  # no dependant: nothing to check
            return
        kept = declared.get(id(route))
        if kept is None:
            kept = declared[id(route)] = (route, _declared_query(route))
        names, lists = kept[1]
        unknown = sorted({name for name in request.query_params if name not in names})
        sent = Counter(name for name, _ in request.query_params.multi_items())
        twice = sorted(
            name for name, count in sent.items() if count > 1 and name in names and name not in lists
        )
        if unknown or twice:
            raise RequestValidationError(
                [{"type": "extra_forbidden", "loc": ("query", name), "msg": "Extra inputs are not permitted",
                  "input": request.query_params.get(name)} for name in unknown]
                + [_sent_twice(name, sent[name], request.query_params.get(name)) for name in twice]
            )  # fmt: skip

    return refuse_unknown_query


_WRITES = frozenset({"POST", "PUT", "PATCH"})
_EMPTY_BODIES = frozenset({b"", b"{}"})


async def refuse_unread_body(request: Request) -> None:
    """Raise RequestValidationError (422 naming `body`) when a write to a route that declares no body
    and does not take the request itself (where it reads the raw body) was sent one."""
    route = request.scope.get("route")
    if request.method not in _WRITES or not isinstance(route, APIRoute) or route.body_field is not None:
        return
    if route.dependant.request_param_name is not None:  # the handler reads the body itself (an upload)
        return
    if b"".join((await request.body()).split()) in _EMPTY_BODIES:  # whitespace around {} is nothing
        return
    message = "此操作不需要请求体，请不要发送内容（或发送 {}）"
    raise RequestValidationError([{"type": "value_error", "loc": ("body",), "msg": message, "input": None,
                                   "ctx": {"error": ValueError(message)}}])  # fmt: skip


async def refuse_repeated_keys(request: Request) -> None:
    """Raise RequestValidationError (422 naming each key's path) when a route reading a JSON body was
    sent an object that names a key twice (`eventkit.json_keys`, the rule bearer tokens share). The
    body (at most 1 MiB, `eventkit.edge`) is parsed again: FastAPI's parse has kept the last value by
    then."""
    route = request.scope.get("route")
    if request.method not in _WRITES or not isinstance(route, APIRoute) or route.body_field is None:
        return
    body = await request.body()
    if not body:
        return
    try:
        paths = repeated_keys(body)
    except ValueError:  # FastAPI answers malformed JSON itself
        return
    if paths:
        message = "同一字段填写了两次，请只保留一个"
        raise RequestValidationError(
            [{"type": "value_error", "loc": ("body", *path), "msg": message, "input": None,
              "ctx": {"error": ValueError(message)}} for path in paths]
        )  # fmt: skip


def _digits(text: str) -> str:
    """`text` with every full-width digit (`１`, typed with a Chinese input method) as its ASCII
    digit; nothing else changes. Other digits NFKC would also fold (superscript `²`, circled `①`)
    and other scripts' digits (Arabic-Indic `١`, Devanagari…) stay as sent, so a number or period
    parameter refuses them (`?page=١` was page
    1: `int()` reads every script's digits)."""
    if text.isascii():
        return text
    return "".join(_nfkc_digit(c) for c in text)


@functools.lru_cache(maxsize=256)
def _nfkc_digit(char: str) -> str:
    if not "\uff10" <= char <= "\uff19":  # full-width 0-9 only
        return char
    return unicodedata.normalize("NFKC", char)


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
        # bytes that are no UTF-8 are kept as they were sent (surrogateescape), never as U+FFFD: the
        # edge guard (eventkit.edge) refuses them from the raw path and query after this rewrite
        pairs = (
            parse_qsl(query.decode("latin-1"), keep_blank_values=True, errors=_KEEP_BYTES)
            if b"%" in query
            else []
        )
        new_pairs = [(_digits(k), _digits(v)) for k, v in pairs]
        if _digits(path) == path and new_pairs == pairs:
            return scope
        scope = dict(scope)
        if _digits(path) != path:
            scope["path"] = _digits(path)
            raw = scope.get("raw_path")
            sent = unquote(raw.decode("latin-1"), errors=_KEEP_BYTES) if raw else path
            scope["raw_path"] = quote(_digits(sent), errors=_KEEP_BYTES).encode()
        if new_pairs != pairs:
            scope["query_string"] = urlencode(new_pairs, errors=_KEEP_BYTES).encode()
        return scope


_KEEP_BYTES = "surrogateescape"


async def _refused_value(_: Request, exc: Exception) -> JSONResponse:
    """The one 422 body of eventkit.web, with the reasons in Chinese, for a value a handler refused."""
    assert isinstance(exc, ValidationError)
    return validation_response(RequestValidationError(exc.errors()))


def install_input_rules(app: FastAPI) -> None:
    """Add the URL rules (ASCII digits, refused characters) and the 422 for values refused in handlers."""
    app.router.dependencies.append(Depends(refuse_control_characters))
    app.router.dependencies.append(Depends(unknown_query_rule()))
    app.router.dependencies.append(Depends(refuse_unread_body))
    app.router.dependencies.append(Depends(refuse_repeated_keys))
    app.add_middleware(AsciiDigitsInUrls)
    app.add_exception_handler(ValidationError, _refused_value)
