"""Given / when / then for pure deciders: past events, a command at a moment, then whole events.

    spec = Spec(advisors, NOW)
    spec.given(REGISTERED).when(ChangeAdvisorStatus(...)).then(AdvisorStatusChanged(...))
    spec.given(REGISTERED).when(REGISTER).then()                     # nothing happens
    spec.given().when(bad).refused(RuleViolationError, "licence_no")  # refused, naming the field

`then` compares the decided events WHOLE (type and every field, in order), so a field the decider
sets wrongly fails the test even if nobody thought to assert it; on a difference the message shows
the fields that differ. Fields that cannot be known in advance (a fresh id) are named in `ignoring`.
Works with any decider offering `fold(events)` and `decide(state, command, now)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import pytest
from eventkit.errors import AppError
from vc_contracts import Event


class PureDecider(Protocol):
    def fold(self, events: Sequence[Event]) -> Any: ...

    @property
    def decide(self) -> Any: ...


@dataclass(frozen=True)
class Spec:
    """A decider and the moment its commands are decided at (tz-aware, +08:00)."""

    decider: PureDecider
    now: datetime

    def given(self, *history: Event) -> Given:
        return Given(self, list(history))

    def state(self, *history: Event) -> Any:
        """The state folded from `history` (to assert what a past event left behind)."""
        return self.decider.fold(list(history))


@dataclass(frozen=True)
class Given:
    spec: Spec
    history: list[Event]

    def when(self, command: Any, *, now: datetime | None = None) -> When:
        return When(self, command, now or self.spec.now)


@dataclass(frozen=True)
class When:
    given: Given
    command: Any
    now: datetime

    def decided(self) -> list[Event]:
        """The events decided, for a test that goes on with them (e.g. folds them)."""
        state = self.given.spec.decider.fold(self.given.history)
        return list(self.given.spec.decider.decide(state, self.command, self.now))

    def then(self, *expected: Event, ignoring: Sequence[str] = ()) -> list[Event]:
        """Assert the decided events equal `expected` whole (fields in `ignoring` aside); return them."""
        events = self.decided()
        assert [type(e).__name__ for e in events] == [type(e).__name__ for e in expected], events
        for n, (got, want) in enumerate(zip(events, expected, strict=True)):
            got_fields = got.model_dump(exclude=set(ignoring))
            want_fields = want.model_dump(exclude=set(ignoring))
            differing = {
                k: (got_fields.get(k), want_fields.get(k))
                for k in got_fields.keys() | want_fields.keys()
                if got_fields.get(k) != want_fields.get(k)
            }
            assert not differing, f"event {n} ({type(got).__name__}) differs (got, expected): {differing}"
        return events

    def refused(self, error: type[AppError], field: str | None = None) -> AppError:
        """Assert the command is refused with `error` naming `field` (when given); return the error."""
        with pytest.raises(error) as refusal:
            self.decided()
        if field is not None:
            assert refusal.value.field == field, refusal.value.message
        return refusal.value
