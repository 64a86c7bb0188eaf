"""The kinds of ledger entry (一次一记: one record per occurrence) and the words the ledger uses for them.

Each kind has one event in `vc_contracts.catalogue.ledger`; the Chinese labels are what residents,
committees and county staff read on screens, exports and import templates (the values' labels are
the contracts' ones, `vc_contracts.catalogue.enums`; only the field names are the ledger's own).
"""

from __future__ import annotations

from vc_contracts.catalogue.enums import (
    ENTRY_KIND_LABELS,
    ConsultationCategory,
    ConsultationChannel,
    ConsultationOutcome,
    DocumentKind,
    EntryKind,
    MediationOutcome,
    wire_labels,
)
from vc_contracts.catalogue.ledger import (
    ConsultationGiven,
    DisputeMediated,
    DocumentReviewed,
    LectureHeld,
    LedgerEntryEvent,
    PublicityEventHeld,
    VisitLogged,
)

Kind = EntryKind  # the contracts' vocabulary; the ledger's short name for it


EVENT_OF: dict[Kind, type[LedgerEntryEvent]] = {
    Kind.visit: VisitLogged,
    Kind.lecture: LectureHeld,
    Kind.publicity: PublicityEventHeld,
    Kind.consultation: ConsultationGiven,
    Kind.mediation: DisputeMediated,
    Kind.document_review: DocumentReviewed,
}
KIND_OF: dict[str, Kind] = {cls.event_type: kind for kind, cls in EVENT_OF.items()}

KIND_LABEL: dict[Kind, str] = ENTRY_KIND_LABELS

FIELD_LABEL: dict[str, str] = {
    "kind": "类型",
    "advisor_id": "法律顾问编号",
    "village_code": "村（社区）代码",
    "occurred_at": "发生时间",
    "started_at": "开始时间",
    "ended_at": "结束时间",
    "hours": "时长（小时）",
    "place": "地点",
    "summary": "内容摘要",
    "topic": "主题",
    "audience": "参加人数",
    "co_organisers": "协办单位",
    "channel": "渠道",
    "category": "类别",
    "outcome": "结果",
    "parties": "当事人数",
    "document_kind": "文书类型",
    "title": "文书标题",
    "note": "备注",
    "client_entry_id": "客户端编号",
    "unit_id": "服务单位编号",
    "entry_id": "记录编号",
    "question_id": "居民问题编号",
}

# A consultation and a mediation both have an `outcome`; "referred" reads the same for both.
VALUE_LABEL: dict[str, dict[str, str]] = {
    "channel": wire_labels(ConsultationChannel),
    "category": wire_labels(ConsultationCategory),
    "outcome": wire_labels(ConsultationOutcome) | wire_labels(MediationOutcome),
    "document_kind": wire_labels(DocumentKind),
}

# Fields no correction may touch: who, where and which entry it is. A wrong village or advisor is
# fixed by voiding the entry and logging a new one, so volumes never lose or gain entries silently.
IDENTITY_FIELDS = frozenset(
    {"entry_id", "client_entry_id", "advisor_id", "unit_id", "village_code", "question_id"}
)
DERIVED_FIELDS = frozenset({"hours"})  # recomputed from the times, never typed


def label(field: str) -> str:
    return FIELD_LABEL.get(field, field)


def value_label(field: str, value: str) -> str:
    return VALUE_LABEL.get(field, {}).get(value, value)


def is_on_site(kind: Kind, data: dict[str, object]) -> bool:
    """Work that needs the advisor in the village at that moment (a WeChat answer does not)."""
    if kind is Kind.consultation:
        return data.get("channel") == "on_site"
    return kind in (Kind.visit, Kind.lecture, Kind.publicity, Kind.mediation)


def correctable(kind: Kind) -> frozenset[str]:
    """Fields a correction of this kind may change; a visit's times stand for its occurred_at."""
    fields = frozenset(EVENT_OF[kind].model_fields) - IDENTITY_FIELDS - DERIVED_FIELDS
    return fields - {"occurred_at"} if kind is Kind.visit else fields
