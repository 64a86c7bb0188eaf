"""Roster rows (pure): Chinese kinds, and the deterministic ids that make a re-import change nothing.
Reading the sheets themselves: test_spreadsheets.py."""

from __future__ import annotations

from registry.application.roster_rows import RosterRow
from vc_contracts.catalogue.enums import AdvisorKind, UnitKind

ROW = {
    "unit_name": "甘肃正大律师事务所",
    "unit_kind": "律师事务所",
    "unit_division_code": "621025",
    "unit_credit_code": "91621025MA71A0001X",
    "advisor_name": "李建国",
    "advisor_kind": "律师",
    "licence_no": "16210201234567890",
    "phone": "13900000001",
    "village_code": "621025100201",
    "valid_from": "2025-01-01",
    "schedule": "每周三",
}


def test_chinese_kinds_are_understood() -> None:
    row = RosterRow.parse(ROW)
    assert (row.unit_kind, row.advisor_kind) == (UnitKind.law_firm, AdvisorKind.lawyer)


def test_ids_derived_from_a_row_are_the_same_every_time() -> None:
    first, again = RosterRow.parse(ROW), RosterRow.parse(dict(ROW))
    assert (first.unit_key, first.advisor_key, first.assignment_key) == (
        again.unit_key,
        again.advisor_key,
        again.assignment_key,
    )
    moved = RosterRow.parse({**ROW, "valid_from": "2025-04-01"})
    assert moved.assignment_key != first.assignment_key and moved.advisor_key == first.advisor_key


def test_ids_given_in_the_sheet_win() -> None:
    row = RosterRow.parse({**ROW, "unit_id": "U-firm-zhengda", "advisor_id": "A-zhengda-1"})
    assert (row.unit_key, row.advisor_key) == ("U-firm-zhengda", "A-zhengda-1")
