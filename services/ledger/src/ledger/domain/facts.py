"""Facts a ledger decision needs that live outside the entry's own stream.

The application reads them from the ledger's read models (its copy of registry assignments, its
table of entries) and hands them to the pure `decide`; nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from vc_contracts import CST


@dataclass(frozen=True)
class Assignment:
    """A registry assignment (advisor → village) as the ledger's read model knows it."""

    assignment_id: str
    advisor_id: str
    unit_id: str
    village_code: str
    valid_from: date | None = None
    valid_to: date | None = None  # inclusive; None while current

    def covers(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def period(self) -> str:
        """The assignment's days as people read them, e.g. "2026-01-01 起至今" (never its id)."""
        since = f"{self.valid_from} 起" if self.valid_from else ""
        return f"{since}{'至 ' + str(self.valid_to) if self.valid_to else '至今'}"

    def describe(self) -> str:
        until = f"至 {self.valid_to}" if self.valid_to else "至今"
        return f"指派 {self.assignment_id}（顾问 {self.advisor_id}，{self.valid_from} {until}）"


class Busy(NamedTuple):
    """Time an advisor is already on site somewhere: a visit span, or the moment of on-site work
    (lecture, publicity, mediation, on-site consultation: started_at == ended_at).

    `row`: the spreadsheet row of a backfill file the time comes from (None: the ledger's). Such an
    entry is not in the ledger yet (its id is only what the row would get), so a clash with it is
    named by the file's row, never by that id.

    A named tuple, not a frozen dataclass: a backfill file makes one per on-site row before its
    first write (0.25 µs each against 0.9 µs)."""

    entry_id: str
    village_code: str
    started_at: datetime
    ended_at: datetime
    kind: str = "visit"
    row: int | None = None

    @property
    def is_span(self) -> bool:
        return self.ended_at > self.started_at


@dataclass(frozen=True)
class Facts:
    """assignment: the advisor's own assignment to the village on the day of the work (or None);
    holder: whoever served the village that day (named in the refusal); busy: the advisor's on-site
    time near the new entry (the decider picks the clashes)."""

    assignment: Assignment | None = None
    holder: Assignment | None = None
    busy: tuple[Busy, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)  # the directory's "advisor:A-1" → 王建国

    def advisor(self, advisor_id: str) -> str:
        """An advisor for a message: the name, the id in brackets (the one a unit's file carries)."""
        return named(self.names, "advisor", advisor_id)

    def village(self, village_code: str) -> str:
        return named(self.names, "division", village_code)


def named(names: Mapping[str, str], kind: str, key: str) -> str:
    """The one way a refusal names an advisor or a village: "王建国（A-zhengda-1）",
    "山河东村（621025100201）"; the bare id/code only when the directory does not know it yet."""
    name = names.get(f"{kind}:{key}")
    return f"{name}（{key}）" if name else key


def on_day(
    history: Iterable[Assignment], advisor_id: str, day: date
) -> tuple[Assignment | None, Assignment | None]:
    """From a village's assignment history: the advisor's own assignment that day (of the advisor's
    assignments covering it, the one that began first), and the holder (of all covering it, the one
    that began last; on a tie of start days, the later in `history`).

    One pass without sorting: it runs for every row of a backfill file (property test against the
    sorted reading: tests/unit/test_on_day_one_pass.py)."""
    own: Assignment | None = None
    holder: Assignment | None = None
    own_from = holder_from = date.min
    for a in history:
        if not a.covers(day):
            continue
        since = a.valid_from or date.min
        if holder is None or since >= holder_from:
            holder, holder_from = a, since
        if a.advisor_id == advisor_id and (own is None or since < own_from):
            own, own_from = a, since
    return own, holder


def minute(moment: datetime) -> str:
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M")
