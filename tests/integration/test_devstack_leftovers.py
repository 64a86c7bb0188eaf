"""A service killed with SIGKILL leaves its own children running (a worker pool's forkserver and
resource tracker): restarting or stopping it clears what is left of its process group."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import psutil
from devstack import procs

LEADER = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
open(sys.argv[1], "w").write(str(child.pid))
time.sleep(120)
"""


def test_the_children_a_killed_service_left_behind_are_stopped_with_it(tmp_path: Path) -> None:
    # given a server in its own session that started a child of its own, then was killed with SIGKILL
    noted = tmp_path / "child.pid"
    leader = procs.spawn([sys.executable, "-c", LEADER, str(noted)], tmp_path / "leader.log")
    record = procs.write_pidfile(tmp_path, "leader", leader.pid, stop_signal="SIGTERM", group=True)
    deadline = time.monotonic() + 30
    while not (noted.exists() and noted.read_text()):
        assert time.monotonic() < deadline, "the server did not start its child"
        time.sleep(0.05)
    child = psutil.Process(int(noted.read_text()))
    os.kill(leader.pid, signal.SIGKILL)
    leader.wait(10)
    assert child.is_running() and os.getpgid(child.pid) == leader.pid  # left behind, in its group
    # when it is stopped (as the supervisor does before restarting it)
    procs.stop_pid(record, popen=leader)
    # then nothing of its group is left
    child.wait(10)
    assert not child.is_running()
