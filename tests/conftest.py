"""Shared test setup. The real servers come from the devstack plugin (fixture `devstack`)."""

from hypothesis import settings

pytest_plugins = ["devstack.pytest_plugin"]

# No timing assertions: an example is never failed for being slow (2 cores shared by several runs).
settings.register_profile("village-counsel", deadline=None)
settings.load_profile("village-counsel")
