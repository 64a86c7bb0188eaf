"""A period is read as people type it: trimmed, full-width made ASCII (NFKC), its letter upper-cased
(`vc_contracts.periods.normalise_period`), by every period field before its shape is checked: the
contracts' `Period`, every period parameter of `eventkit.params` and `Period.parse` (so
`eventkit.periods.parse_period`). Before, `2026h1`, ` 2026H1 ` and `２０２５Ｈ２` were refused while
`２０２６H1` passed. What is still no period is refused with its Chinese reason."""

from __future__ import annotations

from typing import Any

import pytest
from eventkit.errors import RuleViolationError
from eventkit.params import (
    HalfYearPath,
    HalfYearQuery,
    PeriodField,
    PeriodQuery,
    QuarterQuery,
    YearOrQuarterQuery,
)
from eventkit.periods import PeriodKind, parse_period
from eventkit.reasons import reason_for
from pydantic import TypeAdapter, ValidationError
from vc_contracts.catalogue.fields import Period
from vc_contracts.periods import normalise_period

ANY = "期间应为年度（如 2026）、半年度（如 2026H1）或季度（如 2026Q1）"
HALF = "半年度应如 2026H1（上半年）或 2026H2（下半年）"
QUARTER = "季度应如 2026Q1（第一季度）…2026Q4（第四季度）"
YEAR_OR_QUARTER = "期间应为年度（如 2026）或季度（如 2026Q1）"
ANY_PARSED = "年度（如 2025）或半年（如 2025H1）或季度（如 2025Q1）"

TYPES: dict[str, Any] = {
    "Period (contracts, bodies)": Period,
    "PeriodQuery": PeriodQuery,
    "PeriodField": PeriodField,
    "HalfYearQuery": HalfYearQuery,
    "HalfYearPath": HalfYearPath,
    "QuarterQuery": QuarterQuery,
    "YearOrQuarterQuery": YearOrQuarterQuery,
}


def _read(kind: str, given: str) -> str:
    """The period as the field takes it, or `refused: <reason>` as the services answer it."""
    try:
        return str(TypeAdapter(TYPES[kind]).validate_python(given))
    except ValidationError as refused:
        return f"refused: {reason_for(refused.errors()[0])}"


# given the text typed, when a field of that kind reads it, then the period (or the refusal)
TABLE = [
    ("Period (contracts, bodies)", "  2026H1  ", "2026H1"),
    ("Period (contracts, bodies)", "2026h1", "2026H1"),
    ("Period (contracts, bodies)", "２０２５Ｈ２", "2025H2"),
    ("Period (contracts, bodies)", "２０２６H1", "2026H1"),
    ("Period (contracts, bodies)", "2026\u3000", "2026"),  # the ideographic space of a Chinese keyboard
    ("Period (contracts, bodies)", "\t2026q3\n", "2026Q3"),
    ("Period (contracts, bodies)", "2026Q5", f"refused: {ANY}"),
    ("Period (contracts, bodies)", "2026 H1", f"refused: {ANY}"),  # inside a period no space is read
    ("Period (contracts, bodies)", "   ", f"refused: {ANY}"),
    ("PeriodQuery", " 2026q3 ", "2026Q3"),
    ("PeriodQuery", "２０２６ｑ３", "2026Q3"),
    ("PeriodQuery", "2026-03", f"refused: {ANY}"),
    ("PeriodField", "2025ｈ2", "2025H2"),
    ("HalfYearQuery", "２０２５Ｈ２", "2025H2"),
    ("HalfYearQuery", "2026q3", f"refused: 「2026Q3」是季度，{HALF}"),
    ("HalfYearPath", " 2026h2", "2026H2"),
    ("HalfYearPath", "2017h1", f"refused: 年份须在 2018–2100 之间（本制度自 2018 年起实施），{HALF}"),
    ("QuarterQuery", "2026q1", "2026Q1"),
    ("QuarterQuery", "2026h1", f"refused: 「2026H1」是半年度，{QUARTER}"),
    ("YearOrQuarterQuery", "２０２６", "2026"),
    ("YearOrQuarterQuery", " 2026Ｑ4 ", "2026Q4"),
    ("YearOrQuarterQuery", "2026h2", f"refused: 「2026H2」是半年度，{YEAR_OR_QUARTER}"),
]


@pytest.mark.parametrize(("kind", "given", "then"), TABLE)
def test_a_period_field_reads_the_period_as_typed(kind: str, given: str, then: str) -> None:
    assert _read(kind, given) == then


@pytest.mark.parametrize(
    ("given", "then"),
    [
        ("  2026H1  ", "2026H1"),
        ("2026h1", "2026H1"),
        ("２０２５Ｈ２", "2025H2"),
        ("２０２６H1", "2026H1"),
        ("2026q3", "2026Q3"),
        ("2026", "2026"),
        ("2026x", "2026X"),  # no period still: its pattern refuses it
        (2026, 2026),  # not text: left to the field's type
    ],
)
def test_one_normal_form(given: object, then: object) -> None:
    assert normalise_period(given) == then


@pytest.mark.parametrize(
    ("given", "kinds", "then"),
    [
        (" 2026h1 ", tuple(PeriodKind), "2026H1"),
        ("２０２６ｑ３", (PeriodKind.quarter,), "2026Q3"),
        ("2026h1", (PeriodKind.quarter,), "refused: 期间「2026h1」格式不对，应为季度（如 2025Q1）"),
        (
            "2026x",
            tuple(PeriodKind),
            "refused: 期间「2026x」格式不对，应为年度（如 2025）或半年（如 2025H1）或季度（如 2025Q1）",
        ),
    ],
)
def test_parse_period_reads_it_the_same_and_refuses_with_the_rule_s_reason(
    given: str, kinds: tuple[PeriodKind, ...], then: str
) -> None:
    try:
        found = str(parse_period(given, kinds=kinds))
    except RuleViolationError as refused:
        assert refused.field == "period"
        found = f"refused: {refused.message}"
    assert found == then


@pytest.mark.parametrize("given", ["2025Q¹", "２０２５Ｈ²", "2025①"])
def test_what_nfkc_makes_digits_of_is_no_digit_of_a_period(given: str) -> None:
    """Only what a keyboard types is read: `²` is no 2 (as every code, `vc_contracts.codes`)."""
    for kind in TYPES:
        assert _read(kind, given).startswith("refused: "), kind
    with pytest.raises(RuleViolationError):
        parse_period(given)
