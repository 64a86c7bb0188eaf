"""Advisor vetting (R2): who a unit may nominate, and the rule that only approved advisors serve.

The county notice names who serves villages: lawyers of law firms, justice-office heads and judicial
assistants, the legal aid center's lawyers and public-sector lawyers; each belongs to a providing unit.
A unit nominates only the kinds it employs (`NOMINABLE`); the county section approves or rejects.
An advisor not approved (pending or rejected) cannot be assigned to a village or named in an
agreement: refused 422 with the code `advisor_not_approved` (`RULE` is the rule the message names).

Existing advisors count as approved by what `AdvisorRegistered` means, not by rewriting history: that
event (unchanged, v1) is "on the roster, may serve". It was and is written by the county's own acts
(registration by an administrator, the roster import) and, since vetting, on approval right after
`AdvisorApproved`. So an advisor stream that starts with `AdvisorRegistered` is approved, one that
starts with `AdvisorNominated` is pending until decided; no upcaster (no field would change) and no
migration event (nothing to add to history) are needed, and the downstream services, which read
`AdvisorRegistered` for names and units, learn an approved advisor exactly as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from eventkit.errors import ConflictError, RuleViolationError
from vc_contracts.catalogue.enums import (
    ADVISOR_KIND_LABELS,
    UNIT_KIND_LABELS,
    AdvisorKind,
    AdvisorVetting,
    UnitKind,
)

RULE = "顾问须经县司法局审核通过后方可指派或写入协议（R2）"

# Providing unit kind -> the kinds of advisor it may nominate (the notice's list, by employer).
NOMINABLE: dict[UnitKind, frozenset[AdvisorKind]] = {
    UnitKind.law_firm: frozenset({AdvisorKind.lawyer}),
    UnitKind.justice_office: frozenset({AdvisorKind.justice_office_head, AdvisorKind.judicial_assistant}),
    UnitKind.legal_aid_center: frozenset({AdvisorKind.legal_aid_lawyer, AdvisorKind.public_lawyer}),
}

VETTING_REFUSAL = {
    AdvisorVetting.pending: "尚在审核中",
    AdvisorVetting.rejected: "提名已被驳回",
}


class AdvisorNotApprovedError(RuleViolationError):
    """An advisor not approved by the county section was named where only approved advisors may be."""

    status, code = 422, "advisor_not_approved"


def require_approved(advisors: Iterable[tuple[str, str | None, AdvisorVetting]], field: str) -> None:
    """Refuse (422 `advisor_not_approved`) if any of (advisor_id, name, vetting) is not approved."""
    refused = [(i, n, v) for i, n, v in advisors if v is not AdvisorVetting.approved]
    if refused:
        who = "、".join(f"{n or i}（{VETTING_REFUSAL[v]}）" for i, n, v in refused)
        raise AdvisorNotApprovedError(f"顾问 {who} 未经审核通过，不能指派或写入协议：{RULE}", field=field)


def require_nominable(unit_kind: UnitKind | None, kind: AdvisorKind) -> None:
    """Refuse (422 `rule_violated`) a kind of advisor the unit does not employ (`NOMINABLE`): field
    `unit_id` for a unit that provides no advisors, `kind` for a kind the unit does not employ.

    The one employer rule of every path that puts an advisor under a unit: a unit's nomination, the
    county's registration (`POST /advisors`) and the roster import (`advisors._check_person`)."""
    allowed = NOMINABLE.get(unit_kind) if unit_kind else None
    if not allowed:
        raise RuleViolationError("只有律师事务所、司法所、法律援助中心可以有法律顾问", field="unit_id")
    if kind not in allowed:
        names = "、".join(ADVISOR_KIND_LABELS[k] for k in AdvisorKind if k in allowed)
        unit = UNIT_KIND_LABELS[unit_kind] if unit_kind else "本单位"
        raise RuleViolationError(
            f"{unit}的顾问只能是：{names}（所填顾问类别为“{ADVISOR_KIND_LABELS[kind]}”）", field="kind"
        )


@dataclass(frozen=True)
class KnownPerson:
    """Someone already in the county's vetting: on the roster (approved) or nominated and pending."""

    advisor_id: str
    name: str
    unit_id: str
    licence_no: str | None
    approved: bool
    unit_name: str = ""


class AlreadyNominatedError(ConflictError):
    """The person nominated is already on the county's roster or awaiting its decision."""

    status, code = 409, "already_nominated"


def require_new_person(
    advisor_id: str, name: str, unit_id: str, licence_no: str | None, known: Iterable[KnownPerson]
) -> None:
    """Refuse (409 `already_nominated`) nominating someone the county approved or is deciding on.

    The same person is the same licence number when one is given (field `licence_no`), else (a
    judicial assistant, an office head: no licence) the same name in the same unit (field `name`).
    `known` is the county's approved advisors and pending nominations; a rejected nomination is not
    in it, so a rejected person may be nominated again. The nominee's own stream (`advisor_id`, a
    retried form or a renomination after rejection) is never a duplicate of itself.
    """
    for k in known:
        if k.advisor_id == advisor_id:
            continue
        if licence_no:
            if k.licence_no != licence_no:
                continue
            field, what = "licence_no", f"执业证号 {licence_no} "
        elif (k.name, k.unit_id) == (name, unit_id):
            field, what = "name", ""
        else:
            continue
        state = "已审核通过在册" if k.approved else "已提名、正在等待县司法局审核"
        unit = f"（{k.unit_name}）" if k.unit_name else ""
        raise AlreadyNominatedError(
            f"{what}已有顾问 {k.name}{unit}{state}（编号 {k.advisor_id}），不能重复提名", field=field
        )
