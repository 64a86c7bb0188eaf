"""The backfill template agrees with the README and says the accepted values of every column that
has a fixed set (类别, 结果, 文书类型 said nothing)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from ledger.adapters.import_template import template_xlsx
from ledger.domain.kinds import VALUE_LABEL
from openpyxl import load_workbook

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def _book() -> tuple[list[str], dict[str, str]]:
    book = load_workbook(BytesIO(template_xlsx("A-1", "621025100201")))
    headings = [str(c.value) for c in book["补录台账"][1]]
    notes = {str(r[0]): str(r[1] or "") for r in book["填写说明"].iter_rows(min_row=2, values_only=True)}
    return headings, notes


def test_every_template_heading_is_in_the_readme_backfill_section() -> None:
    section = README.split("**Backfill import.**", 1)[1][:1500]
    headings, _ = _book()
    assert [h for h in headings if h not in section] == []


@pytest.mark.parametrize(
    ("heading", "field"),
    [("渠道", "channel"), ("类别", "category"), ("结果", "outcome"), ("文书类型", "document_kind")],
)
def test_the_notes_list_the_accepted_values(heading: str, field: str) -> None:
    _, notes = _book()
    assert all(label in notes[heading] for label in VALUE_LABEL[field].values()), notes[heading]
