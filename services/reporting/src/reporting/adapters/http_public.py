"""The public notice board (no token: residents reach their village's own advisor) and the
dashboard (JSON, and an auto-refreshing Chinese HTML page taking the token by query or header)."""

from __future__ import annotations

from html import escape
from typing import Annotated, Any

from eventkit.auth import Principal
from eventkit.clock import now_cst
from eventkit.errors import NotFoundError
from eventkit.params import QuarterQuery
from eventkit.periods import quarter_of
from eventkit.runtime import runtime_of
from eventkit.web import CurrentPrincipal
from fastapi import APIRouter, Header, Path, Request
from fastapi.responses import HTMLResponse
from vc_contracts.catalogue.fields import VILLAGE_CODE_PATTERN
from vc_contracts.divisions import significant_prefix

from reporting.application.board_view import board
from reporting.application.dashboard import dashboard

router = APIRouter(tags=["public"])
VillageCode = Annotated[str, Path(pattern=VILLAGE_CODE_PATTERN, description="12-digit village code")]
PUBLIC_PATHS = ["/public/villages/{code}", "/public/villages/{code}.json"]


async def _board(request: Request, code: str) -> dict[str, Any]:
    runtime = runtime_of(request)
    found = await board(runtime.pool, runtime.settings.schema, code)
    if found is None:
        raise NotFoundError(f"未找到村（社区）{code} 的公示信息", field="code")
    return found


@router.get("/public/villages/{code}.json", summary="村法律顾问公示（公开，无需令牌）JSON")
async def public_board_json(request: Request, code: VillageCode) -> dict[str, Any]:
    return await _board(request, code)


@router.get("/public/villages/{code}", response_class=HTMLResponse, summary="村法律顾问公示牌（公开）")
async def public_board(request: Request, code: VillageCode) -> HTMLResponse:
    b = await _board(request, code)
    rows = [
        ("法律顾问", b["advisor_name"] or "（暂无，正在安排）"), ("联系电话", b["phone"] or "—"),
        ("驻村时间", b["schedule"] or "—"), ("服务单位", b["unit_name"] or "—"),
        ("微信服务群", b["group_name"] or "—"),
    ]  # fmt: skip
    cells = "".join(f"<tr><th>{k}</th><td>{escape(str(v))}</td></tr>" for k, v in rows)
    phone = f'<p><a href="tel:{escape(b["phone"])}">拨打电话联系法律顾问</a></p>' if b["phone"] else ""
    name = escape(b["village_name"] or code)
    html = (
        f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" '
        f'content="width=device-width,initial-scale=1"><title>{name} · 一村一法律顾问公示</title></head>'
        f"<body><h1>{name}</h1><h2>一村（居）一法律顾问</h2><table>{cells}</table>{phone}"
        "<p>有法律问题，可在驻村时间到村委会当面咨询，也可电话或在微信群中咨询，免费。</p></body></html>"
    )
    return HTMLResponse(html)


async def _dashboard(request: Request, who: Principal, quarter: str | None) -> dict[str, Any]:
    runtime = runtime_of(request)
    view = await dashboard(
        runtime.pool, runtime.settings.schema, significant_prefix(who.scope), quarter or quarter_of(now_cst())
    )
    return {"scope": who.scope, **view}


@router.get("/dashboard.json", tags=["reporting"], summary="实时看板 Dashboard (scoped aggregate)")
async def dashboard_json(
    who: CurrentPrincipal,
    request: Request,
    quarter: QuarterQuery = None,
) -> dict[str, Any]:
    return await _dashboard(request, who, quarter)


HEADINGS = [("villages", "村（社区）数"), ("covered", "已配备顾问"), ("coverage_pct", "覆盖率%"),
            ("meeting_onsite_minimum", "本季度驻点满8小时"), ("reports_submitted", "已报送报告"),
            ("reports_approved", "已通过报告"), ("reports_returned", "被退回报告")]  # fmt: skip


@router.get(
    "/dashboard", response_class=HTMLResponse, tags=["reporting"], summary="实时看板（HTML，自动刷新）"
)
async def dashboard_page(
    request: Request, token: str | None = None, authorization: Annotated[str | None, Header()] = None
) -> HTMLResponse:
    who = runtime_of(request).verifier.verify(f"Bearer {token}" if token else authorization)
    view = await _dashboard(request, who, None)
    head = "".join(f"<th>{h}</th>" for _, h in HEADINGS)
    body = "".join(
        f"<tr><td>{escape(c['county'])}</td>" + "".join(f"<td>{c[k]}</td>" for k, _ in HEADINGS) + "</tr>"
        for c in view["counties"]
    )
    total = "".join(f"<td>{view['total'].get(k, 0)}</td>" for k, _ in HEADINGS)
    title = "一村一法律顾问 实时看板"
    html = (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="30"><title>{title}</title></head>'
        f"<body><h1>{title}（{escape(who.scope)}）</h1>"
        f"<p>季度：{view['quarter']}（按行政区划代码排列，不作排名；每30秒自动刷新）</p>"
        f"<table border=1><tr><th>县（区）</th>{head}</tr>{body}"
        f"<tr><th>合计</th>{total}</tr></table></body></html>"
    )
    return HTMLResponse(html)
