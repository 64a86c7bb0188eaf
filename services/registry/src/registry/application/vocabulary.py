"""Words a county's spreadsheet uses for the closed vocabularies, mapped to the wire values."""

from __future__ import annotations

from collections.abc import Mapping

from vc_contracts.catalogue.enums import AdvisorKind, DivisionLevel, UnitKind

UNIT_KINDS = {
    "律师事务所": UnitKind.law_firm,
    "律所": UnitKind.law_firm,
    "司法所": UnitKind.justice_office,
    "法律援助中心": UnitKind.legal_aid_center,
    "县法律援助中心": UnitKind.legal_aid_center,
    "司法局": UnitKind.county_bureau,
    "县司法局": UnitKind.county_bureau,
    "股室": UnitKind.county_section,
}
ADVISOR_KINDS = {
    "律师": AdvisorKind.lawyer,
    "执业律师": AdvisorKind.lawyer,
    "公职律师": AdvisorKind.public_lawyer,
    "司法所长": AdvisorKind.justice_office_head,
    "司法所所长": AdvisorKind.justice_office_head,
    "司法助理员": AdvisorKind.judicial_assistant,
    "法律援助律师": AdvisorKind.legal_aid_lawyer,
}
LEVELS = {
    "省": DivisionLevel.province,
    "市": DivisionLevel.city,
    "县": DivisionLevel.county,
    "区": DivisionLevel.county,
    "乡镇": DivisionLevel.township,
    "乡": DivisionLevel.township,
    "镇": DivisionLevel.township,
    "街道": DivisionLevel.township,
    "村": DivisionLevel.village,
    "社区": DivisionLevel.community,
    "居": DivisionLevel.community,
}
LEVEL_RANK = {level: rank for rank, level in enumerate(DivisionLevel)}


def translated(value: str | None, words: Mapping[str, str]) -> str | None:
    """The wire value for a Chinese word; anything else unchanged (validation judges it)."""
    return words.get(value, value) if value else value
