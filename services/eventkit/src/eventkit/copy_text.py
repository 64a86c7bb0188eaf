r"""Values in PostgreSQL's COPY text format, written without a connection.

A bulk append (`EventStore.copy_new_streams`) sends its events by COPY. Handing asyncpg the rows
makes it encode them on the event loop while the transaction waits, value by value, through
`eventkit.db`'s timestamptz codec (a Python call per value, where another busy thread of the
process may take the interpreter lock for its whole switch interval). Building the bytes in a
worker thread or process beforehand leaves the writer only the sending, so the database works while the next
chunk is built. The values PostgreSQL stores are the same: jsonb reads text either way, and a
timestamp sent as ISO 8601 text with its offset is the same instant.

Format (PostgreSQL manual, COPY, "Text Format"): one line per row, columns separated by a tab,
`\N` for NULL, and a backslash, newline, carriage return or tab inside a value written as
`\\`, `\n`, `\r`, `\t`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

NULL = "\\N"


def text_value(value: str) -> str:
    """`value` escaped for a COPY text column (the text itself, not NULL)."""
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if "\n" in value or "\r" in value or "\t" in value:
        value = value.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return value


def timestamp_value(value: datetime | date) -> str:
    """A timestamptz as PostgreSQL reads it: ISO 8601 in UTC. A naive datetime or a bare date is
    local time, as `eventkit.db`'s codec (and asyncpg) take it."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)  # noqa: DTZ001 (local time: as the codec)
    return value.astimezone(UTC).isoformat()


def event_rows_text(rows: Iterable[Sequence[Any]], recorded_at: datetime | str) -> bytes:
    """Event rows as the bytes `EventStore.copy_new_streams` sends: each row's first ten values
    (`store.SQL_COLUMNS`: event id, stream id, stream version, event type, schema version, tenant
    JSON, county or None, occurred_at, data JSON, metadata JSON), then `recorded_at` (a datetime,
    or ISO 8601 text with its offset, as the envelope writes it). Pure: for a thread or a worker
    process (`eventkit.workers`)."""
    recorded = recorded_at if isinstance(recorded_at, str) else timestamp_value(recorded_at)
    tv, ts = text_value, timestamp_value
    return "".join([
        f"{r[0]}\t{tv(r[1])}\t{r[2]}\t{tv(r[3])}\t{r[4]}\t{tv(r[5])}\t"
        f"{NULL if r[6] is None else tv(r[6])}\t{ts(r[7])}\t{tv(r[8])}\t{tv(r[9])}\t{recorded}\n"
        for r in rows
    ]).encode()  # fmt: skip
