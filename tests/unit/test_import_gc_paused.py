"""`eventkit.imports.gc_paused`: the cyclic collector is off while any import runs, back on when the
last one ends (also by an error), and left off if it was off before. `freed_aside`: an import's
large objects are freed after its block, in a thread, and the collector comes back after them."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest
from eventkit.imports import FREE_STEP, _free_in_steps, freed_aside, gc_paused


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


class _Slow:
    """An object whose freeing waits until the test says the block has ended."""

    def __init__(self, ended: threading.Event, freed: threading.Event) -> None:
        self.ended, self.freed = ended, freed

    def __del__(self) -> None:
        if self.ended.wait(5):  # never true while the block's own end frees it
            self.freed.set()


def test_freed_aside_frees_what_it_keeps_after_the_block_has_ended_then_resumes_the_collector() -> None:
    """The answer of a bulk import no longer waits for refcounting to free its rows (~45 ms of a
    50,000-row import): they are freed in a thread, the collector back on after them. Freed inside
    the block's end, the object would wait 5 s for `ended` and never say it was freed."""
    gc.enable()
    ended, freed = threading.Event(), threading.Event()
    with freed_aside() as kept:
        kept.append(_Slow(ended, freed))
        assert not gc.isenabled()
    ended.set()
    assert freed.wait(5)
    for _ in range(500):
        if gc.isenabled():
            break
        threading.Event().wait(0.01)
    assert gc.isenabled()


def test_freed_aside_frees_at_once_and_resumes_the_collector_when_the_block_fails() -> None:
    gc.enable()
    ended, freed = threading.Event(), threading.Event()
    ended.set()
    with pytest.raises(RuntimeError), freed_aside() as kept:
        kept.append(_Slow(ended, freed))
        raise RuntimeError("refused")
    assert freed.is_set() and gc.isenabled()


def test_freed_in_steps_empties_its_lists_and_dicts_from_the_end_and_frees_what_they_held() -> None:
    """A large list or dict is emptied in place a slice at a time (between slices another thread can
    take the interpreter lock: one `clear()` of 50,000 rows kept it ~40 ms, the answer waiting)."""

    class Row:
        pass

    rows = [Row() for _ in range(3 * FREE_STEP + 7)]
    by_id = {n: Row() for n in range(2 * FREE_STEP + 3)}
    watched = [weakref.ref(rows[0]), weakref.ref(rows[-1]), weakref.ref(by_id[0])]
    shared = rows  # still named elsewhere: emptied all the same (the import's events, held by its task)
    kept: list[object] = [by_id, "a small thing", rows]
    _free_in_steps(kept)
    del rows, by_id
    assert kept == [] and shared == []
    assert all(ref() is None for ref in watched)
