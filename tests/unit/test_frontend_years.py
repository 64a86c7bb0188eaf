"""The pages' year bounds (`frontend/src/util/years.ts`) are the services' (`YEAR_MIN`, `YEAR_MAX`):
a page that offers a year the services refuse shows only their refusal."""

from __future__ import annotations

import re
from pathlib import Path

from vc_contracts.catalogue.fields import YEAR_MAX, YEAR_MIN

YEARS_TS = Path(__file__).parents[2] / "services/web/frontend/src/util/years.ts"


def test_the_pages_year_bounds_are_the_services() -> None:
    text = YEARS_TS.read_text(encoding="utf-8")
    bounds = dict(re.findall(r"export const (YEAR_MIN|YEAR_MAX) = (\d+)", text))
    assert bounds == {"YEAR_MIN": str(YEAR_MIN), "YEAR_MAX": str(YEAR_MAX)}
