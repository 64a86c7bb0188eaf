"""The docs pages work offline: Swagger UI from the package, and a 3.0 view of the 3.1 document."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest
from eventkit.docs import as_openapi_30
from fastapi.testclient import TestClient

REF = {"$ref": "#/components/schemas/Village"}

# given a 3.1 fragment → when restated for Swagger UI 4 → then this 3.0 fragment
CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("version", {"openapi": "3.1.0"}, {"openapi": "3.0.3"}),
    ("optional string", {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "T"},
     {"type": "string", "title": "T", "nullable": True}),
    ("optional reference", {"anyOf": [REF, {"type": "null"}]}, {"allOf": [REF], "nullable": True}),
    ("optional union", {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]},
     {"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": True}),
    ("type list", {"type": ["string", "null"]}, {"type": "string", "nullable": True}),
    ("schema examples", {"type": "string", "examples": ["621025"]}, {"type": "string", "example": "621025"}),
    ("media examples stay", {"examples": {"one": {"value": 1}}}, {"examples": {"one": {"value": 1}}}),
    ("const", {"const": "county"}, {"enum": ["county"]}),
    ("exclusive bound", {"type": "number", "exclusiveMinimum": 0},
     {"type": "number", "minimum": 0, "exclusiveMinimum": True}),
    ("nested", {"properties": {"a": {"anyOf": [{"type": "integer"}, {"type": "null"}]}}},
     {"properties": {"a": {"type": "integer", "nullable": True}}}),
]  # fmt: skip


@pytest.mark.parametrize(("given", "expected"), [(g, e) for _, g, e in CASES], ids=[c[0] for c in CASES])
def test_a_31_fragment_is_restated_for_swagger_ui_4(given: dict[str, Any], expected: dict[str, Any]) -> None:
    assert as_openapi_30(given) == expected


@pytest.mark.parametrize("service", ["registry", "ledger", "assessment", "reporting"])
def test_each_service_serves_swagger_ui_locally_and_a_30_document(service: str) -> None:
    app = importlib.import_module(f"{service}.main").app
    client = TestClient(app)  # no lifespan: the docs need neither database nor broker
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn" not in page.text.lower() and "https://" not in page.text.split("<body>", 1)[1]
    assert 'src="docs/static/swagger-ui-bundle.js"' in page.text
    assert client.get("/docs/static/swagger-ui-bundle.js").status_code == 200
    document = client.get("/docs/openapi.json").json()
    text = json.dumps(document)
    assert document["openapi"] == "3.0.3" and document["paths"]
    assert '{"type": "null"}' not in text and '"type": [' not in text
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")  # the contract stays 3.1
    assert client.get("/redoc").status_code == 404


def test_no_docs_file_is_served_with_a_token_in_its_url() -> None:
    client = TestClient(importlib.import_module("ledger.main").app)
    for path in (
        "/docs/static/swagger-ui.css?token=eyJa.b.c",
        "/docs?access_token=x",
        "/docs/openapi.json?jwt=x",
    ):
        answer = client.get(path)
        assert answer.status_code == 400 and answer.json()["code"] == "token_in_url", path
