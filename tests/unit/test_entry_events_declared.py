"""Only the projection runtime admits a ledger entry's events (issue 12 clean-up): every read model
with a versions table (eventkit.entry_versions.versions_ddl) declares its entry's events
(`Projection.entry_events`) naming that table, and no module but the runner calls `admit`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from eventkit.projection import Projection

ROOT = Path(__file__).resolve().parents[2]


def _read_models() -> list[Projection]:
    from assessment.main import SPEC as ASSESSMENT  # noqa: PLC0415
    from ledger.main import SPEC as LEDGER  # noqa: PLC0415
    from registry.main import SPEC as REGISTRY  # noqa: PLC0415
    from reporting.main import SPEC as REPORTING  # noqa: PLC0415

    return [p for s in (REGISTRY, LEDGER, ASSESSMENT, REPORTING) for p in (*s.projections, *s.own_views)]


@pytest.mark.parametrize("projection", _read_models(), ids=lambda p: f"{type(p).__name__}")
def test_a_read_model_with_a_versions_table_declares_its_entry_events(projection: Projection) -> None:
    # versions_ddl's shape: the one table whose columns are (entry_id, version, voided)
    versioned = "version integer NOT NULL, voided boolean" in projection.ddl
    declared = projection.entry_events
    assert versioned == (declared is not None), projection.name
    if declared is not None:
        assert declared.table in projection.tables
        assert f"{{t}}{declared.table} (entry_id text PRIMARY KEY, version" in projection.ddl
        assert declared.entries and declared.voids and not declared.entries & declared.voids


def test_only_the_runner_admits() -> None:
    callers = set()
    for path in sorted(ROOT.glob("services/*/src/**/*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            imports = isinstance(node, ast.ImportFrom) and node.module == "eventkit.entry_versions"
            if imports and any(alias.name == "admit" for alias in node.names):  # type: ignore[attr-defined]
                callers.add(path.relative_to(ROOT).as_posix())
    assert callers == {"services/eventkit/src/eventkit/projection.py"}
