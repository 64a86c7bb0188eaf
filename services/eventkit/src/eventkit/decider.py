"""The pure decider every aggregate is written as (imports only the contracts and the standard library).

A decider is three pure things: an initial state, `evolve(state, event) -> state`, and
`decide(state, command, now) -> list[Event]` which raises an AppError subclass to refuse.
Running one against the store (load, decide, append, idempotency) is eventkit.command_runner's job.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from vc_contracts import Event

S = TypeVar("S")
C = TypeVar("C")


@dataclass(frozen=True)
class Decider(Generic[S, C]):
    """`initial` state, `evolve` (state, event) → state, `decide` (state, command, now) → events."""

    initial: S
    evolve: Callable[[S, Event], S]
    decide: Callable[[S, C, datetime], Sequence[Event]]

    def fold(self, events: Sequence[Event]) -> S:
        """The state after `events`, in order, from `initial`."""
        state = self.initial
        for event in events:
            state = self.evolve(state, event)
        return state
