"""The folder tree is the architecture: domain modules stay pure (no I/O libraries, no clock)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "asyncpg",
    "aiokafka",
    "faststream",
    "fastapi",
    "httpx",
    "starlette",
    "eventkit.store",
    "eventkit.runtime",
    "eventkit.clock",
    "eventkit.relay",
}
DOMAIN_FILES = sorted(ROOT.glob("services/*/src/*/domain/**/*.py"))


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("service", ["registry", "ledger", "assessment", "reporting"])
def test_every_service_has_domain_application_and_adapters(service: str) -> None:
    package = ROOT / "services" / service / "src" / service
    assert all((package / layer / "__init__.py").exists() for layer in ("domain", "application", "adapters"))
    assert (package / "main.py").exists()


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_modules_do_no_io(path: Path) -> None:
    bad = {m for m in imported_modules(path) if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)}
    assert not bad, f"{path.name} imports {sorted(bad)}: domain code must stay pure"
    text = path.read_text(encoding="utf-8")
    assert "datetime.now(" not in text and "date.today(" not in text, "the clock comes in as data"


def test_test_files_have_unique_names() -> None:
    # pytest imports test modules by file name (rootdir-relative, no packages): twins stop collection
    names = [p.name for p in (ROOT / "tests").rglob("test_*.py")]
    assert sorted({n for n in names if names.count(n) > 1}) == []
