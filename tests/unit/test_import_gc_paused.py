"""`eventkit.imports.gc_paused`: the cyclic collector is off while any import runs, back on when the
last one ends (also by an error), and left off if it was off before."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from eventkit.imports import gc_paused


@pytest.fixture(autouse=True)
def collector() -> Iterator[None]:
    was = gc.isenabled()
    yield
    gc.enable() if was else gc.disable()


def test_nested_pauses_turn_the_collector_back_on_when_the_last_ends_even_by_an_error() -> None:
    gc.enable()
    with gc_paused():
        assert not gc.isenabled()
        with pytest.raises(RuntimeError), gc_paused():
            raise RuntimeError("refused")
        assert not gc.isenabled()  # the outer import still runs
    assert gc.isenabled()


def test_concurrent_imports_in_threads_leave_it_on_only_after_both() -> None:
    gc.enable()
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with gc_paused():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    assert inside.wait(5)
    with gc_paused():
        pass
    assert not gc.isenabled()  # the other import is still running
    release.set()
    thread.join(5)
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off() -> None:
    gc.disable()
    with gc_paused():
        pass
    assert not gc.isenabled()
