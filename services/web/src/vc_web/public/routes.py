"""Routes of the public board: the village's page and its feedback form, the poster, the county's
posters, and the county's page of responsible people and typical cases. Every answer is a Chinese
HTML page, also the refusals (a friendly 404, the form again with its errors, 429 when one network
sent too much, 503 when a service is down): residents never see JSON or a stack trace.

Pages are `Cache-Control: no-store`: each carries a fresh form submission id, and a page cached by
a proxy or WeChat would hand one id to many residents (their feedback would then be refused as a
reuse of it) or show an advisor who has been replaced.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from eventkit.clients import client_address, trusted_set
from eventkit.clock import now_cst
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from vc_contracts.catalogue.fields import VILLAGE_CODE_PATTERN
from vc_contracts.codes import ascii_digits
from vc_contracts.divisions import COUNTY_CODE_PATTERN

from vc_web.public import feedback_form, sources
from vc_web.public.pages import render
from vc_web.public.poster_qr import qr_svg
from vc_web.public.settings import PublicSettings, base_url, public_settings

router = APIRouter(tags=["public notice board"])
# Checked here, not by FastAPI's path patterns: an impossible address gets the friendly 404 page
VILLAGE, COUNTY = re.compile(VILLAGE_CODE_PATTERN), re.compile(COUNTY_CODE_PATTERN)
NO_STORE = {"Cache-Control": "no-store"}
Settings = Depends(public_settings)


def _page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("updated_at", now_cst())
    return HTMLResponse(render(template, **context), status_code=status, headers=NO_STORE)


def _not_found(what: str) -> HTMLResponse:
    return _page("not_found.html", 404, what=what)


def _unavailable() -> HTMLResponse:
    return _page("unavailable.html", 503)


async def _board_page(
    settings: PublicSettings, code: str, form: feedback_form.Form | None = None, status: int = 200
) -> HTMLResponse:
    try:
        board = await sources.village_board(settings, code) if VILLAGE.fullmatch(code) else None
    except sources.Unavailable:
        return _unavailable()
    if board is None:
        return _not_found("村（社区）")
    return _page(
        "board.html",
        status,
        board=board,
        form=form or feedback_form.Form(),
        categories=feedback_form.CATEGORIES,
        meeting_times=feedback_form.meeting_times(board.get("schedule"), now_cst()),
    )


@router.get("/v/{code}", response_class=HTMLResponse, summary="村法律顾问公示页（公开）")
async def village_page(code: str, settings: PublicSettings = Settings) -> HTMLResponse:
    """The village's board: advisor, tap-to-call phone, schedule, unit, WeChat group, how to get
    help, and the feedback form. 404 page for an unknown village."""
    # full-width digits typed by hand (６２１０２５…): the same board, as the APIs read them
    code = ascii_digits(code)
    return await _board_page(settings, code)


@router.post("/v/{code}/feedback", response_class=HTMLResponse, summary="居民留言（公开，表单提交）")
async def village_feedback(code: str, request: Request, settings: PublicSettings = Settings) -> HTMLResponse:
    """A resident's feedback (urlencoded form): the confirmation page, or the board again with the
    registry's reasons next to the fields (422), a message (429), the 404 or 503 page."""
    code = ascii_digits(code)
    if not VILLAGE.fullmatch(code):
        return _not_found("村（社区）")
    body = await request.body()
    if len(body) > feedback_form.MAX_FORM_BYTES:
        form = feedback_form.Form(message="留言内容过长，请精简到2000字以内")
        return await _board_page(settings, code, form, 413)
    try:
        form = feedback_form.parse(body)
    except feedback_form.UnreadableForm as unreadable:
        return await _board_page(settings, code, feedback_form.Form(message=str(unreadable)), 400)
    client = client_address(request, trusted_set(settings.trusted_proxies))
    try:
        answer = await sources.leave_feedback(settings, code, feedback_form.request_body(form), client)
    except sources.Unavailable:
        return _unavailable()
    if answer.status == 201:
        return _page("feedback_sent.html", 200, village=code, asked=answer.body)
    if answer.status == 404:
        return _not_found("村（社区）")
    return await _board_page(settings, code, feedback_form.with_errors(form, answer.body), answer.status)


