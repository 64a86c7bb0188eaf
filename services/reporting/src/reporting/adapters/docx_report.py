"""The written annual report (R14) as a Word document, built from the report's own derived figures.

Nothing is typed in: every number comes from the figures the county previewed and confirmed (the
statistics table of the year plus the assessment results), and every table names its counting rule.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from vc_contracts.durations import hours_text

from reporting.domain.statistics import METRICS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The main columns of the per-village table; the channel/category/outcome breakdowns get their own table.
MAIN = ["visits", "visit_hours", "lectures", "publicity_events", "audience", "consultations",
        "mediations", "document_reviews"]  # fmt: skip
HEADINGS = {m.key: m.heading for m in METRICS}
FONT = "SimSun"


def _figure(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def _cell(figures: dict[str, Any], key: str) -> str:
    """A figure as the report writes it: hours with two decimals by the one rule (`hours_text`), counts
    as whole numbers."""
    return hours_text(figures[key]) if key == "visit_hours" else _figure(figures[key])


def _table(document: Any, head: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text


def _cjk(document: Any) -> None:
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)


def _typical_cases(document: Any, figures: dict[str, Any]) -> None:
    """R16: who leads the work and the county's approved typical cases of the year (reports stored
    before these existed have neither key, and say so)."""
    document.add_heading("五、组织领导与典型案例", 1)
    duties = figures.get("responsibilities")
    if duties:
        document.add_paragraph(
            f"总负责：{duties['head']}；分管负责：{duties['deputy']}；"
            f"参与股室、司法所：{'、'.join(duties['sections'])}；协议存档：{duties['filing_place']}。"
        )
    else:
        document.add_paragraph("尚未登记工作职责分工。")
    cases = figures.get("typical_cases") or []
    if not cases:
        document.add_paragraph("本年度暂无审核发布的典型案例。")
    for number, case in enumerate(cases, 1):
        where = case.get("village_name") or case["village_code"]
        heading = f"案例{number}　{case['title']}（{case['kind_label']}，{where}）"
        document.add_paragraph(heading, style="List Bullet")
        document.add_paragraph(case["text"])


def annual_document(meta: dict[str, Any], figures: dict[str, Any], timeline: list[dict[str, Any]]) -> bytes:
    """DOCX bytes. `meta`: county_name, year, status_name, submissions, generated_at (aware datetime),
    report_id (or None for a preview); `figures`: the annual table (rows, totals, counting_rules,
    assessment_results, digest); `timeline`: the report's events as GET /reports/{id} lists them."""
    document = Document()
    _cjk(document)
    title = document.add_heading(f"{meta['county_name']}{meta['year']}年度“一村（居）一法律顾问”工作报告", 0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    generated: datetime = meta["generated_at"]
    facts = [
        ("报送单位", f"{meta['county_name']}司法局"),
        # a report of a year not yet over says how far it counts (figures of older reports lack it)
        ("统计期间", (figures.get("coverage") or {}).get("text") or f"{meta['year']}年1月1日至12月31日"),
        (
            "报告状态",
            meta["status_name"] + (f"（第{meta['submissions']}次报送）" if meta["submissions"] else ""),
        ),
        ("报告编号", meta["report_id"] or "（预览，尚未报送）"),
        ("数据指纹", figures["digest"]),
        ("生成时间", generated.strftime("%Y-%m-%d %H:%M +08:00")),
    ]
    for label, value in facts:
        document.add_paragraph(f"{label}：{value}")
    totals = figures["totals"]
    document.add_heading("一、工作概况", 1)
    document.add_paragraph(
        f"本年度全县法律顾问驻村服务{_figure(totals['visits'])}次、共{hours_text(totals['visit_hours'])}小时，"
        f"举办法治讲座{_figure(totals['lectures'])}场、法治宣传活动{_figure(totals['publicity_events'])}次，"
        f"受众{_figure(totals['audience'])}人次；解答法律咨询{_figure(totals['consultations'])}件，"
        f"调解纠纷{_figure(totals['mediations'])}件，审核文件{_figure(totals['document_reviews'])}份。"
        "以上数据均由台账记录自动统计，未经人工填写。"
    )
    document.add_heading("二、各村（社区）工作数据", 1)
    rows = [
        [r.get("unit_name") or r["unit_id"], r.get("village_name") or r["village_code"]]
        + [_cell(r, k) for k in MAIN]
        for r in figures["rows"]
    ]
    rows.append(["合计", ""] + [_cell(totals, k) for k in MAIN])
    _table(document, ["服务单位", "村（社区）"] + [HEADINGS[k] for k in MAIN], rows)
    document.add_heading("三、咨询与调解分类统计", 1)
    breakdown = [m.key for m in METRICS if m.key not in MAIN]
    _table(document, ["项目", "合计"], [[HEADINGS[k], _figure(totals[k])] for k in breakdown])
    document.add_heading("四、法律顾问年度考核结果", 1)
    results = figures.get("assessment_results") or {"counts": {}, "headings": {}, "counting_rule": ""}
    counts = results["counts"]
    if "to_assess" in results:
        document.add_paragraph(
            f"本年度有台账记录的法律顾问{results['to_assess']}名，已得出考核结论{results['concluded']}名。"
        )
    _table(
        document, ["考核结论", "人数"], [[results["headings"].get(k, k), str(n)] for k, n in counts.items()]
    )
    _typical_cases(document, figures)
    document.add_heading("六、统计口径", 1)
    for key, rule in figures["counting_rules"].items():
        document.add_paragraph(f"{HEADINGS.get(key, key)}：{rule}", style="List Bullet")
    if results.get("counting_rule"):
        document.add_paragraph(f"考核结论：{results['counting_rule']}", style="List Bullet")
    document.add_heading("七、报送与审核记录", 1)
    if timeline:
        _table(
            document, ["时间", "事项", "说明"], [[t["at_text"], t["title"], t["detail"]] for t in timeline]
        )
    else:
        document.add_paragraph("尚未报送。")
    out = BytesIO()
    document.save(out)
    return out.getvalue()
