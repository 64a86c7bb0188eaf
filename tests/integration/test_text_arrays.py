"""`eventkit.text_arrays.text_array`: the text[] PostgreSQL sees is the list of values sent, element
for element, whether it travelled as one joined text or as an array (real PostgreSQL)."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from devstack.pytest_plugin import DevStack
from eventkit.text_arrays import SEPARATOR, text_array
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


async def seen_by_postgres(conn: asyncpg.Connection, values: list[str | None]) -> list[str | None]:
    sql, value = text_array("$1", values)
    return list(await conn.fetchval(f"SELECT coalesce({sql}, '{{}}'::text[])", value))


@pytest.mark.parametrize(
    ("values", "joined"),
    [
        (["621025100201", "621025100202", "621025100203"], True),  # the usual batch: one text
        (["", "village-1"], True),  # an empty value among others splits back into both
        (["", ""], True),
        ([""], False),  # one empty value alone would split into none: sent as an array
        ([], False),
        (["odd\x1fid", "village-1"], False),  # a value holding the separator: sent as an array
        (["621025", None], False),  # NULL: string_to_array makes none, so an array
        ([None], False),
        (['quote"d', "comma,id", "{brace}", "back\\slash", "村-1", " spaced "], True),
        (["NULL", "null"], True),  # the words, not NULL
    ],
)
async def test_a_text_array_reaches_postgresql_exactly_as_sent(
    pool: asyncpg.Pool, values: list[str | None], joined: bool
) -> None:
    """Given values, when sent through `text_array`, then PostgreSQL's array equals them; the
    joined form is used exactly when it splits back into them."""
    async with pool.acquire() as conn:
        assert await seen_by_postgres(conn, values) == values
    assert isinstance(text_array("$1", values)[1], str) is joined


texts = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from(["a", "村", ",", '"', "\\", "{", " ", SEPARATOR, "\n"]), max_size=4),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(texts, max_size=6))
def test_any_list_of_texts_reaches_postgresql_exactly_as_sent(
    devstack: DevStack, values: list[str | None]
) -> None:
    async def check() -> None:
        conn = await asyncpg.connect(devstack.dsn)
        try:
            assert await seen_by_postgres(conn, values) == values
        finally:
            await conn.close()

    asyncio.run(check())
