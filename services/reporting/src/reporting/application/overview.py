"""The dashboard overview of one division for one period (the answer of GET /dashboard/overview):
division with name and level, breadcrumb from the scope root, period with its as-of day, tiles with
last year's values, children in code order (no ranking), the per-village grid at county level and
below, and the 工作预警 list. Shapes: /work/briefs/dashboard-api.md and the README's API section.

Past periods: the as-of day is the period's last day (assignments, agreements and boards as in
force that day); on-site time and lectures are those dated in the period as the read models hold
them now. The current period is seen as of today (CST); one begun only on the reader's day
(`eventkit.clock.phone_today_cst`, the server's last minutes before it) as of its first day. Last
year: the same period a year earlier, seen on the same day a year earlier.
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import asyncpg
from eventkit.clock import now_cst, phone_today_cst
from eventkit.errors import NotFoundError
from eventkit.periods import Period, PeriodKind, parse_period, require_started
from vc_contracts.catalogue.assessment import ComplianceRulesSet
from vc_contracts.catalogue.enums import REPORT_KIND_LABELS, ReportKind
from vc_contracts.divisions import significant_prefix
from vc_contracts.durations import display_hours
from vc_contracts.filing_rules import filing_deadline
from vc_contracts.rounding import half_up, shown_ratio, shown_share
from vc_contracts.rules import rule_for_period, rule_label

from reporting.application import dashboard as q
from reporting.application.questions_view import overdue_questions
from reporting.application.results_view import RULE as RESULTS_RULE
from reporting.domain.compliance import HOURS_RULE_TEXT, LECTURES_RULE_TEXT, reference_day
from reporting.domain.deadlines import due_day, due_days, due_rule
from reporting.domain.pace import WARNING_LABELS, Window, report_due_soon

LEVELS = {2: "province", 4: "city", 6: "county", 9: "township", 12: "village"}
LEVEL_NAMES = {"province": "省", "city": "市（州）", "county": "县（区）", "township": "乡镇（街道）",
               "village": "村（社区）"}  # fmt: skip
CHILD_DIGITS = {2: 4, 4: 6, 6: 9, 9: 12, 12: 12}
WARNINGS_SHOWN = 200
COVERAGE_RULE = "村（社区）在统计日有在岗法律顾问派驻记录即为已覆盖（统计日：当期为今日，过去期间为期末日）。"
FILING_RULE = (
    "{year}年备案期限为{deadlines}（北京时间，以期限当日有效的规则为准），上一年期限后至本期限前签订或续签的"
    "协议须在期限前备案并签字盖章：期限内备案为按期，期限后备案为逾期，期限已过仍未备案为未备案；"
    "本年无须备案的村计为“无”。"
)
"""The agreement tile's rule, naming the deadline each county's figure was judged by."""
BREACH_RULE = "考核服务记录的未达标记录（驻点时长按季度、讲座宣传按年度），计入其所属期间。"
NOT_DERIVED = [
    "过去期间的驻点时长和讲座次数按现有台账计算（含期末后补录、更正的记录），不是期末当时的快照。",
    "公示栏是否过期只按所示法律顾问是否为统计日在岗顾问判断；电话、驻村时间的变更未纳入看板读模型。",
    "报告报送和年度考核结果按县统计，乡镇、村一级显示所在县的数字。",
]
"""What the 工作预警 and figures cannot say from the read models (shown with every answer)."""
REPORT_RULE = "半年度台账报告和年度考核结果报告，按所属年度统计报送、通过、退回和逾期记录。"


def code_of(prefix: str) -> str:
    """The division code whose significant prefix is `prefix` (62 → 620000, 621025100 → …000)."""
    return prefix.ljust(6, "0") if len(prefix) <= 6 else prefix.ljust(12, "0")


def period_label(key: str) -> str:
    return parse_period(key).label


def quarter_word(key: str, quarter: str) -> str:
    """How the figures kept per quarter name their quarter: 本季度 in a quarter's view; in a year's
    view the quarter they come from (the current one, or the year's last), e.g. 第四季度."""
    return "本季度" if len(key) > 4 else period_label(quarter)[5:]


def _year_ago(day: date) -> date:
    return day.replace(year=day.year - 1) if (day.month, day.day) != (2, 29) else date(day.year - 1, 2, 28)


def frame_of(prefix: str, key: str, today: date, seen: date | None = None) -> q.Frame:
    """The frame of a period key (2026Q4 or 2026) seen on `today`, the server's day (past periods: on
    their last day). Begun is judged on `seen`, the reader's day (`eventkit.clock.phone_today_cst`;
    default `today`): a period begun only there, in the server's last minutes of the period before,
    is seen as of its first day, current and with nothing counted yet, never as of a day before it."""
    begun_on = today if seen is None else seen
    period = require_started(key, begun_on, kinds=(PeriodKind.year, PeriodKind.quarter))
    as_of = reference_day(period.first_day, period.last_day, today)
    quarter = period if period.kind is PeriodKind.quarter else Period.containing(as_of)
    year = Period(period.year, PeriodKind.year)
    return q.Frame(
        prefix,
        str(quarter),
        Window(quarter.first_day, quarter.last_day, as_of),
        year.year,
        Window(year.first_day, year.last_day, as_of),
        as_of >= today,  # not over on the server's day (as of its first day when begun only for the reader)
    )


def last_year_frame(frame: q.Frame) -> q.Frame:
    as_of = _year_ago(frame.as_of)
    quarter = parse_period(frame.quarter).a_year_before()
    year = Period(frame.year - 1, PeriodKind.year)
    return q.Frame(
        frame.prefix,
        str(quarter),
        Window(quarter.first_day, quarter.last_day, as_of),
        year.year,
        Window(year.first_day, year.last_day, as_of),
    )


def _share(part: int, whole: int) -> Fraction:
    """`part` of `whole` in per cent, exact (0 of none)."""
    return Fraction(100 * part, whole) if whole else Fraction(0)


def _pct(part: int, whole: int) -> float:
    """The share shown: the exact per cent rounded half up once (1 of 16 villages shows 6.3, where the
    float's round gave 6.2), never 100.0 short of the whole nor 0.0 above none (`shown_share`: 17,426
    of a province's 17,427 villages covered read 100.0 %)."""
    return shown_share(part, whole)


def _sum(rows: list[dict[str, Any]]) -> dict[str, int]:
    total: dict[str, int] = {}
    for row in rows:
        for key, value in row.items():
            if key != "child":
                total[key] = total.get(key, 0) + int(value)
    return total


def _versions(counties: list[str], period: str, sets: list[ComplianceRulesSet]) -> list[dict[str, object]]:
    labels = {tuple(rule_label(rule_for_period(c, period, sets)).items()) for c in counties}
    return [dict(label) for label in sorted(labels)]


def _filing_rule(counties: list[str], year: int, sets: list[ComplianceRulesSet]) -> dict[str, Any]:
    """The agreement tile's rule: the deadlines the figures were judged by and the versions that set
    them (`filing_rules.filing_deadline`, the choice the dashboard's SQL is given), not the rule in
    force at the year's end."""
    chosen = [filing_deadline(c, year, sets) for c in counties] or [filing_deadline("620000", year, sets)]
    days = sorted({d.day for d in chosen})
    labels = {tuple(rule_label(d.rule).items()) for d in chosen}
    return {
        "text": FILING_RULE.format(year=year, deadlines="、".join(f"{d.month}月{d.day}日" for d in days)),
        "deadlines": [d.isoformat() for d in days],
        "versions": [dict(label) for label in sorted(labels)],
    }


def _share_tile(
    label: str, value: int, total: int, last: tuple[int, int] | None, rule: dict[str, Any], link: str
) -> dict[str, Any]:
    """A share of villages with last year's: `last_year` and `change_pct` are null when `last` is
    None (no advisor served there a year earlier: nothing to compare with, not a rise from 0 %)."""
    pct = _pct(value, total)
    compared = last is not None and last[1] > 0
    last = last or (0, 0)
    last_pct = _pct(*last) if compared else None
    # the change between the exact shares, rounded once: 1/3 against 1/6 is 16.7, not 33.3 - 16.7 = 16.6
    change = half_up(_share(value, total) - _share(*last), 1) if compared else None
    return {
        "label": label, "unit": "村", "value": value, "total": total, "pct": pct,
        "last_year": {"value": last[0], "total": last[1], "pct": last_pct} if compared else None,
        "change_pct": change,
        "rule": rule, "entries": link,
    }  # fmt: skip


AGREEMENT_KEYS = ("on_time", "late", "missing", "unstamped", "pending", "none")


async def overview(
    pool: asyncpg.Pool, schema: str, scope_prefix: str, prefix: str, key: str, sets: list[ComplianceRulesSet]
) -> dict[str, Any]:
    """The whole overview answer for the division whose significant prefix is `prefix`."""
    now = now_cst()
    frame = frame_of(prefix, key, now.date(), phone_today_cst())
    last = last_year_frame(frame)
    digits = len(prefix)
    level = LEVELS[digits]
    counties = await q.counties_in(pool, schema, prefix)
    crumbs = [p for n, p in ((n, prefix[:n]) for n in LEVELS) if len(scope_prefix) <= n <= digits]
    children = await q.child_figures(pool, schema, frame, CHILD_DIGITS[digits], counties, sets)
    past = await q.child_figures(pool, schema, last, CHILD_DIGITS[digits], counties, sets)
    child_codes = [code_of(r["child"]) for r in children] if digits < 12 else []
    known = await q.names(pool, schema, [code_of(p) for p in crumbs] + child_codes)
    code = code_of(prefix)
    if code not in known and not children:
        raise NotFoundError(f"看板中没有行政区划 {code}（尚未登记或尚未同步）", field="division")
    now_t, past_t = _sum(children), _sum(past)
    # last year compares only where the programme ran then: some village had an advisor that day
    compared = past_t.get("covered", 0) > 0
    grid = None
    if digits >= 6:
        rows = await q.village_rows(pool, schema, frame, counties, sets, False, 100_000)
        grid = [_village(r, frame) for r in rows]
    warnings, totals = await _warnings(pool, schema, frame, counties, sets, now.date(), now_t, key)
    years = [frame.year, last.year]
    unit_prefix = prefix[:6]  # reports and assessments belong to counties: below one, its county's
    reports = await q.report_figures(pool, schema, unit_prefix, years)
    results_year = frame.year if date(frame.year, 12, 31) < now.date() else frame.year - 1
    results = await q.assessment_results(pool, schema, unit_prefix, [results_year, results_year - 1])
    division_q = f"division={code}"
    county = code[:6] if digits >= 6 else None
    tiles = {
        "coverage": _share_tile(
            "顾问覆盖率", now_t.get("covered", 0), now_t.get("villages", 0),
            (past_t.get("covered", 0), past_t.get("villages", 0)) if compared else None,
            {"text": COVERAGE_RULE, "versions": []},
            f"/api/reporting/compliance?{division_q}&quarter={frame.quarter}",
        ),
        "agreements": {
            "label": "本年协议备案", "unit": "村", "year": frame.year,
            **{k: now_t.get(f"agreements_{k}", 0) for k in AGREEMENT_KEYS}, "total": now_t.get("villages", 0),
            "last_year": {**{k: past_t.get(f"agreements_{k}", 0) for k in AGREEMENT_KEYS},
                          "total": past_t.get("villages", 0)} if compared else None,
            "rule": _filing_rule(counties, frame.year, sets),
            "entries": f"/api/registry/filings?year={frame.year}" + (f"&county={county}" if county else ""),
        },
        "onsite": {
            **_share_tile(
                f"{quarter_word(key, frame.quarter)}驻点达标村", now_t.get("onsite_meeting", 0),
                now_t.get("villages", 0),
                (past_t.get("onsite_meeting", 0), past_t.get("villages", 0)) if compared else None,
                {"text": HOURS_RULE_TEXT, "versions": _versions(counties, frame.quarter, sets)},
                f"/api/reporting/compliance?{division_q}&quarter={frame.quarter}",
            ),
            "quarter": frame.quarter, "at_risk": now_t.get("at_risk", 0),
        },
        "lectures": {
            **_share_tile(
                "本年讲座及普法宣传达标村", now_t.get("lectures_meeting", 0), now_t.get("villages", 0),
                (past_t.get("lectures_meeting", 0), past_t.get("villages", 0)) if compared else None,
                {"text": LECTURES_RULE_TEXT, "versions": _versions(counties, str(frame.year), sets)},
                f"/api/reporting/compliance?{division_q}&quarter={frame.quarter}",
            ),
            "year": frame.year,
        },
        "breaches": {
            "label": "未达标记录", "unit": "条", "value": now_t.get("breaches", 0),
            "last_year": {"value": past_t.get("breaches", 0)} if compared else None,
            "change": now_t.get("breaches", 0) - past_t.get("breaches", 0) if compared else None,
            "rule": {"text": BREACH_RULE, "versions": []},
            "entries": f"/api/assessment/breaches?county={county}&period={frame.quarter}" if county else None,
        },
        "reports": {
            "label": "报告报送", "unit": "份", "year": frame.year, **reports[frame.year],
            "due": _due(counties, frame, now.date(), sets) if frame.quarter_window.days_left else [],
            "last_year": reports[last.year] if compared else None,
            "rule": {"text": REPORT_RULE, "versions": []},
            "entries": f"/api/reporting/reports?{division_q}",
        },
        "assessment": {
            "label": "年度考核结果", "unit": "人", "year": results_year, **results[results_year],
            "last_year": results[results_year - 1],
            "rule": {"text": RESULTS_RULE, "versions": []},
            "entries": f"/api/assessment/assessments?county={county}&year={results_year}" if county else None,
        },
        "questions": await overdue_questions(pool, schema, prefix, sets, now),
    }  # fmt: skip
    return {
        "division": {"code": code, "name": known.get(code, code), "level": level,
                     "level_name": LEVEL_NAMES[level]},
        "scope": _named(code_of(scope_prefix), known),
        "breadcrumb": [_named(code_of(p), known) for p in crumbs],
        "period": {
            "key": key, "kind": "year" if len(key) == 4 else "quarter", "label": period_label(key),
            "first_day": (frame.year_window if len(key) == 4 else frame.quarter_window).first.isoformat(),
            "last_day": (frame.year_window if len(key) == 4 else frame.quarter_window).last.isoformat(),
            "as_of": frame.as_of.isoformat(), "current": frame.current,
            "quarter": frame.quarter, "quarter_label": period_label(frame.quarter), "year": frame.year,
            "weeks_left": frame.quarter_window.weeks_left, "generated_at": now.isoformat(timespec="seconds"),
        },
        "last_year": {"key": f"{last.year}{key[4:]}", "label": period_label(f"{last.year}{key[4:]}"),
                      "as_of": last.as_of.isoformat()},
        "tiles": tiles,
        "children": [_child(r, known) for r in children] if digits < 12 else [],
        "villages": grid,
        "warnings": warnings,
        "warnings_total": totals,
        "warnings_truncated": sum(totals.values()) > len(warnings),
        "not_derived": NOT_DERIVED,
    }  # fmt: skip


def _named(code: str, known: dict[str, str]) -> dict[str, str]:
    return {"code": code, "name": known.get(code, code), "level": LEVELS[len(code_prefix(code))]}


def code_prefix(code: str) -> str:
    return significant_prefix(code)


def _child(row: dict[str, Any], known: dict[str, str]) -> dict[str, Any]:
    code = code_of(row["child"])
    villages = int(row["villages"])
    warnings = sum(int(row[k]) for k in WARNING_LABELS if k in row)
    return {
        "code": code, "name": known.get(code, code), "level": LEVELS[len(row["child"])],
        "villages": villages, "covered": row["covered"], "coverage_pct": _pct(row["covered"], villages),
        "onsite_meeting": row["onsite_meeting"], "onsite_pct": _pct(row["onsite_meeting"], villages),
        "at_risk": row["at_risk"], "lectures_meeting": row["lectures_meeting"],
        "lectures_pct": _pct(row["lectures_meeting"], villages),
        "agreements_on_time": row["agreements_on_time"], "agreements_late": row["agreements_late"],
        "agreements_missing": row["agreements_missing"], "breaches": row["breaches"], "warnings": warnings,
    }  # fmt: skip


def _village(row: dict[str, Any], frame: q.Frame) -> dict[str, Any]:
    code, s, min_s = row["village_code"], int(row["s"]), int(row["min_s"])
    return {
        "code": code, "name": row["name"], "township_code": row["township_code"],
        "township_name": row["township_name"],
        "advisor": {"id": row["advisor_id"], "name": row["advisor_name"]} if row["advisor_id"] else None,
        "onsite_seconds": s, "onsite_hours": display_hours(s),
        "min_seconds": min_s, "min_hours": display_hours(min_s),
        "share": shown_ratio(s, min_s) if min_s else None, "meets_onsite": s >= min_s,
        "lectures": row["lectures"], "lectures_min": row["lec_min"],
        "meets_lectures": row["lectures"] >= row["lec_min"],
        "at_risk": row["at_risk"], "agreement": row["agreement"], "board_stale": row["board_stale"],
        "breaches": row["breaches"],
        "volume": f"/api/ledger/volumes/village/{code}/{frame.year}",
        "compliance": f"/api/reporting/compliance?division={code}&quarter={frame.quarter}",
    }  # fmt: skip


async def _warnings(
    pool: asyncpg.Pool, schema: str, frame: q.Frame, counties: list[str], sets: list[ComplianceRulesSet],
    today: date, totals_row: dict[str, int], key: str,
) -> tuple[list[dict[str, Any]], dict[str, int]]:  # fmt: skip
    """Warnings by kind, then division code; at most WARNINGS_SHOWN listed, all counted."""
    word = quarter_word(key, frame.quarter)
    labels = {k: v.replace("本季度", word) for k, v in WARNING_LABELS.items()}
    totals = {k: totals_row.get(k, 0) for k in WARNING_LABELS}
    rows = (
        await q.village_rows(pool, schema, frame, counties, sets, True, WARNINGS_SHOWN)
        if sum(totals.values())
        else []
    )
    days_left = frame.quarter_window.days_left
    listed: list[dict[str, Any]] = []
    messages = {
        "no_visit": lambda r: f"{r['name']}{word}尚无驻点服务记录，距季度末还有{days_left}天",
        "lectures_missing": lambda r: f"{r['name']}本年讲座及普法宣传{r['lectures']}次，"
        f"落后于进度（全年不少于{r['lec_min']}次）",
        "agreement_not_filed": lambda r: f"{r['name']}的法律顾问协议"
        + ("备案材料未签字盖章" if r["agreement"] == "unstamped" else "已过备案期限仍未备案"),
        "board_stale": lambda r: f"{r['name']}公示栏未张贴或仍显示原法律顾问",
    }
    for kind in ("no_visit", "lectures_missing", "agreement_not_filed", "board_stale"):
        for r in rows:
            if r[f"w_{kind}"]:
                listed.append({
                    "kind": kind, "label": labels[kind],
                    "division": {"code": r["village_code"], "name": r["name"]},
                    "message": messages[kind](r),
                    "due_day": frame.quarter_window.last.isoformat() if kind == "no_visit" else None,
                    "link": f"/api/ledger/volumes/village/{r['village_code']}/{frame.year}",
                })  # fmt: skip
    due = await _reports_due_soon(pool, schema, frame, counties, sets, today)
    totals["report_due_soon"] = len(due)
    listed += due
    return listed[:WARNINGS_SHOWN], totals


def _candidates(today: date) -> list[tuple[ReportKind, str]]:
    y = today.year
    return [(ReportKind.half_year_ledger, f"{y - 1}H2"), (ReportKind.half_year_ledger, f"{y}H1"),
            (ReportKind.annual_results, str(y))]  # fmt: skip


def _report_name(kind: ReportKind, period: str) -> str:
    if kind is ReportKind.annual_results:
        return f"{period}{REPORT_KIND_LABELS[ReportKind.annual_results]}"
    return f"{parse_period(period).label}台账报告"


def _due(
    counties: list[str], frame: q.Frame, today: date, sets: list[ComplianceRulesSet]
) -> list[dict[str, Any]]:
    """Deadlines still ahead within 120 days (by the first county's rule: counties share the province's
    due days unless they set their own, which the warnings then name per county)."""
    if not counties:
        return []
    found = []
    for kind, period in _candidates(today):
        day = due_day(kind, period, due_days(due_rule(counties[0], kind, period, sets)))
        if today <= day <= today + timedelta(days=120):
            found.append({"kind": kind.value, "period": period, "due_day": day.isoformat(),
                          "days_left": (day - today).days})  # fmt: skip
    return found


async def _reports_due_soon(
    pool: asyncpg.Pool, schema: str, frame: q.Frame, counties: list[str], sets: list[ComplianceRulesSet],
    today: date,
) -> list[dict[str, Any]]:  # fmt: skip
    if not frame.current or not counties:
        return []
    candidates = _candidates(today)
    done = await q.submitted_reports(pool, schema, frame.prefix[:6], [p for _, p in candidates])
    names = await q.names(pool, schema, counties)
    found = []
    for county in counties:
        for kind, period in candidates:
            day = due_day(kind, period, due_days(due_rule(county, kind, period, sets)))
            if report_due_soon(day, today, (county, kind.value, period) in done):
                name = names.get(county, county)
                found.append({
                    "kind": "report_due_soon", "label": WARNING_LABELS["report_due_soon"],
                    "division": {"code": county, "name": name},
                    "message": f"{name}{_report_name(kind, period)}将于{day.isoformat()}到期，尚未报送",
                    "due_day": day.isoformat(), "link": f"/api/reporting/reports?division={county}",
                })  # fmt: skip
    return found
