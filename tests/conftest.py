"""Shared test setup. The real servers come from the devstack plugin (fixture `devstack`)."""

pytest_plugins = ["devstack.pytest_plugin"]
