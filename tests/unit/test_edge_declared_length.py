"""The edge guard reads a declared Content-Length without int()'s limits: a length of 5,000 digits
was a ValueError out of the middleware (a 500); it is a body too large (413), as any length over
the cap. Pure ASGI: the guard in front of an app that answers 200."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from eventkit.edge import MAX_BODY_BYTES, EdgeGuard


async def _status(content_length: bytes) -> int:
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "path": "/x", "headers": [(b"content-length", content_length)]}
    await EdgeGuard(app)(scope, receive, send)
    return int(sent[0]["status"])


@pytest.mark.parametrize(
    ("declared", "status"),
    [
        (b"0", 200),
        (b"0" * 5000, 200),
        (str(MAX_BODY_BYTES).encode(), 200),
        (str(MAX_BODY_BYTES + 1).encode(), 413),
        (b"9" * 25, 413),
        (b"9" * 5000, 413),  # was ValueError: exceeds the limit for integer string conversion
        (b"\xb2", 200),  # "²" is not a length: the body is counted as it comes
    ],
    ids=["zero", "5000 zeros", "the cap", "over the cap", "25 nines", "5000 nines", "superscript two"],
)
def test_a_declared_length_is_read_without_raising(declared: bytes, status: int) -> None:
    assert asyncio.run(_status(declared)) == status
