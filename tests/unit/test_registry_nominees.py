"""The nominee claim (R2 vetting): given the claim's holder, when a nomination claims the person,
then it claims, claims nothing new, or is refused 409 `already_nominated`."""

from __future__ import annotations

from datetime import datetime

import pytest
from registry.domain.advisors import Advisor
from registry.domain.nominees import Claim, ClaimNominee, Person, claim, nominees
from registry.domain.vetting import AlreadyNominatedError
from vc_contracts import CST
from vc_contracts.catalogue.enums import AdvisorStatus, AdvisorVetting
from vc_contracts.catalogue.registry import NomineeClaimed

NOW = datetime(2026, 11, 30, 10, tzinfo=CST)
LAWYER = Person("621025", "U-1", "周律师", "16210201234567890")
ASSISTANT = Person("621025", "U-2", "李助理", None)


@pytest.mark.parametrize(
    ("person", "holder", "advisor", "lapsed", "then"),
    [
        (LAWYER, None, "A-1", None, [NomineeClaimed(advisor_id="A-1", unit_id="U-1")]),  # first claim
        (LAWYER, "A-1", "A-1", None, []),  # a renomination on its own stream
        (LAWYER, "A-1", "A-2", "A-1", [NomineeClaimed(advisor_id="A-2", unit_id="U-1")]),  # A-1 rejected/left
        (LAWYER, "A-1", "A-2", None, "licence_no"),  # A-1 stands
        (LAWYER, "A-3", "A-2", "A-1", "licence_no"),  # lapsed named another holder (a race): refused
        (ASSISTANT, "A-4", "A-5", None, "name"),  # no licence: the same name in the same unit
    ],
)
def test_claiming_a_nominee(
    person: Person, holder: str | None, advisor: str, lapsed: str | None, then: list[object] | str
) -> None:
    given = nominees.fold([NomineeClaimed(advisor_id=holder, unit_id=person.unit_id)] if holder else [])
    assert given == Claim(holder)
    command = ClaimNominee(person, advisor, lapsed)
    if isinstance(then, str):
        with pytest.raises(AlreadyNominatedError) as refused:
            nominees.decide(given, command, NOW)
        assert (refused.value.status, refused.value.field) == (409, then)
    else:
        assert nominees.decide(given, command, NOW) == then


def test_the_claim_stream_names_the_county_and_carries_no_name_or_licence() -> None:
    assert LAWYER.stream_id.startswith("nominee-621025-")
    assert "1621020" not in LAWYER.stream_id and "李助理" not in ASSISTANT.stream_id
    assert Person("621026", "U-1", "周律师", LAWYER.licence_no).stream_id != LAWYER.stream_id


STANDING = Advisor("A-1")
SUSPENDED = Advisor("A-1", status=AdvisorStatus.suspended)
LEFT = Advisor("A-1", status=AdvisorStatus.left)
REJECTED = Advisor("A-1", vetting=AdvisorVetting.rejected)
PENDING = Advisor("A-1", vetting=AdvisorVetting.pending)


@pytest.mark.parametrize(
    ("holder", "holder_state", "advisor", "lapsed"),
    [
        (None, Advisor(), "A-2", None),  # nobody holds the person
        ("A-1", STANDING, "A-2", None),  # an approved advisor holds it: the decider refuses
        ("A-1", PENDING, "A-2", None),  # a pending nomination holds it
        ("A-1", SUSPENDED, "A-2", None),  # suspended still holds it: they may come back
        ("A-1", LEFT, "A-2", "A-1"),  # left: lapsed
        ("A-1", REJECTED, "A-2", "A-1"),  # rejected: lapsed
        ("A-1", REJECTED, "A-1", None),  # its own stream renominated: nothing lapses
    ],
)
def test_which_holder_lapsed(
    holder: str | None, holder_state: Advisor, advisor: str, lapsed: str | None
) -> None:
    """Given the claim and its holder's stream, when an advisor claims, then the command names the
    holder as lapsed only when it was rejected or has left (the same on every path that claims)."""
    assert claim(LAWYER, advisor, Claim(holder), holder_state) == ClaimNominee(LAWYER, advisor, lapsed)
