"""Closed vocabularies shared by the event catalogue, each with the words people read for it.

Values are the wire strings (snake_case). Beside each enum, `<ENUM>_LABELS` gives every member's
Simplified Chinese label: the one wording for screens, exports, import templates and statistics
(services and the web front end use these, never their own maps; `make schemas` exports them to
`contracts/schemas/labels.json` and the front end's `src/contracts/labels.ts`).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from vc_contracts.filing import STATUS_LABEL as FILING_STATUS_LABEL
from vc_contracts.filing import FilingStatus


class DivisionLevel(StrEnum):
    """Level of an administrative division."""

    province = "province"
    city = "city"
    county = "county"
    township = "township"
    village = "village"
    community = "community"


DIVISION_LEVEL_LABELS: dict[DivisionLevel, str] = {
    DivisionLevel.province: "省",
    DivisionLevel.city: "市（州）",
    DivisionLevel.county: "县（区）",
    DivisionLevel.township: "乡镇（街道）",
    DivisionLevel.village: "村",
    DivisionLevel.community: "社区",
}


class UnitKind(StrEnum):
    """Kind of unit that provides advisors or runs the program."""

    law_firm = "law_firm"
    justice_office = "justice_office"
    legal_aid_center = "legal_aid_center"
    county_bureau = "county_bureau"
    county_section = "county_section"


UNIT_KIND_LABELS: dict[UnitKind, str] = {
    UnitKind.law_firm: "律师事务所",
    UnitKind.justice_office: "司法所",
    UnitKind.legal_aid_center: "法律援助中心",
    UnitKind.county_bureau: "县司法局",
    UnitKind.county_section: "法治与法律服务管理股",
}


class AdvisorKind(StrEnum):
    """What an advisor is by profession (R2)."""

    lawyer = "lawyer"
    public_lawyer = "public_lawyer"
    justice_office_head = "justice_office_head"
    judicial_assistant = "judicial_assistant"
    legal_aid_lawyer = "legal_aid_lawyer"


ADVISOR_KIND_LABELS: dict[AdvisorKind, str] = {
    AdvisorKind.lawyer: "律师",
    AdvisorKind.public_lawyer: "公职律师",
    AdvisorKind.justice_office_head: "司法所长",
    AdvisorKind.judicial_assistant: "司法助理员",
    AdvisorKind.legal_aid_lawyer: "法律援助律师",
}


class AdvisorStatus(StrEnum):
    """Whether an advisor may currently serve."""

    active = "active"
    suspended = "suspended"
    left = "left"


ADVISOR_STATUS_LABELS: dict[AdvisorStatus, str] = {
    AdvisorStatus.active: "在岗",
    AdvisorStatus.suspended: "暂停",
    AdvisorStatus.left: "离任",
}


class AdvisorVetting(StrEnum):
    """Where a nominee stands with the county section (R2 vetting); on the roster = approved."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"


ADVISOR_VETTING_LABELS: dict[AdvisorVetting, str] = {
    AdvisorVetting.pending: "待审核",
    AdvisorVetting.approved: "已通过",
    AdvisorVetting.rejected: "已驳回",
}


class ConsultationChannel(StrEnum):
    """How a consultation reached the advisor."""

    on_site = "on_site"
    wechat = "wechat"
    phone = "phone"
    online = "online"


CONSULTATION_CHANNEL_LABELS: dict[ConsultationChannel, str] = {
    ConsultationChannel.on_site: "现场",
    ConsultationChannel.wechat: "微信群",  # the program's 法律服务微信群 (R10)
    ConsultationChannel.phone: "电话",
    ConsultationChannel.online: "网络",
}


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


class ConsultationOutcome(StrEnum):
    """Where a consultation ended."""

    resolved = "resolved"
    referred = "referred"
    pending = "pending"


CONSULTATION_OUTCOME_LABELS: dict[ConsultationOutcome, str] = {
    ConsultationOutcome.resolved: "已解决",
    ConsultationOutcome.referred: "已转介",
    ConsultationOutcome.pending: "待跟进",
}


class MediationOutcome(StrEnum):
    """Where a mediation ended."""

    agreed = "agreed"
    failed = "failed"
    referred = "referred"


MEDIATION_OUTCOME_LABELS: dict[MediationOutcome, str] = {
    MediationOutcome.agreed: "调解成功",  # the wording of people's-mediation statistics (调解成功率)
    MediationOutcome.failed: "调解未成",
    MediationOutcome.referred: "已转介",  # the same word as a referred consultation
}


class DocumentKind(StrEnum):
    """Kind of document an advisor reviewed for the village."""

    village_rules = "village_rules"
    contract = "contract"
    decision = "decision"
    other = "other"


DOCUMENT_KIND_LABELS: dict[DocumentKind, str] = {
    DocumentKind.village_rules: "村规民约",
    DocumentKind.contract: "合同",
    DocumentKind.decision: "村务决定",
    DocumentKind.other: "其他",
}


