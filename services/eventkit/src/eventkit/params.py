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
from typing import Annotated, Any, ClassVar, TypeVar, get_args, get_origin

from fastapi import Path, Query
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    Field,
    FutureDate,
    FutureDatetime,
    NaiveDatetime,
    PastDate,
    PastDatetime,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails
from vc_contracts import CST
from vc_contracts.base import ISO_DAY, check_iso_text
from vc_contracts.catalogue.fields import VILLAGE_CODE_PATTERN, YEAR_MAX, YEAR_MIN, PeriodNormalised
from vc_contracts.divisions import COUNTY_CODE_PATTERN, DIVISION_CODE_PATTERN
from vc_contracts.text import invisible_character

from eventkit.clock import phone_today_cst
from eventkit.json_numbers import Typed, mistyped, typed_fields
from eventkit.periods import (  # the patterns live with their reasons (eventkit.reasons answers them)
    HALF_YEAR_PATTERN,
    PERIOD_PATTERN,
    QUARTER_PATTERN,
    YEAR_OR_QUARTER_PATTERN,
    require_started,
)


def digits_only(value: Any) -> Any:
    """A whole number written in a path or query as ASCII digits only, else ValueError: pydantic
    reads path and query integers as Python's `int()` does, so `?page=1_0` was page 10, `+1`, ` 1`
    or `1.0` page 1, and `?page=١` (an Arabic-Indic digit) page 1 too. Full-width digits typed with a
    Chinese input method (`１`) arrive here as ASCII already (`eventkit.input_rules`, by NFKC); no other
    script's digit does. Non-text values pass unchanged."""
    # isascii() too: isdecimal() alone takes every script's digits; not isdigit(): "²" is no number
    if isinstance(value, str) and not (value.isascii() and value.isdecimal()):
        raise ValueError(f"须为整数（只含数字 0–9），现为「{value[:20]}」")
    return value


WholeNumber = BeforeValidator(digits_only)
"""For every integer read from a path or a query (paging, years)."""

_YEAR_DOC = f"Calendar year, {YEAR_MIN}–{YEAR_MAX}"
YearPath = Annotated[int, Path(ge=YEAR_MIN, le=YEAR_MAX, description=_YEAR_DOC), WholeNumber]
YearQuery = Annotated[int, Query(ge=YEAR_MIN, le=YEAR_MAX, description=_YEAR_DOC), WholeNumber]
OptionalYearQuery = Annotated[
    int | None, Query(ge=YEAR_MIN, le=YEAR_MAX, description=f"{_YEAR_DOC}; default: this year"), WholeNumber
]
AnyYearQuery = Annotated[
    int | None, Query(ge=YEAR_MIN, le=YEAR_MAX, description=f"{_YEAR_DOC}; default: every year"), WholeNumber
]
YearField = Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX, description=_YEAR_DOC)]

# Every period parameter reads the period as people type it (`PeriodNormalised`: ` 2026h1 `,
# ２０２６Ｈ１ → 2026H1) before its pattern, and the route gets (and echoes) that one form.
QuarterQuery = Annotated[
    str | None,
    Query(pattern=QUARTER_PATTERN, description="Quarter, e.g. 2025Q1 (CST); default: this quarter"),
    PeriodNormalised,
]
HalfYearQuery = Annotated[
    str, Query(pattern=HALF_YEAR_PATTERN, description="2025H1 or 2025H2 (CST)"), PeriodNormalised
]
HalfYearPath = Annotated[
    str, Path(pattern=HALF_YEAR_PATTERN, description="2025H1 or 2025H2 (CST)"), PeriodNormalised
]
PeriodQuery = Annotated[
    str | None, Query(pattern=PERIOD_PATTERN, description="2025, 2025H1 or 2025Q1 (CST)"), PeriodNormalised
]
YearOrQuarterQuery = Annotated[
    str | None,
    Query(pattern=YEAR_OR_QUARTER_PATTERN, description="2025 or 2025Q1 (CST)"),
    PeriodNormalised,
]
PeriodField = Annotated[
    str, Field(pattern=PERIOD_PATTERN, description="2025, 2025H1 or 2025Q1 (CST)"), PeriodNormalised
]


