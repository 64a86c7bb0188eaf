"""The ledger volumes' hash chain, computable by anyone from what the ledger publishes.

Each ledger volume (一村一卷, 一所一卷: one per village and per unit, per year) is a hash chain over
the events of its entries, in the order the ledger stored them:

    link_0 = GENESIS (64 × "0")
    link_n = lowercase hex of SHA-256( ASCII(link_{n-1}) ‖ canonical(event_n) )

The canonical form is versioned, and every link records the version it was computed with, so chains
written before a new version still verify:

- **v1** (`CANONICAL_V1`): the whole stored event (with the store's internal position, county and
  metadata), JSON with sorted keys and no spaces. Only the ledger can compute it; its exports carry
  each v1 event's canonical text so that a verifier can hash it without the ledger's database.
- **v2** (`CANONICAL_V2`): RFC 8785 (JSON Canonicalization Scheme) of the event's public envelope
  exactly as published on the ledger's topic: the object with the keys in `ENVELOPE_KEYS` (absent
  keys are left out, `causation_id` null stays null). Any subscriber, in any language with a JCS
  library, recomputes it from the topic alone.

Pure: no I/O, no service code.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import rfc8785

GENESIS = "0" * 64
"""The link before a volume's first event."""


@dataclass(frozen=True)
class LinkMismatch:
    """The first link of a volume that does not hold, named by its entry and event: what the
    ledger's own `verify` (from its database) and the topic verifier (`verify_topic`, from the
    published seals) report. `reason` in Simplified Chinese; ids are "" where nothing is left to
    name (seq 0: not a link of the chain, e.g. a stray link row)."""

    seq: int
    entry_id: str
    event_id: str
    event_type: str
    reason: str


CANONICAL_V1 = 1
CANONICAL_V2 = 2
CURRENT_CANONICAL = CANONICAL_V2
"""The canonical form new links are computed with."""

ENVELOPE_KEYS = (
    "event_id",
    "event_type",
    "schema_version",
    "stream_id",
    "stream_version",
    "occurred_at",
    "recorded_at",
    "actor",
    "correlation_id",
    "causation_id",
    "tenant",
    "data",
)
"""The published envelope's keys, all of which canonical v2 covers (`vc_contracts.envelope.Envelope`)."""


def canonical_v2(envelope: Mapping[str, Any]) -> bytes:
    """RFC 8785 bytes (UTF-8) of a published envelope, given as its parsed JSON object.

    Keys outside `ENVELOPE_KEYS` (a consumer's own additions) are ignored. Raises
    `rfc8785.CanonicalizationError` (a ValueError) for values JSON cannot carry exactly
    (NaN, integers beyond ±(2^53 − 1), lone surrogates).

    Computed by the C `json` encoder where its output is RFC 8785's byte for byte (a property test
    compares the two on arbitrary JSON): the `rfc8785` package, pure Python, costs some 200 µs an
    event, and every ledger append and import row computes this. The package answers the rest.
    """
    public = {k: envelope[k] for k in ENVELOPE_KEYS if k in envelope}
    try:
        return _dumps(_as_jcs(public)).encode("utf-8")
    except (_NotFast, UnicodeEncodeError):
        return rfc8785.dumps(public)


