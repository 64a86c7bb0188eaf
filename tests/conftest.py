"""Shared test setup. The real servers come from the devstack plugin (fixture `devstack`)."""

import os
from collections.abc import Generator, Iterator

import pytest
from hypothesis import settings
from support import lifetimes
from support.demo import Demo, seeded_template

# servers; xdist scheduling; busy time per worker
pytest_plugins = ["devstack.pytest_plugin", "support.parallel", "support.worker_times"]

# The ledger's daily seal is off in tests (they seal on purpose, with ledger.cli or sealing.seal).
os.environ.setdefault("VC_SEAL_AT", "off")

# No timing assertions: an example is never failed for being slow (2 cores shared by several runs).
settings.register_profile("village-counsel", deadline=None)
settings.load_profile("village-counsel")


@pytest.hookimpl(trylast=True)  # after pytest-randomly's reordering and -k/-m deselection
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    lifetimes.record_last_users(items)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    """Stacks whose last user this was are stopped (support/lifetimes.py)."""
    return (yield from lifetimes.after_teardown(item))


@pytest.fixture(scope="session")
def demo(devstack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:  # type: ignore[no-untyped-def]
    """The Zhengning demo, seeded once per session into a template database (support/demo.py):
    `support.demo.copy_of(demo, devstack.dsn, name)` gives a test or stack a copy of its own."""
    with seeded_template(devstack.dsn, tmp_path_factory.mktemp("demo")) as made:
        yield made
