"""Idempotency keys, one mechanism for every command of every service (and the registry's imports).

A client sends `Idempotency-Key: <its own id>` with a command. The key is scoped to the caller (the
token's subject): two callers may use the same string. With the key the service stores, in the same
transaction as the command's events, a fingerprint of the request (method, route, path parameters,
query, the canonical body, and the caller's role, scope and unit) and the exact HTTP answer it gave
(status and body bytes).

- Same caller, same key, same request: the stored answer is sent again byte for byte (same ids, same
  status), with the header `Idempotency-Replayed: true`; nothing is appended.
- Same caller, same key, a different request (another body or another operation): 422
  `idempotency_key_reused`, naming the key; nothing is appended.
- Two identical requests at once: the first to claim the key runs, the other waits for its commit and
  replays its answer. A refused command (4xx) stores nothing: a retry runs again.

A command whose body names its own identity (the ledger's `client_entry_id`) is keyed by that
identity instead of the header (`Idempotency.identified_by`): the same content under it replays the
stored answer whatever `Idempotency-Key` the retry carries, other content is 422
`idempotency_key_reused` naming the body's field.

Flow: the `Idempotent` dependency computes the fingerprint and answers a stored key before the route
runs (`IdempotentLater` leaves that to the route, via `answer_if_stored`, once it knows its key); the
command runner (`eventkit.command_runner`, or a caller's own transaction) calls `claim` first in its
transaction and `remember` last, so the record commits with the events or not at all.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, FastAPI, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BeforeValidator

from eventkit.db import Connection
from eventkit.errors import AppError
from eventkit.web import CurrentPrincipal

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotency-Replayed"
MAX_KEY_LENGTH = 200

_VISIBLE_ASCII = re.compile(r"[\x21-\x7e]+")  # what clients generate (UUIDs, ULIDs)


def check_key(value: Any) -> Any:
    """The header's value unchanged if it is 1..MAX_KEY_LENGTH visible ASCII characters; else
    ValueError with the reason in Chinese. A header sent empty or blank is refused, never read as no
    key: a client that sends the header means its retries to be answered once (h11 strips the
    blanks around a value, so `Idempotency-Key:   ` reaches the app as an empty string)."""
    if not isinstance(value, str):
        return value
    if not value.strip():
        raise ValueError(
            "幂等键不能为空：发送 Idempotency-Key 请求头时请填写本次请求的编号（如 UUID），"
            "不需要幂等时请不要发送该请求头"
        )
    if len(value) > MAX_KEY_LENGTH:
        raise ValueError(f"幂等键不能超过 {MAX_KEY_LENGTH} 个字符（现有 {len(value)} 个）")
    if not _VISIBLE_ASCII.fullmatch(value):
        raise ValueError("幂等键只能由可见的 ASCII 字符组成（如 UUID），不能有空格、汉字或其他字符")
    return value


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=HEADER,
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        pattern=_VISIBLE_ASCII.pattern.join("^$"),  # what the document says; check_key answers first
        description="Client-chosen id of this request, per caller: a retry gets the first answer back "
        "byte for byte (header Idempotency-Replayed: true) and appends nothing; "
        "the same key on a different request is refused (422 idempotency_key_reused); "
        "sent empty or blank it is refused (422), never read as no key",
    ),
    BeforeValidator(check_key),
]
"""The one declaration of the header: every command route takes it through `Idempotent`."""


class IdempotencyKeyReusedError(AppError):
    """The caller's key was already used for a different request (another body or operation)."""

    status, code = 422, "idempotency_key_reused"


class Replayed(Exception):
    """The stored answer of a key: sent as is (see `install_replay`)."""

    def __init__(self, status: int, body: str) -> None:
        super().__init__(status)
        self.status, self.body = status, body


@dataclass(frozen=True)
class Idempotency:
    """One request's idempotency facts: the caller, its key (None: none sent), what was asked."""

    schema: str
    actor: str
    key: str | None
    request: str  # "<METHOD> <route template>#<sha256 of the request's content>"
    status: int  # the route's success status, replayed with the answer
    field: str = HEADER  # where the key came from, named when it is refused
    shown: str | None = None  # how a refusal names the key to the caller (None: as sent in the header)

    def identified_by(self, key: str, field: str, shown: str) -> Idempotency:
        """This request keyed by an identity its body carries (the header key, if any, is ignored).

        `key` is stored (per caller, so it need only be unique for the caller), `field` is the
        error's field (e.g. `client_entry_id`), `shown` names the identity in the refusal
        (e.g. `客户端编号“phone-7”`).
        """
        return replace(self, key=key, field=field, shown=shown)


def canonical_body(body: bytes) -> bytes:
    """JSON with sorted keys and no spacing (so key order and whitespace do not count); else bytes."""
    if not body:
        return b""
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):  # not JSON (a spreadsheet), or nested beyond the parser
        return body
    # ASCII escapes: a lone surrogate (refused later by the field rules) must not break the hash
    return json.dumps(parsed, sort_keys=True, separators=(",", ":")).encode()


