"""`python -m devstack up [--infra-only]` / `python -m devstack down`."""

from __future__ import annotations

import argparse
import sys

from devstack.run import down, up


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack", description="Village Counsel dev stack")
    commands = parser.add_subparsers(dest="command", required=True)
    up_cmd = commands.add_parser("up", help="PostgreSQL, Tansu and the four services, until Ctrl-C")
    up_cmd.add_argument(
        "--infra-only", action="store_true", help="only PostgreSQL and Tansu (run services yourself)"
    )
    commands.add_parser("down", help="stop a running stack and leftovers of crashed runs")
    args = parser.parse_args(argv)
    if args.command == "up":
        return up(infra_only=args.infra_only)
    return down()


if __name__ == "__main__":
    sys.exit(main())
