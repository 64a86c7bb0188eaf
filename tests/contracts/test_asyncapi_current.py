"""The committed AsyncAPI documents are what FastStream generates from the code today."""

from __future__ import annotations

from pathlib import Path

import pytest
from eventkit.asyncapi import OUT, SERVICES, render

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("service", SERVICES)
def test_committed_asyncapi_matches_the_code(service: str) -> None:
    committed = (ROOT / OUT / f"{service}.json").read_text(encoding="utf-8")
    assert committed == render(service), f"contracts/asyncapi/{service}.json is stale: run `make schemas`"


@pytest.mark.parametrize("service", SERVICES)
def test_asyncapi_names_the_services_own_topic(service: str) -> None:
    assert f'"address": "villagecounsel.{service}.events"' in render(service)
