"""Who may read what: one role rule per GET route, in a table per service, checked before the handler.

Scope alone (a division prefix) once decided most reads: an advisor of 621025 read the county's
statistics, compliance view, deadlines and dashboard, and other units' advisors' phones and licence
numbers, because those routes checked only that the rows lay inside the token's scope, while others
called `require_role` by hand. The role a read needs is now declared once per route, in the
service's `READS` table (`ServiceSpec.reads`, path template → `ReadRule`), and checked here for every
GET before the route's own parameters are read; `create_app` refuses to start when a GET route of
the service has no rule, so a new route cannot forget it. What a role may see *inside* its scope
(a unit its own rows, an advisor its own card, a committee its village) stays in the handlers.

The rules follow the README's "who" column of each API table; where it is silent, least privilege.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fastapi import Request
from fastapi.routing import APIRoute

from eventkit.auth import ADMINS, UNITS, Role
from eventkit.role_rules import RoleRule, enforce, role_rule
from eventkit.web import checked

ADMINISTRATORS: frozenset[Role] = frozenset(ADMINS)
PROVIDING_UNITS: frozenset[Role] = frozenset(UNITS)
EVERYONE: frozenset[Role] = frozenset(Role)


ReadRule = RoleRule
"""The roles that may read a route (`None`: public) and what it shows (`eventkit.role_rules`)."""


def readers(what: str, *groups: Iterable[Role] | Role) -> ReadRule:
    """A rule: the roles of `groups` (roles or sets of roles) may read `what`."""
    return role_rule(f"查看{what}", *groups)


def public(what: str) -> ReadRule:
    """A route anyone may read without a token (the notice board's data)."""
    return RoleRule(None, f"查看{what}")


ReadRules = Mapping[str, ReadRule]
"""Path template as declared on the route (`/villages/{code}`) → its rule."""


def missing_rules(routes: Iterable[object], rules: ReadRules) -> list[str]:
    """The GET routes among `routes` that have no rule in `rules` (create_app refuses to start)."""
    return [
        r.path_format
        for r in routes
        if isinstance(r, APIRoute) and "GET" in r.methods and r.path_format not in rules
    ]


async def enforce_read_rule(request: Request) -> None:
    """App-wide dependency: a GET of a route with a rule needs a token of one of its roles (401/403).

    Runs before the route's own parameters, so a refused role learns nothing from a 422. Routes
    without a rule (the service's ops routes and docs) are not the table's concern."""
    if request.method not in ("GET", "HEAD"):
        return
    route = request.scope.get("route")
    rules: ReadRules = getattr(request.app.state, "read_rules", {})
    rule = rules.get(route.path_format) if isinstance(route, APIRoute) else None
    await checked(request, enforce, request, rule)
