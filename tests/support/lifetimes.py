"""Session-wide stacks stopped once their last test is over, not at the end of the session.

The browser tests' web stack and the e2e tests' four services are session fixtures (started once),
but their processes keep polling the broker while every later test runs: on two cores that idle load
slows the rest of the suite. A fixture hands its closer to `stop_after_last_user(request, close)`;
after the teardown of the last collected test that uses the fixture (whatever the order, e.g. under
pytest-randomly), the closer runs. The fixture's own teardown calls it again: closers must be
idempotent (an `ExitStack.close` is). A test selected alone or stopped early (-x) changes nothing:
the last user is computed on the final list of items, and the session end still closes everything.

Under pytest-xdist each worker runs only part of the items: a fixture stopped this way must be named
in `EARLY_STOPPED`, whose users support/parallel.py schedules as one unit on one worker, in order.
"""

from __future__ import annotations

from collections.abc import Callable, Generator

import pytest

EARLY_STOPPED = ("stack", "web_stack")  # the fixtures that call stop_after_last_user
_LAST_USER: dict[str, str] = {}  # fixture name → node id of the last item that uses it
_CLOSERS: dict[str, list[Callable[[], None]]] = {}  # node id → closers to run after its teardown


def record_last_users(items: list[pytest.Item]) -> None:
    """Remember, per fixture, the last item using it (call once the items are final)."""
    _LAST_USER.clear()
    for item in items:
        for name in getattr(item, "fixturenames", ()):
            _LAST_USER[name] = item.nodeid


def stop_after_last_user(request: pytest.FixtureRequest, close: Callable[[], None]) -> None:
    """Run `close` right after the last test that uses `request`'s fixture is torn down.

    Raises ValueError for a fixture not named in EARLY_STOPPED (its users would not be kept on one
    worker, which could stop it under a later test there).
    """
    if request.fixturename not in EARLY_STOPPED:
        raise ValueError(f"{request.fixturename} is not in lifetimes.EARLY_STOPPED")
    last = _LAST_USER.get(request.fixturename or "")
    if last is not None:
        _CLOSERS.setdefault(last, []).append(close)


def after_teardown(item: pytest.Item) -> Generator[None, None, None]:
    """The body of a `pytest_runtest_teardown` hook wrapper: the item's teardown, then the closers."""
    yield
    for close in _CLOSERS.pop(item.nodeid, []):
        close()
