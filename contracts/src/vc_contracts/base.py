"""Base class for events, the catalogue of known (type, version) pairs, and upcasting.

Every public event is a frozen pydantic model that names itself with `event_type` and
`schema_version`. Older versions stay registered; `parse_event` upcasts stored data to the
newest version so consumers only handle the current shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict

from vc_contracts.text import STORED

CST = timezone(timedelta(hours=8), "Asia/Shanghai")
MAX_CLOCK_AHEAD = timedelta(minutes=5)
"""How far a phone's clock may run ahead of the server's and its "now" still be taken: work logged at
00:01 on the phone while the server reads 23:58 the day before is dated the phone's day (the ledger's
future rule), and that day's year has begun for the phone's pages (`eventkit.clock.phone_today_cst`)."""


ODD_OFFSET = "时区偏移须为整分钟，如 +08:00（不接受带秒的偏移，如 +08:00:30）"


def whole_minute_offset(value: datetime) -> datetime:
    """`value` unchanged unless its UTC offset has seconds (`2026-11-29T07:00:00+08:00:30`, which
    Python's `fromisoformat` reads): no time zone has had one since 1972, so it is a typing mistake,
    refused with ValueError (Chinese). The one rule of every time a caller sends: body and query
    fields (ShanghaiDateTime, ShanghaiDate given as an instant), corrections and import cells."""
    offset = value.utcoffset()
    if offset is not None and offset % timedelta(minutes=1):
        raise ValueError(ODD_OFFSET)
    return value


def _to_cst(value: datetime) -> datetime:
    whole_minute_offset(value)
    try:
        return value.astimezone(CST)
    except OverflowError:  # e.g. 9999-12-31T23:00-14:00: no such instant in +08:00
        raise ValueError("时间超出可表示的范围") from None


ShanghaiDateTime = Annotated[AwareDatetime, AfterValidator(_to_cst)]
"""A tz-aware instant, normalised to China Standard Time (+08:00). Naive values are refused."""


def _cst_day(value: Any) -> Any:
    """An instant given for a calendar day is read as the CST day it falls on, never truncated:
    `2025-03-31T20:00:00-04:00` is 2025-04-01 in Beijing. A time without an offset is CST already."""
    if isinstance(value, str) and len(value) > 10 and value[10] in "Tt ":
        try:
            value = datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
        except ValueError:
            return value  # pydantic refuses it with its own message
    if isinstance(value, datetime):
        whole_minute_offset(value)
        # an instant whose CST day is outside years 1-9999 (9999-12-31T23:00-14:00) is refused, not
        # an OverflowError (a 500): the same conversion as ShanghaiDateTime's
        return (value.replace(tzinfo=CST) if value.tzinfo is None else _to_cst(value)).date()
    return value


ShanghaiDate = Annotated[date, BeforeValidator(_cst_day)]
"""A CST calendar day. Given as an instant with an offset, it is the CST day of that instant."""

ISO_DAY = re.compile(r"\s*\d{4}-\d{2}-\d{2}(?:[Tt ]|\s*$)")
"""The start of ISO 8601 text of a day or an instant (`re.match`): what `check_iso_text` lets through."""
_NOT_A_DAY = "须为 ISO 8601 日期文本 YYYY-MM-DD，例如 2025-03-05（不接受数字或 Unix 时间戳）"
_NOT_A_TIME = "须为带时区的 ISO 8601 时间文本，例如 2025-03-05T09:00:00+08:00（不接受数字或 Unix 时间戳）"


def check_iso_text(value: Any, *, with_time: bool = False) -> Any:
    """`value` unchanged if it is ISO 8601 text (`YYYY-MM-DD`, with a time after it or not), a
    date/datetime object (a Python caller), None or a list of those; else ValueError (Chinese).

    Every date and time a caller sends must be text: pydantic's lax mode reads a number, or a string
    of digits, as Unix time (`"started_at": 1740000000` was 2025-02-20 05:20 +08:00, `"as_of":
    "20250305"` a day in 1970) and a bool as 0/1. `with_time` picks the message of an instant.
    A rule of what callers send (`eventkit.params.RequestBody`, a ledger correction's times), not of
    the types ShanghaiDate/ShanghaiDateTime, which the stored events share. A time with a fraction of
    a second that is not zero is refused too (`whole_seconds_text`)."""
    for item in value if isinstance(value, list | tuple) else (value,):
        if isinstance(item, str) and ISO_DAY.match(item):
            whole_seconds_text(item)
            continue
        if item is None or isinstance(item, date):
            continue
        raise ValueError(_NOT_A_TIME if with_time else _NOT_A_DAY)
    return value


FRACTION_OF_SECOND = "时间精确到秒，不接受不足一秒的部分（如 09:00:00.5），请写作 09:00:00"
_FRACTION = re.compile(r"[Tt ]\d{2}:\d{2}(?::\d{2})?[.,](\d+)")


def whole_seconds_text(text: str) -> str:
    """`text` (a time as a caller wrote it) unchanged unless it has a fraction of a second that is not
    zero (`09:00:00.5`): ValueError (Chinese). `.000` is whole seconds (a browser's `toISOString`
    writes it). Times are counted in whole seconds, so `01:00:00.0`–`01:00:00.5` was a visit stored,
    then counted as 0 s, and `.123456789` was stored cut to microseconds: the stored, checked and
    counted values disagreed. A rule of what callers send, as `check_iso_text`: instants the services
    take from the clock keep their fraction."""
    if "." in text or "," in text:
        found = _FRACTION.search(text)
        if found is not None and found.group(1).strip("0"):
            raise ValueError(FRACTION_OF_SECOND)
    return text


Upcaster = Callable[[dict[str, Any]], dict[str, Any]]

_CATALOGUE: dict[tuple[str, int], type[Event]] = {}
_LATEST: dict[str, int] = {}
_UPCASTERS: dict[tuple[str, int], Upcaster] = {}
_CHANGES = [0]
"""How many times the catalogue changed (an event registered or forgotten): what a cache built from
it (vc_contracts.batch_decoding) compares, instead of the whole catalogue per call."""


class Event(BaseModel):
    """A fact that happened, named in the past tense. Subclasses set `event_type`/`schema_version`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
    owner: ClassVar[str]
    """The service that writes this event (and so the topic it is published on)."""

    def __init_subclass__(cls, abstract: bool = False, **kwargs: Any) -> None:
        """Register the subclass; `class XEvent(Event, abstract=True)` declares a base, not an event."""
        super().__init_subclass__(**kwargs)
        if abstract:
            return
        if not hasattr(cls, "owner"):
            raise TypeError(f"event {cls.__name__} has no owner (set it on its per-service base class)")
        if "event_type" not in cls.__dict__:
            cls.event_type = cls.__name__
        key = (cls.event_type, cls.schema_version)
        if key in _CATALOGUE and _CATALOGUE[key] is not cls:
            raise TypeError(f"event {key} registered twice")
        _CATALOGUE[key] = cls
        _LATEST[cls.event_type] = max(_LATEST.get(cls.event_type, 0), cls.schema_version)
        _CHANGES[0] += 1


def upcaster(event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
    """Register a pure function turning version `from_version` data into `from_version + 1`."""

    def register(fn: Upcaster) -> Upcaster:
        _UPCASTERS[(event_type, from_version)] = fn
        return fn

    return register


class UnknownEventError(ValueError):
    """An (event type, schema version) that no registered event class reads."""


def event_class(event_type: str, version: int | None = None) -> type[Event]:
    """The class of `event_type` at `version` (default: its latest); UnknownEventError if none."""
    version = version or _LATEST.get(event_type)
    try:
        return _CATALOGUE[(event_type, version or 0)]
    except KeyError:
        raise UnknownEventError(f"unknown event {event_type!r} v{version}") from None


def known_events() -> dict[tuple[str, int], type[Event]]:
    """Every (event type, schema version) of the public catalogue (`vc_contracts.catalogue`).

    Events registered elsewhere (e.g. throwaway test events) are parseable but not listed here,
    so they never reach the exported schemas.
    """
    import vc_contracts.catalogue  # noqa: F401, PLC0415  (registers every event; imports base)

    return {
        key: cls for key, cls in _CATALOGUE.items() if cls.__module__.startswith("vc_contracts.catalogue.")
    }


def unregister_event(event_type: str) -> None:
    """Forget every version and upcaster of `event_type` (for tests that define throwaway events)."""
    for key in [key for key in _CATALOGUE if key[0] == event_type]:
        del _CATALOGUE[key]
    for key in [key for key in _UPCASTERS if key[0] == event_type]:
        del _UPCASTERS[key]
    _LATEST.pop(event_type, None)
    _CHANGES[0] += 1


def parse_event(event_type: str, version: int, data: dict[str, Any]) -> Event:
    """Validate stored `data` as `event_type` v`version`, upcast to the latest version.

    Validates with the `STORED` context (vc_contracts.text): what an older release stored stays
    readable even where a write-side rule has since become stricter."""
    import vc_contracts.catalogue  # noqa: F401, PLC0415

    if (event_type, version) not in _CATALOGUE:
        raise UnknownEventError(f"unknown event {event_type!r} v{version}")
    latest = _LATEST[event_type]
    while version < latest:
        data = _UPCASTERS[(event_type, version)](data)
        version += 1
    # Stored data: write-side text rules (caps, refused characters) are not re-applied on read.
    return _CATALOGUE[(event_type, version)].model_validate(data, context=STORED)
