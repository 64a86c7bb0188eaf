"""Village Counsel public contracts: the event envelope and every event schema, versioned.

Importable with no service code so downstream systems can depend on it alone.
"""

from vc_contracts.base import (
    CST,
    Event,
    ShanghaiDate,
    ShanghaiDateTime,
    event_class,
    known_events,
    parse_event,
)
from vc_contracts.divisions import CountyCode, DivisionCode, Tenant
from vc_contracts.envelope import Envelope

__all__ = [
    "CST",
    "CountyCode",
    "DivisionCode",
    "Envelope",
    "Event",
    "ShanghaiDate",
    "ShanghaiDateTime",
    "Tenant",
    "event_class",
    "known_events",
    "parse_event",
]
