"""The result table: one row per figure, its raw limit from the same run and the ratio between them."""

from __future__ import annotations

import platform
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    """A measured value with its unit, e.g. 5,278 rows/s or 3.1 ms."""

    value: float
    unit: str

    def __str__(self) -> str:
        if self.unit == "ms":
            digits = 2 if self.value < 10 else 1 if self.value < 100 else 0
            return f"{self.value:,.{digits}f} ms"
        if self.unit == "s":
            return f"{self.value:,.1f} s"
        return f"{self.value:,.0f} {self.unit}"


@dataclass(frozen=True)
class Row:
    what: str
    value: Figure
    raw: Figure | None = None
    raw_what: str = ""

    @property
    def ratio(self) -> str:
        if self.raw is None or self.raw.value == 0:
            return ""
        return f"{self.value.value / self.raw.value:.2f}×"

    def cells(self) -> list[str]:
        raw = f"{self.raw} ({self.raw_what})" if self.raw is not None else ""
        return [self.what, str(self.value), raw, self.ratio]


@dataclass
class Report:
    title: str
    notes: list[str] = field(default_factory=list)
    sections: list[tuple[str, list[Row]]] = field(default_factory=list)

    def section(self, name: str) -> list[Row]:
        rows: list[Row] = []
        self.sections.append((name, rows))
        return rows

    def text(self) -> str:
        header = ["what", "value", "raw limit (same run)", "ratio"]
        body = [row.cells() for _, rows in self.sections for row in rows]
        widths = [max(len(c) for c in col) for col in zip(header, *body, strict=True)]
        line = "  ".join("{:<%d}" % w for w in widths)  # noqa: UP031 (built once, used per row)
        out = [self.title, line.format(*header).rstrip(), "  ".join("-" * w for w in widths)]
        for name, rows in self.sections:
            if rows:
                out.append(f"[{name}]")
                out += [line.format(*row.cells()).rstrip() for row in rows]
        return "\n".join([*out, "", *self.notes])

    def markdown(self) -> str:
        out = [f"### {self.title}", "", "| what | value | raw limit (same run) | ratio |"]
        out.append("|---|---:|---:|---:|")
        for name, rows in self.sections:
            if rows:
                out.append(f"| **{name}** | | | |")
                out += ["| " + " | ".join(c.replace("|", "\\|") for c in row.cells()) + " |" for row in rows]
        return "\n".join([*out, "", *[f"- {n}" for n in self.notes], ""])

    def write_markdown(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.markdown(), encoding="utf-8")


def median_trial(trials: Sequence[tuple[float, float]]) -> int:
    """The index of the trial whose ratio (value / the raw limit measured just before it) is the
    median of `trials` (an odd number of (value, limit) pairs). The machine's speed moves by a
    third between minutes: a goal figure is the median of a few trials, not one draw."""
    order = sorted(range(len(trials)), key=lambda n: trials[n][0] / trials[n][1])
    return order[len(order) // 2]


def ratios(trials: Sequence[tuple[float, float]]) -> str:
    """Every trial's ratio, in the order they ran: "0.32×/0.27×/0.29×"."""
    return "/".join(f"{value / limit:.2f}×" for value, limit in trials)


def title(args: str) -> str:
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return f"Village Counsel benchmark, {stamp}, {platform.machine()} ({args})"
