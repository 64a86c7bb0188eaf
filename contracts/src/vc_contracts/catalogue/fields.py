"""Field types shared by the catalogue: each carries its validation and its schema description."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

from vc_contracts.codes import PHONE_PATTERN, Id, Normalised, Phone
from vc_contracts.divisions import DivisionCode
from vc_contracts.month_days import MONTH_DAY_PATTERN, check_month_day, check_recorded_month_day
from vc_contracts.periods import normalise_period
from vc_contracts.text import FreeText, Note, Reason, ShortText

__all__ = ["PHONE_PATTERN", "FreeText", "Id", "Note", "Phone", "Reason", "ShortText"]

# Ids are opaque strings chosen by the owning service (vc_contracts.codes.Id). Text fields use the
# kinds of vc_contracts.text (ShortText, Reason, FreeText, Note): characters and caps checked there.

AdvisorId = Annotated[Id, Field(description="Id of the advisor (AdvisorRegistered.advisor_id)")]
UnitId = Annotated[Id, Field(description="Id of the providing unit (UnitRegistered.unit_id)")]
AssignmentId = Annotated[Id, Field(description="Id of the assignment of an advisor to a village")]
AgreementId = Annotated[Id, Field(description="Id of the advisor agreement between a unit and a village")]
EntryId = Annotated[Id, Field(description="Id of the work-ledger entry")]
AssessmentId = Annotated[Id, Field(description="Id of the yearly assessment of one advisor")]
ReportId = Annotated[Id, Field(description="Id of the submitted report")]

VILLAGE_CODE_PATTERN = r"^[1-9]\d{8}(00[1-9]|0[1-9]\d|[1-9]\d{2})$"  # 12 digits, not ending 000
VillageCode = Annotated[
    DivisionCode,
    Field(
        pattern=VILLAGE_CODE_PATTERN,
        json_schema_extra={"pattern": VILLAGE_CODE_PATTERN},  # overrides DivisionCode's wider pattern
        description="Twelve-digit code of the village (村) or community (居/社区), e.g. 621025100201",
    ),
]

Schedule = Annotated[
    ShortText, Field(description="On-site schedule as shown to residents, e.g. 每周三 9:00-12:00")
]

YEAR_MIN, YEAR_MAX = 2018, 2100
"""Years the program can have records for: it started in 2018; 2100 leaves room for every real plan."""
Year = Annotated[
    int, Field(ge=YEAR_MIN, le=YEAR_MAX, description="Calendar year (the program started in 2018)")
]
YEAR_PERIOD = r"^\d{4}$"
HALF_YEAR_PERIOD = r"^\d{4}H[12]$"
PERIOD_PATTERN = r"^\d{4}(Q[1-4]|H[12])?$"
PeriodNormalised = BeforeValidator(normalise_period)
"""Put on every period field, body, query or path, before its pattern: the period as people type it
in its one form (`vc_contracts.periods.normalise_period`: ` 2026h1 `, ２０２６Ｈ１ → 2026H1)."""
Period = Annotated[
    str,
    Field(pattern=PERIOD_PATTERN, description="Calendar period in CST: 2025, 2025H1 or 2025Q1"),
    Normalised,
    PeriodNormalised,
]


MONTH_DAY_DESCRIPTION = "Calendar day of the year as MM-DD, CST"
MonthDay = Annotated[
    str,
    Field(json_schema_extra={"pattern": MONTH_DAY_PATTERN}, description=MONTH_DAY_DESCRIPTION),
    Normalised,
    AfterValidator(check_month_day),
]
"""A new yearly day (`vc_contracts.month_days`): a bad month, a day the month lacks and 02-29 are
refused with a Chinese reason; the shape is checked there too, so one reading says why."""

RecordedMonthDay = Annotated[
    str,
    Field(json_schema_extra={"pattern": MONTH_DAY_PATTERN}, description=MONTH_DAY_DESCRIPTION),
    Normalised,
    AfterValidator(check_recorded_month_day),
]
"""A yearly day as an event recorded it: as `MonthDay`, but an earlier rule set's 02-29 is still read."""


def _round_hours(value: float) -> float:
    return round(value, 2)


Hours = Annotated[float, Field(ge=0), AfterValidator(_round_hours)]
"""A duration in hours, rounded to two decimals."""
