"""What the ledger's backfill import reads from a file (in-process app, real PostgreSQL and broker):
a small XLSX that unpacks to too many rows is refused whole and writes nothing, codes typed in
full-width digits are read as the API reads them, CR-only CSV is read, and a file without data rows
is refused (it used to answer 200 with nothing imported)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Any

import pytest
from eventkit.sheet_sources import MAX_ROWS, NO_WORKSHEET
from openpyxl import Workbook
from support.sheets import shown_workbook, workbook
from test_ledger_harness import CONSULTATION_HEADINGS, Cast, Ledger, ledger_service, set_the_scene
from vc_contracts import CST

YEAR = datetime.now(CST).year - 1
HEADINGS = CONSULTATION_HEADINGS
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
NO_ROWS = "没有数据行：第 1 行应为表头，第 2 行起每行一条记录"


@pytest.fixture(scope="module")
async def scene(devstack) -> AsyncIterator[tuple[Ledger, Cast]]:  # type: ignore[no-untyped-def]
    async with ledger_service(devstack.dsn, devstack.bootstrap) as ledger:
        yield ledger, await set_the_scene(ledger, date(YEAR, 1, 1))


def consultation(cast: Cast, client: str, minute: int, village: str | None = None) -> list[str]:
    return ["法律咨询", cast.advisor("li"), village or cast.villages[0], f"{YEAR}-04-02 09:{minute:02d}",
            "宅基地确权", "微信群", "土地", "已解决", client]  # fmt: skip


def as_csv(*rows: list[str], headings: list[str] = HEADINGS) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([headings, *rows])
    return out.getvalue().encode()


def bomb(rows: int) -> bytes:
    """A workbook whose sheet holds `rows` one-cell rows: well under a megabyte packed."""
    source = zipfile.ZipFile(io.BytesIO(workbook([HEADINGS])))
    heading = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in HEADINGS).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as packed:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                        b"<sheetData><row>" + heading + b"</row>"
                        + b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * rows
                        + b"</sheetData></worksheet>")  # fmt: skip
            packed.writestr(item.filename, data)
    return out.getvalue()


async def upload(ledger: Ledger, cast: Cast, content: bytes, kind: str = "text/csv") -> Any:
    unit = ledger.headers("law_firm", "621025", "sheets-staff", cast.firm)
    return await ledger.http.post("/imports", content=content, headers={**unit, "Content-Type": kind})


async def events(ledger: Ledger) -> int:
    return int(await ledger.pool.fetchval("SELECT count(*) FROM ledger.events"))


async def stored(ledger: Ledger, client: str) -> list[str]:
    rows = await ledger.pool.fetch(
        "SELECT village_code FROM ledger.entries WHERE client_entry_id = $1", client
    )
    return [r["village_code"] for r in rows]


def file_reasons(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "import_rejected" and "未写入任何记录" in body["message"], body
    assert all(e["row"] == 0 for e in body["errors"]), body
    return [e["reason"] for e in body["errors"]]


async def test_a_small_xlsx_unpacking_to_too_many_rows_is_refused_and_writes_nothing(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    content = bomb(MAX_ROWS + 10)
    assert len(content) < 1024 * 1024
    before = await events(ledger)
    reasons = file_reasons(await upload(ledger, cast, content, XLSX))
    assert reasons == [f"行数过多（上限 {MAX_ROWS} 行数据），请分批导入"]
    assert await events(ledger) == before
    assert (await ledger.http.get("/healthz")).status_code == 200


async def test_a_village_code_in_full_width_digits_is_read_as_the_api_reads_it(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    village = cast.villages[0]
    wide = consultation(cast, "fw-1", 1, village.translate(FULL_WIDTH))
    wide[1] = wide[1].translate(FULL_WIDTH)  # an advisor id with digits typed the same way
    first = await upload(ledger, cast, as_csv(wide))
    assert first.status_code == 201 and first.json()["imported"] == 1, first.text
    again = await upload(ledger, cast, workbook([HEADINGS, wide]), XLSX)  # the same entry, found again
    assert again.status_code == 200 and again.json()["unchanged"] == 1, again.text
    assert await stored(ledger, "fw-1") == [village]


async def test_a_csv_with_cr_only_line_endings_is_imported(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    content = as_csv(consultation(cast, "cr-1", 3), consultation(cast, "cr-2", 4)).replace(b"\r\n", b"\r")
    response = await upload(ledger, cast, content)
    assert response.status_code == 201, response.text
    assert response.json() == {"rows": 2, "imported": 2, "unchanged": 0}


@pytest.mark.parametrize(
    ("content", "kind", "named"),
    [
        (as_csv(), "text/csv", "文件"),
        (as_csv([""] * len(HEADINGS)), "text/csv", "文件"),
        (workbook([HEADINGS]), XLSX, "工作表「Sheet」"),
        (workbook([], [HEADINGS]), XLSX, "工作表「表2」"),
    ],
    ids=["csv-heading-only", "csv-blank-row", "xlsx-heading-only", "xlsx-empty-first-sheet-heading-only"],
)
async def test_a_file_without_data_rows_is_refused(scene, content: bytes, kind: str, named: str) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    before = await events(ledger)
    assert file_reasons(await upload(ledger, cast, content, kind)) == [named + NO_ROWS]
    assert await events(ledger) == before


async def test_an_xlsx_with_its_rows_on_the_second_sheet_is_imported_from_it(scene) -> None:  # type: ignore[no-untyped-def]
    ledger, cast = scene
    response = await upload(ledger, cast, workbook([], [HEADINGS, consultation(cast, "s2-1", 6)]), XLSX)
    assert response.status_code == 201, response.text
    assert response.json()["imported"] == 1


async def test_an_xlsx_is_read_from_its_visible_sheet_never_a_hidden_one_and_the_answer_names_it(
    scene,
) -> None:  # type: ignore[no-untyped-def]
    # A hidden first sheet "old" used to be read: its row written, the visible one not, unnamed.
    ledger, cast = scene
    content = shown_workbook(
        ("old", "hidden", [HEADINGS, consultation(cast, "old-1", 7)]),
        ("data", "visible", [HEADINGS, consultation(cast, "xhid-1", 8)]),
    )
    response = await upload(ledger, cast, content, XLSX)
    assert response.status_code == 201, response.text
    assert response.json() == {"rows": 1, "imported": 1, "unchanged": 0, "sheet": "data"}
    assert await stored(ledger, "old-1") == []
    assert await stored(ledger, "xhid-1") == [cast.villages[0]]


async def test_a_csv_quote_left_open_is_refused_where_it_opens_and_writes_nothing(scene) -> None:  # type: ignore[no-untyped-def]
    # It used to be read with the rest of the row inside 内容摘要: "第 2 行「客户端编号」：不能为空".
    ledger, cast = scene
    row = consultation(cast, "uq-1", 9)
    row[4] = '"' + row[4]  # 内容摘要 opens a quote that nothing closes
    content = (",".join(HEADINGS) + "\r\n" + ",".join(row) + "\r\n").encode()
    before = await events(ledger)
    response = await upload(ledger, cast, content)
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert (error["row"], error["column"], error["field"]) == (2, "内容摘要", "rows[2].summary"), error
    assert error["reason"].startswith("第 2 行「内容摘要」：引号未闭合"), error
    assert await events(ledger) == before and await stored(ledger, "uq-1") == []


async def test_a_refused_xlsx_names_the_sheet_read_and_a_refused_csv_does_not(scene) -> None:  # type: ignore[no-untyped-def]
    # Only a success and "no data rows" named the sheet: a row refused by the import's own checks
    # (an unknown village, found after the reader) came back without saying which sheet it was of.
    ledger, cast = scene
    bad = consultation(cast, "nm-2", 11, "621025999999")
    content = shown_workbook(
        ("说明", "visible", [["填写说明"]]),
        ("补录台账", "visible", [HEADINGS, consultation(cast, "nm-1", 10), bad]),
    )
    before = await events(ledger)
    response = await upload(ledger, cast, content, XLSX)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "import_rejected" and body["sheet"] == "补录台账", body
    assert "工作表「补录台账」中发现 1 处错误" in body["message"], body
    assert [e["row"] for e in body["errors"]] == [3], body
    response = await upload(ledger, cast, as_csv(consultation(cast, "nm-1", 10), bad))
    assert response.status_code == 422 and "sheet" not in response.json(), response.text
    assert "工作表" not in response.json()["message"]
    assert await events(ledger) == before and await stored(ledger, "nm-1") == []


async def test_an_xlsx_whose_first_tab_is_a_chart_is_imported_from_its_worksheet(scene) -> None:  # type: ignore[no-untyped-def]
    # It was refused as unreadable: openpyxl fails on a chart sheet without a drawing.
    ledger, cast = scene
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "补录台账"
    for row in (HEADINGS, consultation(cast, "ch-1", 12)):
        sheet.append(row)
    book.create_chartsheet("统计图", index=0)
    out = io.BytesIO()
    book.save(out)
    response = await upload(ledger, cast, out.getvalue(), XLSX)
    assert response.status_code == 201, response.text
    assert response.json() == {"rows": 1, "imported": 1, "unchanged": 0, "sheet": "补录台账"}
    only_charts = Workbook()
    only_charts.create_chartsheet("统计图", index=0)
    only_charts.remove(only_charts.worksheets[0])
    out = io.BytesIO()
    only_charts.save(out)
    assert file_reasons(await upload(ledger, cast, out.getvalue(), XLSX)) == [NO_WORKSHEET]


VISIT_HEADINGS = ["类型", "顾问编号", "村（社区）代码", "开始时间", "结束时间", "地点", "内容摘要",
                  "客户端编号"]  # fmt: skip


async def test_an_xlsx_time_one_millisecond_short_of_the_hour_is_stored_on_the_hour(scene) -> None:  # type: ignore[no-untyped-def]
    # given a visit 09:00-10:00 whose end cell Excel holds as 09:59:59.999 (a computed time's float),
    # when imported, then it is stored ending at 10:00:00 and counts 3,600 s, as the sheet shows it
    # (it was stored to the millisecond and counted 3,599 s, each such visit a second short)
    ledger, cast = scene
    end = datetime(YEAR, 5, 5, 9, 59, 59, 999000)  # noqa: DTZ001 (a sheet's cells hold wall-clock time)
    row = ["驻点服务", cast.advisor("li"), cast.villages[0], datetime(YEAR, 5, 5, 9), end, "村委会", "值班",  # noqa: DTZ001
           "ms-1"]  # fmt: skip
    response = await upload(ledger, cast, workbook([VISIT_HEADINGS, row]), XLSX)
    assert response.status_code == 201, response.text
    ended = await ledger.pool.fetchval("SELECT ended_at FROM ledger.entries WHERE client_entry_id = 'ms-1'")
    assert ended == datetime(YEAR, 5, 5, 10, tzinfo=CST)
