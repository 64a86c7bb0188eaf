"""Demo notice boards and WeChat service groups for Zhengning, and the deliberately stale board.

Every covered village posts its board in January and sets up its group in February, with member
counts later in the year. One village then gets a new advisor from today ("personnel adjustment")
while its board still shows the former one, so `/notice-boards?stale=true` and its village card
show it. Every demo ledger entry is dated before today, so all of them stay the former advisor's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from devstack.demo import zhengning as zn

STALE_BOARD_VILLAGE = 12  # index into zn.villages()
Post = Callable[[str, dict[str, Any], str], Awaitable[int]]


def _not_after(day: date, today: date) -> str:
    return min(day, today).isoformat()


async def seed_boards_and_groups(
    post: Post, villages: list[zn.Village], advisors: list[tuple[str, str]], today: date
) -> int:
    """Boards and groups for every covered village (the last one is uncovered); returns how many."""
    covered = villages[:-1]
    limit = asyncio.Semaphore(8)

    async def one(i: int, village: zn.Village) -> None:
        async with limit:
            await _board_and_group(post, i, village, advisors[i % len(advisors)][0], today)

    await asyncio.gather(*(one(i, v) for i, v in enumerate(covered)))
    return len(covered)


async def _board_and_group(post: Post, i: int, village: zn.Village, advisor_id: str, today: date) -> None:
    year = today.year
    board = {"advisor_id": advisor_id, "posted_on": _not_after(date(year, 1, 15), today)}
    await post(f"/villages/{village.code}/notice-board", board, f"board:{village.code}:{year}")
    members = 40 + (i * 37) % 160
    group = {
        "group_id": f"WG-{village.code}",
        "advisor_id": advisor_id,
        "name": f"{village.name}法律服务群",
        "member_count": members,
        "established_on": _not_after(date(year, 2, 1), today),
    }
    await post(f"/villages/{village.code}/service-group", group, f"group:{village.code}")
    for n, day in enumerate((date(year, 6, 30), today - timedelta(days=7)), start=1):
        if date(year, 2, 1) < day <= today:
            count = {"member_count": members + n * (5 + i % 20), "counted_on": day.isoformat()}
            await post(f"/villages/{village.code}/service-group/counts", count, f"count:{village.code}:{day}")


async def leave_one_board_stale(
    post: Post, villages: list[zn.Village], advisors: list[tuple[str, str]], today: date
) -> str:
    """Reassign one village to another advisor from today; its board keeps showing the former one."""
    village = villages[STALE_BOARD_VILLAGE]
    successor, _ = advisors[(STALE_BOARD_VILLAGE + 1) % len(advisors)]
    body = {
        "village_code": village.code,
        "advisor_id": successor,
        "valid_from": max(today, date(today.year, 1, 2)).isoformat(),
        "schedule": "每周四 9:00-12:00",
        "reason": "人员调整",
    }
    await post("/assignments", body, f"restaff:{village.code}:{today.year}")
    return village.name
