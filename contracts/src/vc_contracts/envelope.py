"""The envelope every event travels in, on the wire (Kafka value, UTF-8 JSON) and in the store."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from vc_contracts.base import Event, ShanghaiDateTime, parse_event
from vc_contracts.divisions import Tenant


class Envelope(BaseModel):
    """One event with its identity, position in its stream, tenant and causality.

    Record key on Kafka = `stream_id`; headers `event_type` and `schema_version` repeat the fields.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: UUID = Field(description="Unique id of this event; consumers deduplicate on it")
    event_type: str = Field(description="Past-tense event name, e.g. VisitLogged")
    schema_version: int = Field(ge=1, description="Version of the `data` schema for this event type")
    stream_id: str = Field(description="Aggregate stream, e.g. village-621025100201")
    stream_version: int = Field(ge=1, description="1-based position of the event in its stream")
    occurred_at: ShanghaiDateTime = Field(description="Domain time the fact happened, +08:00")
    recorded_at: ShanghaiDateTime = Field(description="When the owning service stored it, +08:00")
    tenant: Tenant
    actor: str = Field(description="Subject of the principal that caused the event")
    correlation_id: UUID
    causation_id: UUID | None = None
    data: dict[str, Any]

    def event(self) -> Event:
        """The typed event, upcast to its latest schema version."""
        return parse_event(self.event_type, self.schema_version, self.data)
