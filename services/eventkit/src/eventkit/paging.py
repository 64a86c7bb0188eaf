"""Pagination shared by every list endpoint: `?page=1&page_size=50`, answered with the total.

Both are bounded so that the OFFSET stays far inside PostgreSQL's bigint (a page beyond int64 used
to answer 500): at most MAX_PAGE pages of at most MAX_PAGE_SIZE rows.
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field

from eventkit.params import WholeNumber

T = TypeVar("T")
MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 500


class PageParams(BaseModel):
    """`?page=` (1-based) and `?page_size=` of a list request, both bounded."""

    page: int = Field(default=1, ge=1, le=MAX_PAGE)
    page_size: int = Field(default=50, ge=1, le=MAX_PAGE_SIZE)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


async def _page_params(  # async: no worker thread (no I/O)
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="1-based page number"), WholeNumber] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Rows per page"), WholeNumber] = 50,
) -> PageParams:
    return PageParams(page=page, page_size=page_size)


Paging = Annotated[PageParams, Depends(_page_params)]


class Page(BaseModel, Generic[T]):
    """One page of a list: its items, the total over all pages, the page asked for."""

    items: list[T]
    total: int
    page: int
    page_size: int


def page_of(rows: list[dict[str, Any]], total: int, params: PageParams) -> dict[str, Any]:
    """The answer of a list endpoint: `rows` of one page with the total and the page asked for."""
    return {"items": rows, "total": total, "page": params.page, "page_size": params.page_size}
