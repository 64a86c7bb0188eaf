"""Members of edge kinds, as pure rules and on a bare app: a JWS `crit` header, URL bytes that are no
UTF-8, digits of other scripts in numbers and periods, fractions of a second in a caller's times,
and a resident's name split by a space in a typical case's write-up.

Given the input, when the shared rule reads it, then it is refused with a reason (or accepted).
"""

from __future__ import annotations

import re
import secrets
import time
from typing import Any

import httpx
import jwt
import pytest
from eventkit.auth import TokenVerifier
from eventkit.errors import RuleViolationError, UnauthorizedError
from eventkit.input_rules import install_input_rules
from eventkit.paging import Paging
from eventkit.params import BegunPeriodQuery, BegunYearPath, RequestBody, digits_only
from eventkit.periods import PERIOD_PATTERN, QUARTER_PATTERN, YEAR_TEXT_PATTERN, parse_period
from eventkit.sheet_cells import Kind, cell_text
from eventkit.web import install_error_handlers
from fastapi import FastAPI
from ledger.adapters.bodies import VisitIn
from ledger.domain.typical_cases import resident_name_in
from pydantic import ValidationError
from vc_contracts.base import ShanghaiDateTime, check_iso_text

SECRET = secrets.token_urlsafe(48)
ISSUER = "villagecounsel-dev"


def _token(headers: dict[str, Any]) -> str:
    now = int(time.time())
    claims = {
        "sub": "u-1",
        "role": "county_admin",
        "scope": "621025",
        "iss": ISSUER,
        "iat": now,
        "exp": now + 600,
    }
    return jwt.encode(claims, SECRET, algorithm="HS256", headers=headers)


@pytest.mark.parametrize("crit", [["exp"], ["b64"], ["x-unknown"], [], "exp"])
def test_a_token_whose_header_names_critical_extensions_is_401_naming_crit(crit: object) -> None:
    # RFC 7515 §4.1.11: extensions the recipient does not understand must make it reject the token
    with pytest.raises(UnauthorizedError) as refused:
        TokenVerifier(SECRET, ISSUER).verify(f"Bearer {_token({'crit': crit, 'exp': 1})}")
    assert refused.value.field == "crit"


def test_a_token_without_crit_is_accepted() -> None:
    assert TokenVerifier(SECRET, ISSUER).verify(f"Bearer {_token({'kid': 'k1'})}").subject == "u-1"


ARABIC_ONE, FULL_WIDTH_ONE, DEVANAGARI_ONE = "\u0661", "\uff11", "\u0967"


@pytest.mark.parametrize("text", [ARABIC_ONE, DEVANAGARI_ONE, "202\u0666", FULL_WIDTH_ONE, "²"])
def test_a_whole_number_parameter_takes_ascii_digits_only(text: str) -> None:
    with pytest.raises(ValueError, match="0–9"):
        digits_only(text)


@pytest.mark.parametrize(
    "period", ["202\u0666", "202\u0666Q1", "\u0662\u0660\u0662\u0666H1", "2026Q\u0661"]
)  # full-width ２０２６Q1 is 2026Q1 as typed (NFKC: test_period_input); no other script's digits are
def test_a_period_in_another_scripts_digits_matches_no_period_pattern(period: str) -> None:
    for pattern in (PERIOD_PATTERN, QUARTER_PATTERN, YEAR_TEXT_PATTERN):
        assert re.fullmatch(pattern, period) is None
    with pytest.raises(RuleViolationError):
        parse_period(period)


def _url_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    install_input_rules(app)

    @app.get("/volumes/{year}")
    async def volume(year: BegunYearPath, paging: Paging, period: BegunPeriodQuery = None) -> dict[str, Any]:
        return {"year": year, "page": paging.page, "period": period}

    @app.get("/entries/{entry_id}")
    async def entry(entry_id: str, q: str = "") -> dict[str, str]:
        return {"entry_id": entry_id, "q": q}

    return app


async def _get(url: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=_url_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        return await http.get(url)


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/volumes/2025?page=%D9%A1", "page"),  # the tester's example: Arabic-Indic one
        ("/volumes/2025?page=%E0%A5%A7", "page"),  # Devanagari one
        ("/volumes/202%D9%A6", "year"),
        ("/volumes/2025?period=2025Q%D9%A1", "period"),
        ("/volumes/2025?period=%D9%A2%D9%A0%D9%A2%D9%A5", "period"),
    ],
)
async def test_digits_of_another_script_in_a_url_number_are_refused(url: str, field: str) -> None:
    response = await _get(url)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


async def test_full_width_digits_in_a_url_are_still_read_as_ascii() -> None:
    response = await _get("/volumes/２０２５?page=%EF%BC%92&period=２０２５Q１")
    assert response.status_code == 200, response.text
    assert response.json() == {"year": 2025, "page": 2, "period": "2025Q1"}


