"""One person, one claim (R2 vetting): every path that puts an advisor on the county's books — a
unit's nomination, the county's own registration, the roster import — claims the person on their
claim stream (registry/domain/nominees.py) in its own transaction. The read model is never
consulted here (`known=()`, no projection runs): these are the races the lagging read model misses.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from eventkit.auth import Principal, Role
from eventkit.clock import now_cst
from eventkit.idempotency import Idempotency, Replayed
from eventkit.import_errors import ImportRejectedError
from eventkit.store import EventStore, Metadata
from registry.application.commands import DirectoryCommands
from registry.application.roster_import import import_roster
from registry.domain import advisors, nominees, units
from registry.domain.vetting import AlreadyNominatedError
from vc_contracts import Tenant
from vc_contracts.catalogue.enums import AdvisorKind, AdvisorStatus, DivisionLevel, UnitKind
from vc_contracts.catalogue.registry import AdvisorRegistered

COUNTY, TOWN = "621025", "621025100000"
FIRM, CREDIT = "U-claim-firm", "91621025MA71C0009X"
FIRM_NAME = "甘肃认领律师事务所"
PROVINCE = Principal(subject="claim-province", role=Role.province_admin, scope="620000")
CLERK = Principal(subject="claim-county", role=Role.county_admin, scope=COUNTY)
UNIT_CLERK = Principal(subject="claim-firm", role=Role.law_firm, scope=COUNTY, unit_id=FIRM)
HEADING = (
    "unit_id,unit_name,unit_kind,unit_division_code,unit_credit_code,"
    "advisor_id,advisor_name,advisor_kind,licence_no,phone"
)


def licence(n: int) -> str:
    return f"16210{n:012d}"


def idem(store: EventStore, who: Principal, key: str | None = None, what: str = "x") -> Idempotency:
    return Idempotency(store.schema, who.subject, key, f"POST /test#{what}", 201)


def roster(*rows: tuple[str, int]) -> bytes:
    """A roster of the firm's lawyers: (advisor id, n) -> name 顾问<n>, licence licence(n)."""
    lines = [HEADING] + [
        f"{FIRM},{FIRM_NAME},law_firm,{COUNTY},{CREDIT},{a},顾问{n},lawyer,{licence(n)},137{n:08d}"
        for a, n in rows
    ]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
async def directory(store: EventStore) -> DirectoryCommands:
    d = DirectoryCommands(store)
    for code, name, level, parent in (
        ("620000", "甘肃省", DivisionLevel.province, None),
        ("621000", "庆阳市", DivisionLevel.city, "620000"),
        (COUNTY, "正宁县", DivisionLevel.county, "621000"),
        (TOWN, "认领镇", DivisionLevel.township, COUNTY),
    ):
        await d.register_division(PROVINCE, code, name, level, parent, idem(store, PROVINCE))
    await d.register_unit(CLERK, FIRM, UnitKind.law_firm, FIRM_NAME, COUNTY, CREDIT, None, idem(store, CLERK))
    return d


async def nominate(d: DirectoryCommands, advisor_id: str, n: int) -> Any:
    args = (advisor_id, f"顾问{n}", AdvisorKind.lawyer, FIRM, f"137{n:08d}", licence(n))
    return await d.nominate_advisor(UNIT_CLERK, *args, idem(d.store, UNIT_CLERK), known=())


async def register(d: DirectoryCommands, advisor_id: str, n: int) -> Any:
    args = (advisor_id, f"顾问{n}", AdvisorKind.lawyer, FIRM, f"137{n:08d}", licence(n))
    return await d.register_advisor(CLERK, *args, idem(d.store, CLERK))


async def claims(store: EventStore, n: int) -> list[str]:
    """The advisor ids that claimed the person with licence(n), in order."""
    person = nominees.Person(COUNTY, FIRM, f"顾问{n}", licence(n))
    stored = (await store.read_streams([person.stream_id])).get(person.stream_id, [])
    return [s.event.advisor_id for s in stored]  # type: ignore[attr-defined]


async def leave(d: DirectoryCommands, advisor_id: str) -> None:
    day = now_cst().date() - timedelta(days=1)
    await d.change_advisor_status(CLERK, advisor_id, AdvisorStatus.left, day, "调离", idem(d.store, CLERK))


def refused_rows(refusal: pytest.ExceptionInfo[ImportRejectedError]) -> list[tuple[int, str]]:
    return [(p.row, p.column) for p in refusal.value.problems]


async def test_an_imported_advisor_cannot_be_nominated_again(directory: DirectoryCommands) -> None:
    await import_roster(directory.store, CLERK, roster(("A-imp-1", 1)), idem(directory.store, CLERK))
    with pytest.raises(AlreadyNominatedError) as refused:
        await nominate(directory, "A-nom-1", 1)
    error = refused.value
    assert (error.status, error.code, error.field) == (409, "already_nominated", "licence_no")
    assert "A-imp-1" in refused.value.message
    assert await claims(directory.store, 1) == ["A-imp-1"]
    assert not (await directory.advisor("A-nom-1")).exists


async def test_a_nominated_person_is_refused_by_the_import_naming_the_row(
    directory: DirectoryCommands,
) -> None:
    await nominate(directory, "A-nom-2", 2)
    content = roster(("A-imp-3", 3), ("A-imp-2", 2))
    with pytest.raises(ImportRejectedError) as refused:
        await import_roster(directory.store, CLERK, content, idem(directory.store, CLERK))
    assert refused_rows(refused) == [(3, "licence_no")]
    assert "第 3 行" in refused.value.problems[0].reason and "不能重复" in refused.value.problems[0].reason
    assert not (await directory.advisor("A-imp-3")).exists  # all or nothing
    assert await claims(directory.store, 3) == []