def begun(field: str) -> AfterValidator:
    """The check of a year or period parameter naming records or figures that exist only once it has
    begun: `eventkit.periods.require_started` on today (CST), 422 rule_violation naming `field`
    ("2027年尚未开始，暂无数据"), after the parameter's own shape and bounds. Part of the parameter
    types below, so a route cannot take such a year or period without it: the ledger's volumes,
    exports and entry list took the plain types and answered an empty 200 for 2027 (an empty volume
    reads as "nothing was done"), where reporting and assessment called the rule in each handler.
    Begun on `phone_today_cst`: a page whose clock is a few minutes fast asks for its new year at
    00:01 of 1 January (23:58 on the server) and is answered, not told 2027年尚未开始."""

    def started(value: Any) -> Any:
        if value is not None:
            require_started(str(value), phone_today_cst(), field=field)
        return value

    return AfterValidator(started)


BegunYearPath = Annotated[YearPath, begun("year")]
"""A record year in a path that has begun (a volume's year): 422 for 2027 in 2026."""
BegunAnyYearQuery = Annotated[AnyYearQuery, begun("year")]
"""An optional year filter of records that has begun (`/typical-cases?year=2099`: 422, not an empty list)."""
BegunPeriodQuery = Annotated[PeriodQuery, begun("period")]
"""An optional period filter of records that has begun (`?period=2027Q1` in 2026: 422)."""
BegunPeriodRequired = Annotated[
    str,
    Query(pattern=PERIOD_PATTERN, description="2025, 2025H1 or 2025Q1 (CST), begun"),
    PeriodNormalised,
    begun("period"),
]
"""A required period of records that has begun (an advisor's export)."""

# Division codes as query filters, one shape per kind in every service (a filter of the wrong length
# was read as a code and answered an empty page, or 403 for "abc"): refused with 422 naming the
# filter, the reason from `eventkit.reasons.CODE_PATTERN_REASONS`.
CountyQuery = Annotated[
    str, Query(pattern=COUNTY_CODE_PATTERN, description="County code (6 digits), e.g. 621025")
]
OptionalCountyQuery = Annotated[
    str | None, Query(pattern=COUNTY_CODE_PATTERN, description="County code (6 digits), e.g. 621025")
]
VillageQuery = Annotated[
    str, Query(pattern=VILLAGE_CODE_PATTERN, description="Village or community code (12 digits)")
]
OptionalVillageQuery = Annotated[
    str | None, Query(pattern=VILLAGE_CODE_PATTERN, description="Village or community code (12 digits)")
]
DivisionQuery = Annotated[
    str, Query(pattern=DIVISION_CODE_PATTERN, description="Division code (GB/T 2260: 6 or 12 digits)")
]

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
    date | None,
    Query(description="CST calendar day (YYYY-MM-DD); default today"),
    BeforeValidator(check_iso_text),
    AfterValidator(check_day),
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


_PYDANTIC_TIMES = {AwareDatetime: datetime, NaiveDatetime: datetime, PastDatetime: datetime,
                   FutureDatetime: datetime, PastDate: date, FutureDate: date}  # fmt: skip
"""pydantic's constrained types, classes of their own (not subclasses of datetime or date)."""


def _temporal(annotation: Any) -> type[date] | None:
    """`datetime` or `date` if `annotation` (perhaps Optional, a list or Annotated) holds one, else None."""
    if annotation in _PYDANTIC_TIMES:
        return _PYDANTIC_TIMES[annotation]
    if isinstance(annotation, type):
        return (
            datetime if issubclass(annotation, datetime) else date if issubclass(annotation, date) else None
        )
    if get_origin(annotation) is Annotated:
        return _temporal(get_args(annotation)[0])
    found = [_temporal(arg) for arg in get_args(annotation)]
    return datetime if datetime in found else date if date in found else None


