"""The public notice boards' data (JSON, no token: the web service renders the village's page and
its A4 poster from it) and the dashboard (JSON, and an auto-refreshing Chinese HTML page that
fetches it with the tab's token)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from eventkit.auth import Principal
from eventkit.clock import now_cst, today_cst
from eventkit.errors import NotFoundError
from eventkit.params import QuarterQuery
from eventkit.periods import quarter_bounds, quarter_of
from eventkit.runtime import runtime_of
from eventkit.web import CurrentPrincipal
from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse
from vc_contracts.catalogue.fields import VILLAGE_CODE_PATTERN
from vc_contracts.divisions import COUNTY_CODE_PATTERN

from reporting.application.board_view import board, boards, division_name
from reporting.application.dashboard import dashboard
from reporting.application.due_rules_view import rule_sets
from reporting.domain.compliance import reference_day

router = APIRouter(tags=["public"])
VillageCode = Annotated[str, Path(pattern=VILLAGE_CODE_PATTERN, description="12-digit village code")]
CountyCode = Annotated[str, Path(pattern=COUNTY_CODE_PATTERN, description="6-digit county code")]
# The boards are read by the web service's public pages (vc_web.public: the page, the A4 poster)
PUBLIC_PATHS = ["/public/villages/{code}.json", "/public/counties/{code}/villages.json"]


async def _board(request: Request, code: str) -> dict[str, Any]:
    runtime = runtime_of(request)
    found = await board(runtime.pool, runtime.settings.schema, code, today_cst())
    if found is None:
        raise NotFoundError(f"未找到村（社区）{code} 的公示信息", field="code")
    return found


@router.get("/public/villages/{code}.json", summary="村法律顾问公示（公开，无需令牌）JSON")
async def public_board_json(request: Request, code: VillageCode) -> dict[str, Any]:
    return await _board(request, code)


@router.get("/public/counties/{code}/villages.json", summary="全县各村法律顾问公示（公开）JSON")
async def public_county_boards(request: Request, code: CountyCode) -> dict[str, Any]:
    """`{county_code, county_name, villages: [board, …]}` by village code: what the county's
    posters print (public facts only). 404 for a county with no villages known."""
    runtime = runtime_of(request)
    schema = runtime.settings.schema
    villages = await boards(runtime.pool, schema, code, today_cst())
    if not villages:
        raise NotFoundError(f"未找到县（区）{code} 的村（社区）公示信息", field="code")
    return {"county_code": code, "county_name": await division_name(runtime.pool, schema, code),
            "villages": villages}  # fmt: skip


async def _dashboard(request: Request, who: Principal, quarter: str | None) -> dict[str, Any]:
    runtime = runtime_of(request)
    quarter = quarter or quarter_of(now_cst())
    first, last = quarter_bounds(quarter)
    on = reference_day(first, last, today_cst())
    sets = await rule_sets(runtime.pool, runtime.settings.schema)
    view = await dashboard(runtime.pool, runtime.settings.schema, who.scope_prefix, quarter, on, sets)
    return {"scope": who.scope, **view}


@router.get("/dashboard.json", tags=["reporting"], summary="实时看板 Dashboard (scoped aggregate)")
async def dashboard_json(
    who: CurrentPrincipal,
    request: Request,
    quarter: QuarterQuery = None,
) -> dict[str, Any]:
    return await _dashboard(request, who, quarter)


HEADINGS = [("villages", "村（社区）数"), ("covered", "已配备顾问"), ("coverage_pct", "覆盖率%"),
            ("meeting_onsite_minimum", "本季度驻点达标"), ("reports_submitted", "已报送报告"),
            ("reports_approved", "已通过报告"), ("reports_returned", "被退回报告")]  # fmt: skip

# The page carries no data and no token: its script reads the token from the tab's sessionStorage
# (or asks for it once) and fetches dashboard.json with an Authorization header. A token in the URL
# would land in access logs, proxies and browser history (refused app-wide: eventkit.credentials).
_PAGE_SCRIPT = """
const KEY = "vc.token", HEADINGS = %s;
const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
function token() {
  let t = sessionStorage.getItem(KEY);
  if (!t) {
    t = (prompt("请粘贴身份令牌（仅保存在本标签页）") || "").trim();
    if (t) sessionStorage.setItem(KEY, t);
  }
  return t;
}
async function load() {
  const t = token(), note = document.getElementById("note");
  if (!t) { note.textContent = "未提供身份令牌，无法显示看板"; return; }
  const r = await fetch("dashboard.json", { headers: { Authorization: "Bearer " + t } });
  const body = await r.json();
  if (!r.ok) {
    note.textContent = body.message || "加载失败";
    if (r.status === 401) sessionStorage.removeItem(KEY);
    return;
  }
  document.getElementById("scope").textContent = "（" + body.scope + "）";
  note.textContent = "季度：" + body.quarter + "（按行政区划代码排列，不作排名；每30秒自动刷新）";
  const cells = (c) => HEADINGS.map(([k]) => "<td>" + esc(c[k] ?? 0) + "</td>").join("");
  // each county is judged by its own rule in force for the quarter: show which one
  const rule = (c) => c.onsite_rule ? esc(c.min_quarter_onsite_hours) + " 小时（" +
    esc(c.onsite_rule.division_code) + " 第 " + esc(c.onsite_rule.version) + " 版，" +
    esc(c.onsite_rule.effective_from) + " 起）" : "—";
  const row = (label, c) => "<tr><td>" + esc(label) + "</td>" + cells(c) + "<td>" + rule(c) + "</td></tr>";
  document.getElementById("rows").innerHTML =
    body.counties.map((c) => row(c.county, c)).join("") + row("合计", body.total);
  setTimeout(load, 30000);
}
load();
"""


@router.get(
    "/dashboard", response_class=HTMLResponse, tags=["reporting"], summary="实时看板（HTML，自动刷新）"
)
async def dashboard_page() -> HTMLResponse:
    """The dashboard page: a shell whose script fetches `/dashboard.json` with the tab's token."""
    head = "".join(f"<th>{h}</th>" for _, h in HEADINGS)
    title = "一村一法律顾问 实时看板"
    script = _PAGE_SCRIPT % json.dumps(HEADINGS, ensure_ascii=False)
    html = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta name="referrer" content="no-referrer"><title>{title}</title></head>'
        f'<body><h1>{title}<span id="scope"></span></h1>'
        '<p id="note">正在加载…（按行政区划代码排列，不作排名；每30秒自动刷新）</p>'
        f"<table border=1><thead><tr><th>县（区）</th>{head}<th>驻点标准（规则）</th></tr></thead>"
        '<tbody id="rows"></tbody></table>'
        f"<script>{script}</script></body></html>"
    )
    return HTMLResponse(html)
