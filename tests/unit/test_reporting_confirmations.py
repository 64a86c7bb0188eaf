"""Advisors confirm their half-year figures before the unit submits (pure): states and the submit rule."""

from __future__ import annotations

from datetime import datetime

import pytest
from eventkit.errors import ConflictError, RuleViolationError
from reporting.domain.confirmations import Confirm, confirmations, require_all_confirmed, state_of
from vc_contracts import CST, Event
from vc_contracts.catalogue.reporting import AdvisorFiguresConfirmed

NOW = datetime(2025, 7, 10, 9, 0, tzinfo=CST)
DONE = AdvisorFiguresConfirmed(unit_id="U-firm", period="2025H1", advisor_id="adv-1", digest="aaaa")


def confirm(current: str, confirmed: str) -> Confirm:
    return Confirm("U-firm", "2025H1", "adv-1", current, confirmed)


# given (events so far) / when (confirm: current digest, digest confirmed) / then (events or refusal field)
CASES: list[tuple[str, list[Event], Confirm, list[Event] | str]] = [
    ("first confirmation is recorded", [], confirm("aaaa", "aaaa"), [DONE]),
    ("same figures again record nothing", [DONE], confirm("aaaa", "aaaa"), []),
    ("changed figures are confirmed anew", [DONE], confirm("bbbb", "bbbb"),
     [AdvisorFiguresConfirmed(unit_id="U-firm", period="2025H1", advisor_id="adv-1", digest="bbbb")]),
    ("a stale preview is refused", [DONE], confirm("bbbb", "aaaa"), "confirm_digest"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "given", "when", "then"), CASES, ids=[c[0] for c in CASES])
def test_confirming(name: str, given: list[Event], when: Confirm, then: list[Event] | str) -> None:
    state = confirmations.fold(given)
    if isinstance(then, str):
        with pytest.raises(ConflictError) as refused:
            confirmations.decide(state, when, NOW)
        assert refused.value.field == then
    else:
        assert list(confirmations.decide(state, when, NOW)) == then


# given (current digest, confirmed digest or None) / then state
STATES = [("aaaa", None, "pending"), ("aaaa", "aaaa", "confirmed"), ("bbbb", "aaaa", "changed")]


@pytest.mark.parametrize(("current", "confirmed", "state"), STATES)
def test_state_of(current: str, confirmed: str | None, state: str) -> None:
    assert state_of(current, confirmed) == state


# given (advisor → state) / then: submit allowed, or the advisors named in the refusal
RULE: list[tuple[dict[str, str], list[str] | None]] = [
    ({}, None),  # nobody has figures: nothing to confirm
    ({"李川": "confirmed", "王河": "confirmed"}, None),
    ({"李川": "confirmed", "王河": "pending"}, ["王河"]),
    ({"李川": "changed", "王河": "pending"}, ["李川", "王河"]),
]


@pytest.mark.parametrize(("states", "missing"), RULE)
def test_submit_needs_every_advisor_with_figures_confirmed(
    states: dict[str, str], missing: list[str] | None
) -> None:
    if missing is None:
        require_all_confirmed(states)
        return
    with pytest.raises(RuleViolationError) as refused:
        require_all_confirmed(states)
    assert refused.value.field == "confirmations"
    assert all(name in refused.value.message for name in missing)