async def test_one_file_naming_one_person_twice_under_two_ids_is_refused(
    directory: DirectoryCommands,
) -> None:
    with pytest.raises(ImportRejectedError) as refused:
        content = roster(("A-twice-a", 4), ("A-twice-b", 4))
        await import_roster(directory.store, CLERK, content, idem(directory.store, CLERK))
    assert (3, "licence_no") in refused_rows(refused)


async def test_two_imports_of_one_person_at_the_same_instant_pass_once(directory: DirectoryCommands) -> None:
    store = directory.store
    answers = await asyncio.gather(
        import_roster(store, CLERK, roster(("A-race-a", 5)), idem(store, CLERK, "race-a", "a")),
        import_roster(store, CLERK, roster(("A-race-b", 5)), idem(store, CLERK, "race-b", "b")),
        return_exceptions=True,
    )
    passed = [a for a in answers if isinstance(a, dict)]
    refused = [a for a in answers if isinstance(a, ImportRejectedError)]
    assert (len(passed), len(refused)) == (1, 1), answers
    assert [(p.row, p.column) for p in refused[0].problems] == [(2, "licence_no")]
    assert len(await claims(store, 5)) == 1


async def test_the_county_registration_claims_the_person_too(directory: DirectoryCommands) -> None:
    await register(directory, "A-reg-6", 6)
    with pytest.raises(AlreadyNominatedError):
        await nominate(directory, "A-nom-6", 6)
    await nominate(directory, "A-nom-7", 7)
    with pytest.raises(AlreadyNominatedError) as refused:
        await register(directory, "A-reg-7", 7)
    assert refused.value.field == "licence_no"
    with pytest.raises(ImportRejectedError):
        await import_roster(directory.store, CLERK, roster(("A-imp-6", 6)), idem(directory.store, CLERK))
    answers = await asyncio.gather(
        register(directory, "A-reg-8a", 8), register(directory, "A-reg-8b", 8), return_exceptions=True
    )
    assert sorted(type(a).__name__ for a in answers) == ["AlreadyNominatedError", "Outcome"], answers
    assert await claims(directory.store, 6) == ["A-reg-6"] and await claims(directory.store, 7) == ["A-nom-7"]
    assert len(await claims(directory.store, 8)) == 1
    await register(directory, "A-reg-6", 6)  # the same registration again: nothing new, no refusal
    assert await claims(directory.store, 6) == ["A-reg-6"]


async def test_importing_the_same_file_again_claims_nothing_new(directory: DirectoryCommands) -> None:
    store = directory.store
    content = roster(("A-again-9", 9), ("A-again-10", 10))
    first = await import_roster(store, CLERK, content, idem(store, CLERK, "again", "same"))
    assert first["advisors"] == {"new": 2, "unchanged": 0}
    with pytest.raises(Replayed) as replayed:
        await import_roster(store, CLERK, content, idem(store, CLERK, "again", "same"))
    assert replayed.value.status == 201
    again = await import_roster(store, CLERK, content, idem(store, CLERK))
    assert (again["events"], again["advisors"]) == (0, {"new": 0, "unchanged": 2})
    assert await claims(store, 9) == ["A-again-9"] and await claims(store, 10) == ["A-again-10"]


async def test_a_person_who_left_or_was_rejected_may_be_claimed_again(directory: DirectoryCommands) -> None:
    store = directory.store
    await import_roster(store, CLERK, roster(("A-lapse-11", 11)), idem(store, CLERK))
    await leave(directory, "A-lapse-11")
    await nominate(directory, "A-lapse-11b", 11)  # left: the claim lapsed
    await directory.decide_nomination(
        CLERK, "A-lapse-11b", advisors.RejectAdvisor("材料不全"), idem(store, CLERK)
    )
    await import_roster(store, CLERK, roster(("A-lapse-11c", 11)), idem(store, CLERK))  # rejected: lapsed
    await leave(directory, "A-lapse-11c")
    await register(directory, "A-lapse-11d", 11)
    assert await claims(store, 11) == ["A-lapse-11", "A-lapse-11b", "A-lapse-11c", "A-lapse-11d"]


def test_the_claim_names_the_county_of_the_unit() -> None:
    unit = units.Unit(unit_id=FIRM, division_code=TOWN)
    person = nominees.Person.of(unit, "顾问1", licence(1))
    assert person == nominees.Person(COUNTY, FIRM, "顾问1", licence(1))


async def test_an_advisor_registered_before_claims_is_claimed_when_the_roster_names_it(
    directory: DirectoryCommands,
) -> None:
    """History written before claims existed: an advisor without a claim. Importing the roster that
    names it (unchanged) claims the free person, so a later nomination of them is refused."""
    store = directory.store
    legacy = AdvisorRegistered(
        advisor_id="A-old-12", name="顾问12", kind=AdvisorKind.lawyer, unit_id=FIRM,
        licence_no=licence(12), phone=f"137{12:08d}",
    )  # fmt: skip
    await store.append(
        advisors.advisor_stream("A-old-12"), 0, [legacy], tenant=Tenant.of(COUNTY), metadata=Metadata("old")
    )
    report = await import_roster(store, CLERK, roster(("A-old-12", 12)), idem(store, CLERK))
    assert report["advisors"] == {"new": 0, "unchanged": 1} and report["events"] == 1
    assert await claims(store, 12) == ["A-old-12"]
    with pytest.raises(AlreadyNominatedError):
        await nominate(directory, "A-new-12", 12)
