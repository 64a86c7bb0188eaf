"""The folder tree is the architecture: domain modules stay pure (no I/O libraries, no clock)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
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


LOADED_NEVER = ("asyncpg", "aiokafka", "faststream", "fastapi", "starlette", "httpx")
RUNTIME_NEVER = (
    "eventkit.store",
    "eventkit.db",
    "eventkit.clock",
    "eventkit.runtime",
    "eventkit.command_runner",
)
DOMAIN_MODULES = sorted(
    ".".join(p.relative_to(p.parents[2]).with_suffix("").parts)
    for p in DOMAIN_FILES
    if p.name != "__init__.py"
)


def test_every_domain_module_loads_no_io_library_at_all() -> None:
    # the import-time truth, transitive imports included (the file scan above sees direct ones only)
    probe = (
        "import importlib, json, sys\n"
        "out = {}\n"
        "for name in sys.argv[1:]:\n"
        "    before = set(sys.modules)\n"
        "    importlib.import_module(name)\n"
        "    out[name] = sorted(set(sys.modules) - before)\n"
        "print(json.dumps(out))\n"
    )
    # one interpreter for all: a module's imports are what it added; an I/O library any of them
    # loads is attributed to the first that loads it, which is enough to fail
    done = subprocess.run(
        [sys.executable, "-c", probe, *DOMAIN_MODULES], capture_output=True, text=True, check=True, cwd=ROOT
    )
    found = {}
    for name, loaded in json.loads(done.stdout).items():
        bad = [
            m
            for m in loaded
            if m.split(".")[0] in LOADED_NEVER or any(m == r or m.startswith(r + ".") for r in RUNTIME_NEVER)
        ]
        if bad:
            found[name] = bad
    assert len(json.loads(done.stdout)) == len(DOMAIN_MODULES) > 25
    assert found == {}, f"domain modules load I/O or runtime modules: {found}"
