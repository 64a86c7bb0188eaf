"""The suite's own plumbing (tests/support/parallel.py): on xdist workers, all users of an
early-stopped stack (and of what it makes: the seeded demo) form one unit of work, other tests are
scheduled by file, and `-n auto` starts
at most two workers, none when the servers are external."""

from __future__ import annotations

import fcntl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from support import parallel


@dataclass
class Item:  # what parallel reads and writes of a pytest item
    nodeid: str
    fixturenames: list[str] = field(default_factory=list)
    markers: list[Any] = field(default_factory=list)

    def add_marker(self, marker: Any) -> None:
        self.markers.append(marker)

    def group(self) -> str | None:
        names = [m.args[0] for m in self.markers if m.name == "xdist_group"]
        assert len(names) <= 1
        return names[0] if names else None


def test_the_users_of_each_stack_share_a_group_and_the_others_have_none() -> None:
    items = [Item("a", ["stack"]), Item("b", ["web_stack", "demo"]), Item("c", ["demo"]),
             Item("d", ["stack"])]  # fmt: skip
    parallel.shared_stack_groups(items)  # type: ignore[arg-type]
    assert [item.group() for item in items] == ["stack-stack", "stack-web_stack", "stack-web_stack",
                                                "stack-stack"]  # fmt: skip


@pytest.mark.parametrize(
    ("fixtures", "group"),
    [
        (["demo"], "stack-web_stack"),  # the web stack seeds the demo: seeded once, on its worker
        (["demo", "web_stack"], "stack-web_stack"),
        (["tmp_path"], None),
    ],
)
def test_a_user_of_what_a_stack_makes_joins_that_stack_s_group(
    fixtures: list[str], group: str | None
) -> None:
    items = [Item("a", ["web_stack"]), Item("b", fixtures)]
    parallel.shared_stack_groups(items)  # type: ignore[arg-type]
    assert items[1].group() == group


def test_a_test_using_two_stacks_puts_all_their_users_in_one_group() -> None:
    items = [Item("a", ["stack"]), Item("b", ["web_stack"]), Item("c", ["web_stack", "stack"]), Item("d")]
    parallel.shared_stack_groups(items)  # type: ignore[arg-type]
    groups = [item.group() for item in items]
    assert groups[0] == groups[1] == groups[2] is not None and groups[3] is None


@pytest.mark.parametrize(
    ("nodeid", "scope"),
    [
        ("tests/e2e/test_x.py::test_a@stack-stack", "stack-stack"),
        ("tests/e2e/test_x.py::test_a[p@q]", "tests/e2e/test_x.py"),  # an @ inside a parameter id
        ("tests/e2e/test_x.py::test_a[a@stack-stack]", "tests/e2e/test_x.py"),  # nor there a group's name
        ("tests/e2e/test_x.py::test_a[a@stack-stack]@stack-web_stack", "stack-web_stack"),
        ("tests/e2e/test_x.py::Class::test_a", "tests/e2e/test_x.py"),
        ("tests/unit/test_y.py::test_b[1-2]", "tests/unit/test_y.py"),
    ],
)
def test_a_test_is_scheduled_with_its_stack_group_else_with_its_file(nodeid: str, scope: str) -> None:
    assert parallel.scope_of(nodeid) == scope


@pytest.mark.parametrize(
    ("environ", "cores", "workers"),
    [
        ({}, 1, 1),
        ({}, 2, 2),
        ({}, 16, 2),
        ({"DATABASE_URL": "postgresql://elsewhere/db"}, 2, 0),
        ({"KAFKA_BOOTSTRAP_SERVERS": "elsewhere:9092"}, 2, 0),
        ({"DATABASE_URL": "  "}, 2, 2),
    ],
)
def test_auto_starts_at_most_two_workers_and_none_against_external_servers(
    environ: dict[str, str], cores: int, workers: int
) -> None:
    assert parallel.auto_workers(environ, cores) == workers


def held(path: Path, mode: int) -> bool:
    """Whether taking `mode` on `path` now would have to wait (another holder is in the way)."""
    with path.open("a+") as other:
        try:
            fcntl.flock(other, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        return False


def test_an_alone_test_excludes_every_other_and_shared_ones_only_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VC_VAR_DIR", str(tmp_path))
    lock, turnstile = tmp_path / "test" / "alone.lock", tmp_path / "test" / "alone.turnstile"
    with parallel.alone_or_shared(alone=False):
        assert held(lock, fcntl.LOCK_EX)  # an alone test waits for it
        assert not held(lock, fcntl.LOCK_SH) and not held(turnstile, fcntl.LOCK_EX)  # others go on
    with parallel.alone_or_shared(alone=True):
        assert held(lock, fcntl.LOCK_SH) and held(turnstile, fcntl.LOCK_EX)  # nobody else starts
    assert not held(lock, fcntl.LOCK_EX) and not held(turnstile, fcntl.LOCK_EX)  # both released
