"""What a correction changes, checked by the same rules as logging (pure).

A correction names new values for some fields and why. It may not touch identity fields (who,
where, which entry) nor move an entry to another year: that is a void and a new entry. A visit's
corrected times always travel together (started_at, ended_at, occurred_at and the recomputed hours),
so a consumer can move the hours between quarters from the correction alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from eventkit.errors import AppError, RuleViolationError
from vc_contracts import CST

from ledger.domain import rules
from ledger.domain.entry_fields import EntryInvalidError, build, busy_of, moment
from ledger.domain.facts import Facts
from ledger.domain.kinds import FIELD_LABEL, IDENTITY_FIELDS, Kind, correctable, label

TIMING = frozenset({"started_at", "ended_at", "occurred_at", "hours"})


CHANGES = "changes"
"""Where a correction's new values are: every error about one names it `changes.<field>`."""


NOTHING_CHANGED = "更正内容与原记录相同，无需更正"
"""The answer to a correction that changes nothing: no field sent, or every field as it was."""


UNKNOWN_FIELD = "更正内容中有不认识的字段，请删除"
"""A key no kind of entry has (a typo, a U+202E, 3,000 characters): named by `field` only, as the
request bodies name a field they do not know (不认识的字段，请删除), never quoted in the message."""


def _refuse_fields(kind: Kind, changes: Mapping[str, Any]) -> None:
    bad = sorted(set(changes) - correctable(kind))
    if not bad:
        return
    if bad[0] not in FIELD_LABEL:  # no entry has it: the caller's key is never repeated in a sentence
        raise RuleViolationError(UNKNOWN_FIELD, field=bad[0])
    hint = "；记错村（社区）或顾问时，请作废本记录后重新登记" if bad[0] in IDENTITY_FIELDS else ""
    raise RuleViolationError(f"「{label(bad[0])}」不能更正{hint}", field=bad[0])


def _with_times(kind: Kind, merged: dict[str, Any], now: datetime) -> datetime:
    """Normalise the merged times, check them like a new entry; return the (new) start."""
    if kind is Kind.visit:
        start, end = moment(merged["started_at"], "started_at"), moment(merged["ended_at"], "ended_at")
        hours = rules.check_span(kind, start, end, now)
        merged.update(started_at=start, ended_at=end, occurred_at=start, hours=hours)
        return start
    start = moment(merged["occurred_at"], "occurred_at")
    rules.check_span(kind, start, None, now)
    merged["occurred_at"] = start
    return start


def corrected(
    kind: Kind, data: Mapping[str, Any], changes: Mapping[str, Any], facts: Facts, now: datetime
) -> dict[str, Any]:
    """The effective changes (JSON form) of correcting an entry whose current values are `data`.

    Every refusal names its field as the path in the correction, `changes.<field>` (`changes` for
    the whole mapping: empty, or nothing different): the field a new entry would name, except that
    a visit's `occurred_at` is its `started_at` and a missing assignment on the new day names the
    time that moved the entry there."""
    if not changes:  # nothing sent is nothing changed: one answer for both (the page sends {} then)
        raise RuleViolationError(NOTHING_CHANGED, field=CHANGES)
    start_field = "started_at" if kind is Kind.visit else "occurred_at"
    try:
        effective = _effective(kind, data, changes, facts, now, start_field)
    except AppError as exc:
        raise exc.within(CHANGES, {"occurred_at": start_field}) from None
    if not effective:
        raise RuleViolationError(NOTHING_CHANGED, field=CHANGES)
    return effective


def _effective(
    kind: Kind,
    data: Mapping[str, Any],
    changes: Mapping[str, Any],
    facts: Facts,
    now: datetime,
    start_field: str,
) -> dict[str, Any]:
    _refuse_fields(kind, changes)
    merged = {**data, **changes}
    start = _with_times(kind, merged, now)
    new = build(kind, merged).model_dump(mode="json")
    effective = {key: value for key, value in new.items() if data.get(key) != value}
    if not effective:
        return effective
    if kind is Kind.visit and TIMING & effective.keys():
        effective |= {key: new[key] for key in TIMING}
    rules.check_sizes(new)
    if "occurred_at" in effective:
        original = moment(data["occurred_at"], "occurred_at")
        rules.check_same_year(original, start)
        if original.astimezone(CST).date() != start.astimezone(CST).date():
            try:
                rules.require_assignment(str(data["advisor_id"]), str(data["village_code"]), start, facts)
            except RuleViolationError as exc:  # the village stays: the new day is what has no assignment
                exc.field, exc.reasons = start_field, [(start_field, r) for _, r in exc.reasons]
                raise
    spent = busy_of(kind, str(data["entry_id"]), str(data["village_code"]), new)
    if spent is not None and (TIMING | {"channel"}) & effective.keys():
        rules.check_clashes(spent, facts.busy, facts.names)
    return effective


def span_after(kind: Kind, data: Mapping[str, Any], changes: Mapping[str, Any]) -> tuple[datetime, datetime]:
    """The time the entry would take after `changes`, to look up the facts for it (a value that does
    not parse falls back to the current one; the decision then refuses it with the field)."""

    def pick(field: str) -> datetime:
        try:
            return moment(changes[field], field)
        except (KeyError, EntryInvalidError):
            return moment(data[field], field)

    if kind is Kind.visit:
        return pick("started_at"), pick("ended_at")
    return pick("occurred_at"), pick("occurred_at")
