"""The suite on two workers (pytest-xdist): `-n auto --dist loadgroup` in pyproject's addopts.

Each worker is a pytest session of its own: the devstack plugin gives it its own PostgreSQL, Tansu and
slot folder (`.var/test/slot-N/`), session fixtures (the e2e services, the browser tests' web stack,
the seeded demo) are started by the worker that needs them, on free ports.

Work is handed out in units (`FileOrGroupScheduling`): a test file, so that module-scoped fixtures
(in-process services, seeded scenes) are set up once, except that all the users of a stack stopped
after its last user (support/lifetimes.py, `EARLY_STOPPED`) form one unit run by one worker, in the
collected order: there the last user in the collection is the last that worker runs with it, so the
stack is never stopped under a test that still needs it, and no second worker starts a copy. The
users of what a stack makes for itself (`MADE_BY_STACK`: the seeded demo) join that unit, so the
demo is seeded once a run, not once on each worker.

A test marked `alone` (a replica test waiting for two processes per service to agree on their
partitions, which a loaded machine can keep rebalancing) runs while the other worker waits between
two of its tests (`alone_or_shared`): a file lock taken exclusively by it, shared by every other test,
with a turnstile so that a waiting exclusive taker is not passed by a stream of short shared ones.
The wait is outside the test's own timeout.

Workers (`auto_workers`): the machine's cores, at most 2 (the suite's budget is 2 cores: more
workers would each start their own servers and stacks for little gain), 0 (no xdist, one process as
before) when DATABASE_URL or KAFKA_BOOTSTRAP_SERVERS names a server we did not start: two workers
would recreate the same databases and share topics there. `-n 0` on the command line runs a file
or a test in one process without starting a second set of servers.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Generator, Iterable, Iterator, Sequence

import pytest
from devstack.paths import var_dir
from xdist.scheduler import LoadScopeScheduling

from support.lifetimes import EARLY_STOPPED

MAX_WORKERS = 2
ALONE = "alone"  # pytest.mark.alone: no other worker runs a test meanwhile
GROUP = "xdist_group"


# A session fixture costly to make, which a stack makes for itself, mapped to that stack: its other
# users join the stack's group, so a run makes it once. The seeded demo (`demo`, support/demo.py)
# costs ~45 CPU s and ~50-80 s of a worker; the web stack seeds it (asking for it at run time, so
# its tests do not name it), and the e2e demo tests run on a copy of it.
MADE_BY_STACK = {"demo": "web_stack"}


def shared_stack_groups(
    items: Iterable[pytest.Item],
    fixtures: Sequence[str] = EARLY_STOPPED,
    made_by: dict[str, str] = MADE_BY_STACK,
) -> None:
    """Mark each test using one of `fixtures` with the xdist group of that stack; fixtures used by
    one same test are merged into one group (their users must all run on one worker). A test using
    a fixture of `made_by` counts as a user of the stack that makes it."""
    parent = {name: name for name in fixtures}

    def root(name: str) -> str:
        while parent[name] != name:
            name = parent[name]
        return name

    items = list(items)
    uses = []
    for item in items:
        names = getattr(item, "fixturenames", ())
        stacks = [name for name in fixtures if name in names]
        stacks += [made_by[name] for name in made_by if name in names and made_by[name] not in stacks]
        uses.append(stacks)
    for names in uses:
        for other in names[1:]:
            parent[root(other)] = root(names[0])
    for item, names in zip(items, uses, strict=True):
        if names:
            item.add_marker(pytest.mark.xdist_group(f"stack-{root(names[0])}"))


def scope_of(nodeid: str) -> str:
    """The unit a test is scheduled in: its stack group (xdist's loadgroup appends `@name` to the
    node id), else its file."""
    head, _, group = nodeid.rpartition("@")
    if head and group in {f"stack-{name}" for name in EARLY_STOPPED}:
        return group
    return nodeid.split("::", 1)[0]


class FileOrGroupScheduling(LoadScopeScheduling):
    """xdist's scope scheduling with `scope_of` as the scope."""

    def _split_scope(self, nodeid: str) -> str:
        return scope_of(nodeid)


def auto_workers(environ: dict[str, str] | os._Environ[str] = os.environ, cores: int | None = None) -> int:
    """How many workers `-n auto` starts (see the module's docstring)."""
    if environ.get("DATABASE_URL", "").strip() or environ.get("KAFKA_BOOTSTRAP_SERVERS", "").strip():
        return 0
    available = cores if cores is not None else len(os.sched_getaffinity(0))
    return max(1, min(available, MAX_WORKERS))


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # optional: loads without xdist too
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own reading of it
    return auto_workers()


# first: xdist's own would answer with plain loadgroup; optional: loads without xdist too
@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> LoadScopeScheduling | None:
    if config.getvalue("dist") != "loadgroup":
        return None  # --dist load, each, ... asked for by hand
    return FileOrGroupScheduling(config, log)  # type: ignore[arg-type]


@pytest.hookimpl(tryfirst=True)  # before xdist appends the groups to the node ids
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    shared_stack_groups(items)


@pytest.hookimpl(wrapper=True, tryfirst=True)  # outermost: the wait is not counted by pytest-timeout
def pytest_runtest_protocol(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, object, object]:
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return (yield)
    with alone_or_shared(item.get_closest_marker(ALONE) is not None):
        return (yield)


@contextlib.contextmanager
def alone_or_shared(alone: bool) -> Iterator[None]:
    """Exclusive (alone) or shared hold of `.var/test/alone.lock` for one test, across workers."""
    folder = var_dir("test")
    with open(folder / "alone.turnstile", "a+") as turnstile, open(folder / "alone.lock", "a+") as lock:
        fcntl.flock(turnstile, fcntl.LOCK_EX)
        fcntl.flock(lock, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
        if not alone:
            fcntl.flock(turnstile, fcntl.LOCK_UN)
        yield  # closing the files releases both locks
