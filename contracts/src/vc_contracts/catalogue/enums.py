"""Closed vocabularies shared by the event catalogue. Values are the wire strings (snake_case)."""

from __future__ import annotations

from enum import StrEnum


class DivisionLevel(StrEnum):
    """Level of an administrative division."""

    province = "province"
    city = "city"
    county = "county"
    township = "township"
    village = "village"
    community = "community"


class UnitKind(StrEnum):
    """Kind of unit that provides advisors or runs the program."""

    law_firm = "law_firm"
    justice_office = "justice_office"
    legal_aid_center = "legal_aid_center"
    county_bureau = "county_bureau"
    county_section = "county_section"


class AdvisorKind(StrEnum):
    """What an advisor is by profession (R2)."""

    lawyer = "lawyer"
    public_lawyer = "public_lawyer"
    justice_office_head = "justice_office_head"
    judicial_assistant = "judicial_assistant"
    legal_aid_lawyer = "legal_aid_lawyer"


class AdvisorStatus(StrEnum):
    """Whether an advisor may currently serve."""

    active = "active"
    suspended = "suspended"
    left = "left"


class ConsultationChannel(StrEnum):
    """How a consultation reached the advisor."""

    on_site = "on_site"
    wechat = "wechat"
    phone = "phone"
    online = "online"


class ConsultationCategory(StrEnum):
    """Subject matter of a consultation or a mediated dispute."""

    land = "land"
    marriage_family = "marriage_family"
    labour = "labour"
    contract_debt = "contract_debt"
    inheritance = "inheritance"
    neighbour = "neighbour"
    other = "other"


CONSULTATION_CATEGORY_LABELS: dict[ConsultationCategory, str] = {
    ConsultationCategory.land: "土地",
    ConsultationCategory.marriage_family: "婚姻家庭",
    ConsultationCategory.labour: "劳动",
    ConsultationCategory.contract_debt: "合同债务",
    ConsultationCategory.inheritance: "继承",
    ConsultationCategory.neighbour: "邻里纠纷",
    ConsultationCategory.other: "其他",
}
"""How each category is named to people (pages, forms), in the enum's order."""


class ConsultationOutcome(StrEnum):
    """Where a consultation ended."""

    resolved = "resolved"
    referred = "referred"
    pending = "pending"


class MediationOutcome(StrEnum):
    """Where a mediation ended."""

    agreed = "agreed"
    failed = "failed"
    referred = "referred"


class DocumentKind(StrEnum):
    """Kind of document an advisor reviewed for the village."""

    village_rules = "village_rules"
    contract = "contract"
    decision = "decision"
    other = "other"


class FeedbackSource(StrEnum):
    """Who gave feedback on an advisor (R11)."""

    committee = "committee"
    resident = "resident"


class AssessmentResult(StrEnum):
    """Outcome of an advisor's yearly assessment."""

    excellent = "excellent"
    passed = "passed"
    failed = "failed"


class ReportKind(StrEnum):
    """Kind of report a unit submits upward (R13, R14)."""

    half_year_ledger = "half_year_ledger"
    annual_results = "annual_results"


class DeadlineKind(StrEnum):
    """What a deadline is for: a report (same values as ReportKind) or the yearly agreement filing (R4)."""

    agreement_filing = "agreement_filing"
    half_year_ledger = "half_year_ledger"
    annual_results = "annual_results"


class Level(StrEnum):
    """Review level a report passes through, lowest first (R15)."""

    county = "county"
    city = "city"
    province = "province"

    @property
    def rank(self) -> int:
        return list(Level).index(self)
