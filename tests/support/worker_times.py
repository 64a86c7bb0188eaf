"""How long each xdist worker was busy, printed at the end of a run: the suite's budget is 15
minutes on 2 cores, and a run is as long as its busiest worker (a stack's group runs on one).

Each worker writes its busy time (setup, call and teardown of its tests, from the reports) and its
count of tests, the stack groups among them, to `.var/test/worker-times/<id>.json` when its session
ends, with its time per test file; the controller prints them, and the files that took longest in
all, under the durations: where a cut would shorten the suite."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from devstack.paths import var_dir

_BUSY: dict[str, float] = {"seconds": 0.0, "tests": 0}
_GROUPS: dict[str, float] = {}
_FILES: dict[str, float] = {}
HEAVIEST = 12  # files listed
_STARTED = time.monotonic()


def _folder() -> Path:
    folder = var_dir("test") / "worker-times"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pytest_sessionstart(session: pytest.Session) -> None:
    if not os.environ.get("PYTEST_XDIST_WORKER"):  # the controller: last run's figures go
        for old in _folder().glob("*.json"):
            old.unlink(missing_ok=True)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    _BUSY["seconds"] += report.duration
    path = report.nodeid.split("::", 1)[0]
    _FILES[path] = _FILES.get(path, 0.0) + report.duration
    if report.when == "call":
        _BUSY["tests"] += 1
    group = report.nodeid.rpartition("@")[2]  # xdist's loadgroup appends `@stack-…` to the id
    if group.startswith("stack-") and not any(ch in group for ch in "[]/:"):
        _GROUPS[group] = _GROUPS.get(group, 0.0) + report.duration


def pytest_sessionfinish(session: pytest.Session) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        figures = {**_BUSY, "wall": time.monotonic() - _STARTED, "groups": _GROUPS, "files": _FILES}
        (_folder() / f"{worker}.json").write_text(json.dumps(figures))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    files = sorted(_folder().glob("*.json"))
    if not files:
        return
    terminalreporter.section("busy time per worker")
    by_file: dict[str, float] = {}
    for path in files:
        figures = json.loads(path.read_text())
        for name, seconds in figures.get("files", {}).items():
            by_file[name] = by_file.get(name, 0.0) + seconds
        groups = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in figures["groups"].items())
        terminalreporter.write_line(
            f"{path.stem}: {figures['seconds']:.0f} s in {figures['tests']:.0f} tests over "
            f"{figures['wall']:.0f} s of wall" + (f" (of which {groups})" if groups else "")
        )
    heaviest = sorted(by_file.items(), key=lambda item: -item[1])[:HEAVIEST]
    listed = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in heaviest)
    terminalreporter.write_line(f"heaviest files: {listed}")