def _invisible_in(
    value: dict[str, Any] | list[Any], where: tuple[str | int, ...], found: list[InitErrorDetails]
) -> None:
    """Add to `found` an error for each text in `value` (JSON as sent: dicts and lists walked, keys
    aside) holding an invisible format character (`vc_contracts.text.invisible_character`), located
    by its path. ASCII text (most values) costs one `isascii()`: none of them is ASCII."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if type(item) is str:
            if not item.isascii() and (reason := invisible_character(item)) is not None:
                refused = ValueError(f"{reason}，请删除后重新输入")
                loc = (*where, key if type(key) is int else str(key))
                found.append({"type": "value_error", "loc": loc, "input": item, "ctx": {"error": refused}})
        elif isinstance(item, dict | list):
            _invisible_in(item, (*where, key if type(key) is int else str(key)), found)


def _refusals(
    data: dict[str, Any], temporal: dict[str, type[date]], typed: dict[str, Typed]
) -> list[InitErrorDetails]:
    found: list[InitErrorDetails] = []
    _invisible_in(data, (), found)
    for loc, reason in mistyped(typed, data):
        refused = ValueError(reason)
        found.append(
            {"type": "value_error", "loc": loc, "input": data[str(loc[0])], "ctx": {"error": refused}}
        )
    for name, kind in temporal.items():
        value = data.get(name)
        if value is None or (
            type(value) is str and ISO_DAY.match(value) and "." not in value and "," not in value
        ):
            continue  # the usual case without a call (a fraction of a second is checked in the call)
        try:
            check_iso_text(value, with_time=kind is datetime)
        except ValueError as exc:
            found.append({"type": "value_error", "loc": (name,), "input": value, "ctx": {"error": exc}})
    return found


def error_details(exc: ValidationError) -> list[InitErrorDetails]:
    """`exc`'s errors as pydantic takes them back (type, loc, input and ctx, not msg and url): for a
    validator that adds errors of its own and raises them together (`ValidationError.from_exception_data`)."""
    details: list[InitErrorDetails] = []
    for e in exc.errors():
        detail: InitErrorDetails = {"type": e["type"], "loc": e["loc"], "input": e["input"]}
        if "ctx" in e:
            detail["ctx"] = e["ctx"]
        details.append(detail)
    return details


class RequestBody(BaseModel):
    """Base of every request body: the rules of what a caller may send, in every service at once.

    - Every date and time is ISO 8601 text (`check_iso_text`: never a number read as Unix time) and
      within YEAR_MIN..YEAR_MAX, Beijing time (`check_record_day`).
    - No text anywhere in the body, nested ones too (a correction's `changes`, a list's items), holds
      an invisible format character (`vc_contracts.text.invisible_character`: bidirectional controls,
      zero-width characters, …); each is named by its path (`changes.summary`), with the body's
      other errors. Held here and not in the field types, which the stored events share.
    - Every number and yes/no is sent as the JSON type its field names (`eventkit.json_numbers`):
      a number as a JSON number (not text, not `true`/`false`), a whole number without a fraction
      or exponent, a yes/no as `true` or `false`. Pydantic's lax mode converted them (`"rating": "5"`,
      a rating `true` stored as 1, `"year": 2.026e3`), while text fields refused numbers.
    """

    _vc_temporal: ClassVar[dict[str, type[date]]] = {}
    _vc_typed: ClassVar[dict[str, Typed]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        found = {name: _temporal(field.annotation) for name, field in cls.model_fields.items()}
        cls._vc_temporal = {name: kind for name, kind in found.items() if kind is not None}
        cls._vc_typed = typed_fields(cls)

    @field_validator("*", mode="after")
    @classmethod
    def _days_in_range(cls, value: Any) -> Any:
        return check_record_day(value)

    @model_validator(mode="wrap")
    @classmethod
    def _as_callers_send_it(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """The raw body's refusals (invisible characters, days and times not ISO text, numbers and
        yes/no values of another JSON type), located,
        with the fields' own errors at other places: one pass over the input as sent, one Python call
        per body (a field validator per field cost twice the body's validation)."""
        found = _refusals(data, cls._vc_temporal, cls._vc_typed) if isinstance(data, dict) else []
        if not found:
            return handler(data)
        named = {detail["loc"] for detail in found}
        try:
            handler(data)
        except ValidationError as exc:  # the body's other errors too, one answer for the form
            others = [d for d in error_details(exc) if d["loc"] not in named]
            raise ValidationError.from_exception_data(exc.title, [*found, *others]) from None
        raise ValidationError.from_exception_data(cls.__name__, found)
