"""The public notice board (no token: residents reach their village's own advisor)."""

from __future__ import annotations

from html import escape
from typing import Annotated, Any

from eventkit.clock import today_cst
from eventkit.errors import NotFoundError
from eventkit.runtime import runtime_of
from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse
from vc_contracts.catalogue.fields import VILLAGE_CODE_PATTERN

from reporting.application.board_view import board

router = APIRouter(tags=["public"])
VillageCode = Annotated[str, Path(pattern=VILLAGE_CODE_PATTERN, description="12-digit village code")]
PUBLIC_PATHS = ["/public/villages/{code}", "/public/villages/{code}.json"]


async def _board(request: Request, code: str) -> dict[str, Any]:
    runtime = runtime_of(request)
    found = await board(runtime.pool, runtime.settings.schema, code, today_cst())
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
