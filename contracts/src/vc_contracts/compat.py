"""Detect schema changes that break downstream consumers, comparing two JSON Schemas of one
(event type, version).

A published version must stay readable both ways: new code reads every stored event of that
version, and consumers still on the old package read what new producers write. Events are closed
models (`extra="forbid"`), so besides the obvious breaks (a field removed, a type changed, a new
required field, an enum value removed) adding a field or an enum value breaks old consumers too.
Such changes need a new schema version with an upcaster instead. Titles, descriptions and
defaults may change freely.
"""

from __future__ import annotations

import json
from typing import Any

Schema = dict[str, Any]
CONSTRAINTS = (
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
)
ALTERNATIVES = ("anyOf", "oneOf", "allOf")


def breaking_changes(old_schema: Schema, new_schema: Schema) -> list[str]:
    """Human-readable list of what in `new_schema` breaks readers of `old_schema`; empty if none."""
    return _Comparison(old_schema, new_schema).run()


class _Comparison:
    def __init__(self, old_root: Schema, new_root: Schema) -> None:
        self.old_root, self.new_root = old_root, new_root
        self.problems: list[str] = []

    def run(self) -> list[str]:
        self.node(self.old_root, self.new_root, "$")
        return self.problems

    def node(self, old: Schema, new: Schema, path: str) -> None:
        old, new = _resolve(self.old_root, old), _resolve(self.new_root, new)
        old_kind, new_kind = self.kind(self.old_root, old), self.kind(self.new_root, new)
        if old_kind != new_kind:
            self.problems.append(f"type changed at {path}: {old_kind} -> {new_kind}")
            return
        self.enum(old, new, path)
        for key in CONSTRAINTS:
            if old.get(key) != new.get(key):
                self.problems.append(f"constraint {key} changed at {path}: {old.get(key)} -> {new.get(key)}")
        if "properties" in old or "properties" in new:
            self.object(old, new, path)
        self.additional_properties(old, new, path)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            self.node(old["items"], new["items"], f"{path}[]")
        for key in ALTERNATIVES:
            pairs = zip(
                self.sorted_alternatives(self.old_root, old.get(key, [])),
                self.sorted_alternatives(self.new_root, new.get(key, [])),
                strict=True,
            )
            for index, (old_alt, new_alt) in enumerate(pairs):
                self.node(old_alt, new_alt, f"{path}<{key}{index}>")

    def enum(self, old: Schema, new: Schema, path: str) -> None:
        old_values, new_values = old.get("enum"), new.get("enum")
        if old_values is None and new_values is None:
            return
        if old_values is None or new_values is None:
            self.problems.append(f"enum added or dropped at {path}")
            return
        if removed := [v for v in old_values if v not in new_values]:
            self.problems.append(f"enum values removed at {path}: {removed}")
        if added := [v for v in new_values if v not in old_values]:
            self.problems.append(f"enum values added at {path} (old readers refuse them): {added}")

    def object(self, old: Schema, new: Schema, path: str) -> None:
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
        for name in old_props:
            if name not in new_props:
                self.problems.append(f"removed field {path}.{name}")
            else:
                self.node(old_props[name], new_props[name], f"{path}.{name}")
        for name in new_props:
            if name in new_required and name not in old_required:
                self.problems.append(f"new required field {path}.{name} (old data lacks it)")
            elif name not in old_props and old.get("additionalProperties") is False:
                self.problems.append(f"field {path}.{name} added to a closed object (old readers refuse it)")

    def additional_properties(self, old: Schema, new: Schema, path: str) -> None:
        old_extra, new_extra = old.get("additionalProperties", True), new.get("additionalProperties", True)
        if isinstance(old_extra, dict) and isinstance(new_extra, dict):
            self.node(old_extra, new_extra, f"{path}{{*}}")
        elif _kind_of_extra(old_extra) != _kind_of_extra(new_extra):
            self.problems.append(f"additionalProperties changed at {path}: {old_extra} -> {new_extra}")

    def kind(self, root: Schema, node: Schema) -> str:
        """A summary of what values a node admits, structure aside: 'string/date', 'a|b', 'const 1'."""
        node = _resolve(root, node)
        for key in ALTERNATIVES:
            if key in node:
                return f"{key}(" + "|".join(sorted(self.kind(root, alt) for alt in node[key])) + ")"
        if "const" in node:
            return f"const {json.dumps(node['const'])}"
        kind = node.get("type", "any")
        kind = "|".join(sorted(kind)) if isinstance(kind, list) else kind
        return f"{kind}/{node['format']}" if "format" in node else kind

    def sorted_alternatives(self, root: Schema, alternatives: list[Schema]) -> list[Schema]:
        return sorted(alternatives, key=lambda alt: self.kind(root, alt))


def _kind_of_extra(extra: Any) -> str:
    return "schema" if isinstance(extra, dict) else str(bool(extra))


def _resolve(root: Schema, node: Schema) -> Schema:
    """Follow a local `$ref` (`#/$defs/Name`), keeping sibling keywords of the referring node."""
    while "$ref" in node:
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node
