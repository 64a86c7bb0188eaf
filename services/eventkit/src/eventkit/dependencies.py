"""What routes take as parameters: `Annotated[..., Depends(...)]` aliases shared by every service.

A route names what it needs (`who: CurrentPrincipal, runtime: CurrentRuntime, idem: Idempotent`)
instead of fetching the runtime from the request by hand; a service's own handlers are aliases
built on these in its adapters (e.g. `Directory = Annotated[DirectoryCommands, Depends(directory)]`).
"""

from __future__ import annotations

from typing import Annotated

import asyncpg
from fastapi import Depends, Request

from eventkit.idempotency import Idempotent, IdempotentLater
from eventkit.runtime import Runtime, runtime_of
from eventkit.store import EventStore
from eventkit.web import CurrentPrincipal


async def _runtime(request: Request) -> Runtime:
    return runtime_of(request)


CurrentRuntime = Annotated[Runtime, Depends(_runtime)]
"""The service's runtime (pool, store, broker, read-model runners), built in the lifespan."""


# async, as every dependency without blocking I/O: FastAPI runs a plain `def` one in a worker thread
async def _pool(runtime: CurrentRuntime) -> asyncpg.Pool:
    return runtime.pool


async def _store(runtime: CurrentRuntime) -> EventStore:
    return runtime.store


Pool = Annotated[asyncpg.Pool, Depends(_pool)]
"""The service's database pool (read models)."""
Store = Annotated[EventStore, Depends(_store)]
"""The service's event store."""

__all__ = ["CurrentPrincipal", "CurrentRuntime", "Idempotent", "IdempotentLater", "Pool", "Store"]
