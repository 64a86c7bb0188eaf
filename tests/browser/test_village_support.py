"""Shared set-up of the village committee's browser tests (no tests here): the committee's page on a
phone, and an entry as the ledger's API answers the committee."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from playwright.sync_api import Page
from support.browser import PHONE, WebStack

COMMITTEE = "village_committee"


@pytest.fixture(name="committee")
def committee_page(signed_in_page: Callable[[str], Page]) -> Iterator[Page]:
    """The committee of the demo's first village, signed in, on a phone (import it to use it)."""
    page = signed_in_page(COMMITTEE)
    page.set_viewport_size(PHONE)
    yield page


def entry_of(web_stack: WebStack, entry_id: str) -> dict[str, object]:
    headers = {"Authorization": f"Bearer {web_stack.token(COMMITTEE)}"}
    response = httpx.get(f"{web_stack.urls['ledger']}/entries/{entry_id}", headers=headers, timeout=10,
                         trust_env=False)  # fmt: skip
    response.raise_for_status()
    return dict(response.json())
