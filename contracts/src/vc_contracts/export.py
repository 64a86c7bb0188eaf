"""Export the wire contract as JSON Schema: `python -m vc_contracts.export [DIR] [--check]`.

Writes `<owner>/<EventType>.v<N>.json` per (event type, version): the schema of a whole Kafka
message value (the envelope, with `event_type` and `schema_version` fixed and `data` the event's
schema), plus `envelope.json` and `index.json`. Output is deterministic. A published file is never
overwritten with a breaking change (see `vc_contracts.compat`) unless `--allow-breaking` is given:
bump the event's schema version and add an upcaster instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from vc_contracts.base import Event, known_events
from vc_contracts.compat import breaking_changes
from vc_contracts.envelope import Envelope
from vc_contracts.topics import DEAD_LETTER_TOPIC, topic_for

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_PROJECT = Path(__file__).resolve().parents[2]
DEFAULT_DIR = _PROJECT / "schemas" if (_PROJECT / "pyproject.toml").is_file() else Path("contracts/schemas")


def dumps(value: Any) -> str:
    """`value` as the committed JSON files write it: indented, keys sorted, UTF-8 kept, final newline."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def envelope_schema() -> dict[str, Any]:
    """The JSON Schema of the envelope every event travels in (data untyped)."""
    return {"$schema": DIALECT, **Envelope.model_json_schema()}


def message_schema(event: type[Event]) -> dict[str, Any]:
    """Schema of one Kafka message value carrying `event` (envelope + typed data)."""
    schema = envelope_schema()
    data = event.model_json_schema()
    definitions = schema.pop("$defs", {})
    for name, definition in data.pop("$defs", {}).items():
        if definitions.setdefault(name, definition) != definition:
            raise ValueError(f"{event.event_type}: $defs name {name!r} clashes with the envelope's")
    properties = schema["properties"]
    properties["event_type"] = {**properties["event_type"], "const": event.event_type}
    properties["schema_version"] = {**properties["schema_version"], "const": event.schema_version}
    properties["data"] = data
    schema.update(
        {
            "$defs": definitions,
            "title": f"{event.event_type} v{event.schema_version}",
            "description": data.get("description", ""),
            "x-owner": event.owner,
            "x-topic": topic_for(event.owner),
        }
    )
    return schema


def schema_file(event: type[Event]) -> str:
    """Path of `event`'s schema file under the schema folder: `<owner>/<Type>.v<N>.json`."""
    return f"{event.owner}/{event.event_type}.v{event.schema_version}.json"


def render() -> dict[str, str]:
    """Every exported file: path relative to the schema folder -> content."""
    events = sorted(known_events().values(), key=lambda e: (e.owner, e.event_type, e.schema_version))
    latest = {e.event_type: e.schema_version for e in events}  # sorted by version: last wins
    files = {schema_file(e): dumps(message_schema(e)) for e in events}
    files["envelope.json"] = dumps(envelope_schema())
    index = {
        "envelope": "envelope.json",
        "dead_letter_topic": DEAD_LETTER_TOPIC,
        "events": [
            {
                "event_type": e.event_type,
                "schema_version": e.schema_version,
                "latest": latest[e.event_type] == e.schema_version,
                "owner": e.owner,
                "topic": topic_for(e.owner),
                "file": schema_file(e),
                "description": " ".join((e.__doc__ or "").split()),
            }
            for e in events
        ],
    }
    files["index.json"] = dumps(index)
    return files


def _existing(directory: Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): p.read_text("utf-8") for p in directory.rglob("*.json")}


def differing_files(directory: Path = DEFAULT_DIR) -> list[str]:
    """Files that are missing, stale or out of date in `directory` compared with the code."""
    wanted, present = render(), _existing(directory)
    return sorted(path for path in wanted.keys() | present.keys() if wanted.get(path) != present.get(path))


def breaking_files(directory: Path = DEFAULT_DIR) -> list[str]:
    """Breaking changes of the code against the schemas published in `directory`."""
    wanted, problems = render(), []
    for path, text in sorted(_existing(directory).items()):
        if path in ("envelope.json", "index.json") or wanted.get(path) == text:
            continue
        if path not in wanted:
            problems.append(f"{path}: event version removed")
            continue
        problems += [f"{path}: {p}" for p in breaking_changes(json.loads(text), json.loads(wanted[path]))]
    return problems


def write(directory: Path = DEFAULT_DIR, allow_breaking: bool = False) -> list[str]:
    """Write the schemas; refuse (returning the problems) if that would break a published one."""
    problems = [] if allow_breaking or not directory.exists() else breaking_files(directory)
    if problems:
        return problems
    wanted = render()
    for path in _existing(directory).keys() - wanted.keys() if directory.exists() else ():
        (directory / path).unlink()
    for path, text in wanted.items():
        (directory / path).parent.mkdir(parents=True, exist_ok=True)
        (directory / path).write_text(text, "utf-8", newline="\n")
    return []


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check compare) the schemas; exit 1 on a stale file or a breaking change."""
    parser = argparse.ArgumentParser(
        prog="python -m vc_contracts.export", description=__doc__.splitlines()[0]
    )
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--check", action="store_true", help="exit 1 listing files that differ")
    parser.add_argument("--allow-breaking", action="store_true", help="overwrite published schemas")
    args = parser.parse_args(argv)
    if args.check:
        problems = differing_files(args.directory)
        header = "schemas differ from the code (run python -m vc_contracts.export):"
    else:
        problems = write(args.directory, args.allow_breaking)
        header = "breaking changes to published schemas (bump schema_version, add an upcaster):"
    if problems:
        print(header, *problems, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
