"""Polling with a deadline, counting a component's rounds, and background tasks that must not die
silently: the one place tests wait (no copies of `eventually` elsewhere, no fixed sleeps).

A check that something did NOT happen (nothing published twice, nothing applied twice) must not sleep
a fixed time and hope: it waits until the component has demonstrably had its chance, e.g. a relay
finished more passes (`Calls.more`) or a consumer group committed up to the end offsets
(`support.kafka.group_caught_up`), so the assertion means something on a slow machine too.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any


async def eventually(
    check: Callable[[], Awaitable[Any]],
    *,
    within: float = 60.0,
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


def eventually_sync(
    check: Callable[[], Any], *, within: float = 60.0, what: str = "the condition", interval: float = 0.1
) -> Any:
    """`eventually` for synchronous tests (the browser tests): poll `check` until it is truthy."""
    deadline = time.monotonic() + within
    while True:
        last = check()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within}s waiting for {what} (last: {last!r})")
        time.sleep(interval)


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


def until(
    check: Callable[[], Any], *, within: float = 30.0, what: str = "the condition", interval: float = 0.2
) -> Any:
    """`eventually` for synchronous tests (browser tests): poll `check` until truthy, else fail."""
    deadline = time.monotonic() + within
    while not (last := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within}s waiting for {what} (last: {last!r})")
        time.sleep(interval)
    return last


class Calls:
    """Counts the finished calls of one object's async method (wrapped on that instance).

    `Calls(relay, "drain_once")` counts a relay's publishing passes; `await calls.more(2)` returns
    once two more passes finished after the call, i.e. the relay has looked again twice.
    """

    def __init__(self, owner: Any, method: str) -> None:
        self.count = 0
        real = getattr(owner, method)

        async def counted(*args: Any, **kwargs: Any) -> Any:
            try:
                return await real(*args, **kwargs)
            finally:
                self.count += 1

        setattr(owner, method, counted)

    async def more(
        self, n: int, *, within: float = 60.0, what: str = "", tasks: tuple[asyncio.Task[Any], ...] = ()
    ) -> None:
        """Wait until `n` more calls finished than had finished when this was called."""
        target = self.count + n

        async def reached() -> bool:
            return self.count >= target

        await eventually(reached, within=within, what=what or f"{n} more calls", tasks=tasks, interval=0.02)
