"""Calendar periods in China Standard Time: the one period type (pure: standard library only).

A `Period` is a year (`2025`), a half-year (`2025H1`, `2025H2`) or a quarter (`2025Q1`…`2025Q4`),
always in +08:00: `2025Q2` is the half-open range [2025-04-01 00:00+08:00, 2025-07-01 00:00+08:00).
Every service parses, bounds, labels and steps periods with it (through `eventkit.periods`, which
adds the 422 answer for a malformed period and the on-site hours split); it lives in the contracts
so the rules here, and any consumer, count periods the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from vc_contracts.base import CST


class PeriodFormatError(ValueError):
    """Text that is not a period of an accepted kind; the message is for people (Chinese)."""


class PeriodKind(StrEnum):
    """How long a period is; the value is the letter in its text form ("" for a year)."""

    year = ""
    half = "H"
    quarter = "Q"


_COUNT = {PeriodKind.year: 1, PeriodKind.half: 2, PeriodKind.quarter: 4}
_MONTHS = {PeriodKind.year: 12, PeriodKind.half: 6, PeriodKind.quarter: 3}
_TEXT = re.compile(r"([0-9]{4})(?:([HQ])([0-9]))?")  # ASCII digits: re's \d takes every script's
_EXAMPLE = {PeriodKind.year: "2025", PeriodKind.half: "2025H1", PeriodKind.quarter: "2025Q1"}
_KIND_WORD = {PeriodKind.year: "年度", PeriodKind.half: "半年", PeriodKind.quarter: "季度"}
_ORDINAL = "一二三四"


# Trimmed around a period, alike on both sides (the pages' util/period.ts trims this very set): every
# space and line break (str.isspace: the C0 separators \x1c-\x1f and NEL too, which JavaScript's trim
# kept) and the byte-order mark a pasted CSV cell starts with (which str.strip kept).
_AROUND = (
    "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def normalise_period(text: object) -> object:
    """A period as people type it, in its one text form: NFKC (full-width ２０２５Ｈ２ → 2025H2, the
    ideographic space → a space), the spaces around it trimmed (`_AROUND`), its letter upper-cased:
    `  2026h1  ` → `2026H1`, `２０２６ｑ３` → `2026Q3`. Anything else than a str is returned as is, and
    a text that is no period stays no period (its pattern or `Period.parse` refuses it).

    The one reading of every period a person or a client sends: `Period.parse` and the period field
    types (`vc_contracts.catalogue.fields.PeriodNormalised`, on the contracts' `Period` and on every
    period parameter of `eventkit.params`) apply it before anything checks the shape. Before, a
    period was taken as typed: `2026h1`, ` 2026H1 ` and `２０２５Ｈ２` were refused while `２０２６H1`
    (digits alone made ASCII) passed."""
    if not isinstance(text, str):
        return text
    if not text.isascii():  # a character NFKC would make a digit although it is none (²) stays: refused
        text = "".join(c if _digit_like(c) else unicodedata.normalize("NFKC", c) for c in text)
    return text.strip(_AROUND).upper()


def _digit_like(char: str) -> bool:
    """Superscripts, circled and parenthesised numbers: NFKC makes digits of them, nobody typed one
    as a year (as `vc_contracts.codes`: `2025Q¹` is no period)."""
    return not char.isdecimal() and any(c.isdecimal() for c in unicodedata.normalize("NFKC", char))


@dataclass(frozen=True, order=True)
class Period:
    """One calendar period in +08:00. Order: by year, then shorter after longer, then number.

    `number` is 1 for a year, 1–2 for a half-year, 1–4 for a quarter.
    """

    year: int
    kind: PeriodKind
    number: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.number <= _COUNT[self.kind] or not 1 <= self.year <= 9998:
            raise ValueError(f"no such period: {self.year} {self.kind.name} {self.number}")

    # ---------------------------------------------------------------- making one
    @classmethod
    def parse(cls, text: str, *, kinds: Collection[PeriodKind] = tuple(PeriodKind)) -> Period:
        """'2025' | '2025H1' | '2025Q3' → Period, allowing only `kinds`; read as people type it
        (`normalise_period`: ' 2025h1 ' and '２０２５Ｈ１' are 2025H1).

        Errors: PeriodFormatError (a ValueError) whose message, in Chinese, names the accepted
        forms; services call `eventkit.periods.parse_period`, which answers 422 rule_violation.
        """
        read = normalise_period(text)
        match = _TEXT.fullmatch(read) if isinstance(read, str) else None
        if match is not None:
            kind, number = PeriodKind(match.group(2) or ""), int(match.group(3) or 1)
            if kind in kinds and 1 <= number <= _COUNT[kind] and int(match.group(1)) >= 1:
                return cls(int(match.group(1)), kind, number)
        forms = "或".join(f"{_KIND_WORD[k]}（如 {_EXAMPLE[k]}）" for k in PeriodKind if k in kinds)
        raise PeriodFormatError(f"期间「{text}」格式不对，应为{forms}")

    @classmethod
    def containing(cls, moment: datetime | date, kind: PeriodKind = PeriodKind.quarter) -> Period:
        """The period of `kind` that holds `moment` (a tz-aware instant, read in +08:00, or a day)."""
        day = _day(moment)
        return cls(day.year, kind, (day.month - 1) // _MONTHS[kind] + 1)

    # ---------------------------------------------------------------- bounds
    @property
    def start(self) -> datetime:
        """First instant, 00:00 +08:00 of the first day (inclusive)."""
        return datetime(self.year, (self.number - 1) * _MONTHS[self.kind] + 1, 1, tzinfo=CST)

    @property
    def end(self) -> datetime:
        """First instant after the period, 00:00 +08:00 of the next period's first day (exclusive)."""
        return self.next().start

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as tz-aware instants in +08:00."""
        return self.start, self.end

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def last_day(self) -> date:
        return self.end.date() - timedelta(days=1)

    def contains(self, moment: datetime | date) -> bool:
        """Whether a tz-aware instant (or a +08:00 day) lies in the period. Naive instants: ValueError."""
        return self.first_day <= _day(moment) <= self.last_day

    # ---------------------------------------------------------------- stepping
    def next(self) -> Period:
        if self.number < _COUNT[self.kind]:
            return Period(self.year, self.kind, self.number + 1)
        return Period(self.year + 1, self.kind, 1)

    def previous(self) -> Period:
        if self.number > 1:
            return Period(self.year, self.kind, self.number - 1)
        return Period(self.year - 1, self.kind, _COUNT[self.kind])

    def a_year_before(self) -> Period:
        return Period(self.year - 1, self.kind, self.number)

    def parts(self, kind: PeriodKind) -> list[Period]:
        """The periods of `kind` inside this one, in order (2025 → its four quarters)."""
        first = Period.containing(self.first_day, kind)
        if _MONTHS[kind] > _MONTHS[self.kind]:
            raise ValueError(f"a {kind.name} does not fit in a {self.kind.name}")
        return [Period(self.year, kind, first.number + i) for i in range(_MONTHS[self.kind] // _MONTHS[kind])]

    @property
    def half(self) -> Period:
        """The half-year holding this quarter or half-year."""
        return Period.containing(self.first_day, PeriodKind.half)

    # ---------------------------------------------------------------- words
    @property
    def label(self) -> str:
        """In Chinese: 2025年, 2025年上半年, 2025年第二季度."""
        if self.kind is PeriodKind.year:
            return f"{self.year}年"
        if self.kind is PeriodKind.half:
            return f"{self.year}年{'上' if self.number == 1 else '下'}半年"
        return f"{self.year}年第{_ORDINAL[self.number - 1]}季度"

    def __str__(self) -> str:
        return f"{self.year}{self.kind.value}{self.number if self.kind is not PeriodKind.year else ''}"


def _day(moment: datetime | date) -> date:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("a naive datetime has no place in time; give it a time zone")
        return moment.astimezone(CST).date()
    return moment
