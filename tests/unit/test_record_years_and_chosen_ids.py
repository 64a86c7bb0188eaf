"""Two input rules of every write (pure): a date must fall in a year the read side can show
(2018–2100, `eventkit.params.check_record_day`, also for import cells), and an id a user chooses
must be one a URL path and a token's `sub` can carry (`vc_contracts.codes.ChosenId`).

Session 13 newcomer findings: an assignment from 1901 and a consultation of 1950 or 2017 were
stored (201) but no volume or period can show them (422 "不能小于 2018"); a nomination with
advisor_id "A/../x" could never be approved (the gateway resolves the path), "A-x y" never sign in.
Stored events keep their wider types and still decode.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from eventkit.params import RequestBody, check_day, check_record_day, in_record_years
from eventkit.sheet_cells import cell_text
from eventkit.spreadsheets import Kind
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from vc_contracts import CST, ShanghaiDate, ShanghaiDateTime, parse_event
from vc_contracts.catalogue.fields import YEAR_MAX, YEAR_MIN
from vc_contracts.codes import ChosenId

RECORD_DAYS = [  # (given, refused)
    (date(1901, 1, 1), True),  # the assignment
    (datetime(1950, 6, 1, 9, tzinfo=CST), True),  # the consultation
    (datetime(2017, 12, 31, 23, 59, tzinfo=CST), True),
    (date(2018, 1, 1), False),  # the program's first day
    (datetime(2100, 12, 31, 23, 59, tzinfo=CST), False),
    (date(2101, 1, 1), True),
    ([date(2025, 1, 1), date(2017, 1, 1)], True),  # a list: each day
    ([date(2025, 1, 1), date(2026, 1, 1)], False),
    ("1950-01-01", False),  # not a date: another field's rule
]


@pytest.mark.parametrize(("given_value", "refused"), RECORD_DAYS)
def test_a_written_date_must_be_in_a_year_the_records_can_be_shown_by(
    given_value: Any, refused: bool
) -> None:
    if refused:
        with pytest.raises(ValueError, match="2018 年至 2100 年"):
            check_record_day(given_value)
    else:
        assert check_record_day(given_value) is given_value


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_the_record_rule_is_the_read_sides_year_range(day: date) -> None:
    accepted = YEAR_MIN <= day.year <= YEAR_MAX
    try:
        check_record_day(day)
    except ValueError:
        assert not accepted
    else:
        assert accepted
    assert check_day(day) is day  # a query day and a stored event keep the wide range


class _Body(RequestBody):
    day: ShanghaiDate
    at: ShanghaiDateTime | None = None


BODIES = [  # (given body, refused field or None)
    ({"day": "1901-01-01"}, "day"),
    ({"day": "2017-12-31"}, "day"),
    ({"day": "2018-01-01"}, None),
    ({"day": "2025-03-05", "at": "1950-03-05T09:00:00+08:00"}, "at"),
    # its Beijing day is what counts: 16:00 UTC on 2017-12-31 is 2018-01-01 00:00 in Beijing
    ({"day": "2025-03-05", "at": "2017-12-31T16:00:00Z"}, None),
    ({"day": "2025-03-05", "at": "2018-01-01T00:00:00+09:00"}, "at"),  # 2017-12-31 23:00 in Beijing
    ({"day": "2025-03-05", "at": "2100-12-31T20:00:00-05:00"}, "at"),  # 2101 in Beijing
]


@pytest.mark.parametrize(("body", "field"), BODIES)
def test_every_date_of_a_request_body_is_held_to_the_record_years(
    body: dict[str, Any], field: str | None
) -> None:
    if field is None:
        _Body.model_validate(body)
        return
    with pytest.raises(ValidationError) as caught:
        _Body.model_validate(body)
    [error] = caught.value.errors()
    assert error["loc"] == (field,)
    assert "2018" in error["msg"]


CELLS = [  # (cell, kind, refused)
    ("1950-06-01", Kind.date, True),
    ("1901/1/1", Kind.date, True),
    ("2017年12月31日", Kind.date, True),
    ("2018-01-01", Kind.date, False),
    (date(1950, 6, 1), Kind.date, True),  # a date cell
    (datetime(2017, 6, 1, 9), Kind.datetime, True),  # noqa: DTZ001 - a cell has no offset
    ("2017-06-01 09:30", Kind.datetime, True),
    ("2018-01-01T00:00:00+09:00", Kind.datetime, True),  # 2017 in Beijing
    ("2017-12-31T16:00:00Z", Kind.datetime, False),  # 2018-01-01 in Beijing
    ("2101-01-01 09:00", Kind.datetime, True),
    ("2101-01-01T00:30:00+09:00", Kind.datetime, False),  # 2100-12-31 23:30 in Beijing (was refused)
    (date(1950, 6, 1), Kind.text, False),  # a date cell in a text column is text, not a record's day
]


@pytest.mark.parametrize(("cell", "kind", "refused"), CELLS)
def test_an_import_cell_is_held_to_the_record_years(cell: Any, kind: Kind, refused: bool) -> None:
    if refused:
        with pytest.raises(ValueError, match="超出范围（2018–2100"):
            cell_text(cell, kind)
    else:
        assert cell_text(cell, kind)


CHOSEN = TypeAdapter(ChosenId)
IDS = [  # (given, read as, or None when refused)
    ("A/../x", None),  # the gateway resolves the path: never approvable
    ("A-x y", None),  # a token's sub may not hold white space: never signs in
    ("𠀀𠀀", None),
    ("顾问1", None),
    ("..", None),
    (".hidden", None),
    ("A?x", None),
    ("A#x", None),
    ("A%2Fx", None),
    ("A\\x", None),
    ("", None),
    ("A" * 129, None),
    ("A-zhengda-1", "A-zhengda-1"),
    (" A-1 ", "A-1"),  # stripped like every id
    ("Ａ－１", "A-1"),  # typed full-width: NFKC first, like every id
    ("unit_firm.1:a@b", "unit_firm.1:a@b"),
    ("A" * 128, "A" * 128),
]


@pytest.mark.parametrize(("given_id", "read_as"), IDS)
def test_an_id_a_user_chooses_fits_a_path_and_a_token(given_id: str, read_as: str | None) -> None:
    if read_as is None:
        with pytest.raises(ValidationError):
            CHOSEN.validate_python(given_id)
    else:
        assert CHOSEN.validate_python(given_id) == read_as


def test_the_refusal_says_why_in_chinese() -> None:
    with pytest.raises(ValidationError) as caught:
        CHOSEN.validate_python("A-x y")
    assert "不能有空格、斜杠或汉字" in caught.value.errors()[0]["msg"]


@pytest.mark.parametrize("advisor_id", ["A/../x", "A-x y", "𠀀𠀀"])
def test_stored_events_with_such_ids_and_years_still_decode(advisor_id: str) -> None:
    # events keep `Id` (and the wide day range): what was stored before the rules still decodes
    advisor = {
        "advisor_id": advisor_id,
        "name": "李川",
        "kind": "lawyer",
        "unit_id": "U 1",
        "phone": "13909341234",
    }
    assert parse_event("AdvisorRegistered", 1, advisor).advisor_id == advisor_id  # type: ignore[attr-defined]


BOUNDARY_INSTANTS = [  # (instant, in a record year in Beijing)
    (datetime(2017, 12, 31, 23, 59, 59, tzinfo=CST), False),
    (datetime(2018, 1, 1, 0, 0, tzinfo=CST), True),
    (datetime(2100, 12, 31, 23, 59, 59, tzinfo=CST), True),
    (datetime(2101, 1, 1, 0, 0, tzinfo=CST), False),
]
_OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


def _body_takes(moment: datetime) -> bool:
    try:
        _Body.model_validate({"day": moment.isoformat(), "at": moment.isoformat()})
    except ValidationError as exc:
        assert {e["loc"] for e in exc.errors()} == {("day",), ("at",)}  # the day and the time agree
        assert all("2018 年至 2100 年" in e["msg"] for e in exc.errors())
        return False
    return True


def _cell_takes(moment: datetime) -> bool:
    try:
        cell_text(moment.isoformat(), Kind.datetime)
    except ValueError as exc:
        assert "超出范围（2018–2100" in str(exc)
        return False
    return True


@given(
    st.sampled_from(BOUNDARY_INSTANTS),
    st.sampled_from([CST, UTC]) | _OFFSETS,
    st.integers(min_value=-1, max_value=1),
)
def test_a_body_and_an_import_cell_agree_on_the_record_years_at_their_bounds(
    boundary: tuple[datetime, bool], zone: timezone, step: int
) -> None:
    # given an instant at a bound (or a second either side), written in CST, UTC or any offset
    instant, inside = boundary
    moment = (instant + timedelta(seconds=step)).astimezone(zone)
    # when a request body and an import cell carry it, then both take it exactly when its Beijing
    # year is a record year
    expected = YEAR_MIN <= moment.astimezone(CST).year <= YEAR_MAX
    if step == 0:
        assert expected is inside
    assert _body_takes(moment) is expected
    assert _cell_takes(moment) is expected
    assert (in_record_years(moment).utcoffset() == timedelta(hours=8)) if expected else True
