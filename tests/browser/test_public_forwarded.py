"""The public feedback form whatever `X-Forwarded-For` says: over HTTP through the web app (the way
the board's form posts) and straight to the registry's public endpoint. A header that names no
client address (`unknown`, garbage, an empty hop list) is not the resident's fault: the submission
is recorded, counted against the direct peer, and the per-client limit still holds."""

from __future__ import annotations

import uuid

import httpx
import pytest
from devstack.demo.zhengning import villages
from support.browser import WebStack

pytestmark = pytest.mark.timeout(300)

MANY_HOPS = ", ".join(f"10.9.{n // 250}.{n % 250 + 1}" for n in range(300))
# header value → what it is; each row posts to a village of its own (the limit is per village)
HEADERS: list[tuple[str | bytes, str]] = [
    ("unknown, 1.2.3.4", "an unnamed first hop"),
    ("unknown", "only unknown"),
    ("1.2.3.4, unknown", "unknown last"),
    ("!!garbage$$", "garbage"),
    (",  , ,", "empty hops"),
    ("[2001:db8::1]:443", "IPv6 with port"),
    ("2001:db8::7", "IPv6"),
    ("203.0.113.9:5678", "IPv4 with port"),
    (MANY_HOPS, "300 hops"),
    ("for=192.0.2.60;proto=http", "a Forwarded header's syntax"),
    ("caf\xe9, 1.2.3.5".encode("latin-1"), "a non-ASCII byte"),
    ("1.2.3.5, caf\xe9".encode("latin-1"), "a non-ASCII last hop"),
    ("x" * 4000, "a 4000-character hop"),
]
CODES = [v.code for v in villages() if not v.community]


def _form(text: str) -> dict[str, str]:
    return {"submission_id": uuid.uuid4().hex, "category": "land", "text": text, "callback_phone": ""}


def _submit(web_stack: WebStack, code: str, text: str, header: str | bytes) -> httpx.Response:
    """The board's form posted to the web app as a browser would, behind `X-Forwarded-For: header`."""
    return httpx.post(f"{web_stack.url}/v/{code}/feedback", data=_form(text),
                      headers={"X-Forwarded-For": header}, timeout=15, trust_env=False)  # fmt: skip


@pytest.mark.parametrize(("header", "what"), HEADERS, ids=[what for _, what in HEADERS])
def test_the_board_s_form_is_recorded_whatever_the_forwarded_header_says(
    web_stack: WebStack, header: str | bytes, what: str
) -> None:
    code = CODES[[w for _, w in HEADERS].index(what)]
    response = _submit(web_stack, code, f"转发头测试：{what}", header)
    assert response.status_code == 200, response.text[-600:]
    assert "问题已收到" in response.text


@pytest.mark.parametrize(("header", "what"), HEADERS, ids=[what for _, what in HEADERS])
def test_the_registry_s_public_endpoint_records_feedback_whatever_the_header_says(
    web_stack: WebStack, header: str | bytes, what: str
) -> None:
    code = CODES[len(HEADERS) + [w for _, w in HEADERS].index(what)]
    body = _form(f"直接提交：{what}")
    del body["callback_phone"]
    response = httpx.post(
        f"{web_stack.urls['registry']}/public/villages/{code}/feedback",
        json=body,
        headers={"X-Forwarded-For": header},
        timeout=15,
        trust_env=False,
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("row", "headers"),
    [
        (0, ["unknown", "garbage", "unknown, unknown", "", "_", "1.2.3.4, unknown"]),
        (1, ["198.51.100.4", "198.51.100.4:1", "198.51.100.4:2", "unknown, 198.51.100.4", "x, 198.51.100.4:3",
             "198.51.100.4"]),
        (2, ["2001:db8::4", "[2001:db8::4]:1", "[2001:db8::4]", "2001:DB8:0::4", "[2001:0db8::4]:9",
             "2001:db8::4"]),
    ],
    ids=["no address", "IPv4 spellings", "IPv6 spellings"],
)  # fmt: skip
def test_the_limit_still_holds_per_client_however_the_header_is_spelt(
    web_stack: WebStack, row: int, headers: list[str]
) -> None:
    """Headers naming no address count against the peer, one address however it is written counts
    once: the 21st within a minute is refused either way (VC_QUESTIONS_PER_MINUTE, 20)."""
    code = CODES[2 * len(HEADERS) + row]
    spelt = [headers[n % len(headers)] for n in range(21)]
    statuses = [_submit(web_stack, code, f"限流 {n}", header).status_code for n, header in enumerate(spelt)]
    assert statuses == [200] * 20 + [429]
