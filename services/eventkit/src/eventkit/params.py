"""Bounded request parameters shared by every service: years, periods, days (the Idempotency-Key
header is bounded with its mechanism, in eventkit.idempotency).

Every integer and period a caller can put into a path, a query or a body is bounded here, so that
out-of-range input is a 422 at the edge and never reaches `datetime(...)`, SQL `int4` casts or
OFFSET arithmetic (a year of 0 or 10^30, `2025Q9`, `2025H3` used to answer 500).

Years are those the program can have records for: it started in 2018 (the bounds of
`vc_contracts.catalogue.fields.Year`); 2100 leaves room for every real plan.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from fastapi import Path, Query
from pydantic import AfterValidator, BaseModel, Field, field_validator
from vc_contracts import CST
from vc_contracts.catalogue.fields import YEAR_MAX, YEAR_MIN

_YEAR = r"(?:201[89]|20[2-9]\d|2100)"  # YEAR_MIN..YEAR_MAX as text

YEAR_TEXT_PATTERN = rf"^{_YEAR}$"
QUARTER_PATTERN = rf"^{_YEAR}Q[1-4]$"
HALF_YEAR_PATTERN = rf"^{_YEAR}H[12]$"
PERIOD_PATTERN = rf"^{_YEAR}(?:Q[1-4]|H[12])?$"
"""A year, half-year or quarter: 2025, 2025H1, 2025Q3 (CST), the year within the bounds above."""
YEAR_OR_QUARTER_PATTERN = rf"^{_YEAR}(?:Q[1-4])?$"

_YEAR_DOC = f"Calendar year, {YEAR_MIN}–{YEAR_MAX}"
YearPath = Annotated[int, Path(ge=YEAR_MIN, le=YEAR_MAX, description=_YEAR_DOC)]
YearQuery = Annotated[int, Query(ge=YEAR_MIN, le=YEAR_MAX, description=_YEAR_DOC)]
OptionalYearQuery = Annotated[
    int | None, Query(ge=YEAR_MIN, le=YEAR_MAX, description=f"{_YEAR_DOC}; default: this year")
]
YearField = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX, description=_YEAR_DOC)]

QuarterQuery = Annotated[
    str | None,
    Query(pattern=QUARTER_PATTERN, description="Quarter, e.g. 2025Q1 (CST); default: this quarter"),
]
HalfYearQuery = Annotated[str, Query(pattern=HALF_YEAR_PATTERN, description="2025H1 or 2025H2 (CST)")]
HalfYearPath = Annotated[str, Path(pattern=HALF_YEAR_PATTERN, description="2025H1 or 2025H2 (CST)")]
PeriodQuery = Annotated[str | None, Query(pattern=PERIOD_PATTERN, description="2025, 2025H1 or 2025Q1 (CST)")]
YearOrQuarterQuery = Annotated[
    str | None, Query(pattern=YEAR_OR_QUARTER_PATTERN, description="2025 or 2025Q1 (CST)")
]
PeriodField = Annotated[str, Field(pattern=PERIOD_PATTERN, description="2025, 2025H1 or 2025Q1 (CST)")]

DAY_YEAR_MIN, DAY_YEAR_MAX = 1900, 2100
"""Any date or time a caller sends: wide enough for every real record, far from the limits of
`datetime` (year 1 / 9999), where quarter and CST arithmetic overflowed (500)."""


def check_day(value: Any) -> Any:
    """`value` (a date, datetime, or a list of them) unchanged, if its years are within bounds."""
    for item in value if isinstance(value, list | tuple) else (value,):
        if isinstance(item, date) and not DAY_YEAR_MIN <= item.year <= DAY_YEAR_MAX:
            raise ValueError(f"日期须在 {DAY_YEAR_MIN} 年至 {DAY_YEAR_MAX} 年之间")
    return value


DayQuery = Annotated[
    date | None, Query(description="CST calendar day (YYYY-MM-DD); default today"), AfterValidator(check_day)
]


RECORD_YEARS = range(YEAR_MIN, YEAR_MAX + 1)
"""Years the program can have records for (`vc_contracts.catalogue.fields.Year`), in Beijing time."""

_NEAR_YEARS = range(YEAR_MIN - 1, YEAR_MAX + 2)  # years an offset can move into RECORD_YEARS
DayOrTime = TypeVar("DayOrTime", bound=date)


def in_record_years(value: DayOrTime, *, cell: bool = False) -> DayOrTime:
    """`value` if it falls in a year the program can have records for (RECORD_YEARS), Beijing time:
    a date as it is (a calendar day is CST already), a datetime converted to CST (+08:00; a naive one
    is CST already), since an offset may move the day across New Year (2018-01-01T00:00+09:00 is
    2017-12-31 in Beijing). Returns the date, or the datetime in CST.

    The one rule of every date written (request bodies through `check_record_day`, import cells
    through `eventkit.sheet_cells`): the read side shows records only by such years (volumes,
    periods, `?year=`), so a record dated 1950 or 2017 was stored and could never be shown.
    Raises ValueError with the reason in Chinese (`record_year_reason`; `cell` picks its form).
    """
    year = value.year
    # an offset moves an instant by less than a day: only a year next to the range can move into
    # it (2101-01-01T00:30+09:00 is 2100 in Beijing); one further out is refused by its own year,
    # unconverted, since converting could overflow (year 1 minus eight hours does not exist)
    if isinstance(value, datetime) and year in _NEAR_YEARS:
        value = value.replace(tzinfo=CST) if value.tzinfo is None else value.astimezone(CST)
        year = value.year
    if year not in RECORD_YEARS:
        raise ValueError(record_year_reason(year, cell=cell))
    return value


def record_year_reason(year: int, *, cell: bool = False) -> str:
    """Why a date of `year` (CST) is refused, in Chinese: the one text of the record-year rule. A
    request body's field reason says the rule first; an import cell's names the year first, as every
    cell reason of `eventkit.sheet_cells` names what the cell holds (`cell=True`)."""
    since = f"本制度自 {YEAR_MIN} 年起实施"
    if cell:
        return f"年份 {year} 超出范围（{YEAR_MIN}–{YEAR_MAX}，{since}），请核对"
    return f"日期须在 {YEAR_MIN} 年至 {YEAR_MAX} 年之间（{since}，更早的记录无法按年度查看），现为 {year} 年"


def check_record_day(value: Any) -> Any:
    """`value` (a date, datetime, or a list of them) unchanged, if each falls in a year the program
    can have records for (`in_record_years`, Beijing time); anything else unchanged (another rule's).

    Stored events are not held to it (their models keep the wider 1900–2100 of `check_day`), so
    nothing written before the rule becomes unreadable. Raises ValueError with the reason in Chinese.
    """
    for item in value if isinstance(value, list | tuple) else (value,):
        if isinstance(item, date):
            in_record_years(item)
    return value


class RequestBody(BaseModel):
    """Base of every request body: every date and time in it within YEAR_MIN..YEAR_MAX, Beijing time
    (`check_record_day`)."""

    @field_validator("*", mode="after")
    @classmethod
    def _days_in_range(cls, value: Any) -> Any:
        return check_record_day(value)
