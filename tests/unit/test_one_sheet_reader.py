"""Every import reads its file through the runtime's one spreadsheet reader, with one size cap.

eventkit.spreadsheets (with sheet_sources and sheet_cells) decodes CSV (UTF-8, UTF-8 with BOM,
GB18030) and XLSX, bounds what it reads and addresses problems by row and column in the one
`import_rejected` body; no service may read a file its own way.
"""

from __future__ import annotations

import ast
from pathlib import Path

from eventkit import edge, settings, spreadsheets

ROOT = Path(__file__).resolve().parents[2]
SHEET_MODULES = {"spreadsheets.py", "sheet_sources.py", "sheet_cells.py", "sheet_kinds.py"}
FILE_READING = {"csv", "zipfile", "codecs"}  # modules that read or decode a file's bytes
WORKBOOK_READING = {"load_workbook"}  # openpyxl's reader (writing a workbook for an export is fine)


def _modules() -> list[Path]:
    return sorted(
        p
        for p in (ROOT / "services").glob("*/src/**/*.py")
        if "frontend" not in p.parts and not (p.parent.name == "eventkit" and p.name in SHEET_MODULES)
    )


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names |= {node.module or ""} | {a.name for a in node.names}
    return names


def test_no_service_reads_a_file_its_own_way() -> None:
    own_way = []
    for path in _modules():
        text = path.read_text("utf-8")
        names = _imports(ast.parse(text))
        if names & (FILE_READING | WORKBOOK_READING) or "gb18030" in text.lower() or "utf-8-sig" in text:
            own_way.append(str(path.relative_to(ROOT)))
    assert own_way == []


def test_every_import_reads_through_the_one_sheet_reader() -> None:
    importers = [
        path
        for path in _modules()
        if "ImportProgress" in (names := _imports(ast.parse(path.read_text("utf-8"))))
        and "eventkit.imports" in names
    ]
    assert {p.parent.parent.name for p in importers} == {"registry", "ledger"}  # roster, divisions, backfill
    for path in importers:
        uses = _imports(ast.parse(path.read_text("utf-8")))
        assert "eventkit.spreadsheets" in uses or _reads_through_a_neighbour(path), path.name


def _reads_through_a_neighbour(path: Path) -> bool:
    """An import module may leave reading to a module beside it that uses the sheet reader."""
    return any(
        "eventkit.spreadsheets" in _imports(ast.parse(other.read_text("utf-8")))
        for other in path.parent.glob("import*.py")
    )


def test_one_size_cap_for_every_import() -> None:
    cap = settings.MAX_UPLOAD_BYTES
    assert cap == spreadsheets.MAX_BYTES
    assert settings.Settings.model_fields["max_upload_bytes"].default == cap
    assert edge.MAX_UPLOAD_BYTES is cap  # the edge's 413 uses the same constant, not a copy
    literal = f"{32} * 1024 * 1024"
    copies = [
        p.name for p in (ROOT / "services/eventkit/src/eventkit").glob("*.py") if literal in p.read_text()
    ]
    assert copies == ["settings.py"]
