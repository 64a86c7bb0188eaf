"""Registry queries over HTTP: cards, the county roster, and the coverage, filing and board views.

Every answer is limited to the caller's scope; a `county` outside it is refused (403).
"""

from __future__ import annotations

from typing import Annotated, Any

from eventkit.clock import today_cst
from eventkit.dependencies import CurrentPrincipal, CurrentRuntime
from eventkit.paging import Paging
from eventkit.params import DayQuery, OptionalYearQuery
from fastapi import APIRouter, Depends, Path, Query
from vc_contracts.catalogue.enums import AdvisorKind, AdvisorStatus, DivisionLevel, UnitKind
from vc_contracts.catalogue.fields import VILLAGE_CODE_PATTERN, MonthDay
from vc_contracts.divisions import COUNTY_CODE_PATTERN, DIVISION_CODE_PATTERN
from vc_contracts.filing import FilingStatus

from registry.application import advisor_queries, gap_queries, queries
from registry.application.sql_queries import ReadModel

router = APIRouter(tags=["registry queries"])
Result = dict[str, Any]
Village = Annotated[str, Path(pattern=VILLAGE_CODE_PATTERN, description="12-digit village or community code")]
County = Annotated[str | None, Query(pattern=COUNTY_CODE_PATTERN, description="County code, e.g. 621025")]
AsOf = DayQuery
TOWNSHIP_PATTERN = r"^[1-9]\d{8}000$"


def _read_model(runtime: CurrentRuntime) -> ReadModel:
    return ReadModel(runtime.pool, runtime.settings.schema)


Reads = Annotated[ReadModel, Depends(_read_model)]


@router.get("/divisions", summary="行政区划列表 Divisions in scope")
async def list_divisions(
    who: CurrentPrincipal,
    db: Reads,
    paging: Paging,
    parent_code: Annotated[str | None, Query(pattern=DIVISION_CODE_PATTERN)] = None,
    level: DivisionLevel | None = None,
) -> Result:
    return await queries.list_divisions(db, who, parent_code, level, paging)


@router.get("/villages/{code}", summary="村（居）卡片 Village card: advisor, agreements, board, group")
async def village_card(code: Village, who: CurrentPrincipal, db: Reads) -> Result:
    return await queries.village_card(db, who, code, today_cst())


@router.get("/villages/{code}/assignments", summary="任职历史 Who served the village, and who on a day")
async def village_assignments(code: Village, who: CurrentPrincipal, db: Reads, as_of: AsOf = None) -> Result:
    return await queries.village_assignments(db, who, code, as_of or today_cst())


@router.get("/advisors", summary="顾问花名册 County roster of advisors")
async def roster(
    who: CurrentPrincipal,
    db: Reads,
    paging: Paging,
    county: County = None,
    unit_id: str | None = None,
    kind: AdvisorKind | None = None,
    status: AdvisorStatus | None = None,
    name: Annotated[str | None, Query(max_length=50, description="Part of the name")] = None,
) -> Result:
    filters = {"county": county, "unit_id": unit_id, "kind": kind, "status": status, "name": name}
    return await advisor_queries.roster(db, who, filters, today_cst(), paging)


@router.get("/advisors/{advisor_id}", summary="顾问卡片 Advisor card: villages served, history")
async def advisor_card(advisor_id: str, who: CurrentPrincipal, db: Reads) -> Result:
    return await advisor_queries.advisor_card(db, who, advisor_id, today_cst())


@router.get("/units", summary="服务单位列表 Providing units")
async def list_units(
    who: CurrentPrincipal,
    db: Reads,
    paging: Paging,
    county: County = None,
    kind: UnitKind | None = None,
) -> Result:
    return await advisor_queries.list_units(db, who, county, kind, paging)


@router.get("/coverage", summary="覆盖缺口 Villages without a serving advisor, now or on a past day")
async def coverage(
    who: CurrentPrincipal,
    db: Reads,
    paging: Paging,
    county: County = None,
    township: Annotated[str | None, Query(pattern=TOWNSHIP_PATTERN)] = None,
    gap: Annotated[str | None, Query(pattern="^(no_advisor|advisor_inactive)$")] = None,
    as_of: AsOf = None,
) -> Result:
    day = as_of or today_cst()
    return await gap_queries.coverage(db, who, county, township, gap, day, paging)


@router.get("/filings", summary="协议备案情况 Agreement filing status per year (late, missing…)")
async def filings(
    who: CurrentPrincipal,
    db: Reads,
    paging: Paging,
    county: County = None,
    year: OptionalYearQuery = None,
    status: Annotated[list[FilingStatus] | None, Query(description="Repeat to combine")] = None,
    deadline: Annotated[
        MonthDay | None,
        Query(description="MM-DD, CST: judge every county by this day (default: each county's rule)"),
    ] = None,
    as_of: AsOf = None,
) -> Result:
    day = as_of or today_cst()
    args = (county, year or day.year, status or [], deadline, day, paging)
    return await gap_queries.filings(db, who, *args)


@router.get("/notice-boards", summary="公示栏 Notice boards; stale=true lists outdated ones")
async def notice_boards(
    who: CurrentPrincipal, db: Reads, paging: Paging, county: County = None, stale: bool | None = None
) -> Result:
    return await gap_queries.notice_boards(db, who, county, stale, today_cst(), paging)
