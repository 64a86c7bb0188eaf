"""Kafka topics and headers of the wire contract."""

from __future__ import annotations

OWNERS = ("registry", "ledger", "assessment", "reporting")
DEAD_LETTER_TOPIC = "villagecounsel.deadletter"
HEADER_EVENT_TYPE = "event_type"
HEADER_SCHEMA_VERSION = "schema_version"


def topic_for(owner: str) -> str:
    """Topic an owning service publishes its events on; record key = stream id."""
    return f"villagecounsel.{owner}.events"
