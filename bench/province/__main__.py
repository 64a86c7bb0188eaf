"""`python -m bench.province --seed 7 --villages 4000 [--year 2025]`: start PostgreSQL, Tansu and the
four services under .var/province/run/, write a generated province through the services' own
import paths and commands (bench/province/writer.py), print what was written and how fast, stop.

The same seed, size and year give the same province (bench/province/plan.py)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from devstack.paths import var_dir
from eventkit.clock import now_cst
from vc_contracts.cli_args import decimal, whole

from bench.province import divisions
from bench.province.plan import make_plan
from bench.province.stack import province_stack
from bench.province.writer import Writer, say


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.province", description=__doc__)
    parser.add_argument("--seed", type=whole(0, 2**32), default=7, help="random seed (7)")
    parser.add_argument(
        "--villages", type=whole(1, 10**6), default=4000, help="at least this many villages, whole counties"
    )
    parser.add_argument(
        "--year", type=whole(2000, 2100), default=now_cst().year - 1, help="the year of work (last year)"
    )
    parser.add_argument(
        "--agreements",
        type=decimal(0, 1),
        default=1.0,
        help="share of villages whose agreement is signed and filed over the API (1.0)",
    )
    return parser.parse_args(argv)


def main() -> None:
    args = parse_args()
    province = divisions.load(args.villages)
    plan = make_plan(province, args.seed, args.year, args.agreements)
    say("plan: " + ", ".join(f"{k} {v:,}" for k, v in plan.summary().items()))
    with province_stack(var_dir("province") / "run") as stack:
        writer = Writer(stack.urls, stack.secret, stack.dsn)
        started = time.perf_counter()
        asyncio.run(writer.write(plan))
        took = time.perf_counter() - started
    for p in writer.phases:
        print(f"{p.name:<58} {p.requests:>7,} requests {p.seconds:8.1f} s")
    print(f"{'whole generation':<58} {'':>16} {took:8.1f} s")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted; servers stopped", file=sys.stderr)
        sys.exit(130)
