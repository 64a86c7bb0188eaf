"""A role rule of a route: the roles that may call it, checked before the handler, and the act they
may do, in Chinese, for the refusal. One mechanism for the read table (`eventkit.reads`, GET
routes) and the write table (`eventkit.writes`, command routes)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fastapi import Request

from eventkit.auth import ROLE_NAMES, Role
from eventkit.errors import ForbiddenError
from eventkit.web import authenticate


@dataclass(frozen=True)
class RoleRule:
    """The roles that may call a route (`None`: public, no token) and the act, in Chinese, for the
    refusal ("当前角色（法律顾问）无权查看统计表", "当前角色（村（居）委会）无权更正台账记录")."""

    roles: frozenset[Role] | None
    act: str

    def require(self, role: Role) -> None:
        """403 `forbidden` (field `role`) unless `role` may do this."""
        if self.roles is not None and role not in self.roles:
            raise ForbiddenError(f"当前角色（{ROLE_NAMES[role]}）无权{self.act}", field="role")


def role_rule(act: str, *groups: Iterable[Role] | Role) -> RoleRule:
    """A rule: the roles of `groups` (roles or sets of roles) may do `act`."""
    roles: set[Role] = set()
    for group in groups:
        roles |= {group} if isinstance(group, Role) else set(group)
    return RoleRule(frozenset(roles), act)


def enforce(request: Request, rule: RoleRule | None) -> None:
    """The request's token must be of one of `rule`'s roles (401/403); no rule, or a public one: pass."""
    if rule is None or rule.roles is None:
        return
    rule.require(authenticate(request, request.headers.get("authorization")).role)
