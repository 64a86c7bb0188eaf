"""The pre-commit hooks run exactly what `make lint` runs, in the same order."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def lint_target_commands() -> list[str]:
    """The commands of the Makefile's `lint` recipe, without the `$(UV) run` prefix."""
    recipe = re.search(r"^lint:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert recipe, "no lint target in the Makefile"
    text = recipe.group(1).replace("\\\n", " ")
    commands = [c.strip() for line in text.splitlines() for c in line.split("&&") if c.strip()]
    assert all(c.startswith("$(UV) run ") for c in commands), commands
    return [" ".join(c.removeprefix("$(UV) run ").split()) for c in commands]


def test_the_pre_commit_hooks_are_the_lint_target() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    (repo,) = config["repos"]
    assert repo["repo"] == "local"  # nothing fetched from GitHub when the hooks run
    hooks = repo["hooks"]
    assert all(h["language"] == "system" and h["pass_filenames"] is False for h in hooks)
    assert all(h["entry"].startswith("uv run ") for h in hooks)
    assert [" ".join(h["entry"].removeprefix("uv run ").split()) for h in hooks] == lint_target_commands()
