"""A calendar day given as an instant is the China Standard Time day of that instant, never truncated."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import BaseModel, ValidationError
from vc_contracts import ShanghaiDate


class Filing(BaseModel):
    filed_on: ShanghaiDate


@pytest.mark.parametrize(
    ("given", "day"),
    [
        ("2025-03-31T20:00:00-04:00", date(2025, 4, 1)),  # the example: after the deadline
        ("2025-03-31T16:00:00Z", date(2025, 4, 1)),
        ("2025-03-31T15:59:59Z", date(2025, 3, 31)),
        ("2025-04-01T07:59:59+08:00", date(2025, 4, 1)),
        ("2025-04-01T00:30:00+09:00", date(2025, 3, 31)),  # 23:30 in Beijing
        ("2025-03-31T23:00:00", date(2025, 3, 31)),  # no offset: already Beijing time
        ("2025-03-31", date(2025, 3, 31)),
    ],
)
def test_an_instant_is_read_as_its_cst_day(given: str, day: date) -> None:
    assert Filing(filed_on=given).filed_on == day


@pytest.mark.parametrize("given", ["2025-02-30", "2025-03-31T25:00:00+08:00", "tomorrow", ""])
def test_what_is_no_day_is_refused(given: str) -> None:
    with pytest.raises(ValidationError):
        Filing(filed_on=given)


@pytest.mark.parametrize(
    "given",
    [
        "9999-12-31T23:59:59-14:00",  # 10000-01-01 in Beijing: found by probing every body's day fields
        "9999-12-31T16:00:00Z",
        "0001-01-01T00:00:00+14:00",  # year 0 in Beijing
        "0001-01-01T07:59:59+08:01",
    ],
)
def test_an_instant_whose_cst_day_is_outside_any_year_is_refused_not_an_overflow(given: str) -> None:
    with pytest.raises(ValidationError):
        Filing(filed_on=given)
