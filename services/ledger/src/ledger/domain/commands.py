"""Commands on a ledger entry (imperative names); the facts they carry were read by the application."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ledger.domain.facts import Facts
from ledger.domain.kinds import Kind


@dataclass(frozen=True)
class LogEntry:
    entry_id: str
    kind: Kind
    advisor_id: str
    village_code: str
    occurred_at: datetime  # a visit's start
    details: Mapping[str, Any]  # the kind's own fields: place, summary, topic, channel…
    facts: Facts
    ended_at: datetime | None = None  # visits only
    client_entry_id: str | None = None
    note: str = ""


@dataclass(frozen=True)
class ConfirmEntry:
    confirmed_by: str
    committee_village: str  # the village the confirming committee speaks for


@dataclass(frozen=True)
class QueryEntry:
    reason: str
    queried_by: str
    committee_village: str  # the village the querying committee speaks for


@dataclass(frozen=True)
class CorrectEntry:
    changes: Mapping[str, Any]  # field -> new value (JSON form)
    reason: str
    facts: Facts = field(default_factory=Facts)  # for the corrected day and times


@dataclass(frozen=True)
class VoidEntry:
    reason: str


Command = LogEntry | ConfirmEntry | QueryEntry | CorrectEntry | VoidEntry
