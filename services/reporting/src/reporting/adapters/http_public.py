"""The public notice boards' data (JSON, no token): the web service renders the village's page and
its A4 poster from it (vc_web.public)."""

from __future__ import annotations

from typing import Annotated, Any

from eventkit.clock import today_cst
from eventkit.dependencies import CurrentRuntime
from eventkit.errors import NotFoundError
from eventkit.runtime import Runtime
from fastapi import APIRouter, Path
from vc_contracts.catalogue.fields import VILLAGE_CODE_PATTERN
from vc_contracts.divisions import COUNTY_CODE_PATTERN

from reporting.application.board_view import board, boards, division_name
from reporting.application.typical_cases_view import approved_cases, county_duties

router = APIRouter(tags=["public"])
VillageCode = Annotated[str, Path(pattern=VILLAGE_CODE_PATTERN, description="12-digit village code")]
CountyCode = Annotated[str, Path(pattern=COUNTY_CODE_PATTERN, description="6-digit county code")]
# The boards are read by the web service's public pages (vc_web.public: the page, the A4 poster)
PUBLIC_PATHS = [
    "/public/villages/{code}.json",
    "/public/counties/{code}/villages.json",
    "/public/counties/{code}/cases.json",
]


async def _board(runtime: Runtime, code: str) -> dict[str, Any]:
    found = await board(runtime.pool, runtime.settings.schema, code, today_cst())
    if found is None:
        raise NotFoundError(f"未找到村（社区）{code} 的公示信息", field="code")
    return found


@router.get("/public/villages/{code}.json", summary="村法律顾问公示（公开，无需令牌）JSON")
async def public_board_json(runtime: CurrentRuntime, code: VillageCode) -> dict[str, Any]:
    return await _board(runtime, code)


@router.get("/public/counties/{code}/villages.json", summary="全县各村法律顾问公示（公开）JSON")
async def public_county_boards(runtime: CurrentRuntime, code: CountyCode) -> dict[str, Any]:
    """`{county_code, county_name, villages: [board, …]}` by village code: what the county's
    posters print (public facts only). 404 for a county with no villages known."""
    schema = runtime.settings.schema
    villages = await boards(runtime.pool, schema, code, today_cst())
    if not villages:
        raise NotFoundError(f"未找到县（区）{code} 的村（社区）公示信息", field="code")
    return {"county_code": code, "county_name": await division_name(runtime.pool, schema, code),
            "villages": villages}  # fmt: skip


@router.get("/public/counties/{code}/cases.json", summary="县级典型案例与工作职责（公开）JSON")
async def public_county_cases(runtime: CurrentRuntime, code: CountyCode) -> dict[str, Any]:
    """`{county_code, county_name, responsibilities: {head, deputy, sections, filing_place,
    effective_on} | null, cases: [approved case, …]}` (R16): only cases the county approved, only
    their anonymised write-ups. 404 for a county not known."""
    schema = runtime.settings.schema
    name = await division_name(runtime.pool, schema, code)
    if name is None:
        raise NotFoundError(f"未找到县（区）{code}", field="code")
    return {
        "county_code": code,
        "county_name": name,
        "responsibilities": await county_duties(runtime.pool, schema, code),
        "cases": await approved_cases(runtime.pool, schema, code),
    }
