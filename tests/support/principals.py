"""The eight roles as the e2e role tests speak them: one principal each, in Zhengning (621025).

Shared by tests/e2e/test_read_rules.py (every GET route × role) and test_write_rules.py (every
command route × role), so both walk the same people.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

from fastapi.routing import APIRoute

COUNTY, VILLAGE = "621025", "621025100201"
FIRM, OTHER_FIRM, ADVISOR = "U-firm-zhengda", "U-firm-luyuan", "A-zhengda-1"

# role -> (scope, unit, subject)
ROLES: dict[str, tuple[str, str | None, str]] = {
    "province_admin": ("620000", None, "rr-province"),
    "city_admin": ("621000", None, "rr-city"),
    "county_admin": (COUNTY, None, "rr-county"),
    "law_firm": (COUNTY, FIRM, "rr-firm-head"),
    "justice_office": (COUNTY, "U-justice-rr", "rr-justice"),
    "legal_aid_center": (COUNTY, "U-aid-rr", "rr-aid"),
    "advisor": (COUNTY, None, ADVISOR),
    "village_committee": (VILLAGE, None, "rr-committee"),
}
ADMINS = {"province_admin", "city_admin", "county_admin"}
UNITS = {"law_firm", "justice_office", "legal_aid_center"}
EVERYONE = set(ROLES)
ROLE_NAMES = {
    "province_admin": "省级管理员", "city_admin": "市级管理员", "county_admin": "县级管理员",
    "justice_office": "司法所", "law_firm": "律师事务所", "legal_aid_center": "法律援助中心",
    "advisor": "法律顾问", "village_committee": "村（居）委会",
}  # fmt: skip


def role_headers(stack: Any, role: str) -> dict[str, str]:
    """The `Authorization` header of `role`'s principal on the e2e stack."""
    scope, unit, subject = ROLES[role]
    return stack.headers(role, scope, subject, unit)  # type: ignore[no-any-return]


def route_templates(method: str) -> set[tuple[str, str]]:
    """(service, path template) of every route of the four services answering `method`, but the
    public ones (no token: the notice board's data and the residents' questions)."""
    templates: set[tuple[str, str]] = set()
    for service in ("registry", "ledger", "assessment", "reporting"):
        spec = importlib.import_module(f"{service}.main").SPEC
        for router in spec.routers:
            for route in router.routes:
                if (
                    isinstance(route, APIRoute)
                    and method in route.methods
                    and not route.path.startswith("/public")
                ):
                    templates.add((service, route.path_format))
    return templates


def unwalked(templates: set[tuple[str, str]], walked: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The templates no walked (service, concrete path) matches."""

    def matches(template: str, path: str) -> bool:
        return re.fullmatch(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)), path) is not None

    return {(s, t) for s, t in templates if not any(s == ws and matches(t, wp) for ws, wp in walked)}
