"""A period parameter that does not match says which kind of period it wants (never only 格式不正确).

Every period-typed path, query and body field of every service is a string with one of the period
patterns of `eventkit.periods` (or the contracts' own); `eventkit.reasons.reason_for` answers a
mismatch of each with `period_pattern_reason`.
"""

from __future__ import annotations

from typing import Annotated

import pytest
from eventkit.periods import (
    HALF_YEAR_PATTERN,
    PERIOD_PATTERN,
    QUARTER_PATTERN,
    YEAR_OR_QUARTER_PATTERN,
    YEAR_TEXT_PATTERN,
)
from eventkit.reasons import reason_for
from pydantic import Field, TypeAdapter, ValidationError
from vc_contracts.catalogue.fields import HALF_YEAR_PERIOD, YEAR_PERIOD
from vc_contracts.catalogue.fields import PERIOD_PATTERN as CONTRACT_PERIOD_PATTERN


def _reason(pattern: str, given: str) -> str:
    try:
        TypeAdapter(Annotated[str, Field(pattern=pattern)]).validate_python(given)
    except ValidationError as refused:
        return reason_for(refused.errors()[0])
    raise AssertionError(f"{given!r} matched {pattern}")


HALF = "半年度应如 2026H1（上半年）或 2026H2（下半年）"
QUARTER = "季度应如 2026Q1（第一季度）…2026Q4（第四季度）"
YEAR = "年度应为 4 位年份，如 2026"
ANY = "期间应为年度（如 2026）、半年度（如 2026H1）或季度（如 2026Q1）"
YEAR_OR_QUARTER = "期间应为年度（如 2026）或季度（如 2026Q1）"
RANGE = "年份须在 2018–2100 之间（本制度自 2018 年起实施），"


@pytest.mark.parametrize(
    ("pattern", "given", "reason"),
    [
        # given a half-year path, when a quarter is sent, then it says a half-year is wanted
        (HALF_YEAR_PATTERN, "2026Q3", f"「2026Q3」是季度，{HALF}"),
        (HALF_YEAR_PATTERN, "2026", f"「2026」是年度，{HALF}"),
        (HALF_YEAR_PATTERN, "2026H3", HALF),
        (HALF_YEAR_PATTERN, "2017H1", RANGE + HALF),
        (HALF_YEAR_PERIOD, "2026Q1", f"「2026Q1」是季度，{HALF}"),
        (QUARTER_PATTERN, "2026H1", f"「2026H1」是半年度，{QUARTER}"),
        (QUARTER_PATTERN, "2026q1", QUARTER),
        (YEAR_TEXT_PATTERN, "2026H2", f"「2026H2」是半年度，{YEAR}"),
        (YEAR_PERIOD, "2026Q2", f"「2026Q2」是季度，{YEAR}"),
        (YEAR_OR_QUARTER_PATTERN, "2026H1", f"「2026H1」是半年度，{YEAR_OR_QUARTER}"),
        (PERIOD_PATTERN, "2026Q5", ANY),
        (PERIOD_PATTERN, "9999", RANGE + ANY),
        (CONTRACT_PERIOD_PATTERN, "2026-03", ANY),
    ],
)
def test_a_period_of_the_wrong_kind_says_which_kind_is_expected(
    pattern: str, given: str, reason: str
) -> None:
    assert _reason(pattern, given) == reason


def test_another_pattern_keeps_its_plain_reason() -> None:
    assert _reason(r"^\d{6}$", "12345") == "格式不正确"
