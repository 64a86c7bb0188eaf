"""WeChat service groups (R10): established once per village, members counted over time (pure)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from eventkit.errors import AppError, ConflictError, RuleViolationError
from registry.domain.advisors import Advisor
from registry.domain.divisions import Division
from registry.domain.groups import Command, CountMembers, EstablishServiceGroup, service_groups
from support.deciding import Spec
from vc_contracts import CST, Event
from vc_contracts.catalogue.enums import DivisionLevel
from vc_contracts.catalogue.registry import ServiceGroupEstablished, ServiceGroupMembersCounted

NOW = datetime(2025, 6, 1, 10, 0, tzinfo=CST)
VILLAGE = Division("621025100201", "西头村", DivisionLevel.village, "621025100000")
LI = Advisor("A-li", "李律师", "U-firm", "13800000001")
ESTABLISH = EstablishServiceGroup("G-1", VILLAGE, LI, "西头村法律服务群", 120, date(2025, 2, 1))
ESTABLISHED = ServiceGroupEstablished(
    group_id="G-1",
    village_code=VILLAGE.code or "",
    advisor_id="A-li",
    name="西头村法律服务群",
    member_count=120,
    established_on=date(2025, 2, 1),
)
COUNTED = ServiceGroupMembersCounted(
    group_id="G-1", village_code=VILLAGE.code or "", member_count=180, counted_on=date(2025, 4, 1)
)


SPEC = Spec(service_groups, NOW)


def test_a_group_is_established_with_every_field_of_the_command() -> None:
    SPEC.given().when(ESTABLISH).then(ESTABLISHED)


def test_members_are_counted_over_time() -> None:
    SPEC.given(ESTABLISHED, COUNTED).when(CountMembers(210, date(2025, 5, 1))).then(
        COUNTED.model_copy(update={"member_count": 210, "counted_on": date(2025, 5, 1)})
    )


def test_establishing_the_same_group_again_changes_nothing() -> None:
    SPEC.given(ESTABLISHED).when(ESTABLISH).then()


@pytest.mark.parametrize(
    ("given", "command", "error", "field"),
    [
        (
            [ESTABLISHED],
            EstablishServiceGroup("G-2", VILLAGE, LI, "另一个群", 5, date(2025, 3, 1)),
            ConflictError,
            "village_code",
        ),
        (
            [],
            EstablishServiceGroup("G-1", Division(), LI, "群", 5, date(2025, 3, 1)),
            RuleViolationError,
            "village_code",
        ),
        (
            [],
            EstablishServiceGroup("G-1", VILLAGE, Advisor(), "群", 5, date(2025, 3, 1)),
            RuleViolationError,
            "advisor_id",
        ),
        (
            [],
            EstablishServiceGroup("G-1", VILLAGE, LI, "群", 5, date(2025, 7, 1)),
            RuleViolationError,
            "established_on",
        ),
        ([], CountMembers(5, date(2025, 3, 1)), RuleViolationError, "village_code"),
        ([ESTABLISHED], CountMembers(5, date(2025, 1, 1)), RuleViolationError, "counted_on"),
        ([ESTABLISHED, COUNTED], CountMembers(5, date(2025, 3, 1)), RuleViolationError, "counted_on"),
        ([ESTABLISHED], CountMembers(5, date(2025, 6, 2)), RuleViolationError, "counted_on"),
    ],
    ids=[
        "second-group",
        "unknown-village",
        "unknown-advisor",
        "in-the-future",
        "no-group-yet",
        "counted-before-established",
        "counted-before-last-count",
        "counted-in-the-future",
    ],
)
def test_bad_group_commands_are_refused_with_the_field(
    given: list[Event], command: Command, error: type[AppError], field: str
) -> None:
    SPEC.given(*given).when(command).refused(error, field)
