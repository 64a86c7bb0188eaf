"""`facts.on_day` reads a village's assignment history in one pass; it gives what the sorted
reading gave (the advisor's earliest-starting covering assignment, and the latest-starting holder,
the later in the history on a tie), for any history, advisor and day."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st
from ledger.domain.facts import Assignment, on_day

BASE = date(2026, 1, 1)
days = st.integers(0, 20).map(lambda n: BASE + timedelta(days=n))
assignments = st.builds(
    Assignment,
    assignment_id=st.uuids().map(str),
    advisor_id=st.sampled_from(["A-1", "A-2", "A-3"]),
    unit_id=st.just("U-1"),
    village_code=st.just("621025100201"),
    valid_from=st.none() | days,
    valid_to=st.none() | days,
)


def sorted_reading(history: list[Assignment], advisor_id: str, day: date) -> tuple[object, object]:
    covering = sorted((a for a in history if a.covers(day)), key=lambda a: a.valid_from or date.min)
    own = next((a for a in covering if a.advisor_id == advisor_id), None)
    return own, (covering[-1] if covering else None)


@given(st.lists(assignments, max_size=6), st.sampled_from(["A-1", "A-2", "A-4"]), days)
def test_one_pass_gives_the_sorted_reading(history: list[Assignment], advisor_id: str, day: date) -> None:
    assert on_day(history, advisor_id, day) == sorted_reading(history, advisor_id, day)


def test_a_tie_of_start_days_gives_the_later_holder_and_the_earlier_own() -> None:
    first = Assignment("AS-1", "A-1", "U-1", "621025100201", BASE, None)
    second = Assignment("AS-2", "A-1", "U-1", "621025100201", BASE, None)
    assert on_day([first, second], "A-1", BASE) == (first, second)
