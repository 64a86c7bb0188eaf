"""A GET route with a read rule asks for the principal twice (the rule, then the route's
`CurrentPrincipal`): the token is verified once per request, and a request never sees another's."""

from __future__ import annotations

from types import SimpleNamespace

import httpx
from eventkit.auth import Principal, Role, TokenVerifier
from eventkit.reads import enforce_read_rule, readers
from eventkit.tokens import issue
from eventkit.web import CurrentPrincipal, install_error_handlers
from fastapi import Depends, FastAPI

SECRET = "s" * 48


class CountingVerifier(TokenVerifier):
    calls = 0

    def verify(self, authorization: str | None) -> Principal:
        CountingVerifier.calls += 1
        return super().verify(authorization)


def _app() -> FastAPI:
    app = FastAPI(dependencies=[Depends(enforce_read_rule)])
    install_error_handlers(app)
    app.state.runtime = SimpleNamespace(verifier=CountingVerifier(SECRET, "villagecounsel-dev"))
    app.state.read_rules = {"/me": readers("本人信息", Role.county_admin, Role.advisor)}

    @app.get("/me")
    async def me(who: CurrentPrincipal) -> dict[str, str]:
        return {"sub": who.subject}

    return app


async def test_a_get_with_a_read_rule_verifies_the_token_once() -> None:
    app = _app()
    first = issue(SECRET, role="county_admin", scope="621025", subject="county-1")
    second = issue(SECRET, role="advisor", scope="621025", subject="A-2")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        CountingVerifier.calls = 0
        r = await http.get("/me", headers={"Authorization": f"Bearer {first}"})
        assert (r.status_code, r.json(), CountingVerifier.calls) == (200, {"sub": "county-1"}, 1)
        r = await http.get("/me", headers={"Authorization": f"Bearer {second}"})
        assert (r.status_code, r.json(), CountingVerifier.calls) == (200, {"sub": "A-2"}, 2)
