"""Checking backfill rows with the same pure decider as the API, facts loaded once for the file."""

from __future__ import annotations

import asyncio
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

import asyncpg
from eventkit.auth import Principal
from eventkit.errors import AppError
from eventkit.import_errors import Problems
from pydantic import ValidationError
from pydantic_core import from_json, to_json
from vc_contracts import CST
from vc_contracts.catalogue.ledger import LedgerEntryEvent

from ledger.application.assignments_view import village_histories
from ledger.application.directory_view import names
from ledger.application.facts_reader import LONGEST
from ledger.application.import_rows import ParsedRow
from ledger.domain.entries import Entry, LogEntry, check_logged, log_data
from ledger.domain.entry_fields import EntryInvalidError, build, build_many
from ledger.domain.facts import Assignment, Busy, Facts, on_day
from ledger.domain.kinds import FIELD_LABEL, Kind, is_on_site
from ledger.domain.rules import require_assignment

# The column a refusal points at, by the field it names (a visit's occurred_at is its start).
_COLUMN = {field: field for field in FIELD_LABEL} | {"occurred_at": "started_at"}


@dataclass
class FileFacts:
    histories: dict[str, list[Assignment]]
    existing: dict[str, Any]  # entry id -> the entry as first logged (JSON form)
    # entry id -> the entry as it reads now, for those corrected since (JSON form): a file fixed to
    # match a correction is the same entry, unchanged
    corrected: dict[str, Any] = field(default_factory=dict)
    busy: dict[str, list[Busy]] = field(default_factory=dict)  # per advisor, by start
    names: dict[str, str] = field(default_factory=dict)  # the directory's names of the file's people
    starts: dict[str, list[datetime]] = field(default_factory=dict)
    seen: int | None = None  # the last event position `busy` was read at (None: nothing read)
    # a row's entry id -> why its client id is refused: the advisor's other entry (one whose id is
    # not the hash of advisor and client id, an answer to a resident's question) holds it
    taken: dict[str, str] = field(default_factory=dict)
    assigned: set[str] = field(init=False)  # advisors holding an assignment in `histories`
    visible: dict[str, bool] = field(init=False)  # village code -> `viewer` may see it
    viewer: Principal | None = field(init=False)

    def __post_init__(self) -> None:
        # once for the file: a scan of every history per row made a row's check grow with the file
        self.assigned = {a.advisor_id for terms in self.histories.values() for a in terms}
        self.visible, self.viewer = {}, None  # filled as rows name villages: few, on many rows each

    def can_see(self, who: Principal, village_code: str) -> bool:
        """`who.can_see(village_code)`, asked once per village of the file and uploader."""
        if who is not self.viewer:
            self.visible, self.viewer = {}, who
        found = self.visible.get(village_code)
        if found is None:
            found = self.visible[village_code] = who.can_see(village_code)
        return found

    def knows_advisor(self, advisor_id: str) -> bool:
        """Named by the directory or holding an assignment the file's villages know: only an id
        neither has heard of is "not existing" (the directory may lag the assignments)."""
        return f"advisor:{advisor_id}" in self.names or advisor_id in self.assigned

    def near(self, advisor_id: str, start: datetime, end: datetime) -> tuple[Busy, ...]:
        spans = self.busy.get(advisor_id)
        if not spans:  # an advisor with no on-site time in the ledger nor in the file
            return ()
        starts = self.starts.get(advisor_id, [])
        lo, hi = bisect_left(starts, start - LONGEST), bisect_right(starts, end)
        return tuple([b for b in spans[lo:hi] if b.ended_at >= start])


def _file_busy(row: ParsedRow, entry_id: str) -> Busy | None:
    if not is_on_site(row.kind, row.details):
        return None
    end = row.end if row.kind is Kind.visit else row.start
    if end is None or end < row.start:
        return None  # refused on its own row; must not cause clashes elsewhere
    return Busy(entry_id, row.village_code, row.start, end, row.kind.value, row=row.line)


