"""What an uploaded file is, judged by its first bytes and, for a zip, by the parts it holds: the one
place an import tells a sheet from a file that only claims to be one (`sheet_sources.open_rows`).

A file's name says nothing of its content: web systems' "导出 Excel" writes an HTML table (or Excel
2003's XML) named .xls, and an ODS or Numbers workbook, a PDF or a Word document renamed .xlsx is
still that. Read as CSV such a file was refused by a quote on 第 1 行 or by an unknown heading
「%PDF-1.4」, and a zip that is no XLSX as "请确认是 .xlsx 格式" — none of which says what to do.
`not_a_sheet` names what the file is and how to make a sheet of it.
"""

from __future__ import annotations

import io
import zipfile

__all__ = ["OLD_EXCEL", "ZIP_MAGIC", "not_a_sheet"]

SAVE_AS = "请在 Excel 或 WPS 中打开后另存为 .xlsx 或 CSV 后重新上传"
OLD_EXCEL = "不支持旧版 Excel（.xls）文件，请在 Excel 或 WPS 中另存为 .xlsx 或 CSV 后重新上传"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: Excel 97-2003's .xls (WPS's .et too)
ZIP_MAGIC = b"PK\x03\x04"  # a zip's first bytes: an XLSX is one

# (first bytes, what the file is): files no import can read, whatever their name
_MAGIC = (
    (b"%PDF-", "PDF 文档"),
    (b"{\\rtf", "RTF 文档"),
    (b"\x89PNG", "图片（PNG）"),
    (b"\xff\xd8\xff", "图片（JPEG）"),
    (b"GIF8", "图片（GIF）"),
    (b"\x1f\x8b", "压缩包（gzip）"),
    (b"Rar!", "压缩包（RAR）"),
    (b"7z\xbc\xaf\x27\x1c", "压缩包（7z）"),
)
# Text that opens with markup: a web page's table, or Excel 2003's XML spreadsheet. No CSV heading
# begins with one of these tags.
_PAGE = ("<html", "<!doctype", "<table", "<head", "<body", "<meta", "<style", "<!--")
_BOMS = ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"\xef\xbb\xbf", "utf-8"))


def _foreign(what: str, todo: str = SAVE_AS) -> str:
    space = " " if what[:1].isascii() else ""  # 文件是 PDF 文档: a space between Chinese and Latin text
    return f"文件是{space}{what}，不是 Excel 表格（.xlsx）或 CSV 文件。{todo}"


def not_a_sheet(content: bytes) -> str | None:
    """Why `content` is no sheet an import can read (a Chinese reason naming what it is), or None
    for an XLSX (however damaged: its reader answers that), a CSV or any other text."""
    if content.startswith(_OLE2):
        return OLD_EXCEL
    for magic, what in _MAGIC:
        if content.startswith(magic):
            return _foreign(what, "请上传原始表格：在 Excel 或 WPS 中将其另存为 .xlsx 或 CSV 后重新上传")
    if content.startswith(ZIP_MAGIC):
        return _zipped(content)
    return _markup(content[:4096])


def _zipped(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError):
        return None  # a zip cut short: an XLSX sent in part, answered as damaged by its reader
    if any(name.startswith("xl/") for name in names):
        if "xl/workbook.bin" in names:
            return _foreign("Excel 二进制工作簿（.xlsb）")
        return None  # an XLSX (XLSM too): read, or refused as damaged
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return _foreign(
            "OpenDocument 表格（ODS）",
            "请在 Excel、WPS 或 LibreOffice 中打开后另存为 .xlsx 或 CSV 后重新上传",
        )
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        return _foreign("OpenDocument 文档（ODF）")
    if any(name.startswith("Index/") or name.endswith(".iwa") for name in names):
        return _foreign("Apple Numbers 表格", "请在 Numbers 中选择“导出为”Excel（.xlsx）或 CSV 后重新上传")
    if any(name.startswith("word/") for name in names):
        return _foreign("Word 文档", "请将表格复制到 Excel 或 WPS 表格中，另存为 .xlsx 或 CSV 后重新上传")
    if any(name.startswith("ppt/") for name in names):
        return _foreign(
            "PowerPoint 演示文稿", "请将表格复制到 Excel 或 WPS 表格中，另存为 .xlsx 或 CSV 后重新上传"
        )
    return _foreign("压缩包（ZIP）", "请解压后上传其中的 .xlsx 或 CSV 文件")


def _markup(head: bytes) -> str | None:
    encoding = "latin-1"  # the tags are ASCII, which GB18030 and UTF-8 keep as they are
    for bom, named in _BOMS:
        if head.startswith(bom):
            head, encoding = head[len(bom) :], named
            break
    start = head.decode(encoding, errors="ignore").lstrip().lower()
    if start.startswith("<?xml"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in start or "<workbook" in start:
            return _foreign("Excel 2003 XML 表格")
        return _foreign("XML 文件")
    if start.startswith("mime-version:"):  # Excel's "单个文件网页" (.mht), often named .xls
        return _foreign("网页存档（MHT）")
    if start.startswith(_PAGE):
        return _foreign("网页表格（HTML，常见于网页系统的“导出 Excel”）")
    return None
