"""Deciding many commands in memory before writing any of them (bulk imports).

The streams a batch touches are loaded once; each command is decided on the state so far (the
stored events plus what earlier rows decided) and evolves it. Nothing is written until `commit`,
which appends every changed stream in one transaction at the versions loaded here: if any of them
moved meanwhile, the whole batch is refused (409) and nothing is appended.

A row refused only because of what an earlier row of the same file decided (the stored state alone
would take it) is refused naming that row (`FileRowConflict`): nothing of the file is written, so a
message saying the thing "is registered" or naming the id the earlier row would get misleads.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

from eventkit.decider import Decider
from eventkit.errors import AppError, ConflictError
from eventkit.store import EventStore, Metadata, NewStream
from vc_contracts import Event, Tenant

S = TypeVar("S")


class FileRowConflict(ConflictError):
    """409 naming the earlier row of the same file that the refused row clashes with."""

    def __init__(self, row: int, clash: str, field: str | None) -> None:
        super().__init__(f"与本文件第 {row} 行{clash}", field=field)
        self.row = row


class Workspace:
    def __init__(self, store: EventStore, now: datetime) -> None:
        self.store, self.now = store, now
        self._stored: dict[str, list[Event]] = {}
        self._states: dict[str, Any] = {}
        self._pending: dict[str, list[Event]] = {}
        self._tenants: dict[str, Tenant] = {}
        self._rows: dict[str, int] = {}  # stream id -> the last file row whose decision changed it

    async def load(self, stream_ids: Iterable[str]) -> None:
        wanted = sorted({s for s in stream_ids if s not in self._stored})
        for stream_id, stored in (await self.store.read_streams(wanted)).items():
            self._stored[stream_id] = [s.event for s in stored]

    def state(self, decider: Decider[S, Any], stream_id: str) -> S:
        if stream_id not in self._states:
            self._states[stream_id] = decider.fold(self._stored[stream_id])  # KeyError: not loaded
        state: S = self._states[stream_id]
        return state

    def decide(
        self,
        decider: Decider[S, Any],
        stream_id: str,
        command: Any,
        tenant_of: str,
        row: int | None = None,
        clash: str = "冲突",
    ) -> list[Event]:
        """Decide on the state so far; raises the decider's refusal and then changes nothing.

        `row`: the file row deciding. A refusal the stored state alone would not give comes from an
        earlier row's decision: raised as `FileRowConflict` "与本文件第 <that row> 行<clash>"."""
        state = self.state(decider, stream_id)
        try:
            events = list(decider.decide(state, command, self.now))
        except AppError as refused:
            earlier = self._rows.get(stream_id)
            if earlier is None or earlier == row or not self._stored_takes(decider, stream_id, command):
                raise
            raise FileRowConflict(earlier, clash, refused.field) from refused
        for event in events:
            state = decider.evolve(state, event)
        self._states[stream_id] = state
        if events:
            self._pending.setdefault(stream_id, []).extend(events)
            self._tenants.setdefault(stream_id, Tenant.of(tenant_of))
            if row is not None:
                self._rows[stream_id] = row
        return events

    def _stored_takes(self, decider: Decider[S, Any], stream_id: str, command: Any) -> bool:
        """Whether the command passes on the stream as stored (without this file's decisions)."""
        try:
            list(decider.decide(decider.fold(self._stored[stream_id]), command, self.now))
        except AppError:
            return False
        return True

    @property
    def pending_events(self) -> int:
        return sum(len(events) for events in self._pending.values())

    async def commit(self, metadata: Metadata, conn: Any) -> int:
        """Append every changed stream inside the caller's transaction on `conn`; the events appended.
        (`append_rows`: no envelope is built for the answer, a province's list is 17,000 events.)"""
        batch = [
            NewStream(stream_id, events, self._tenants[stream_id], self.now, len(self._stored[stream_id]))
            for stream_id, events in self._pending.items()
        ]
        return len(await self.store.append_rows(batch, metadata=metadata, conn=conn))