async def load_facts(
    pool: asyncpg.Pool,
    schema: str,
    rows: list[ParsedRow],
    ids: dict[int, str],
    loose: Iterable[tuple[int, str | None, str | None, datetime | None]] = (),
) -> FileFacts:
    """What the file's rows are checked against, read in two rounds of queries sent together on
    the pool's connections (each round's queries are independent: PostgreSQL answers them side by
    side while this process encodes the next). `loose`: (row, advisor, village, start) of the rows that did
    not parse, whose advisors and villages are read too (`check_loose_row`)."""
    loose = list(loose)
    first_round = asyncio.gather(
        village_histories(pool, schema, {r.village_code for r in rows} | {v for _, _, v, _ in loose if v}),
        _existing(pool, schema, ids),
        _taken_client_ids(pool, schema, rows, ids),
    )
    # The file's own on-site time (~2 µs a row, 0.1 s of a 50,000-row file) in a thread while
    # PostgreSQL answers the first round: it needs none of it.
    own, own_owner = await asyncio.to_thread(_file_spans, rows, ids)
    histories, (existing, corrected), taken = await first_round
    advisors = {r.advisor_id for r in rows} | {a for _, a, _, _ in loose if a}
    people = {f"advisor:{a}" for a in advisors} | {
        key
        for history in histories.values()
        for a in history
        for key in (f"advisor:{a.advisor_id}", f"unit:{a.unit_id}")
    }
    # A row of the file replaces the same entry already in the ledger (a re-import): the ledger's
    # on-site time of the file's own on-site entries already logged (`existing`) is not even read
    # (in a re-import of a large file, most of what the query would return; decoding it was most
    # of reading the facts). One logged meanwhile is read, then replaced below all the same.
    known, (seen, ledger) = await asyncio.gather(
        names(pool, schema, people | {f"division:{r.village_code}" for r in rows}),
        _ledger_busy(pool, schema, rows, [entry_id for entry_id in own if entry_id in existing]),
    )
    facts = FileFacts(histories, existing, corrected, names=known, taken=taken)
    if not rows:
        return facts
    facts.seen = seen
    spans: dict[str, Busy] = {}
    owner: dict[str, str] = {}
    for r in ledger:
        spans[r["entry_id"]] = Busy(
            r["entry_id"], r["village_code"], r["started_at"], r["ended_at"], r["kind"]
        )
        owner[r["entry_id"]] = r["advisor_id"]
    spans |= own  # replacing the ledger's; new ones after it: at the same start the ledger's comes first
    owner |= own_owner
    per_advisor: dict[str, list[Busy]] = defaultdict(list)
    for entry_id, busy in spans.items():
        per_advisor[owner[entry_id]].append(busy)
    for advisor_id, items in per_advisor.items():
        items.sort(key=lambda b: b.started_at)
        facts.busy[advisor_id], facts.starts[advisor_id] = items, [b.started_at for b in items]
    return facts


def _file_spans(rows: list[ParsedRow], ids: dict[int, str]) -> tuple[dict[str, Busy], dict[str, str]]:
    """By entry id, the on-site time of each of the file's entries (`_file_busy`) and its advisor."""
    own: dict[str, Busy] = {}
    own_owner: dict[str, str] = {}
    for row in rows:
        busy = _file_busy(row, ids[row.line])
        # a client id repeated is either the same entry repeated exactly (one entry) or refused
        if busy is not None and busy.entry_id not in own:
            own[busy.entry_id], own_owner[busy.entry_id] = busy, row.advisor_id
    return own, own_owner


