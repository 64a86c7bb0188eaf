"""Every error code a service can answer is documented in the README's error table."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE_PATTERNS = [
    re.compile(r"\bcode\b[\w, ]*=\s*\"([a-z][a-z0-9_]*)\""),  # ErrorBody(code="…"), code[, x] = "…"
    re.compile(r"\bstatus,\s*code\s*=\s*\d{3},\s*\"([a-z][a-z0-9_]*)\""),  # AppError subclasses
    re.compile(r"\b\d{3}:\s*\(\s*\"([a-z][a-z0-9_]*)\""),  # {status: ("code", "中文说明")} tables
    re.compile(r"=\s*\(\s*\"([a-z][a-z0-9_]*)\",\s*\"[^\"]*[\u4e00-\u9fff]"),  # X = ("code", "中文说明")
]


def codes_in_the_code() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted((ROOT / "services").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for pattern in CODE_PATTERNS:
            for code in pattern.findall(text):
                found.setdefault(code, str(path.relative_to(ROOT)))
    return found


def documented_codes() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Error format", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z][a-z0-9_]*)` \|", table, flags=re.MULTILINE))


def test_the_scan_finds_the_codes_it_is_meant_to_find() -> None:
    found = codes_in_the_code()
    for code in ("validation_failed", "rule_violated", "import_rejected", "malformed_json", "internal_error"):
        assert code in found


def test_every_error_code_is_in_the_readme_table() -> None:
    missing = {code: where for code, where in codes_in_the_code().items() if code not in documented_codes()}
    assert not missing, f"error codes missing from the README's error table: {missing}"


def test_no_code_is_an_http_status_in_disguise() -> None:
    assert not [c for c in codes_in_the_code() if re.fullmatch(r"http_\d+", c)]
