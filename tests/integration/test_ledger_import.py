"""Backfill import of a paper ledger (in-process app, real PostgreSQL and broker): every row checked
before anything is written, errors by row and column in one answer, re-import changes nothing."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from datetime import date, datetime

import pytest
from eventkit.store import EventStore
from ledger.application import entries_model, import_columns, importing
from openpyxl import Workbook, load_workbook
from test_ledger_harness import Cast, Ledger, ledger_service, set_the_scene
from vc_contracts import CST

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

YEAR = datetime.now(CST).year - 1
HEADINGS = ["类型", "顾问编号", "村（社区）代码", "开始时间", "结束时间", "地点", "内容摘要",
            "主题", "参加人数", "渠道", "类别", "结果", "客户端编号"]  # fmt: skip
COLUMNS = ["kind", "advisor", "village", "start", "end", "place", "summary",
           "topic", "audience", "channel", "category", "outcome", "client"]  # fmt: skip


def row(kind: str, advisor: str, village: str, start: object, client: str, **cells: object) -> list[object]:
    """A row of the template; the start is given as month-day hh:mm of YEAR unless it is a datetime."""
    values = {"kind": kind, "advisor": advisor, "village": village, "client": client, "start": start, **cells}
    for key in ("start", "end"):  # "03-05 09:00" is short for that day of YEAR
        if isinstance(values.get(key), str) and re.match(r"^\d\d-\d\d ", str(values[key])):
            values[key] = f"{YEAR}-{values[key]}"
    return [values.get(c, "") for c in COLUMNS]


def visit(advisor: str, village: str, start: str, end: str, client: str) -> list[object]:
    return row("驻点服务", advisor, village, start, client, end=end, place="村委会", summary="坐班接待")


@pytest.fixture(scope="module")
async def scene(devstack) -> AsyncIterator[tuple[Ledger, Cast]]:  # type: ignore[no-untyped-def]
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        yield ledger, await set_the_scene(ledger, date(YEAR, 1, 1))


def good_rows(cast: Cast) -> list[list[object]]:
    li, (v1, v2, _, _) = cast.advisor("li"), cast.villages
    return [
        visit(li, v1, "03-05 09:00", "03-05 12:00", "p-1"),
        row(
            "驻点服务",
            li,
            v2,
            f"{YEAR}/3/6 9:00",
            "p-2",
            end=f"{YEAR}/3/6 11:30",
            place="村委会",
            summary="坐班",
        ),
        row("法治讲座", li, v1, "03-12 14:00", "p-3", topic="民法典", audience="45"),
        row(
            "法律咨询",
            li,
            v2,
            "03-13 20:10",
            "p-4",
            summary="宅基地纠纷",
            channel="微信群",
            category="土地",
            outcome="已转介",
        ),
    ]


def as_csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADINGS, *rows])
    return out.getvalue().encode("utf-8-sig")


def as_xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADINGS, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _upload(ledger: Ledger, cast: Cast, content: bytes, kind: str = "text/csv") -> object:
    unit = ledger.headers("law_firm", "621025", "staff", cast.firm)
    return await ledger.http.post("/imports", content=content, headers={**unit, "Content-Type": kind})


async def _count(ledger: Ledger, cast: Cast) -> int:
    return int(
        await ledger.pool.fetchval("SELECT count(*) FROM ledger.entries WHERE unit_id = $1", cast.firm)
    )


async def test_a_file_with_bad_rows_is_refused_whole_with_every_error_by_row_and_column(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    li, v1, v3 = cast.advisor("li"), cast.villages[0], cast.villages[2]
    bad = [
        visit(li, v1, "03-20 09:00", "03-20 11:00", "b-1"),
        row("培训", li, v1, "03-21 09:00", "b-2"),
        visit(li, v1, "三月二十二日", "03-22 11:00", "b-3"),
        visit(li, v3, "03-23 09:00", "03-23 11:00", "b-4"),
        visit(li, cast.villages[1], "03-20 10:00", "03-20 12:00", "b-5"),
        row("法治讲座", li, v1, "03-24 14:00", "b-6", topic="民法典", audience="四十"),
        visit(li, v1, "03-25 06:00", "03-25 20:00", "b-7"),
        row("法治讲座", li, v1, "03-26 14:00", "b-1", topic="民法典", audience="40"),
        visit("A-nobody-9", v1, "03-27 09:00", "03-27 11:00", "b-9"),
    ]
    r = await _upload(ledger, cast, as_csv([*good_rows(cast), *bad]))
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["code"] == "import_rejected" and "未写入任何记录" in body["message"]
    fields = {e["field"] for e in body["errors"]}
    first_bad = 2 + len(good_rows(cast))  # heading is row 1
    expected = {
        f"rows[{first_bad}].started_at",  # overlaps row first_bad + 4 in another village
        f"rows[{first_bad + 1}].kind",  # 培训 is no kind of entry
        f"rows[{first_bad + 2}].started_at",  # not a time
        f"rows[{first_bad + 3}].village_code",  # not assigned there (zhao serves it)
        f"rows[{first_bad + 4}].started_at",  # overlaps row first_bad in another village
        f"rows[{first_bad + 5}].audience",  # not a number
        f"rows[{first_bad + 6}].ended_at",  # 14 hours
        f"rows[{first_bad + 7}].client_entry_id",  # b-1 twice
        f"rows[{first_bad + 8}].advisor_id",  # no such advisor (not "not assigned")
    }
    assert fields == expected, body["errors"]
    reasons = {e["field"]: e["reason"] for e in body["errors"]}
    assert "顾问编号 A-nobody-9 不存在" in reasons[f"rows[{first_bad + 8}].advisor_id"]
    # people and villages by name, the code a clerk's file carries in brackets, no assignment ids
    unassigned = reasons[f"rows[{first_bad + 3}].village_code"]
    assert f"李川（{li}）" in unassigned and "在岗顾问是赵川" in unassigned and "AS-" not in unassigned
    assert all(e["reason"].startswith(f"第 {e['field'][5:].split(']')[0]} 行") for e in body["errors"])
    assert await _count(ledger, cast) == 0  # nothing written, not even the good rows


async def test_a_clean_file_is_imported_and_importing_it_again_changes_nothing(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    first = await _upload(ledger, cast, as_csv(good_rows(cast)))
    assert first.status_code == 201, first.text  # type: ignore[attr-defined]
    assert first.json() == {"rows": 4, "imported": 4, "unchanged": 0}  # type: ignore[attr-defined]
    events = await ledger.pool.fetchval("SELECT count(*) FROM ledger.events")
    again = await _upload(ledger, cast, as_csv(good_rows(cast)))
    unchanged = {"rows": 4, "imported": 0, "unchanged": 4}
    assert again.status_code == 200 and again.json() == unchanged  # type: ignore[attr-defined]
    xlsx = await _upload(ledger, cast, as_xlsx(good_rows(cast)), "application/octet-stream")
    assert xlsx.json() == {**unchanged, "sheet": "Sheet"}  # type: ignore[attr-defined]  # the sheet read
    assert await ledger.pool.fetchval("SELECT count(*) FROM ledger.events") == events
    wechat = await ledger.pool.fetchrow(
        "SELECT kind, data->>'channel' AS channel, occurred_at FROM ledger.entries"
        " WHERE client_entry_id = 'p-4'"
    )
    assert wechat["kind"] == "consultation" and wechat["channel"] == "wechat"
    assert wechat["occurred_at"] == datetime(YEAR, 3, 13, 20, 10, tzinfo=CST)


async def test_an_xlsx_backfill_lands_in_the_volumes_with_its_chain(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    li, v1 = cast.advisor("li"), cast.villages[0]
    more = [
        row(
            "纠纷调解",
            li,
            v1,
            datetime(YEAR, 4, 8, 10, 0),  # noqa: DTZ001 (a sheet's cells hold wall-clock time)
            "p-5",
            summary="地界纠纷",
            category="邻里纠纷",
            outcome="调解成功",
        )
    ]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([*HEADINGS, "当事人数"])
    sheet.append([*more[0], 2])
    out = io.BytesIO()
    book.save(out)
    r = await _upload(
        ledger, cast, out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert r.status_code == 201 and r.json()["imported"] == 1, r.text  # type: ignore[attr-defined]
    county = ledger.headers("county_admin", "621025")
    verdict = (await ledger.http.post(f"/volumes/village/{v1}/{YEAR}/verify", headers=county)).json()
    assert verdict["ok"] is True and verdict["length"] == 3  # visit, lecture, mediation


async def test_an_imported_client_entry_id_sent_over_http_is_a_conflict_naming_it(scene) -> None:  # type: ignore[no-untyped-def]
    """An imported row has no HTTP answer to replay: the advisor's phone sending the same
    client_entry_id gets 409 naming it (not a bare 'entry exists'), and nothing is appended."""
    ledger, cast = scene
    li, v1 = cast.advisor("li"), cast.villages[0]
    lecture = row("法治讲座", li, v1, "04-02 14:00", "imp-http-1", topic="民法典", audience="45")
    assert (await _upload(ledger, cast, as_csv([lecture]))).status_code in (200, 201)  # type: ignore[attr-defined]
    events = await ledger.pool.fetchval("SELECT count(*) FROM ledger.events")
    body = {"village_code": v1, "occurred_at": datetime(YEAR, 4, 2, 14, tzinfo=CST).isoformat(),
            "topic": "民法典", "audience": 45, "client_entry_id": "imp-http-1"}  # fmt: skip
    me = ledger.headers("advisor", "621025", li, cast.firm)
    sent = await ledger.http.post("/lectures", json=body, headers=me)
    assert sent.status_code == 409, sent.text
    answer = sent.json()
    assert (answer["code"], answer["field"]) == ("conflict", "client_entry_id")
    assert "imp-http-1" in answer["message"]
    assert await ledger.pool.fetchval("SELECT count(*) FROM ledger.events") == events


async def test_the_template_has_the_imports_headings_and_an_example_of_the_units_own(scene) -> None:  # type: ignore[no-untyped-def]
    """A clerk starts from the template: exactly the headings the import reads, one example row
    with an advisor id and a village code of the unit; nobody but a unit gets it."""
    ledger, cast = scene
    unit = ledger.headers("law_firm", "621025", "staff", cast.firm)
    r = await ledger.http.get("/imports/template", headers=unit)
    assert r.status_code == 200 and r.headers["content-type"].startswith(XLSX_TYPE), r.text
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    headings, example = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert headings == [c.label for c in import_columns.COLUMNS]
    row = dict(zip(headings, example, strict=True))
    assert row["法律顾问编号"] in {cast.advisor("li"), cast.advisor("zhao")}
    assert row["村（社区）代码"] in cast.villages
    assert import_columns.read_upload(r.content).rows  # the import's own reader: no heading refused
    advisor = ledger.headers("advisor", "621025", cast.advisor("li"))
    assert (await ledger.http.get("/imports/template", headers=advisor)).status_code == 403


async def test_the_template_uploaded_unchanged_writes_nothing_and_names_its_example_row(scene) -> None:  # type: ignore[no-untyped-def]
    """A clerk who uploads the template as downloaded (or keeps its example among real rows, edited
    or not) must not log a 3-hour visit nobody made: the example row is refused by its client id."""
    ledger, cast = scene
    unit = ledger.headers("law_firm", "621025", "staff", cast.firm)
    template = (await ledger.http.get("/imports/template", headers=unit)).content
    before = await _count(ledger, cast)
    r = await _upload(ledger, cast, template, XLSX_TYPE)
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    errors = r.json()["errors"]  # type: ignore[attr-defined]
    assert [e["field"] for e in errors] == ["rows[2].client_entry_id"], errors
    assert "模板的示例行" in errors[0]["reason"] and "示例-1" in errors[0]["reason"]
    # the example copied below real rows with its time changed: still the example, still refused
    li, v1 = cast.advisor("li"), cast.villages[0]
    copied = visit(li, v1, "06-01 09:00", "06-01 10:00", "示例-2")
    r = await _upload(ledger, cast, as_csv([visit(li, v1, "06-02 09:00", "06-02 10:00", "tpl-1"), copied]))
    assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["rows[3].client_entry_id"]  # type: ignore[attr-defined]
    assert await _count(ledger, cast) == before


async def test_the_templates_columns_are_answered_as_the_template_heads_them(scene) -> None:  # type: ignore[no-untyped-def]
    """The import page names its columns from GET /imports/template/columns: the same headings, in
    the same order, as the template's first row (the page once said 顾问编号 and 结束时间（驻点）)."""
    ledger, cast = scene
    unit = ledger.headers("law_firm", "621025", "staff", cast.firm)
    r = await ledger.http.get("/imports/template/columns", headers=unit)
    assert r.status_code == 200, r.text
    template = await ledger.http.get("/imports/template", headers=unit)
    headings = [c.value for c in load_workbook(io.BytesIO(template.content)).worksheets[0][1]]
    assert [c["label"] for c in r.json()["items"]] == headings
    by_field = {c["field"]: c for c in r.json()["items"]}
    assert by_field["advisor_id"]["label"] == "法律顾问编号" and "顾问编号" in by_field["advisor_id"]["also"]
    assert by_field["ended_at"]["label"] == "结束时间"
    advisor = ledger.headers("advisor", "621025", cast.advisor("li"))
    assert (await ledger.http.get("/imports/template/columns", headers=advisor)).status_code == 403


