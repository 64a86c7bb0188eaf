"""Shared test setup. The real servers come from the devstack plugin (fixture `devstack`)."""

import os

from hypothesis import settings

pytest_plugins = ["devstack.pytest_plugin"]

# The ledger's daily seal is off in tests (they seal on purpose, with ledger.cli or sealing.seal).
os.environ.setdefault("VC_SEAL_AT", "off")

# No timing assertions: an example is never failed for being slow (2 cores shared by several runs).
settings.register_profile("village-counsel", deadline=None)
settings.load_profile("village-counsel")
