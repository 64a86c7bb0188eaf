"""Words a county's spreadsheet uses for the closed vocabularies, mapped to the wire values."""

from __future__ import annotations

from collections.abc import Mapping

from vc_contracts.catalogue.enums import (
    ADVISOR_KIND_LABELS,
    DIVISION_LEVEL_LABELS,
    UNIT_KIND_LABELS,
    AdvisorKind,
    DivisionLevel,
    UnitKind,
)

# The contracts' labels, plus the other words counties write for the same thing.
UNIT_KINDS = {label: kind for kind, label in UNIT_KIND_LABELS.items()} | {
    "律所": UnitKind.law_firm,
    "县法律援助中心": UnitKind.legal_aid_center,
    "司法局": UnitKind.county_bureau,
    "股室": UnitKind.county_section,
}
ADVISOR_KINDS = {label: kind for kind, label in ADVISOR_KIND_LABELS.items()} | {
    "执业律师": AdvisorKind.lawyer,
    "司法所所长": AdvisorKind.justice_office_head,
}
LEVELS = {label: level for level, label in DIVISION_LEVEL_LABELS.items()} | {
    "市": DivisionLevel.city,
    "县": DivisionLevel.county,
    "区": DivisionLevel.county,
    "乡镇": DivisionLevel.township,
    "乡": DivisionLevel.township,
    "镇": DivisionLevel.township,
    "街道": DivisionLevel.township,
    "居": DivisionLevel.community,
}
LEVEL_RANK = {level: rank for rank, level in enumerate(DivisionLevel)}


def translated(value: str | None, words: Mapping[str, str]) -> str | None:
    """The wire value for a Chinese word; anything else unchanged (validation judges it)."""
    return words.get(value, value) if value else value