async def test_a_visit_logged_while_the_file_is_checked_still_refuses_an_overlapping_row(
    scene, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """The rows are checked against the ledger as read before the write. A visit logged over HTTP
    after that read (before the import takes the ordering lock) overlaps a row: the overlap rule,
    run again under the lock, refuses the import whole (409) and writes nothing of it."""
    ledger, cast = scene
    li, v1, v2 = cast.advisor("li"), cast.villages[0], cast.villages[1]
    me = ledger.headers("advisor", "621025", li, cast.firm)
    meanwhile = {"village_code": v2, "started_at": datetime(YEAR, 5, 11, 10, tzinfo=CST).isoformat(),
                 "ended_at": datetime(YEAR, 5, 11, 11, tzinfo=CST).isoformat(), "place": "村委会",
                 "summary": "坐班"}  # fmt: skip
    read_facts = importing.load_facts

    async def read_then_someone_logs(*args: object) -> object:
        facts = await read_facts(*args)  # type: ignore[arg-type]
        logged = await ledger.http.post("/visits", json=meanwhile, headers=me)
        assert logged.status_code == 201, logged.text
        return facts

    monkeypatch.setattr(importing, "load_facts", read_then_someone_logs)
    rows = [visit(li, v1, "05-11 09:00", "05-11 12:00", "race-1"),
            row("法治讲座", li, v1, "05-12 14:00", "race-2", topic="民法典", audience="45")]  # fmt: skip
    r = await _upload(ledger, cast, as_csv(rows))
    assert r.status_code == 409, r.text  # type: ignore[attr-defined]
    # the other visit's village is named as the API names it: name, then code in brackets
    v2_name = await ledger.pool.fetchval(
        "SELECT name FROM ledger.ledger_names WHERE key = $1", f"division:{v2}"
    )
    assert v2_name and f"{v2_name}（{v2}）" in r.json()["message"], r.json()  # type: ignore[attr-defined]
    written = await ledger.pool.fetchval(
        "SELECT count(*) FROM ledger.entries WHERE client_entry_id LIKE 'race-%'"
    )
    assert written == 0
    monkeypatch.undo()  # nothing logged meanwhile now: the lecture alone imports
    r = await _upload(ledger, cast, as_csv(rows[1:]))
    assert r.status_code == 201 and r.json()["imported"] == 1, r.text  # type: ignore[attr-defined]


ALL_KINDS = [
    "类型",
    "顾问编号",
    "村（社区）代码",
    "开始时间",
    "结束时间",
    "地点",
    "内容摘要",
    "主题",
    "参加人数",
    "渠道",
    "类别",
    "结果",
    "当事人数",
    "文书类型",
    "文书标题",
    "备注",
    "客户端编号",
]


async def test_an_imports_entries_are_the_ones_the_read_models_projection_makes_of_its_events(scene) -> None:  # type: ignore[no-untyped-def]
    """The import's entries are derived by PostgreSQL from the events it stored (entries_model
    `_FROM_EVENTS`); the same events through `entries_model.apply` (the rebuild's path) give the
    same rows, column for column: every kind, on-site and remote consultations, a note, a CST year
    boundary (23:30 on 31 December is that year's in Beijing, the next one's nowhere)."""
    ledger, cast = scene
    li, (v1, v2, _, _) = cast.advisor("li"), cast.villages
    day = f"{YEAR}-06-0"
    cells: list[dict[str, str]] = [
        {
            "类型": "visit",
            "村（社区）代码": v1,
            "开始时间": f"{day}1 09:00",
            "结束时间": f"{day}1 11:20",
            "地点": "村委会",
            "内容摘要": "坐班",
            "备注": "带了宣传册",
        },
        {
            "类型": "lecture",
            "村（社区）代码": v1,
            "开始时间": f"{day}2 14:00",
            "主题": "民法典",
            "参加人数": "45",
        },
        {
            "类型": "publicity",
            "村（社区）代码": v2,
            "开始时间": f"{day}3 10:00",
            "主题": "扫黑除恶",
            "参加人数": "200",
        },
        {
            "类型": "consultation",
            "村（社区）代码": v2,
            "开始时间": f"{day}4 10:00",
            "内容摘要": "问答",
            "渠道": "on_site",
            "类别": "land",
            "结果": "resolved",
        },
        {
            "类型": "consultation",
            "村（社区）代码": v2,
            "开始时间": f"{day}4 20:00",
            "内容摘要": "问答",
            "渠道": "wechat",
            "类别": "labour",
            "结果": "referred",
        },
        {
            "类型": "mediation",
            "村（社区）代码": v1,
            "开始时间": f"{day}5 15:00",
            "内容摘要": "邻里纠纷",
            "类别": "neighbour",
            "结果": "agreed",
            "当事人数": "3",
        },
        {
            "类型": "document_review",
            "村（社区）代码": v1,
            "开始时间": f"{day}6 15:00",
            "内容摘要": "意见",
            "文书类型": "contract",
            "文书标题": "承包合同",
        },
        {
            "类型": "lecture",
            "村（社区）代码": v2,
            "开始时间": f"{YEAR}-12-31 23:30",
            "主题": "年终",
            "参加人数": "20",
        },
    ]
    rows = [[{"顾问编号": li, "客户端编号": f"same-{n + 1}", **c}.get(h, "") for h in ALL_KINDS]
            for n, c in enumerate(cells)]  # fmt: skip
    out = io.StringIO()
    csv.writer(out).writerows([ALL_KINDS, *rows])
    r = await _upload(ledger, cast, out.getvalue().encode())
    assert r.status_code == 201, r.text  # type: ignore[attr-defined]
    ids = [str(v) for v in await ledger.pool.fetchval(
        "SELECT array_agg(entry_id) FROM ledger.entries WHERE client_entry_id LIKE 'same-%'")]  # fmt: skip
    assert len(ids) == len(rows)
    async with ledger.pool.acquire() as conn, conn.transaction():
        await conn.execute(
            "CREATE SCHEMA again; CREATE TABLE again.entries (LIKE ledger.entries INCLUDING ALL)"
        )
        streams = {f"entry-{entry_id}" for entry_id in ids}
        every = await EventStore(ledger.pool, "ledger").read_all(limit=1_000_000, conn=conn)
        stored = [s for s in every if s.envelope.stream_id in streams]
        await entries_model.apply(conn, "again", stored)
        mine = await conn.fetch(
            "SELECT * FROM ledger.entries WHERE entry_id = ANY($1) ORDER BY entry_id", ids
        )
        theirs = await conn.fetch("SELECT * FROM again.entries ORDER BY entry_id")
        await conn.execute("DROP SCHEMA again CASCADE")
    assert [dict(m) for m in mine] == [dict(t) for t in theirs]
    years = {m["client_entry_id"]: (m["year"], m["on_site"]) for m in mine}
    assert years["same-8"] == (YEAR, True) and years["same-4"][1] and not years["same-5"][1]
    assert not years["same-7"][1]


async def test_a_row_imported_again_with_other_content_is_refused_by_its_client_entry_id(scene) -> None:  # type: ignore[no-untyped-def]
    """Each row of a re-import is compared with the entry its client entry id logged: the same
    content is left alone, any other content is that row's problem, and nothing is written."""
    ledger, cast = scene
    li, (v1, v2, _, _) = cast.advisor("li"), cast.villages
    lecture = row("法治讲座", li, v1, "11-04 14:00", "d-2", topic="民法典", audience="45")
    advice = {"summary": "宅基地纠纷", "channel": "微信群", "category": "土地"}
    rows = [
        visit(li, v1, "11-03 09:00", "11-03 12:00", "d-1"),
        lecture,
        row("法律咨询", li, v2, "11-05 20:10", "d-3", **advice, outcome="已转介"),
        visit(li, v2, "11-06 09:00", "11-06 11:00", "d-4"),
    ]
    first = await _upload(ledger, cast, as_csv(rows))
    assert first.status_code == 201 and first.json()["imported"] == 4, first.text  # type: ignore[attr-defined]
    events = await ledger.pool.fetchval("SELECT count(*) FROM ledger.events")
    changed = [
        row("法律咨询", li, v2, "11-05 20:10", "d-3", **advice, outcome="已解决"),
        rows[0],
        row("法治讲座", li, v1, "11-04 14:00", "d-2", topic="民法典", audience="46"),
        rows[3],
    ]
    r = await _upload(ledger, cast, as_csv(changed))
    assert r.status_code == 422, r.text  # type: ignore[attr-defined]
    assert [(e["field"], e["reason"]) for e in r.json()["errors"]] == [  # type: ignore[attr-defined]
        (f"rows[{n}].client_entry_id", f"第 {n} 行「客户端编号」：该客户端编号已用于内容不同的记录")
        for n in (2, 4)
    ]
    assert await ledger.pool.fetchval("SELECT count(*) FROM ledger.events") == events
    again = await _upload(ledger, cast, as_csv(rows[::-1]))
    assert again.status_code == 200 and again.json() == {"rows": 4, "imported": 0, "unchanged": 4}  # type: ignore[attr-defined]