def _refuse(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _sorted_dumps() -> Callable[[Any], str]:
    """`json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`, its C
    encoder made once: `json.dumps` builds an encoder object and a C encoder per call, a third of
    its time for an envelope (`_as_jcs` has refused every value it could not write, and parsed JSON
    holds no cycles, so no circular-reference check)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # an interpreter without the C accelerator: the same text, slower
        return partial(json.dumps, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    encode = make(None, _refuse, json.encoder.encode_basestring, None, ":", ",", True, False, True)
    return lambda value: "".join(encode(value, 0))


_dumps = _sorted_dumps()


class _NotFast(ValueError):
    """A value whose JCS form `json.dumps` does not write: left to the rfc8785 package."""


_INT_LIMIT = 2**53 - 1


def _as_jcs(value: Any) -> Any:
    r"""`value` with every float `json.dumps` would write differently from RFC 8785 made an int
    (1.0 → 1, -0.0 → 0, 2.0**53 → 9007199254740992); raises _NotFast for what only the package gets right.

    Why these are the only differences: both escape exactly `"`, `\\` and U+0000–U+001F, with the
    same short forms and lowercase `\\u00xx`; both write a float's shortest round-trip digits
    (`repr`), RFC 8785 without a trailing ".0" and without an exponent between 1e-7 and 1e21;
    key order is the same (code points = UTF-16 units) unless a key holds a character above U+FFFF."""
    if isinstance(value, str) or value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return jcs_int(value)
    if isinstance(value, float):
        return jcs_float(value)
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str) or not key.isascii():
                raise _NotFast
            out[key] = _as_jcs(item)
        return out
    if isinstance(value, (list, tuple)):
        return [_as_jcs(item) for item in value]
    raise _NotFast


def jcs_float(value: float) -> float | int:
    """`value` as the C encoder must be given it to write its RFC 8785 form: an integral float as
    an int (1.0 → 1, -0.0 → 0), any other as it is. Raises ValueError for a float whose form only
    the rfc8785 package writes (NaN, infinities, and those `repr` writes with an exponent)."""
    if not math.isfinite(value) or "e" in repr(value):
        raise _NotFast(value)
    return int(value) if value.is_integer() else value


def jcs_int(value: int) -> int:
    """`value` if RFC 8785 writes it as `json.dumps` does (within ±(2^53 − 1)); else ValueError."""
    if -_INT_LIMIT <= value <= _INT_LIMIT:
        return value
    raise _NotFast(value)


def jcs_ready_text(value: Any) -> str:
    """RFC 8785 text of a JSON value that is ready for the C encoder: every float passed through
    `jcs_float`, every int through `jcs_int`, no object key above U+FFFF (where Python's key order
    and RFC 8785's UTF-16 order part). The walk over every value that `canonical_v2` makes to
    check this is skipped: for writers that parse the JSON with those hooks and put an envelope's
    text together from parts (the ledger's backfill import). Raises UnicodeEncodeError (on
    encoding) for a lone surrogate."""
    return _dumps(value)


def link(previous: str, canonical: bytes) -> str:
    """The link after `previous` (64 hex chars) for an event whose canonical bytes are `canonical`."""
    return hashlib.sha256(previous.encode("ascii") + canonical).hexdigest()


VOLUME_KINDS = ("village", "unit")
"""一村一卷 (a village's entries of a year) and 一所一卷 (a service unit's)."""

_VILLAGE_CODE = re.compile(r"[1-9][0-9]{8}(?!000)[0-9]{3}")
_UNIT_ID = re.compile(r"[^\s\x00-\x1f\x7f]{1,128}")  # an id (vc_contracts.codes): no blanks or controls


def owner_fits(kind: str, owner: str) -> bool:
    """True when `owner` is shaped like a `kind` volume's owner: a village's 12-digit code (not a
    township's, whose last three digits are 000) or a unit's id (1–128 characters, no whitespace or
    control characters). Whether it exists is another question."""
    if kind == "village":
        return _VILLAGE_CODE.fullmatch(owner) is not None
    return kind == "unit" and _UNIT_ID.fullmatch(owner) is not None


def parse_volume_id(volume_id: str) -> tuple[str, str, int] | None:
    """`kind:owner:year` (`village:621025100200:2026`, `unit:U-1:2026`) → (kind, owner, year), or
    None for an id no volume can have (see `owner_fits`; year 2000–2100)."""
    kind, _, rest = volume_id.partition(":")
    owner, _, year = rest.rpartition(":")
    if (
        not owner_fits(kind, owner)
        or not (len(year) == 4 and year.isascii() and year.isdigit())  # "02026" names no volume;
        or not 2000 <= int(year) <= 2100  # 5000 digits would make int() raise (a 500), not None
    ):
        return None
    return kind, owner, int(year)