async def fingerprint(request: Request, who: CurrentPrincipal, key: IdempotencyKey = None) -> Idempotency:
    """The request's idempotency facts, without looking the key up (see `IdempotentLater`)."""
    route = request.scope.get("route")
    template = getattr(route, "path", request.url.path)
    status = getattr(route, "status_code", None) or 200
    params = json.dumps(sorted(request.path_params.items()))
    query = json.dumps(sorted(request.query_params.multi_items()))
    # the caller's authority counts too: an answer is never replayed to the same subject acting
    # under another role, scope or unit
    authority = f"{who.role.value}|{who.scope}|{who.unit_id or ''}"
    digest = hashlib.sha256(f"{authority}\n{params}\n{query}\n".encode())
    digest.update(canonical_body(await request.body()))
    runtime = request.app.state.runtime
    return Idempotency(
        runtime.store.schema, who.subject, key, f"{request.method} {template}#{digest.hexdigest()}", status
    )


async def idempotency(request: Request, who: CurrentPrincipal, key: IdempotencyKey = None) -> Idempotency:
    """Dependency of every command route: the request's fingerprint; a stored key answered here.

    Raises `Replayed` (the stored answer) or `IdempotencyKeyReusedError` (422).
    """
    idem = await fingerprint(request, who, key)
    await answer_if_stored(request.app.state.runtime.pool, idem)
    return idem


Idempotent = Annotated[Idempotency, Depends(idempotency)]

IdempotentLater = Annotated[Idempotency, Depends(fingerprint)]
"""For routes whose key may come from the body: the route calls `answer_if_stored` once it is known."""


async def answer_if_stored(pool: asyncpg.Pool, idem: Idempotency) -> None:
    """Before a command's checks: a stored key is answered now, so a retry is replayed even where the
    command would now be refused. Raises `Replayed` or `IdempotencyKeyReusedError` (422)."""
    if idem.key:
        async with pool.acquire() as conn:
            await _answer_if_stored(conn, idem)


async def _answer_if_stored(conn: Connection, idem: Idempotency) -> None:
    row = await conn.fetchrow(
        f"SELECT request, status, answer FROM {idem.schema}.idempotency_keys WHERE actor = $1 AND key = $2",
        idem.actor,
        idem.key,
    )
    if row is None or row["answer"] is None:
        return
    if row["request"] is not None and row["request"] != idem.request:  # None: stored before fingerprints
        used_for = row["request"].partition("#")[0]
        if idem.shown is None:
            message = (
                f"幂等键“{idem.key}”已用于另一个请求（{used_for}），不能再用于内容不同的请求；"
                "重试请原样重发，新的请求请换一个幂等键"
            )
        else:
            message = (
                f"{idem.shown}已用于内容不同的另一条记录（{used_for}），不能再用于其他内容；"
                "重试请原样重发，新的记录请换一个编号"
            )
        raise IdempotencyKeyReusedError(message, field=idem.field)
    raise Replayed(row["status"], row["answer"])


async def claim(conn: Connection, idem: Idempotency | None) -> None:
    """First statement of the command's transaction: take the key, or answer as its holder did.

    A concurrent holder makes this wait until it commits (then its answer is replayed) or rolls
    back (then this request runs). Raises `Replayed` or `IdempotencyKeyReusedError`.
    """
    if idem is None or not idem.key:
        return
    taken = await conn.fetchval(
        f"INSERT INTO {idem.schema}.idempotency_keys (actor, key, request) VALUES ($1, $2, $3)"
        " ON CONFLICT (actor, key) DO NOTHING RETURNING true",
        idem.actor,
        idem.key,
        idem.request,
    )
    if not taken:
        await _answer_if_stored(conn, idem)
        raise AssertionError("a claimed key without an answer is never visible")  # pragma: no cover


def render(body: Any) -> bytes:
    """The bytes FastAPI sends for `body` as a JSON answer."""
    return bytes(JSONResponse(content=jsonable_encoder(body)).body)


async def remember(conn: Connection, idem: Idempotency | None, body: Any) -> Any:
    """Last statement of the command's transaction: store the answer under the claimed key.

    Returns the body as it will be sent (JSON-native), so the route's answer and every replay are
    the same bytes. Without a key the body is returned as is.
    """
    if idem is None or not idem.key:
        return body
    text = render(body).decode()
    await conn.execute(
        f"UPDATE {idem.schema}.idempotency_keys SET status = $3, answer = $4 WHERE actor = $1 AND key = $2",
        idem.actor,
        idem.key,
        idem.status,
        text,
    )
    return json.loads(text)


def install_replay(app: FastAPI) -> None:
    """Answer a replayed command with its first answer, byte for byte, marked `Idempotency-Replayed`."""

    @app.exception_handler(Replayed)
    async def replay(_: Request, exc: Replayed) -> Response:
        return Response(
            exc.body.encode(),
            status_code=exc.status,
            media_type="application/json",
            headers={REPLAYED_HEADER: "true"},
        )
