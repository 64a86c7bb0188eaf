"""Valid catalogue events for tests, built through the real pydantic models."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import uuid4

from eventkit.store import Metadata
from vc_contracts import CST, Event, Tenant
from vc_contracts.catalogue.enums import (
    AdvisorKind,
    ConsultationCategory,
    ConsultationChannel,
    ConsultationOutcome,
    DivisionLevel,
    UnitKind,
)
from vc_contracts.catalogue.ledger import ConsultationGiven, LectureHeld, VisitLogged
from vc_contracts.catalogue.registry import (
    AdvisorAssigned,
    AdvisorRegistered,
    DivisionRegistered,
    UnitRegistered,
)

COUNTY = "621025"
TOWNSHIP = "621025100000"
VILLAGE = "621025100201"
TENANT = Tenant.of(VILLAGE)
META = Metadata(actor="integration-test")
_DAY_ONE = datetime(2025, 3, 3, 9, 0, tzinfo=CST)


def village(n: int) -> str:
    """The n-th village of the township (1..999)."""
    return f"621025100{n % 999 + 1:03d}"


def visit(i: int = 0, village_code: str = VILLAGE) -> VisitLogged:
    """An on-site visit of two hours, on a day that depends on `i`."""
    started = _DAY_ONE + timedelta(days=i % 700, minutes=i % 240)
    return VisitLogged(
        entry_id=f"entry-{uuid4().hex}",
        advisor_id="adv-1",
        unit_id="unit-firm-1",
        village_code=village_code,
        occurred_at=started,
        started_at=started,
        ended_at=started + timedelta(hours=2),
        hours=2.0,
        place="村委会办公室",
        summary=f"坐班接待 #{i}",
    )


def lecture(village_code: str = VILLAGE) -> LectureHeld:
    return LectureHeld(
        entry_id=f"entry-{uuid4().hex}",
        advisor_id="adv-1",
        unit_id="unit-firm-1",
        village_code=village_code,
        occurred_at=_DAY_ONE,
        topic="民法典婚姻家庭编",
        audience=42,
        co_organisers=["普法与依法治理股"],
    )


def consultation(village_code: str = VILLAGE) -> ConsultationGiven:
    return ConsultationGiven(
        entry_id=f"entry-{uuid4().hex}",
        advisor_id="adv-1",
        unit_id="unit-firm-1",
        village_code=village_code,
        occurred_at=_DAY_ONE,
        channel=ConsultationChannel.wechat,
        category=ConsultationCategory.land,
        outcome=ConsultationOutcome.resolved,
        summary="土地承包经营权流转咨询",
    )


def division(code: str = VILLAGE) -> DivisionRegistered:
    return DivisionRegistered(code=code, name="某某村", level=DivisionLevel.village, parent_code=TOWNSHIP)


def unit() -> UnitRegistered:
    return UnitRegistered(
        unit_id="unit-firm-1",
        kind=UnitKind.law_firm,
        name="甘肃某某律师事务所",
        division_code=COUNTY,
        credit_code="31620000MD0012345X",
        licence_no="31620000123456789",
    )


def advisor() -> AdvisorRegistered:
    return AdvisorRegistered(
        advisor_id="adv-1",
        name="张三",
        kind=AdvisorKind.lawyer,
        unit_id="unit-firm-1",
        licence_no="16210201910123456",
        phone="13809341234",
    )


def assignment(village_code: str = VILLAGE) -> AdvisorAssigned:
    return AdvisorAssigned(
        assignment_id=f"asg-{uuid4().hex[:8]}",
        village_code=village_code,
        advisor_id="adv-1",
        unit_id="unit-firm-1",
        valid_from=date(2025, 1, 1),
        schedule="每周三 9:00-12:00",
    )


def visits(count: int, start: int = 0) -> list[Event]:
    return [visit(start + i) for i in range(count)]
