"""The written annual report names who leads the program and lists the county's approved typical
cases (R16); a report stored before they existed says there are none (pure: the DOCX builder)."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from typing import Any

from docx import Document
from reporting.adapters.docx_report import annual_document
from reporting.domain.statistics import METRICS
from vc_contracts import CST

META = {"county_name": "正宁县", "year": 2026, "status_name": "预览", "submissions": 0,
        "generated_at": datetime(2026, 11, 30, 10, 0, tzinfo=CST), "report_id": None}  # fmt: skip
FIGURES: dict[str, Any] = {
    "rows": [], "totals": {m.key: 0 for m in METRICS}, "counting_rules": {}, "digest": "d"
}  # fmt: skip
CASE = {"case_id": "TC-1", "title": "宅基地边界纠纷的现场调解", "text": "两户村民因宅基地边界发生争执。",
        "kind_label": "纠纷调解", "village_name": "城关社区", "village_code": "621025100201"}  # fmt: skip
DUTIES = {"head": "局长 赵国强", "deputy": "副局长 孙丽", "sections": ["公共法律服务股", "各乡镇司法所"],
          "filing_place": "县司法局 301 室", "effective_on": "2026-01-01"}  # fmt: skip


def _text(figures: dict[str, Any]) -> str:
    document = Document(BytesIO(annual_document(META, figures, [])))
    return "\n".join(p.text for p in document.paragraphs)


def test_the_report_lists_the_approved_cases_and_who_leads() -> None:
    text = _text({**FIGURES, "typical_cases": [CASE], "responsibilities": DUTIES})
    assert "五、组织领导与典型案例" in text
    assert "总负责：局长 赵国强" in text and "协议存档：县司法局 301 室" in text
    assert "宅基地边界纠纷的现场调解（纠纷调解，城关社区）" in text and CASE["text"] in text


def test_an_older_report_without_them_says_so() -> None:
    text = _text(FIGURES)
    assert "尚未登记工作职责分工" in text and "暂无审核发布的典型案例" in text
