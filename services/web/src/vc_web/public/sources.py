"""The facts the public pages show, fetched from the services' public endpoints (no token).

Boards come from reporting (`/public/villages/{code}.json`, `/public/counties/{code}/villages.json`);
residents' questions are posted to the registry (`/public/villages/{code}/feedback`) and their
answers read back from it with the question's code (`/public/villages/{code}/questions/{code}`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from vc_web.public.settings import PublicSettings


class Unavailable(Exception):
    """A service could not be reached or answered an error that is not the caller's."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]


async def _get(settings: PublicSettings, path: str) -> dict[str, Any] | None:
    """The JSON at `path` of reporting; None when it is 404."""
    try:
        async with httpx.AsyncClient(timeout=settings.timeout_seconds, trust_env=False) as http:
            response = await http.get(settings.reporting_url.rstrip("/") + path)
    except httpx.HTTPError as exc:
        raise Unavailable(str(exc)) from exc
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise Unavailable(f"{path}: {response.status_code}")
    body: dict[str, Any] = response.json()
    return body


async def village_board(settings: PublicSettings, code: str) -> dict[str, Any] | None:
    """One village's board (see reporting.application.board_view.boards); None: unknown village."""
    return await _get(settings, f"/public/villages/{code}.json")


async def county_boards(settings: PublicSettings, county: str) -> dict[str, Any] | None:
    """`{county_code, county_name, villages: [board, …]}`; None: no villages known there."""
    return await _get(settings, f"/public/counties/{county}/villages.json")


async def county_cases(settings: PublicSettings, county: str) -> dict[str, Any] | None:
    """`{county_code, county_name, responsibilities, cases}` (R16, approved cases only); None:
    an unknown county."""
    return await _get(settings, f"/public/counties/{county}/cases.json")


async def leave_feedback(settings: PublicSettings, code: str, body: dict[str, Any], client: str) -> Answer:
    """Post a resident's feedback to the registry on behalf of `client` (its address)."""
    try:
        async with httpx.AsyncClient(timeout=settings.timeout_seconds, trust_env=False) as http:
            response = await http.post(
                settings.registry_url.rstrip("/") + f"/public/villages/{code}/feedback",
                json=body,
                headers={"X-Forwarded-For": client},
            )
        answer = Answer(response.status_code, response.json())
    except (httpx.HTTPError, ValueError) as exc:
        raise Unavailable(str(exc)) from exc
    if answer.status >= 500:
        raise Unavailable(f"feedback: {answer.status}")
    return answer


async def read_answer(settings: PublicSettings, village: str, code: str) -> dict[str, Any] | None:
    """The question with that code and its answer, if any; None when the registry knows no such code."""
    try:
        async with httpx.AsyncClient(timeout=settings.timeout_seconds, trust_env=False) as http:
            response = await http.get(
                settings.registry_url.rstrip("/") + f"/public/villages/{village}/questions/{code}"
            )
    except httpx.HTTPError as exc:
        raise Unavailable(str(exc)) from exc
    if response.status_code in (404, 422):
        return None
    if response.status_code != 200:
        raise Unavailable(f"answer: {response.status_code}")
    body: dict[str, Any] = response.json()
    return body
