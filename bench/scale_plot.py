"""The PNG of `make bench-scale`: each figure against the province's size, log-log, with the fitted
growth exponent (the slope of log figure on log villages; 1 is linear)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

PANELS: list[tuple[str, str, list[tuple[str, Any]]]] = [
    (
        "generation and catch-up (s)",
        "s",
        [
            ("generation (whole)", lambda r: r["generation_s"]),
            ("relay done after last append", lambda r: r["relay_after_s"]),
            ("projections done after last append", lambda r: r["catch_up_after_s"]),
            ("rebuild statistics", lambda r: r["rebuild_s"]["statistics_v4"]),
            ("rebuild compliance", lambda r: r["rebuild_s"]["compliance_v3"]),
        ],
    ),
    (
        "province-wide queries (ms)",
        "ms",
        [
            ("dashboard p50", lambda r: r["queries"]["dashboard_province"]["p50_ms"]),
            ("dashboard p99", lambda r: r["queries"]["dashboard_province"]["p99_ms"]),
            ("compliance p50", lambda r: r["queries"]["compliance_province"]["p50_ms"]),
            ("compliance p99", lambda r: r["queries"]["compliance_province"]["p99_ms"]),
        ],
    ),
    (
        "one county's queries (ms; flat is right)",
        "ms",
        [
            ("dashboard p99", lambda r: r["queries"]["dashboard_county"]["p99_ms"]),
            ("compliance p99", lambda r: r["queries"]["compliance_county"]["p99_ms"]),
            ("statistics p99", lambda r: r["queries"]["statistics_county"]["p99_ms"]),
            ("annual preview p99", lambda r: r["queries"]["annual_preview_county"]["p99_ms"]),
        ],
    ),
    (
        "throughput (events/s)",
        "events/s",
        [
            ("generation, appends through the services", lambda r: r["generation_events_per_s"]),
        ],
    ),
]


def slope(xs: list[float], ys: list[float]) -> float | None:
    """Least-squares slope of log y on log x (None for fewer than two usable points)."""
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    den = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / den if den else None


def exponents(doc: dict[str, Any]) -> dict[str, float | None]:
    runs = doc["runs"]
    xs = [float(r["villages"]) for r in runs]
    return {
        f"{title}: {label}": slope(xs, [float(get(r)) for r in runs])
        for title, _, lines in PANELS
        for label, get in lines
    }


def plot(doc: dict[str, Any], path: Path) -> None:
    runs = doc["runs"]
    xs = [float(r["villages"]) for r in runs]
    fig, axes = plt.subplots(2, 2, figsize=(13, 9))
    for ax, (title, unit, lines) in zip(axes.flat, PANELS, strict=True):
        for label, get in lines:
            ys = [float(get(r)) for r in runs]
            k = slope(xs, ys)
            tag = f" (exponent {k:.2f})" if k is not None else ""
            ax.plot(xs, ys, marker="o", label=label + tag)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(title)
        ax.set_xlabel("villages and communities")
        ax.set_ylabel(unit)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    loads = ", ".join(f"{r['load_after'][0]:.1f}" for r in runs)
    fig.suptitle(
        f"Province scale, seed {doc['seed']}, year {doc['year']} ({doc['machine']}; 1-min load after"
        f" each run: {loads})",
        fontsize=10,
    )
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
