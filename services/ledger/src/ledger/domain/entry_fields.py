"""Turning field values into a valid entry event, and an entry into the on-site time it takes (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from eventkit.errors import RuleViolationError
from eventkit.json_numbers import mistyped, typed_fields
from eventkit.reasons import reason_for
from pydantic import TypeAdapter, ValidationError
from vc_contracts import ShanghaiDateTime
from vc_contracts.base import check_iso_text
from vc_contracts.catalogue.ledger import LedgerEntryEvent, VisitLogged
from vc_contracts.fresh_batch import prepare, validate_fresh

from ledger.domain.facts import Busy
from ledger.domain.kinds import EVENT_OF, Kind, is_on_site, label

_MOMENT: TypeAdapter[datetime] = TypeAdapter(ShanghaiDateTime)
prepare(*EVENT_OF.values())  # the import's batch validators, built while this module is imported
_LISTS: dict[Kind, TypeAdapter[list[Any]]] = {
    kind: TypeAdapter(list[cls])  # type: ignore[valid-type]  # one list type per event class
    for kind, cls in EVENT_OF.items()
}


class EntryInvalidError(RuleViolationError):
    """Field values that do not make a valid entry; every problem is listed, not just the first."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        field, reason = problems[0]
        named = [(f, f"「{label(f)}」{r}") for f, r in problems]
        super().__init__(f"「{label(field)}」{reason}", field=field, reasons=named)
        self.problems = problems  # without the field's label: an import names its column itself


def _problems(exc: ValidationError) -> list[tuple[str, str]]:
    out = []
    for error in exc.errors():
        where = str(error["loc"][0]) if error["loc"] else "body"
        out.append((where, "不能为空" if error["type"] == "missing" else reason_for(error)))
    return out


def build(kind: Kind, data: Mapping[str, Any]) -> LedgerEntryEvent:
    """`kind`'s event from `data` (JSON values: a logged entry's, or an entry's with a correction's
    changes); EntryInvalidError naming every problem. A number of another JSON type is one
    (`eventkit.json_numbers`, the request bodies' rule): pydantic would convert it (a corrected
    audience of `true` was 1, of `"30"` 30)."""
    cls = EVENT_OF[kind]
    if wrong := mistyped(typed_fields(cls), data):
        raise EntryInvalidError([(".".join(map(str, at)), reason) for at, reason in wrong])
    try:
        return cls.model_validate(dict(data))
    except ValidationError as exc:
        raise EntryInvalidError(_problems(exc)) from None


def build_many(kind: Kind, items: Sequence[dict[str, Any]]) -> list[LedgerEntryEvent] | None:
    """`[build(kind, data) for data in items]` in one pydantic-core call when every item makes a
    valid event (`vc_contracts.fresh_batch`), else None: then `build` each, for its problems."""
    return validate_fresh(EVENT_OF[kind], items)  # type: ignore[return-value]


def dump_many(kind: Kind, events: Sequence[LedgerEntryEvent]) -> list[dict[str, Any]]:
    """`[event.model_dump(mode="json") for event in events]` in one pydantic-core call (half the
    time: a re-import compares every row with the entry already logged). `events` are events of
    `kind` as `build`/`build_many` give them (instances of that kind's event class itself)."""
    return _LISTS[kind].dump_python(list(events), mode="json")  # type: ignore[no-any-return]


def moment(value: Any, field: str) -> datetime:
    """A time with its UTC offset (ISO 8601 text or datetime), in China Standard Time; never a
    number read as Unix time (`vc_contracts.base.check_iso_text`: a correction's times are sent raw)."""
    try:
        return _MOMENT.validate_python(check_iso_text(value, with_time=True))
    except ValueError as exc:  # ValidationError is one
        # pydantic's errors in the words every body field uses (which part of the time is wrong)
        reason = str(exc) if not isinstance(exc, ValidationError) else reason_for(exc.errors()[0])
        raise EntryInvalidError([(field, reason)]) from None


def busy_of(kind: Kind, entry_id: str, village_code: str, data: Mapping[str, Any]) -> Busy | None:
    """The on-site time an entry takes: a visit's span, the moment of other on-site work, or None."""
    if not is_on_site(kind, dict(data)):
        return None
    if kind is Kind.visit:
        start, end = moment(data["started_at"], "started_at"), moment(data["ended_at"], "ended_at")
    else:
        start = end = moment(data["occurred_at"], "occurred_at")
    return Busy(entry_id, village_code, start, end, kind.value)


def busy_of_event(kind: Kind, entry_id: str, village_code: str, event: LedgerEntryEvent) -> Busy | None:
    """`busy_of` of a valid event, from its typed fields (its times are CST instants already):
    equal to `busy_of(kind, entry_id, village_code, event.model_dump(mode="json"))`."""
    if not is_on_site(kind, vars(event)):  # its fields by name (a channel is a StrEnum: equal to its code)
        return None
    if isinstance(event, VisitLogged):
        start, end = event.started_at, event.ended_at
    else:
        start = end = event.occurred_at
    return Busy(entry_id, village_code, start, end, kind.value)