async def _existing(
    pool: asyncpg.Pool, schema: str, ids: dict[int, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """By entry id, each of the file's entries already in the ledger, as first logged (JSON form);
    and, of those corrected since, as they read now (`original` is NULL until a first correction)."""
    rows = await pool.fetch(
        f"SELECT entry_id, coalesce(original, data)::text AS original,"
        f" CASE WHEN original IS NOT NULL THEN data::text END AS now FROM {schema}.entries"
        " WHERE entry_id = ANY(ARRAY(SELECT jsonb_array_elements_text($1::text::jsonb)))",
        _json_list(ids.values()),
    )
    first = {r["entry_id"]: from_json(r["original"]) for r in rows}  # pydantic-core: half json.loads'
    return first, {r["entry_id"]: from_json(r["now"]) for r in rows if r["now"] is not None}


async def _ledger_busy(
    pool: asyncpg.Pool, schema: str, rows: list[ParsedRow], replaced: list[str]
) -> tuple[int | None, list[asyncpg.Record]]:
    """The ledger's on-site time of the file's advisors around the file's times, but the entries
    the file `replaced`; and the last event position it includes (None: no rows, nothing read).
    One snapshot for both: every event committed later has a higher position (positions are drawn
    under the ordering lock, held to commit), so the write can tell whether anything was appended
    after these facts were read."""
    if not rows:
        return None, []
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        seen = await conn.fetchval(f"SELECT coalesce(max(position), 0) FROM {schema}.events")
        ledger = await conn.fetch(
            f"SELECT entry_id, advisor_id, village_code, started_at, ended_at, kind FROM {schema}.entries"
            " WHERE advisor_id = ANY($1::text[]) AND on_site AND NOT voided"
            " AND started_at >= $2 AND started_at <= $3"
            " AND entry_id NOT IN (SELECT unnest($4::text[]))",  # a hashed subplan: one probe a row
            list({r.advisor_id for r in rows}),
            min(r.start for r in rows) - LONGEST,
            max(r.end or r.start for r in rows),
            replaced,  # none in a first import
        )
    return seen, ledger


def _json_list(values: Iterable[str | None]) -> str:
    """A file's worth of texts as one JSON array, for a query's `jsonb_array_elements_text`: asyncpg
    encodes a `text[]` element by element, with two abstract-class checks each (issue 12's profile:
    ~0.1 s of a 50,000-row import, before its first write, for 200,000 texts)."""
    return to_json(list(values)).decode()


async def _taken_client_ids(
    pool: asyncpg.Pool, schema: str, rows: list[ParsedRow], ids: dict[int, str]
) -> dict[str, str]:
    """By the row's entry id, the refusal of each row whose (advisor, client id) an entry with
    another id holds: an answer to a resident's question takes the question's entry id
    (`questions.answering_entry_id`), so the same pair is not the same entry there. One query, each
    pair probed on the table's unique key (advisor_id, client_entry_id); a re-imported row's own
    entry (the same id) is not returned."""
    found = await pool.fetch(
        "SELECT f.entry_id AS ours, e.entry_id, e.data ? 'question_id' AS answers"
        " FROM ROWS FROM (jsonb_array_elements_text($1::text::jsonb),"
        "   jsonb_array_elements_text($2::text::jsonb), jsonb_array_elements_text($3::text::jsonb))"
        "   AS f(advisor_id, client_entry_id, entry_id)"
        f" JOIN {schema}.entries e"
        "   ON e.advisor_id = f.advisor_id AND e.client_entry_id = f.client_entry_id"
        " WHERE e.entry_id <> f.entry_id",
        _json_list(r.advisor_id for r in rows),
        _json_list(r.client_entry_id for r in rows),
        _json_list(ids[r.line] for r in rows),
    )
    return {
        r["ours"]: "该客户端编号已用于另一条记录"
        f"（{'居民问题的答复，' if r['answers'] else ''}台账记录 {r['entry_id']}），请换一个客户端编号"
        for r in found
    }


class Prepared(NamedTuple):
    """A row that passed every rule needing no event: its command and its event's fields (a
    tuple: built once per row, in a quarter of a frozen dataclass's time)."""

    row: ParsedRow
    command: LogEntry
    data: dict[str, Any]


_NEW = Entry()  # the state of every entry an import logs (immutable: one for all rows)


def check_people(
    line: int,
    advisor_id: str | None,
    village_code: str | None,
    who: Principal,
    facts: FileFacts,
    problems: Problems,
) -> bool:
    """The village in the uploader's scope, the advisor known; False with each refusal added (both
    when both fail: one is not the cause of the other). Also run on a row whose other cells did
    not read (`None`: that cell is missing or unreadable), so every problem of a row is answered
    at once."""
    known = True
    if village_code is not None and not facts.can_see(who, village_code):
        problems.add(line, "village_code", f"村（社区）{village_code} 不在您的管辖范围内")
        known = False
    if advisor_id is not None and not facts.knows_advisor(advisor_id):
        problems.add(line, "advisor_id", f"顾问编号 {advisor_id} 不存在，请按本单位顾问名单中的顾问编号填写")
        known = False
    return known


def on_day_of_unit(
    line: int,
    advisor_id: str,
    village_code: str,
    start: datetime,
    unit: str,
    facts: FileFacts,
    problems: Problems,
) -> tuple[Assignment | None, Assignment | None] | None:
    """The advisor's own assignment in the village on the start's day and the village's holder
    (`on_day`); None with the problem added when that assignment is another unit's."""
    day = start.astimezone(CST).date()
    own, holder = on_day(facts.histories.get(village_code, []), advisor_id, day)
    if own is not None and own.unit_id != unit:
        other = facts.names.get(f"unit:{own.unit_id}", f"单位 {own.unit_id}")
        problems.add(line, "advisor_id", f"{day} 当天该顾问的指派属于{other}，不是本单位")
        return None
    return own, holder


def check_loose_row(
    line: int,
    advisor_id: str | None,
    village_code: str | None,
    start: datetime | None,
    who: Principal,
    unit: str,
    facts: FileFacts,
    problems: Problems,
) -> None:
    """The checks against the facts that a row's readable cells allow, for a row that does not
    read whole (another cell is unreadable or wrong): scope, advisor, and with a start, the
    assignment (`rules.require_assignment`, as the decider runs it). Its other rules need the
    whole entry."""
    if not check_people(line, advisor_id, village_code, who, facts, problems):
        return
    if advisor_id is None or village_code is None or start is None:
        return
    held = on_day_of_unit(line, advisor_id, village_code, start, unit, facts, problems)
    if held is None:
        return
    try:
        require_assignment(advisor_id, village_code, start, Facts(*held, (), facts.names))
    except AppError as exc:
        problems.add_refusal(line, exc, _COLUMN, "row")


def prepare_row(
    row: ParsedRow,
    entry_id: str,
    who: Principal,
    unit: str,
    facts: FileFacts,
    now: datetime,
    problems: Problems,
) -> Prepared | None:
    """The row's command and event fields (`entries.log_data`), or None with its problems added.

    Any refusal while building the command or its event (the decider's, or a ValidationError of
    an event model's field types, `build_events`) is the row's problem, never an error of the import.
    """
    if not check_people(row.line, row.advisor_id, row.village_code, who, facts, problems):
        return None
    held = on_day_of_unit(row.line, row.advisor_id, row.village_code, row.start, unit, facts, problems)
    if held is None:
        return None
    own, holder = held
    busy = facts.near(row.advisor_id, row.start, row.end or row.start)
    command = LogEntry(
        entry_id,
        row.kind,
        row.advisor_id,
        row.village_code,
        row.start,
        row.details,
        Facts(own, holder, busy, facts.names),
        row.end,
        row.client_entry_id,
        row.note,
    )
    try:
        return Prepared(row, command, log_data(_NEW, command, now))
    except (AppError, ValidationError) as exc:
        _refused(row, exc, problems)
        return None


def build_events(prepared: list[Prepared], problems: Problems) -> list[LedgerEntryEvent | None]:
    """Each prepared row's event, checked (`entries.check_logged`), or None with its problems added:
    `decide` of each row. The events of each kind are validated in one call (`build_many`); when
    one of them is refused, that kind's rows are built one by one, each naming its own problems."""
    events: list[LedgerEntryEvent | None] = [None] * len(prepared)
    by_kind: dict[Kind, list[int]] = defaultdict(list)
    for n, p in enumerate(prepared):
        by_kind[p.row.kind].append(n)
    for kind, indexes in by_kind.items():
        built = build_many(kind, [prepared[n].data for n in indexes])
        if built is not None:
            for n, made in zip(indexes, built, strict=True):
                events[n] = made
            continue
        for n in indexes:
            try:
                events[n] = build(kind, prepared[n].data)
            except (AppError, ValidationError) as exc:
                _refused(prepared[n].row, exc, problems)
    for n, checked in enumerate(events):
        if checked is None:
            continue
        try:
            check_logged(prepared[n].command, checked)
        except (AppError, ValidationError) as exc:
            _refused(prepared[n].row, exc, problems)
            events[n] = None
    return events


def _refused(row: ParsedRow, exc: AppError | ValidationError, problems: Problems) -> None:
    if isinstance(exc, EntryInvalidError):
        for field_name, reason in exc.problems:
            problems.add(row.line, _COLUMN.get(field_name, "row"), reason)
    else:
        problems.add_refusal(row.line, exc, _COLUMN, "row")
