"""Polling with a deadline, and background tasks that must not die silently."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any


async def eventually(
    check: Callable[[], Awaitable[Any]],
    *,
    within: float = 30.0,
    what: str = "the condition",
    interval: float = 0.1,
    tasks: tuple[asyncio.Task[Any], ...] = (),
) -> Any:
    """Poll `check` until it returns something truthy; fail after `within` s or when a task died."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    last: Any = None
    while True:
        for task in tasks:
            if task.done():
                raise AssertionError(f"{task.get_name()} stopped while waiting for {what}") from (
                    task.exception() if not task.cancelled() else None
                )
        last = await check()
        if last:
            return last
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {within}s waiting for {what} (last: {last!r})")
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def background(coro: Coroutine[Any, Any, Any], name: str) -> AsyncIterator[asyncio.Task[Any]]:
    """Run `coro` as a task for the duration of the block; a crash surfaces as a test failure."""
    task = asyncio.create_task(coro, name=name)
    try:
        yield task
    finally:
        if task.done():
            if not task.cancelled() and task.exception() is not None:
                raise AssertionError(f"{name} crashed") from task.exception()
        else:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
