"""JSON that names a key twice in one object, found instead of read as its last value.

Python's `json.loads` (and so FastAPI's body parse and PyJWT's token parse) keeps the last value of
a repeated key and drops the others without a word: `{"role": "village_committee", "role":
"county_admin"}` was a county admin. RFC 8259 §4 leaves such objects' meaning to the parser; ours
refuse them, one parse for every place that reads JSON a caller controls: request bodies
(`eventkit.input_rules`) and bearer tokens' header and claims (`eventkit.auth`). Pure: no framework.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

KeyPath = tuple[str | int, ...]
"""Where a key sits in a parsed JSON value: object keys and list indexes from the top."""


class _Repeated(dict[str, Any]):
    """A parsed JSON object that named `repeated` keys more than once (the last value kept)."""

    repeated: list[str]


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) == len(pairs):
        return found
    repeated = _Repeated(found)
    counts = Counter(key for key, _ in pairs)
    repeated.repeated = [key for key, count in counts.items() if count > 1]
    return repeated


def _paths(value: Any, at: KeyPath = ()) -> list[KeyPath]:
    """Where `value` (parsed by `_object`) holds an object naming a key twice: each key's path."""
    found: list[KeyPath] = []
    if isinstance(value, dict):
        if isinstance(value, _Repeated):
            found += [(*at, key) for key in value.repeated]
        for key, item in value.items():
            found += _paths(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*at, index))
    return found


def repeated_keys(text: str | bytes) -> list[KeyPath]:
    """The path of every key that `text` (JSON) names twice in one object, outermost first; [] when
    none does. Raises ValueError for text that is no JSON (RecursionError when nested beyond the
    parser), as `json.loads` does. The tree is walked for the paths only when the parse met a
    repeated key: the usual text costs one parse, no walk."""
    met: list[bool] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        found = _object(pairs)
        if type(found) is _Repeated:
            met.append(True)
        return found

    parsed = json.loads(text, object_pairs_hook=pairs_hook)
    return _paths(parsed) if met else []