CODE = re.compile(r"[A-Za-z0-9 -]{4,20}")


@router.get("/v/{code}/answer", response_model=None, summary="凭查询码查看答复（表单）")
async def answer_lookup(code: str, q: str = "") -> Response:
    """The board's 查看答复 form (GET `?q=`): to the answer's own address, which can be bookmarked."""
    code = ascii_digits(code)
    # NFKC first: a phone's Chinese input method in full-width mode types ＭＡＢＣ４ for MABC4, which
    # passed isalnum() and then failed CODE (ASCII only): the right code answered "no such question"
    typed = "".join(ch for ch in unicodedata.normalize("NFKC", q).upper() if ch.isalnum())
    if not VILLAGE.fullmatch(code) or not CODE.fullmatch(typed):
        return _page("answer_missing.html", 404, village=code)
    return RedirectResponse(f"/v/{code}/q/{typed}", status_code=303, headers=NO_STORE)


@router.get("/v/{code}/q/{question_code}", response_class=HTMLResponse, summary="凭查询码查看答复（公开）")
async def answer_page(code: str, question_code: str, settings: PublicSettings = Settings) -> HTMLResponse:
    """The resident's question and, once the advisor answered (the ledger entry), the answer; a
    friendly page when the code is unknown. Never the phone."""
    code = ascii_digits(code)
    if not VILLAGE.fullmatch(code) or not CODE.fullmatch(question_code):
        return _page("answer_missing.html", 404, village=code)
    try:
        found = await sources.read_answer(settings, code, question_code)
    except sources.Unavailable:
        return _unavailable()
    if found is None:
        return _page("answer_missing.html", 404, village=code)
    return _page("answer.html", question=found, code=question_code.upper())


@router.get("/v/{code}/poster", response_class=HTMLResponse, summary="村法律顾问公示海报（A4，可打印）")
async def village_poster(code: str, request: Request, settings: PublicSettings = Settings) -> HTMLResponse:
    """The printable A4 poster: the board's facts and a QR code of the board's absolute address."""
    code = ascii_digits(code)
    try:
        board = await sources.village_board(settings, code) if VILLAGE.fullmatch(code) else None
    except sources.Unavailable:
        return _unavailable()
    if board is None:
        return _not_found("村（社区）")
    base = base_url(request, settings)
    title = f"{board['village_name'] or code} 法律顾问公示海报"
    return _page("posters.html", title=title, posters=[_poster(base, board)])


@router.get(
    "/v/county/{county_code}/posters", response_class=HTMLResponse, summary="全县各村公示海报（批量打印）"
)
async def county_posters(
    county_code: str, request: Request, settings: PublicSettings = Settings
) -> HTMLResponse:
    """Every village's poster of the county in one printable document, one A4 page each."""
    county_code = ascii_digits(county_code)
    try:
        county = await sources.county_boards(settings, county_code) if COUNTY.fullmatch(county_code) else None
    except sources.Unavailable:
        return _unavailable()
    if county is None:
        return _not_found("县（区）")
    base = base_url(request, settings)
    title = f"{county['county_name'] or county_code} 各村（社区）法律顾问公示海报"
    return _page("posters.html", title=title, posters=[_poster(base, b) for b in county["villages"]])


@router.get("/v/county/{county_code}/cases", response_class=HTMLResponse, summary="县级职责分工与典型案例")
async def county_cases(county_code: str, settings: PublicSettings = Settings) -> HTMLResponse:
    """The county's public page (R16): who leads the program, and the typical cases the county
    approved (anonymised write-ups only). 404 page for an unknown county."""
    county_code = ascii_digits(county_code)
    try:
        county = await sources.county_cases(settings, county_code) if COUNTY.fullmatch(county_code) else None
    except sources.Unavailable:
        return _unavailable()
    if county is None:
        return _not_found("县（区）")
    return _page("county_cases.html", county=county)


def _poster(base: str, board: dict[str, Any]) -> dict[str, Any]:
    url = f"{base}/v/{board['village_code']}"
    title = f"扫码查看 {board['village_name'] or ''} 法律顾问公示"
    return {"board": board, "url": url, "qr": qr_svg(url, title)}
