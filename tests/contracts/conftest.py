"""One valid wire payload (`data`, JSON form) per catalogued event, and envelopes around them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from vc_contracts import Envelope, Event, Tenant

VILLAGE = "621025100201"  # a village of 山河镇, Zhengning county
COMMON_ENTRY = {
    "entry_id": "entry-1",
    "client_entry_id": "phone-7f3a",
    "advisor_id": "adv-1",
    "unit_id": "unit-firm-1",
    "village_code": VILLAGE,
    "occurred_at": "2025-03-05T09:00:00+08:00",
    "note": "",
}
GATHERING = {"topic": "民法典婚姻家庭编", "audience": 42, "co_organisers": ["普法与依法治理股"]}

SAMPLES: dict[str, dict[str, Any]] = {
    "DivisionRegistered": {
        "code": "621025100000",
        "name": "山河镇",
        "level": "township",
        "parent_code": "621025",
    },
    "UnitRegistered": {
        "unit_id": "unit-firm-1",
        "kind": "law_firm",
        "name": "甘肃某某律师事务所",
        "division_code": "621025",
        "credit_code": "31620000MD0012345X",
        "licence_no": "31620000123456789",
    },
    "AdvisorRegistered": {
        "advisor_id": "adv-1",
        "name": "张三",
        "kind": "lawyer",
        "unit_id": "unit-firm-1",
        "licence_no": "16210201910123456",
        "phone": "13809341234",
    },
    "AdvisorStatusChanged": {
        "advisor_id": "adv-1",
        "status": "suspended",
        "changed_on": "2025-05-01",
        "reason": "病假",
    },
    "AdvisorNominated": {
        "advisor_id": "adv-2",
        "name": "周律师",
        "kind": "lawyer",
        "unit_id": "unit-1",
        "licence_no": "16210201234567890",
        "phone": "13809341235",
    },
    "AdvisorApproved": {"advisor_id": "adv-2", "unit_id": "unit-1"},
    "AdvisorRejected": {"advisor_id": "adv-2", "unit_id": "unit-1", "reason": "执业年限不足三年"},
    "AdvisorAssigned": {
        "assignment_id": "asg-1",
        "village_code": VILLAGE,
        "advisor_id": "adv-1",
        "unit_id": "unit-firm-1",
        "valid_from": "2025-01-01",
        "schedule": "每周三 9:00-12:00",
    },
    "AssignmentEnded": {
        "assignment_id": "asg-1",
        "village_code": VILLAGE,
        "advisor_id": "adv-1",
        "valid_to": "2025-05-14",
        "reason": "人员调整",
    },
    "AgreementSigned": {
        "agreement_id": "agr-1",
        "unit_id": "unit-firm-1",
        "village_code": VILLAGE,
        "advisor_ids": ["adv-1"],
        "term_start": "2025-01-01",
        "term_end": "2025-12-31",
        "signed_on": "2024-12-20",
    },
    "AgreementFiled": {
        "agreement_id": "agr-1",
        "village_code": VILLAGE,
        "filing_no": "正司备〔2025〕12号",
        "filed_on": "2025-03-20",
        "signed_and_stamped": True,
    },
    "AgreementRenewed": {
        "agreement_id": "agr-1",
        "village_code": VILLAGE,
        "new_term_end": "2026-12-31",
        "renewed_on": "2025-12-15",
    },
    "AgreementTerminated": {
        "agreement_id": "agr-1",
        "village_code": VILLAGE,
        "terminated_on": "2025-06-30",
        "reason": "律所注销",
    },
    "NoticeBoardPosted": {
        "village_code": VILLAGE,
        "advisor_id": "adv-1",
        "advisor_name": "张三",
        "phone": "0934-5221234",
        "schedule": "每周三 9:00-12:00",
        "posted_on": "2025-01-06",
    },
    "ServiceGroupEstablished": {
        "group_id": "grp-1",
        "village_code": VILLAGE,
        "advisor_id": "adv-1",
        "name": "某某村法律服务群",
        "member_count": 120,
        "established_on": "2025-01-08",
    },
    "ServiceGroupMembersCounted": {
        "group_id": "grp-1",
        "village_code": VILLAGE,
        "member_count": 180,
        "counted_on": "2025-06-30",
    },
    "CountyResponsibilitiesSet": {
        "county_code": "621025",
        "head": "局长 张某某",
        "deputy": "副局长 李某某",
        "sections": ["公共法律服务股", "各乡镇司法所"],
        "filing_place": "县司法局 301 室",
        "effective_on": "2026-01-01",
    },
    "TypicalCaseProposed": {
        "case_id": "TC-1",
        "entry_id": "E-1",
        "entry_kind": "mediation",
        "village_code": VILLAGE,
        "county_code": "621025",
        "year": 2025,
        "title": "邻里宅基地纠纷调解",
        "text": "两户村民因宅基地边界发生争执，顾问现场勘察后依法调解，双方达成协议。",
        "proposed_by": "adv-1",
    },
    "TypicalCaseApproved": {
        "case_id": "TC-1",
        "village_code": VILLAGE,
        "county_code": "621025",
        "approved_by": "county-1",
    },
    "TypicalCaseReturned": {
        "case_id": "TC-1",
        "village_code": VILLAGE,
        "county_code": "621025",
        "reason": "请补充调解结果",
        "returned_by": "county-1",
    },
    "VolumeSealed": {
        "volume_id": f"village:{VILLAGE}:2025",
        "kind": "village",
        "owner": VILLAGE,
        "year": 2025,
        "county": "621025",
        "from_seq": 2,
        "to_seq": 3,
        "length": 3,
        "head": "cd" * 32,
        "audit": False,
        "links": [
            {
                "seq": 2,
                "entry_id": "E-1",
                "event_id": "6a1f3b2e-0000-4000-8000-000000000002",
                "event_type": "VisitLogged",
                "canonical_version": 1,
                "link": "ab" * 32,
            },
            {
                "seq": 3,
                "entry_id": "E-1",
                "event_id": "6a1f3b2e-0000-4000-8000-000000000003",
                "event_type": "EntryConfirmed",
                "canonical_version": 2,
                "link": "cd" * 32,
            },
        ],
    },
    "ResidentFeedbackReceived": {
        "feedback_id": "FB-1",
        "village_code": VILLAGE,
        "category": "land",
        "text": "承包地被占用，想咨询怎么办",
        "callback_requested": True,
    },
    "VisitLogged": {
        **COMMON_ENTRY,
        "started_at": "2025-03-05T09:00:00+08:00",
        "ended_at": "2025-03-05T11:20:00+08:00",
        "hours": 2.33,
        "place": "村委会办公室",
        "summary": "坐班接待",
    },
    "LectureHeld": {**COMMON_ENTRY, **GATHERING},
    "PublicityEventHeld": {**COMMON_ENTRY, **GATHERING},
    "ConsultationGiven": {
        **COMMON_ENTRY,
        "channel": "wechat",
        "category": "land",
        "outcome": "resolved",
        "summary": "土地承包经营权流转咨询",
    },
    "DisputeMediated": {
        **COMMON_ENTRY,
        "parties": 2,
        "category": "neighbour",
        "outcome": "agreed",
        "summary": "宅基地边界纠纷",
    },
    "DocumentReviewed": {
        **COMMON_ENTRY,
        "document_kind": "village_rules",
        "title": "村规民约（修订稿）",
        "summary": "删去违法条款两处",
    },
    "EntryConfirmed": {
        "entry_id": "entry-1",
        "village_code": VILLAGE,
        "confirmed_by": "committee-9",
        "confirmed_on": "2025-03-06",
    },
    "EntryCorrected": {
        "entry_id": "entry-1",
        "village_code": VILLAGE,
        "changes": {"ended_at": "2025-03-05T12:00:00+08:00", "hours": 3.0},
        "reason": "离开时间记错",
    },
    "EntryVoided": {"entry_id": "entry-1", "village_code": VILLAGE, "reason": "重复录入"},
    "EntryQueried": {
        "entry_id": "entry-1",
        "village_code": VILLAGE,
        "reason": "当天顾问不在村里",
        "queried_by": "committee-9",
        "queried_at": "2025-03-06T10:00:00+08:00",
    },
    "ComplianceRulesSet": {"division_code": "620000", "version": 1, "effective_from": "2025-01-01"},
    "FeedbackSubmitted": {
        "feedback_id": "fb-1",
        "advisor_id": "adv-1",
        "village_code": VILLAGE,
        "year": 2025,
        "source": "resident",
        "rating": 5,
        "comment": "解答耐心",
    },
    "ComplianceBreached": {
        "breach_id": "br-1",
        "advisor_id": "adv-1",
        "village_code": VILLAGE,
        "rule": "min_quarter_onsite_hours",
        "period": "2025Q1",
        "expected": 8.0,
        "actual": 6.5,
        "rule_version": 1,
    },
    "FiguresConfirmed": {
        "assessment_id": "ass-1",
        "advisor_id": "adv-1",
        "year": 2025,
        "figures_digest": "0" * 64,
        "confirmed_on": "2026-01-05",
        "comment": "",
    },
    "FiguresDisputed": {
        "assessment_id": "ass-1",
        "advisor_id": "adv-1",
        "year": 2025,
        "figures_digest": "0" * 64,
        "disputed_on": "2026-01-05",
        "reason": "第三季度驻点时长少计一次",
    },
    "AssessmentConcluded": {
        "assessment_id": "ass-1",
        "advisor_id": "adv-1",
        "year": 2025,
        "result": "passed",
        "basis": {"onsite_hours": {"2025Q1": 9.5}, "lectures": 3},
        "rule_version": 2,
    },
    "RenewalRecommended": {"assessment_id": "ass-1", "advisor_id": "adv-1", "year": 2025},
    "RectificationRequested": {
        "assessment_id": "ass-1",
        "advisor_id": "adv-1",
        "unit_id": "unit-firm-1",
        "year": 2025,
        "items": ["补足驻点时间"],
        "due_on": "2026-02-28",
    },
    "RectificationCompleted": {
        "assessment_id": "ass-1",
        "advisor_id": "adv-1",
        "completed_on": "2026-02-10",
        "summary": "已补足",
    },
    "ReportSubmitted": {
        "report_id": "rep-1",
        "kind": "half_year_ledger",
        "period": "2025H1",
        "submitter_unit_id": "unit-firm-1",
        "division_code": "621025",
        "figures": {"visits": 24, "onsite_hours": 61.5},
        "confirmed_by": ["adv-1"],
    },
    "ReportReturned": {"report_id": "rep-1", "by_level": "county", "reason": "统计表缺少咨询数"},
    "ReportApproved": {"report_id": "rep-1", "by_level": "county"},
    "AdvisorFiguresConfirmed": {
        "unit_id": "unit-firm-1",
        "period": "2025H1",
        "advisor_id": "adv-1",
        "digest": "0123456789abcdef",
    },
    "ReportEscalated": {
        "report_id": "rep-1",
        "from_level": "county",
        "to_level": "city",
        "to_division_code": "621000",
    },
    "DeadlineMissed": {
        "deadline_id": "dl-1",
        "kind": "agreement_filing",
        "period": "2025",
        "unit_id": "unit-firm-1",
        "division_code": "621025",
        "due_at": "2025-04-01T00:00:00+08:00",
    },
}


def _envelope_for(event: Event) -> Envelope:
    return Envelope(
        event_id=uuid.uuid4(),
        event_type=event.event_type,
        schema_version=event.schema_version,
        stream_id=f"{event.owner}-stream-1",
        stream_version=1,
        occurred_at="2025-03-05T09:00:00+08:00",
        recorded_at="2025-03-05T01:00:01Z",
        tenant=Tenant.of("621025"),
        actor="adv-1",
        correlation_id=uuid.uuid4(),
        data=event.model_dump(mode="json"),
    )


@pytest.fixture
def samples() -> dict[str, dict[str, Any]]:
    """Valid `data` payload per event type."""
    return SAMPLES


@pytest.fixture
def envelope_for() -> Callable[[Event], Envelope]:
    """Wraps an event in a plausible envelope, as a producer would."""
    return _envelope_for
