"""One reading of an on-site schedule in two languages: the services' (vc_contracts.schedules) and
the SPA's (services/web/frontend/src/util/schedule.ts, run by Node) read the same weekdays and times,
weekday ranges included (`周一至周五 9:00-17:00` is every weekday, not Monday and Friday), for the
shared table tests/unit/schedule_cases.json and for generated schedules."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.node import NodeLines, answering, module_uri
from vc_contracts.schedules import schedule_problem, slots, weekdays_named, weekly

HERE = Path(__file__).parent
CASES = json.loads((HERE / "schedule_cases.json").read_text(encoding="utf-8"))["cases"]
MONDAY_FIRST = "一二三四五六日"
# reads one JSON string a line, answers {named, parsed, slots} a line: one Node for the whole module
READER = answering(
    f"import {{ weekdaysNamed, parseSchedule, scheduleSlots }} from {module_uri('util/schedule.ts')};",
    "{ named: weekdaysNamed(value), parsed: parseSchedule(value), slots: scheduleSlots(value) }",
)


class Node(NodeLines):
    def read(self, schedule: str) -> dict[str, Any]:
        """The SPA's reading as the services': weekdays Monday first (一…日), times `HH:MM-HH:MM`."""
        answer = self.ask(schedule)
        sunday_first = "日一二三四五六"
        parsed = answer["parsed"]
        return {
            "weekdays": "".join(sorted((sunday_first[d] for d in answer["named"]), key=MONDAY_FIRST.index)),
            "times": parsed and f"{parsed['start']}-{parsed['end']}",
            "parsed_weekdays": parsed
            and "".join(sorted((sunday_first[d] for d in parsed["weekdays"]), key=MONDAY_FIRST.index)),
            "slots": [
                "".join(sorted((sunday_first[d] for d in slot["weekdays"]), key=MONDAY_FIRST.index))
                + f" {slot['start']}-{slot['end']}"
                for slot in answer["slots"]
            ],
        }


@pytest.fixture(scope="module")
def node() -> Iterator[Node]:
    reader = Node(READER)
    yield reader
    reader.close()


def python_reading(schedule: str) -> dict[str, Any]:
    read = weekly(schedule)
    days = "".join(MONDAY_FIRST[d] for d in sorted(weekdays_named(schedule)))
    return {
        "weekdays": days,
        "times": read and f"{read.start:%H:%M}-{read.end:%H:%M}",
        "parsed_weekdays": read and "".join(MONDAY_FIRST[d] for d in sorted(read.weekdays)),
        "slots": [
            "".join(MONDAY_FIRST[d] for d in sorted(slot.weekdays)) + f" {slot.start:%H:%M}-{slot.end:%H:%M}"
            for slot in slots(schedule)
        ],
    }


@pytest.mark.parametrize("case", CASES, ids=[c["schedule"] for c in CASES])
def test_given_an_entered_schedule_then_the_services_accept_it_or_refuse_it_with_the_reason(
    case: dict[str, Any],
) -> None:
    problem = schedule_problem(case["schedule"])
    if "refused" in case:
        assert problem is not None and case["refused"] in problem and "例如：每周三 9:00-12:00" in problem
    else:
        assert problem is None
        reading = python_reading(case["schedule"])
        assert (reading["weekdays"], reading["times"]) == (case["weekdays"], case["times"])
        if "slots" in case:  # each span with the weekdays it is kept on
            assert reading["slots"] == case["slots"]


@pytest.mark.parametrize("case", [c for c in CASES if "refused" not in c], ids=lambda c: c["schedule"])
def test_given_an_accepted_schedule_then_the_spa_reads_what_the_services_read(
    node: Node, case: dict[str, Any]
) -> None:
    assert node.read(case["schedule"]) == python_reading(case["schedule"])
    assert (node.read(case["schedule"])["weekdays"], node.read(case["schedule"])["times"]) == (
        case["weekdays"],
        case["times"],
    )


PREFIX = st.sampled_from(["周", "星期"])
DASH = st.sampled_from(["至", "到", "~", "～", "-", "—", "－", "–", " 至 ", " - "])
TIME_DASH = st.sampled_from(["-", "—", "~", "～", "至", "到", "－", " - "])
DAY = st.integers(0, 6)  # Monday first


@st.composite
def schedules(draw: st.DrawFn) -> tuple[str, set[int], str | None]:
    """A schedule of weekdays and ranges (some with the second 周 left out, a list's later ones
    too) with maybe a time span; the weekdays it means (Monday 0) and its span when it has one."""
    items = draw(st.lists(st.tuples(DAY, st.none() | DAY), min_size=1, max_size=4))
    meant: set[int] = set()
    parts = []
    for index, (first, last) in enumerate(items):
        word = (draw(PREFIX) if index == 0 or draw(st.booleans()) else "") + MONDAY_FIRST[first]
        if last is None:
            meant.add(first)
        else:
            bare = draw(st.booleans())
            word += draw(DASH) + ("" if bare else draw(PREFIX)) + MONDAY_FIRST[last]
            meant.update((first + k) % 7 for k in range((last - first) % 7 + 1))
        parts.append(word)
    text = draw(st.sampled_from(["", "每"])) + "、".join(parts)
    span = None
    if draw(st.booleans()):
        h1, h2 = sorted(draw(st.lists(st.integers(0, 23), min_size=2, max_size=2, unique=True)))
        m1, m2 = draw(st.integers(0, 59)), draw(st.integers(0, 59))
        clock = f"{h1}:{m1:02d}{draw(TIME_DASH)}{h2}:{m2:02d}"
        if draw(st.booleans()):  # typed on a Chinese keyboard
            clock = clock.translate(str.maketrans("0123456789:", "０１２３４５６７８９："))
        text += draw(st.sampled_from(["", " ", "\u3000", " 上午 "])) + clock
        span = f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"
    return text, meant, span


@settings(max_examples=300, deadline=None)
@given(schedules())
def test_given_any_weekdays_and_ranges_then_both_languages_read_every_day_meant(
    node: Node, generated: tuple[str, set[int], str | None]
) -> None:
    text, meant, span = generated
    days = "".join(MONDAY_FIRST[d] for d in sorted(meant))
    assert schedule_problem(text) is None
    assert (
        python_reading(text)
        == node.read(text)
        == {
            "weekdays": days,
            "times": span,
            "parsed_weekdays": days if span else None,
            "slots": [f"{days} {span}"] if span else [],
        }
    )


# the characters the two readings turn on, and a few they must pass over
NOISE = st.text(
    alphabet="周星期一二三四五六日天至到~～-—－–、，和 \u3000\t点时月号每第隔上午0129:：０９八末", max_size=30
)


@settings(max_examples=300, deadline=None)
@given(NOISE)
def test_given_any_text_then_both_languages_read_the_same(node: Node, text: str) -> None:
    assert python_reading(text) == node.read(text)
