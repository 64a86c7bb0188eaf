"""Where the dev stack keeps its state: one git-ignored `.var/` folder at the repository root."""

from __future__ import annotations

import os
from pathlib import Path

VAR_ENV = "VC_VAR_DIR"


def repo_root() -> Path:
    """The workspace root: the nearest parent of this file holding `uv.lock`, else the current directory.

    The package is installed editable from deploy/devstack, so walking up from the source file finds the
    checkout even when a command runs from a sub-folder.
    """
    for parent in Path(__file__).resolve().parents:
        if (parent / "uv.lock").is_file():
            return parent
    return Path.cwd()


def var_dir(kind: str) -> Path:
    """`.var/<kind>/` (`dev` for `make run`, `test` for pytest), created on demand.

    `VC_VAR_DIR` moves the whole `.var/` elsewhere (e.g. a CI cache or a shorter path).
    """
    base = Path(os.environ[VAR_ENV]) if os.environ.get(VAR_ENV) else repo_root() / ".var"
    path = base / kind
    path.mkdir(parents=True, exist_ok=True)
    return path