@pytest.mark.parametrize("url", ["/volumes/2027", "/volumes/2100", "/volumes/2025?period=2027Q1"])
async def test_a_year_or_period_not_begun_is_422_by_the_shared_rule(url: str) -> None:
    response = await _get(url)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "rule_violated"
    assert "尚未开始" in body["message"]


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/entries/%ff%fe", "path"),  # the tester's examples
        ("/entries/%C0%AF", "path"),
        ("/entries/E-1?q=%ff", "query"),
        ("/entries/E-%ff%EF%BC%91", "path"),  # with a full-width digit the URL rule rewrites
        ("/entries/E-1?q=%ff%EF%BC%91", "query"),
    ],
)
async def test_url_bytes_that_are_no_utf8_are_422_and_never_echoed(url: str, field: str) -> None:
    response = await _get(url)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["field"] == field
    assert "UTF-8" in body["message"]
    assert "\ufffd" not in response.text


@pytest.mark.parametrize(
    ("url", "field"),
    [
        # past the bound (the gateway test sends 66,000, past what httpx builds, as raw bytes)
        ("/entries/" + "9" * 61_000, "path"),
        ("/entries/E-1?q=" + "a" * 61_000, "query"),
        ("/entries/" + "%E6%9D%8E" * 7_000, "path"),  # counted as sent: 63,000 bytes of 7,000 characters
    ],
    ids=["long-path", "long-query", "long-escaped-path"],
)
async def test_a_url_part_longer_than_the_bound_is_422_naming_it(url: str, field: str) -> None:
    response = await _get(url)
    assert response.status_code == 422, response.text[:300]
    body = response.json()
    assert body["field"] == field
    assert "过长" in body["message"]
    assert len(response.content) < 2_000  # the address is not echoed


async def test_a_url_part_at_the_bound_is_read() -> None:
    response = await _get("/entries/E-1?q=" + "a" * (60_000 - 2))
    assert response.status_code == 200, response.text[:300]


async def test_valid_percent_encoded_text_in_a_url_is_read() -> None:
    response = await _get("/entries/E-%E6%9D%8E?q=%E6%9D%8E%E5%B7%9D")
    assert response.status_code == 200, response.text
    assert response.json() == {"entry_id": "E-李", "q": "李川"}


class _TimeBody(RequestBody):
    at: ShanghaiDateTime


@pytest.mark.parametrize(
    "sent",
    ["2026-11-11T01:00:00.5+08:00", "2026-11-11T01:00:00.123456789+08:00",
     "2026-11-11T01:00:00.0000001+08:00", "2026-11-11T01:00:00,5+08:00", "2026-11-11T01:00.5+08:00"],
)  # fmt: skip
def test_a_time_with_a_fraction_of_a_second_is_refused(sent: str) -> None:
    with pytest.raises(ValidationError, match="时间精确到秒"):
        _TimeBody(at=sent)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="时间精确到秒"):
        check_iso_text(sent, with_time=True)


@pytest.mark.parametrize(
    "sent", ["2026-11-11T01:00:00.000+08:00", "2026-11-11T01:00:00.0Z", "2026-11-11T01:00:00+08:00"]
)
def test_a_time_in_whole_seconds_is_accepted(sent: str) -> None:
    # `.000` is what a browser's toISOString writes
    assert _TimeBody(at=sent).at.microsecond == 0  # type: ignore[arg-type]


def test_a_visit_of_half_a_second_is_refused_not_counted_as_zero() -> None:
    body = {"village_code": "621025100200", "started_at": "2026-11-11T01:00:00.0+08:00",
            "ended_at": "2026-11-11T01:00:00.5+08:00"}  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        VisitIn.model_validate(body)
    refusals = {e["loc"]: e["msg"] for e in refused.value.errors()}
    assert "时间精确到秒" in refusals[("ended_at",)]
    assert ("started_at",) not in refusals  # `.0` is whole seconds


def test_an_import_cell_time_with_a_fraction_of_a_second_is_refused() -> None:
    with pytest.raises(ValueError, match="时间精确到秒"):
        cell_text("2026-11-11T01:00:00.5+08:00", Kind.datetime)
    assert cell_text("2026-11-11T01:00:00.000+08:00", Kind.datetime).startswith("2026-11-11T01:00:00")


@pytest.mark.parametrize(
    "text",
    [
        "经调解，村民王 小明与邻居达成协议",  # the tester's example
        "经调解，村民王\u3000小明与邻居达成协议",  # an ideographic (full-width) space
        "经调解，村民王\u200b小明与邻居达成协议",  # zero-width
        "经调解，村民 王小明与邻居达成协议",
        "向李\t大海借款",
    ],
)
def test_a_name_split_by_a_space_is_still_a_name(text: str) -> None:
    assert resident_name_in(text) in {"王小明", "李大海"}


def test_a_name_written_as_surname_and_mou_is_accepted_with_spaces_too() -> None:
    assert resident_name_in("经调解，村民王 某与邻居李 某某达成协议") is None
