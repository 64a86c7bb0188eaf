"""The suite's own plumbing (tests/support/lifetimes.py): a session stack is closed right after the
teardown of the last test that uses it, whatever the order, and only then."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from support import lifetimes


@dataclass
class Item:  # what lifetimes reads of a pytest item
    nodeid: str
    fixturenames: list[str] = field(default_factory=list)


@dataclass
class Request:  # what lifetimes reads of a fixture request
    fixturename: str


def run(items: list[Item], closed: list[str]) -> list[tuple[str, list[str]]]:
    """Each item's teardown in order; what had been closed after it."""
    seen = []
    for item in items:
        teardown = lifetimes.after_teardown(item)  # type: ignore[arg-type]
        next(teardown)
        with pytest.raises(StopIteration):
            teardown.send(None)
        seen.append((item.nodeid, list(closed)))
    return seen


@pytest.mark.parametrize("order", ["collected", "shuffled"])
def test_each_stack_closes_after_its_last_user(monkeypatch: pytest.MonkeyPatch, order: str) -> None:
    monkeypatch.setattr(lifetimes, "_LAST_USER", {})  # the running session's own records stay intact
    monkeypatch.setattr(lifetimes, "_CLOSERS", {})
    monkeypatch.setattr(lifetimes, "EARLY_STOPPED", ("stack", "web_stack", "unused"))
    items = [Item("a", ["stack"]), Item("b", ["stack", "web_stack"]), Item("c", ["web_stack"]), Item("d")]
    if order == "shuffled":
        items = [items[2], items[3], items[1], items[0]]
    lifetimes.record_last_users(items)  # type: ignore[arg-type]
    closed: list[str] = []
    for name in ("stack", "web_stack", "unused"):
        lifetimes.stop_after_last_user(Request(name), lambda name=name: closed.append(name))  # type: ignore[arg-type,misc]
    seen = dict(run(items, closed))
    if order == "collected":
        assert seen == {"a": [], "b": ["stack"], "c": ["stack", "web_stack"], "d": ["stack", "web_stack"]}
    else:
        assert seen == {"c": [], "d": [], "b": ["web_stack"], "a": ["web_stack", "stack"]}
    assert "unused" not in closed  # a fixture no test uses is left to the session's end


def test_a_fixture_not_declared_early_stopped_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # its users would not be kept on one xdist worker (support/parallel.py): it could be stopped there
    # under a later test that still needs it
    monkeypatch.setattr(lifetimes, "_CLOSERS", {})
    with pytest.raises(ValueError, match="EARLY_STOPPED"):
        lifetimes.stop_after_last_user(Request("services"), lambda: None)  # type: ignore[arg-type]
    assert lifetimes._CLOSERS == {}
