"""Tokens never land in a URL or a log: the gateway refuses them in the query and logs no header."""

from __future__ import annotations

import httpx
from support.browser import WebStack


def test_a_call_through_the_gateway_leaves_no_token_in_any_log(web_stack: WebStack) -> None:
    token = web_stack.token("county_admin")
    headers = {"Authorization": f"Bearer {token}"}
    answer = httpx.get(f"{web_stack.url}/api/registry/divisions", headers=headers, trust_env=False)
    assert answer.status_code == 200 and answer.json()["total"] > 0
    leaked = httpx.get(f"{web_stack.url}/api/reporting/dashboard.json?token={token}", trust_env=False)
    assert leaked.status_code == 400 and leaked.json()["code"] == "token_in_url"
    page = httpx.get(f"{web_stack.url}/dashboard?access_token={token}", trust_env=False)
    assert page.status_code == 400
    signature = token.rsplit(".", 1)[1]
    for service in ("web", "registry", "reporting"):
        assert signature not in web_stack.log_text(service), f"{service}.log holds the token"
