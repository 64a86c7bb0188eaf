"""Who a nominee is (R2 vetting): one claim stream per person in a county, so that "the same person
is on the county's books once" is decided by the event store, not read from the (lagging) read model.

Every path that creates an advisor claims the person in its own transaction through `claim` and
this decider: a unit's nomination (AdvisorNominated), the county's own registration and the roster
import (AdvisorRegistered on a new stream; the import claims all its rows in its one transaction, so
a clash refuses the whole file by row). Approval adds no claim: the nomination made it.

The same person is the same licence number when one is given, else (a judicial assistant, an office
head: no licence) the same name in the same unit; vetting.require_new_person says the same for the
roster. The stream id is `nominee-<county>-<digest of that key>`, so it carries no name or licence.
A nomination appends `NomineeClaimed` to it in the nomination's own transaction; two nominations of
the same person at the same instant append at the same version, the store lets one through and the
other decides again on the first's claim and is refused (409 `already_nominated`).

A claim lapses when its advisor was rejected or has left: the caller folds the holder's own stream
and `claim` names it in `ClaimNominee.lapsed`, and the new advisor claims the person anew. A
renomination or a repeated registration on the holder's own stream claims nothing new.

Limits: advisors registered before claims existed hold none until a roster import names them again
(the import claims a free person for an unchanged advisor); a licence number is never corrected
in place (no event changes it), so a claim never has to move — a corrected licence is a new
registration and the old advisor leaves, which lapses its claim.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from eventkit.decider import Decider
from vc_contracts import Event
from vc_contracts.catalogue.enums import AdvisorStatus, AdvisorVetting
from vc_contracts.catalogue.registry import NomineeClaimed
from vc_contracts.divisions import Tenant

from registry.domain.advisors import Advisor
from registry.domain.units import Unit
from registry.domain.vetting import AlreadyNominatedError


@dataclass(frozen=True)
class Person:
    """The person a nomination names, by the key vetting compares: licence, else name in unit."""

    county: str
    unit_id: str
    name: str
    licence_no: str | None

    @classmethod
    def of(cls, unit: Unit, name: str, licence_no: str | None) -> Person:
        """The person `name` (licence `licence_no`) of `unit`, in the county the unit lies in."""
        county = Tenant.of(unit.division_code or "").narrowest
        return cls(county, unit.unit_id or "", name, licence_no)

    @property
    def stream_id(self) -> str:
        key = f"licence:{self.licence_no}" if self.licence_no else f"name:{self.unit_id}:{self.name}"
        return f"nominee-{self.county}-{hashlib.sha256(key.encode()).hexdigest()[:24]}"

    @property
    def field(self) -> str:
        """The field a refusal names: what made the two nominations the same person."""
        return "licence_no" if self.licence_no else "name"


@dataclass(frozen=True)
class Claim:
    """Which advisor (stream) the person is nominated as; None before any nomination."""

    holder: str | None = None


@dataclass(frozen=True)
class ClaimNominee:
    """Claim `person` for `advisor_id`; `lapsed` is the holder the caller found rejected or left."""

    person: Person
    advisor_id: str
    lapsed: str | None = None


def stands(advisor: Advisor) -> bool:
    """Whether `advisor` holds its person: neither rejected nor left."""
    return advisor.vetting is not AdvisorVetting.rejected and advisor.status is not AdvisorStatus.left


def claim(person: Person, advisor_id: str, state: Claim, holder: Advisor) -> ClaimNominee:
    """The command claiming `person` for `advisor_id`, given the claim (`state`) and its holder's
    folded advisor stream (`Advisor()` when there is none): a holder that no longer stands lapsed."""
    other = state.holder is not None and state.holder != advisor_id
    return ClaimNominee(person, advisor_id, state.holder if other and not stands(holder) else None)


def decide(state: Claim, c: ClaimNominee, now: datetime) -> list[Event]:
    """[NomineeClaimed], or nothing when `advisor_id` already holds the claim; 409
    `already_nominated` (field `licence_no` or `name`) while another advisor's claim stands."""
    if state.holder == c.advisor_id:
        return []
    if state.holder is not None and state.holder != c.lapsed:
        what = f"执业证号 {c.person.licence_no} " if c.person.licence_no else f"{c.person.name} "
        message = f"{what}已在本县提名或在册（顾问编号 {state.holder}），不能重复提名或登记"
        raise AlreadyNominatedError(message, field=c.person.field)
    return [NomineeClaimed(advisor_id=c.advisor_id, unit_id=c.person.unit_id)]


def evolve(state: Claim, event: Event) -> Claim:
    match event:
        case NomineeClaimed():
            return Claim(holder=event.advisor_id)
        case _:
            return state


nominees: Decider[Claim, ClaimNominee] = Decider(Claim(), evolve, decide)