class FeedbackSource(StrEnum):
    """Who gave feedback on an advisor (R11)."""

    committee = "committee"
    resident = "resident"


FEEDBACK_SOURCE_LABELS: dict[FeedbackSource, str] = {
    FeedbackSource.committee: "村（居）委会",
    FeedbackSource.resident: "村（居）民",
}


class AssessmentResult(StrEnum):
    """Outcome of an advisor's yearly assessment."""

    excellent = "excellent"
    passed = "passed"
    failed = "failed"


ASSESSMENT_RESULT_LABELS: dict[AssessmentResult, str] = {
    AssessmentResult.excellent: "优秀",
    AssessmentResult.passed: "合格",
    AssessmentResult.failed: "不合格",
}


class ReportKind(StrEnum):
    """Kind of report a unit submits upward (R13, R14)."""

    half_year_ledger = "half_year_ledger"
    annual_results = "annual_results"


REPORT_KIND_LABELS: dict[ReportKind, str] = {
    ReportKind.half_year_ledger: "半年台账报告",
    ReportKind.annual_results: "年度工作报告",
}


class DeadlineKind(StrEnum):
    """What a deadline is for: a report (same values as ReportKind) or the yearly agreement filing (R4)."""

    agreement_filing = "agreement_filing"
    half_year_ledger = "half_year_ledger"
    annual_results = "annual_results"


DEADLINE_KIND_LABELS: dict[DeadlineKind, str] = {
    DeadlineKind.agreement_filing: "协议备案",
    DeadlineKind.half_year_ledger: REPORT_KIND_LABELS[ReportKind.half_year_ledger],
    DeadlineKind.annual_results: REPORT_KIND_LABELS[ReportKind.annual_results],
}


class Level(StrEnum):
    """Review level a report passes through, lowest first (R15)."""

    county = "county"
    city = "city"
    province = "province"

    @property
    def rank(self) -> int:
        return list(Level).index(self)


LEVEL_LABELS: dict[Level, str] = {Level.county: "县级", Level.city: "市级", Level.province: "省级"}


class EntryKind(StrEnum):
    """Kind of ledger entry (一次一记: one record per occurrence); each has one ledger event."""

    visit = "visit"
    lecture = "lecture"
    publicity = "publicity"
    consultation = "consultation"
    mediation = "mediation"
    document_review = "document_review"


ENTRY_KIND_LABELS: dict[EntryKind, str] = {
    EntryKind.visit: "驻点服务",
    EntryKind.lecture: "法治讲座",
    EntryKind.publicity: "普法宣传活动",
    EntryKind.consultation: "法律咨询",
    EntryKind.mediation: "纠纷调解",
    EntryKind.document_review: "文书审查",
}


class ResidentRequestKind(StrEnum):
    """What a resident asked for on the village's public board: an answer, or a meeting on site."""

    question = "question"
    meeting = "meeting"


RESIDENT_REQUEST_KIND_LABELS: dict[ResidentRequestKind, str] = {
    ResidentRequestKind.question: "留言提问",
    ResidentRequestKind.meeting: "预约面谈",
}

LABELS: Mapping[type[StrEnum], Mapping[Any, str]] = {  # keys: members of the enum
    DivisionLevel: DIVISION_LEVEL_LABELS,
    UnitKind: UNIT_KIND_LABELS,
    AdvisorKind: ADVISOR_KIND_LABELS,
    AdvisorStatus: ADVISOR_STATUS_LABELS,
    AdvisorVetting: ADVISOR_VETTING_LABELS,
    ConsultationChannel: CONSULTATION_CHANNEL_LABELS,
    ConsultationCategory: CONSULTATION_CATEGORY_LABELS,
    ConsultationOutcome: CONSULTATION_OUTCOME_LABELS,
    MediationOutcome: MEDIATION_OUTCOME_LABELS,
    DocumentKind: DOCUMENT_KIND_LABELS,
    FeedbackSource: FEEDBACK_SOURCE_LABELS,
    AssessmentResult: ASSESSMENT_RESULT_LABELS,
    ReportKind: REPORT_KIND_LABELS,
    DeadlineKind: DEADLINE_KIND_LABELS,
    Level: LEVEL_LABELS,
    EntryKind: ENTRY_KIND_LABELS,
    ResidentRequestKind: RESIDENT_REQUEST_KIND_LABELS,
    FilingStatus: FILING_STATUS_LABEL,
}
"""Every closed vocabulary with its labels (a test checks each enum here has a label per member)."""


def label(value: StrEnum) -> str:
    """The Chinese label of an enum member (`ConsultationChannel.wechat` is labelled "微信群")."""
    return LABELS[type(value)][value]


def wire_labels(enum: type[StrEnum]) -> dict[str, str]:
    """Wire value -> label of one enum, in the enum's order (for JSON, SQL and string-keyed rows)."""
    return {member.value: LABELS[enum][member] for member in enum}
