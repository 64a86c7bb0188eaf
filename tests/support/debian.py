"""Tools the tests need from Debian, installed with apt-get when missing (CI runs as root).

Browser tests need chromium and CJK fonts; the alert-rule tests need `promtool` (package
`prometheus`). Without root or apt-get the test is skipped with the command a person should run.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

_state = {"updated": False}  # apt-get update once per test run


def apt_install(*packages: str, why: str) -> None:
    """`apt-get install -y --no-install-recommends packages` as root; skip the test when not root.

    `why` names the tests that need the packages, for the skip reason.
    """
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip(f"{why} need {', '.join(packages)}: run as root once, or "
                    f"`sudo apt-get install -y {' '.join(packages)}`")  # fmt: skip
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not _state["updated"]:
        subprocess.run(["apt-get", "update"], check=True, env=env, capture_output=True)
        _state["updated"] = True
    subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", *packages],
                   check=True, env=env, capture_output=True)  # fmt: skip


def ensure_promtool() -> str:
    """Path of `promtool` (Debian package `prometheus`), installed when missing."""
    found = shutil.which("promtool")
    if found is None:
        apt_install("prometheus", why="the alert-rule tests")
        found = shutil.which("promtool")
    assert found is not None, "the prometheus package did not provide promtool"
    return found
