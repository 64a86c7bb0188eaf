"""Who may write what: one role rule per command route, in a table per service, checked before the handler.

A command's role rule lived in its application code, after the body was validated and often after
what it names was looked up: a village committee correcting an entry got 404 for an unknown entry
(and 403 only for a known one), a unit setting rules got 403 naming the division, a role that may not
submit a report got 422 for a malformed body, some refusals named no field. The role a command needs
is now declared once per route, in the service's `WRITES` table (`ServiceSpec.writes`,
"METHOD /path/template" → `WriteRule`), and checked here for every POST/PUT/PATCH/DELETE before the
route reads its body or parameters: a refused role gets 403 naming `role` and nothing is looked up.
`create_app` refuses to start when a command route of the service has no rule. What a role may do
*inside* its scope (a unit its own advisors, an advisor its own entries, a committee its village)
stays in the handlers, which keep their own role checks too (they are called without HTTP in tests).

The rules follow the README's "who" column of each API table; where it is silent, least privilege.
Walked role by role over HTTP in tests/e2e/test_write_rules.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fastapi import Request
from fastapi.routing import APIRoute

from eventkit.role_rules import RoleRule, enforce, role_rule
from eventkit.web import checked

COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


WriteRule = RoleRule
"""The roles that may call a command route (`None`: public) and the act (`eventkit.role_rules`)."""

writers = role_rule
"""A rule: the roles of `groups` (roles or sets of roles) may do `act`."""


def anyone(act: str) -> WriteRule:
    """A command anyone may send without a token (a resident's question from the notice board)."""
    return RoleRule(None, act)


WriteRules = Mapping[str, WriteRule]
""""METHOD /path/template" as declared on the route (`POST /entries/{entry_id}/void`) → its rule."""


def _keys(route: APIRoute) -> list[str]:
    return [f"{method} {route.path_format}" for method in sorted(route.methods & COMMAND_METHODS)]


def missing_write_rules(routes: Iterable[object], rules: WriteRules) -> list[str]:
    """The command routes among `routes` that have no rule in `rules` (create_app refuses to start)."""
    return [key for r in routes if isinstance(r, APIRoute) for key in _keys(r) if key not in rules]


async def enforce_write_rule(request: Request) -> None:
    """App-wide dependency: a command route with a rule needs a token of one of its roles (401/403).

    Runs before the route's own parameters and body, so a refused role learns nothing from a 404
    or a 422, and nothing is read for it. Routes without a rule (none in a started service) pass."""
    if request.method not in COMMAND_METHODS:
        return
    route = request.scope.get("route")
    rules: WriteRules = getattr(request.app.state, "write_rules", {})
    rule = rules.get(f"{request.method} {route.path_format}") if isinstance(route, APIRoute) else None
    await checked(request, enforce, request, rule)
