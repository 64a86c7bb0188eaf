"""A seeded catch-up backlog for the three producing services: the registry of two cities' counties
(Qingyang and Pingliang in Gansu, fifteen counties, so they spread over every partition), a year of ledger
entries with their later corrections, voids, queries and confirmations, and the assessment's rules,
breaches and results, as (stream, tenant, events) rows for `EventStore.append_many`.

Two rounds, as a county's history has them: `first` creates every stream (divisions, units, advisors,
assignments, agreements, boards, groups, entries, assessments), `later` appends to many of them
(reassignments, filings, renewals, member counts, entry corrections and voids). Many streams, so the
records spread over every partition of a topic (the key is the stream id).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from eventkit.store import NewStream
from vc_contracts import CST, Event, Tenant
from vc_contracts.catalogue import assessment as asm
from vc_contracts.catalogue import enums
from vc_contracts.catalogue import ledger as lg
from vc_contracts.catalogue import registry as rg

COUNTIES = (
    "620802",
    "620821",
    "620822",
    "620823",
    "620825",
    "620826",
    "620881",
    "621002",
    "621021",
    "621022",
    "621023",
    "621024",
    "621025",
    "621026",
    "621027",
)
YEAR = 2025
_NAMES = ("张建国", "李秀英", "王志强", "刘桂兰", "陈明", "杨晓燕", "赵德胜", "黄丽")


@dataclass
class Backlog:
    """Per service ("registry", "ledger", "assessment"): the streams of each round."""

    first: dict[str, list[NewStream]] = field(default_factory=dict)
    later: dict[str, list[NewStream]] = field(default_factory=dict)

    def count(self) -> dict[str, int]:
        """Events per service, both rounds."""
        rounds = (self.first, self.later)
        return {s: sum(len(n.events) for r in rounds for n in r.get(s, [])) for s in self.first}


def _stream(stream_id: str, code: str, events: list[Event], version: int = 0) -> NewStream:
    at = datetime(YEAR, 1, 1, 9, tzinfo=CST)
    return NewStream(stream_id, events, Tenant.of(code), at, expected_version=version)


def _day(rng: random.Random) -> date:
    return date(YEAR, 1, 1) + timedelta(days=rng.randrange(360))


def _when(rng: random.Random) -> datetime:
    return datetime(YEAR, 1, 1, 8, tzinfo=CST) + timedelta(
        days=rng.randrange(360), minutes=rng.randrange(0, 540, 15)
    )


def villages(count: int, townships: int = 2) -> Iterator[tuple[str, str]]:
    """(township code, village code) of `count` villages, county by county (COUNTIES, the same
    number in each), `townships` townships per county."""
    per_county = -(-count // len(COUNTIES))
    for i in range(count):
        county, n = COUNTIES[i // per_county], i % per_county
        township = f"{county}{100 + n % townships:03d}000"
        yield township, f"{township[:9]}{200 + n // townships:03d}"


def _entry(rng: random.Random, entry_id: str, advisor: str, unit: str, village: str) -> lg.LedgerEntryEvent:
    common = {"entry_id": entry_id, "advisor_id": advisor, "unit_id": unit, "village_code": village}
    at = _when(rng)
    match rng.randrange(10):
        case 0 | 1 | 2 | 3:
            hours = rng.randrange(1, 17) / 2
            return lg.VisitLogged(
                **common,
                occurred_at=at,
                started_at=at,
                ended_at=at + timedelta(hours=hours),
                hours=hours,
                place="村委会办公室",
                summary="坐班接待",
            )
        case 4:
            return lg.LectureHeld(**common, occurred_at=at, topic="民法典", audience=rng.randrange(10, 90))
        case 5:
            return lg.PublicityEventHeld(
                **common, occurred_at=at, topic="普法赶集", audience=rng.randrange(90)
            )
        case 6 | 7:
            return lg.ConsultationGiven(
                **common,
                occurred_at=at,
                channel=rng.choice(list(enums.ConsultationChannel)),
                category=rng.choice(list(enums.ConsultationCategory)),
                outcome=rng.choice(list(enums.ConsultationOutcome)),
                summary="土地承包咨询",
            )
        case 8:
            return lg.DisputeMediated(
                **common,
                occurred_at=at,
                parties=2 + rng.randrange(3),
                category=rng.choice(list(enums.ConsultationCategory)),
                outcome=rng.choice(list(enums.MediationOutcome)),
                summary="邻里纠纷调解",
            )
        case _:
            return lg.DocumentReviewed(
                **common,
                occurred_at=at,
                document_kind=rng.choice(list(enums.DocumentKind)),
                title="村规民约",
                summary="审查意见",
            )


def _afterwards(rng: random.Random, entry: lg.LedgerEntryEvent) -> list[Event]:
    """What may happen to an entry later: a query, a correction, a confirmation, a void."""
    entry_id, village = entry.entry_id, entry.village_code
    roll = rng.random()
    if roll < 0.08:
        return [lg.EntryVoided(entry_id=entry_id, village_code=village, reason="重复登记")]
    if roll < 0.16:
        changes: dict[str, object] = {"summary": "更正摘要"}
        if isinstance(entry, lg.VisitLogged):
            ended = entry.started_at + timedelta(hours=1.5)
            changes = {"ended_at": ended.isoformat(), "hours": 1.5}
        return [
            lg.EntryQueried(
                entry_id=entry_id,
                village_code=village,
                reason="时长存疑",
                queried_by="C-1",
                queried_at=entry.occurred_at + timedelta(days=2),
            ),
            lg.EntryCorrected(entry_id=entry_id, village_code=village, changes=changes, reason="更正"),
        ]
    if roll < 0.5:
        day = entry.occurred_at.date() + timedelta(days=3)
        return [
            lg.EntryConfirmed(entry_id=entry_id, village_code=village, confirmed_by="C-1", confirmed_on=day)
        ]
    return []


def backlog(seed: int, village_count: int, entries_per_village: int) -> Backlog:  # noqa: PLR0915
    """A county of `village_count` villages (one advisor per 5, one firm per 4 advisors) and
    `entries_per_village` ledger entries each; the same seed gives the same events."""
    rng = random.Random(seed)
    out = Backlog()
    reg, reg_later = out.first.setdefault("registry", []), out.later.setdefault("registry", [])
    led, led_later = out.first.setdefault("ledger", []), out.later.setdefault("ledger", [])
    asmt, asmt_later = out.first.setdefault("assessment", []), out.later.setdefault("assessment", [])
    pairs = list(villages(village_count))
    for county in sorted({t[:6] for t, _ in pairs}):
        reg.append(
            _stream(
                f"division-{county}",
                county,
                [
                    rg.DivisionRegistered(
                        code=county,
                        name=f"{county}县",
                        level=enums.DivisionLevel.county,
                        parent_code=f"{county[:4]}00",
                    )
                ],
            )
        )
    for township in sorted({t for t, _ in pairs}):
        reg.append(
            _stream(
                f"division-{township}",
                township,
                [
                    rg.DivisionRegistered(
                        code=township,
                        name=f"{township[6:9]}镇",
                        level=enums.DivisionLevel.township,
                        parent_code=township[:6],
                    )
                ],
            )
        )
    advisors = [f"A-{i:04d}" for i in range((village_count + 4) // 5)]  # village i: advisor i // 5
    unit_of = {a: f"U-{i // 4:03d}" for i, a in enumerate(advisors)}
    county_of = {unit_of[advisors[i // 5]]: village[:6] for i, (_, village) in enumerate(pairs)}
    for unit in sorted(set(unit_of.values())):
        reg.append(
            _stream(
                f"unit-{unit}",
                county_of[unit],
                [
                    rg.UnitRegistered(
                        unit_id=unit,
                        kind=enums.UnitKind.law_firm,
                        name=f"律师事务所{unit}",
                        division_code=county_of[unit],
                    )
                ],
            )
        )
    for i, advisor in enumerate(advisors):
        reg.append(
            _stream(
                f"advisor-{advisor}",
                county_of[unit_of[advisor]],
                [
                    rg.AdvisorRegistered(
                        advisor_id=advisor,
                        name=_NAMES[i % len(_NAMES)],
                        kind=enums.AdvisorKind.lawyer,
                        unit_id=unit_of[advisor],
                        phone=f"139{i:08d}",
                    )
                ],
            )
        )
    for i, (township, village) in enumerate(pairs):
        advisor = advisors[i // 5]
        unit = unit_of[advisor]
        reg.append(
            _stream(
                f"division-{village}",
                village,
                [
                    rg.DivisionRegistered(
                        code=village,
                        name=f"{village[-3:]}村",
                        level=enums.DivisionLevel.village,
                        parent_code=township,
                    )
                ],
            )
        )
        assignment = rg.AdvisorAssigned(
            assignment_id=f"AS-{village}-1",
            village_code=village,
            advisor_id=advisor,
            unit_id=unit,
            valid_from=date(YEAR, 1, 1),
            schedule="每周三上午",
        )
        reg.append(_stream(f"assignment-AS-{village}-1", village, [assignment]))
        reg.append(
            _stream(
                f"agreement-AG-{village}",
                village,
                [
                    rg.AgreementSigned(
                        agreement_id=f"AG-{village}",
                        unit_id=unit,
                        village_code=village,
                        advisor_ids=[advisor],
                        term_start=date(YEAR, 1, 1),
                        term_end=date(YEAR + 2, 12, 31),
                        signed_on=date(YEAR - 1, 12, 20),
                    )
                ],
            )
        )
        reg.append(
            _stream(
                f"board-{village}",
                village,
                [
                    rg.NoticeBoardPosted(
                        village_code=village,
                        advisor_id=advisor,
                        advisor_name=_NAMES[(i // 5) % len(_NAMES)],
                        phone=f"139{i // 5:08d}",
                        schedule="每周三上午",
                        posted_on=date(YEAR, 1, 10),
                    )
                ],
            )
        )
        reg.append(
            _stream(
                f"group-{village}",
                village,
                [
                    rg.ServiceGroupEstablished(
                        group_id=f"G-{village}",
                        village_code=village,
                        advisor_id=advisor,
                        name=f"{village[-3:]}村法律服务群",
                        member_count=rng.randrange(50, 300),
                        established_on=date(YEAR, 1, 15),
                    )
                ],
            )
        )
        # later: most agreements filed, some renewed or terminated; one village in ten reassigned
        filings: list[Event] = []
        if rng.random() < 0.9:
            filings.append(
                rg.AgreementFiled(
                    agreement_id=f"AG-{village}",
                    village_code=village,
                    filing_no=f"正司备{YEAR}-{i:04d}",
                    filed_on=_day(rng),
                    signed_and_stamped=rng.random() < 0.9,
                )
            )
        if rng.random() < 0.05:
            filings.append(
                rg.AgreementTerminated(
                    agreement_id=f"AG-{village}",
                    village_code=village,
                    terminated_on=date(YEAR, 11, 30),
                    reason="顾问调离",
                )
            )
        elif rng.random() < 0.2:
            filings.append(
                rg.AgreementRenewed(
                    agreement_id=f"AG-{village}",
                    village_code=village,
                    new_term_end=date(YEAR + 4, 12, 31),
                    renewed_on=date(YEAR, 12, 1),
                )
            )
        if filings:
            reg_later.append(_stream(f"agreement-AG-{village}", village, filings, version=1))
        reg_later.append(
            _stream(
                f"group-{village}",
                village,
                [
                    rg.ServiceGroupMembersCounted(
                        group_id=f"G-{village}",
                        village_code=village,
                        member_count=rng.randrange(50, 400),
                        counted_on=date(YEAR, 7, 1),
                    )
                ],
                version=1,
            )
        )
        serving = [(advisor, unit, date(YEAR, 1, 1), date(YEAR, 12, 31))]
        if rng.random() < 0.1:
            other = advisors[(i // 5 + 1) % len(advisors)]
            reg_later.append(
                _stream(
                    f"assignment-AS-{village}-1",
                    village,
                    [
                        rg.AssignmentEnded(
                            assignment_id=f"AS-{village}-1",
                            village_code=village,
                            advisor_id=advisor,
                            valid_to=date(YEAR, 6, 30),
                            reason="调整",
                        )
                    ],
                    version=1,
                )
            )
            reg_later.append(
                _stream(
                    f"assignment-AS-{village}-2",
                    village,
                    [
                        rg.AdvisorAssigned(
                            assignment_id=f"AS-{village}-2",
                            village_code=village,
                            advisor_id=other,
                            unit_id=unit_of[other],
                            valid_from=date(YEAR, 7, 1),
                            schedule="每周五上午",
                        )
                    ],
                )
            )
            serving = [
                (advisor, unit, date(YEAR, 1, 1), date(YEAR, 6, 30)),
                (other, unit_of[other], date(YEAR, 7, 1), date(YEAR, 12, 31)),
            ]
        for n in range(entries_per_village):
            who, firm, start, end = rng.choice(serving)
            entry = _entry(rng, f"E-{village}-{n:03d}", who, firm, village)
            day = max(start, min(end, entry.occurred_at.date()))
            entry = entry.model_copy(
                update={"occurred_at": entry.occurred_at.replace(month=day.month, day=day.day)}
            )
            if isinstance(entry, lg.VisitLogged):
                length = entry.ended_at - entry.started_at
                entry = entry.model_copy(
                    update={"started_at": entry.occurred_at, "ended_at": entry.occurred_at + length}
                )
            led.append(_stream(f"entry-{entry.entry_id}", village, [entry]))
            if after := _afterwards(rng, entry):
                led_later.append(_stream(f"entry-{entry.entry_id}", village, after, version=1))
    rules = asm.ComplianceRulesSet(
        division_code="620000",
        version=1,
        effective_from=date(YEAR, 1, 1),
        min_quarter_onsite_hours=8,
        min_year_lectures=2,
        filing_deadline_month_day="03-31",
        half_year_report_due=["07-15", "01-15"],
        annual_report_due="12-31",
    )
    asmt.append(_stream("rules-620000", "620000", [rules]))
    for i, advisor in enumerate(advisors):
        village = pairs[i * 5][1]
        assessment_id = f"AM-{YEAR}-{advisor}"
        result = enums.AssessmentResult.passed if rng.random() < 0.8 else enums.AssessmentResult.failed
        asmt.append(
            _stream(
                f"assessment-{assessment_id}",
                village,
                [
                    asm.AssessmentConcluded(
                        assessment_id=assessment_id,
                        advisor_id=advisor,
                        year=YEAR,
                        result=result,
                        basis={"onsite_hours": rng.randrange(20, 60)},
                        rule_version=1,
                    )
                ],
            )
        )
        if rng.random() < 0.3:
            asmt.append(
                _stream(
                    f"breach-{advisor}-{YEAR}Q2",
                    village,
                    [
                        asm.ComplianceBreached(
                            breach_id=f"BR-{advisor}-{YEAR}Q2",
                            advisor_id=advisor,
                            village_code=village,
                            rule="min_quarter_onsite_hours",
                            period=f"{YEAR}Q2",
                            expected=8,
                            actual=rng.randrange(8),
                            rule_version=1,
                            rule_division_code="620000",
                        )
                    ],
                )
            )
        follow: Event = (
            asm.RenewalRecommended(assessment_id=assessment_id, advisor_id=advisor, year=YEAR)
            if result == enums.AssessmentResult.passed
            else asm.RectificationRequested(
                assessment_id=assessment_id,
                advisor_id=advisor,
                unit_id=unit_of[advisor],
                year=YEAR,
                items=["坐班时长不足"],
                due_on=date(YEAR + 1, 3, 31),
            )
        )
        asmt_later.append(_stream(f"assessment-{assessment_id}", village, [follow], version=1))
    return out
