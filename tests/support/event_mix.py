"""Random, valid event sequences over a few villages, advisors and entries: every event type the
read models handle, with ids drawn from small pools so that rows collide (the same division
registered twice, a correction before its entry, a void of a voided entry, a board posted again).

Each event travels as the runtime carries it: an envelope encoded to JSON and decoded by
`eventkit.projection.decode`, with a version per stream.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, timedelta
from uuid import UUID

from eventkit.projection import decode
from eventkit.set_apply import Decoded
from vc_contracts import CST, Envelope, Event, Tenant
from vc_contracts.catalogue import assessment as asm
from vc_contracts.catalogue import enums
from vc_contracts.catalogue import ledger as lg
from vc_contracts.catalogue import registry as rg

VILLAGES = ("621025100201", "621025100202", "621025100203", "621025101201")
TOWNSHIPS = ("621025100000", "621025101000")
ADVISORS = ("A-1", "A-2", "A-3")
UNITS = ("U-1", "U-2")
NAMES = ("张三", "李四", "王五", "上川村", "下川村")
ENTRIES = tuple(f"E-{i}" for i in range(1, 11))
AGREEMENTS = ("AG-1", "AG-2", "AG-3")
ASSIGNMENTS = ("AS-1", "AS-2", "AS-3", "AS-4")


def _day(rng: random.Random) -> date:
    return date(2024, 12, 1) + timedelta(days=rng.randrange(500))


def _start(rng: random.Random) -> datetime:
    """A start in CST, now and then a few hours before a quarter ends (the visit is split)."""
    if rng.random() < 0.3:
        boundary = datetime(2025, rng.choice((4, 7, 10)), 1, tzinfo=CST)
        return boundary - timedelta(minutes=rng.randrange(15, 300, 15))
    return datetime(2025, 1, 1, 8, tzinfo=CST) + timedelta(
        days=rng.randrange(400), minutes=rng.randrange(0, 600, 15)
    )


def _span(rng: random.Random) -> tuple[datetime, datetime, float]:
    start = _start(rng)
    minutes = rng.randrange(15, 600, 15)
    return start, start + timedelta(minutes=minutes), round(minutes / 60, 2)


def _entry(rng: random.Random, entry_id: str) -> lg.LedgerEntryEvent:
    common = {
        "entry_id": entry_id,
        "advisor_id": rng.choice(ADVISORS),
        "unit_id": rng.choice(UNITS),
        "village_code": rng.choice(VILLAGES),
    }
    kind = ENTRIES.index(entry_id) % 6  # an entry keeps its kind when it is logged again
    if kind == 0:
        start, end, hours = _span(rng)
        return lg.VisitLogged(
            **common,
            occurred_at=start,
            started_at=start,
            ended_at=end,
            hours=hours,
            place="村委会",
            summary="坐班",
        )
    at = _start(rng)
    if kind == 1:
        return lg.LectureHeld(**common, occurred_at=at, topic="民法典", audience=rng.randrange(90))
    if kind == 2:
        return lg.PublicityEventHeld(**common, occurred_at=at, topic="普法", audience=rng.randrange(90))
    if kind == 3:
        return lg.ConsultationGiven(
            **common,
            occurred_at=at,
            channel=rng.choice(list(enums.ConsultationChannel)),
            category=rng.choice(list(enums.ConsultationCategory)),
            outcome=rng.choice(list(enums.ConsultationOutcome)),
            summary="咨询",
        )
    if kind == 4:
        return lg.DisputeMediated(
            **common,
            occurred_at=at,
            parties=2 + rng.randrange(3),
            category=rng.choice(list(enums.ConsultationCategory)),
            outcome=rng.choice(list(enums.MediationOutcome)),
            summary="调解",
        )
    return lg.DocumentReviewed(
        **common,
        occurred_at=at,
        document_kind=rng.choice(list(enums.DocumentKind)),
        title="村规民约",
        summary="审查",
    )


def _correction(rng: random.Random, entry_id: str, village: str) -> lg.EntryCorrected:
    visit = ENTRIES.index(entry_id) % 6 == 0
    choice = rng.choice((0, 2) if visit else (1, 2))
    if choice == 0:  # a visit's times (and hours)
        start, end, hours = _span(rng)
        iso = {"started_at": start.isoformat(), "ended_at": end.isoformat(), "occurred_at": start.isoformat()}
        changes: dict[str, object] = {**iso, "hours": hours}
    elif choice == 1:
        changes = {"occurred_at": _start(rng).isoformat()}
    else:
        changes = {"summary": "更正摘要", "audience": rng.randrange(50)}
    return lg.EntryCorrected(entry_id=entry_id, village_code=village, changes=changes, reason="更正")


def _ledger(rng: random.Random) -> tuple[str, Event]:
    entry_id = rng.choice(ENTRIES)
    village = rng.choice(VILLAGES)
    roll = rng.random()
    if roll < 0.6:
        event: Event = _entry(rng, entry_id)
    elif roll < 0.75:
        event = _correction(rng, entry_id, village)
    elif roll < 0.87:
        event = lg.EntryVoided(entry_id=entry_id, village_code=village, reason="重复登记")
    elif roll < 0.93:
        event = lg.EntryQueried(
            entry_id=entry_id,
            village_code=village,
            reason="时长存疑",
            queried_by="C-1",
            queried_at=_start(rng),
        )
    else:
        event = lg.EntryConfirmed(
            entry_id=entry_id, village_code=village, confirmed_by="C-1", confirmed_on=_day(rng)
        )
    return f"entry-{entry_id}", event


def _registry(rng: random.Random) -> tuple[str, Event]:
    village, advisor, unit = rng.choice(VILLAGES), rng.choice(ADVISORS), rng.choice(UNITS)
    agreement, assignment = rng.choice(AGREEMENTS), rng.choice(ASSIGNMENTS)
    match rng.randrange(17):
        case 0 | 1:
            code = rng.choice(VILLAGES + TOWNSHIPS)
            village_level = code not in TOWNSHIPS
            level = rng.choice((enums.DivisionLevel.village, enums.DivisionLevel.community))
            return f"division-{code}", rg.DivisionRegistered(
                code=code,
                name=rng.choice(NAMES),
                level=level if village_level else enums.DivisionLevel.township,
                parent_code=code[:9] + "000" if village_level else "621025",
            )
        case 2:
            return f"unit-{unit}", rg.UnitRegistered(
                unit_id=unit, kind=enums.UnitKind.law_firm, name=rng.choice(NAMES), division_code="621025"
            )
        case 3:
            return f"advisor-{advisor}", rg.AdvisorRegistered(
                advisor_id=advisor,
                name=rng.choice(NAMES),
                kind=enums.AdvisorKind.lawyer,
                unit_id=unit,
                phone=rng.choice(("13909341234", "13800001111")),
            )
        case 4:
            return f"advisor-{advisor}", rg.AdvisorStatusChanged(
                advisor_id=advisor,
                status=rng.choice(list(enums.AdvisorStatus)),
                changed_on=_day(rng),
                reason="调整",
            )
        case 5:
            return f"assignment-{assignment}", rg.AdvisorAssigned(
                assignment_id=assignment,
                village_code=village,
                advisor_id=advisor,
                unit_id=unit,
                valid_from=_day(rng),
                schedule=rng.choice(("每周三", "每周五上午")),
            )
        case 6:
            return f"assignment-{assignment}", rg.AssignmentEnded(
                assignment_id=assignment,
                village_code=village,
                advisor_id=advisor,
                valid_to=_day(rng),
                reason="调整",
            )
        case 7:
            return f"agreement-{agreement}", rg.AgreementSigned(
                agreement_id=agreement,
                unit_id=unit,
                village_code=village,
                advisor_ids=[advisor],
                term_start=date(2025, 1, 1),
                term_end=date(2027, 12, 31),
                signed_on=_day(rng),
            )
        case 8:
            return f"agreement-{agreement}", rg.AgreementFiled(
                agreement_id=agreement,
                village_code=village,
                filing_no=f"备2025-{rng.randrange(9)}",
                filed_on=_day(rng),
                signed_and_stamped=rng.random() < 0.7,
            )
        case 9:
            return f"agreement-{agreement}", rg.AgreementRenewed(
                agreement_id=agreement,
                village_code=village,
                new_term_end=date(2029, 12, 31),
                renewed_on=_day(rng),
            )
        case 10:
            return f"agreement-{agreement}", rg.AgreementTerminated(
                agreement_id=agreement, village_code=village, terminated_on=_day(rng), reason="终止"
            )
        case 11:
            return f"board-{village}", rg.NoticeBoardPosted(
                village_code=village,
                advisor_id=advisor,
                advisor_name=rng.choice(NAMES),
                phone="13909341234",
                schedule="每周三",
                posted_on=_day(rng),
            )
        case 12:
            return f"group-{village}", rg.ServiceGroupEstablished(
                group_id=f"G-{village}",
                village_code=village,
                advisor_id=advisor,
                name=rng.choice(NAMES),
                member_count=rng.randrange(300),
                established_on=_day(rng),
            )
        case 14:  # vetting (R2): nominations, decided in any order, so rows collide and redeliver
            return f"advisor-{advisor}", rg.AdvisorNominated(
                advisor_id=advisor, name=rng.choice(NAMES), kind=enums.AdvisorKind.lawyer, unit_id=unit,
                licence_no="16210201234567890", phone="13909341234",
            )  # fmt: skip
        case 15:
            return f"advisor-{advisor}", rg.AdvisorApproved(advisor_id=advisor, unit_id=unit)
        case 16:
            rejected = rg.AdvisorRejected(advisor_id=advisor, unit_id=unit, reason="不符合条件")
            return f"advisor-{advisor}", rejected
        case _:
            return f"group-{village}", rg.ServiceGroupMembersCounted(
                group_id=f"G-{village}",
                village_code=village,
                member_count=rng.randrange(300),
                counted_on=_day(rng),
            )


def _breach(rng: random.Random) -> tuple[str, Event]:
    village = rng.choice(VILLAGES)
    return f"breach-{village}", asm.ComplianceBreached(
        breach_id=f"BR-{rng.randrange(6)}",
        advisor_id=rng.choice(ADVISORS),
        village_code=village,
        rule="min_quarter_onsite_hours",
        period=rng.choice(("2025Q1", "2025Q2", "2025")),
        expected=8,
        actual=rng.randrange(8),
        rule_version=1,
        rule_division_code="620000",
    )


def event_mix(rng: random.Random, count: int) -> list[Decoded]:
    """`count` events, about half ledger, four in ten registry and one in ten assessment, decoded."""
    versions: dict[str, int] = defaultdict(int)
    out: list[Decoded] = []
    for i in range(count):
        roll = rng.random()
        stream, event = _ledger(rng) if roll < 0.5 else _registry(rng) if roll < 0.9 else _breach(rng)
        versions[stream] += 1
        code = getattr(event, "village_code", None) or getattr(event, "code", None) or VILLAGES[0]
        at = datetime(2025, 6, 1, 9, tzinfo=CST) + timedelta(minutes=i)
        envelope = Envelope(
            event_id=UUID(int=rng.getrandbits(128)),
            event_type=event.event_type,
            schema_version=event.schema_version,
            stream_id=stream,
            stream_version=versions[stream],
            occurred_at=at,
            recorded_at=at,
            tenant=Tenant.of(code),
            actor="test",
            correlation_id=UUID(int=i + 1),
            data=event.model_dump(mode="json"),
        )
        out.append(decode(envelope.model_dump_json().encode()))
    return out
