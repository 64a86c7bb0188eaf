"""The project's own Prometheus metrics (FastStream's middleware adds the broker's)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

APPEND_SECONDS = Histogram(
    "vc_event_append_seconds", "Time to append one batch of events to a stream", ["service"]
)
RELAY_LAG = Gauge("vc_relay_lag_events", "Events stored but not yet acknowledged by the broker", ["service"])
RELAY_PUBLISHED = Counter("vc_relay_published_total", "Events published by the outbox relay", ["service"])
RELAY_RESETS = Counter(
    "vc_relay_republish_total", "Times the relay found the broker empty and republished", ["service"]
)
RELAY_UNPUBLISHABLE = Counter(
    "vc_relay_unpublishable_total",
    "Events the relay can never publish (too large for the broker, not encodable): recorded and passed",
    ["service"],
)
RELAY_ELECTIONS = Counter(
    "vc_relay_reelections_total",
    "Times a relay lost its database session and ran the election again",
    ["service"],
)
CONSUMER_LAG = Gauge(
    "vc_consumer_lag_messages",
    "Records on a partition not yet committed by a consumer group (end offset - committed offset)",
    ["group", "topic", "partition"],
)
PROJECTION_APPLIED = Counter("vc_projection_applied_total", "Events applied to a read model", ["projection"])
PROJECTION_LAG_SECONDS = Gauge(
    "vc_projection_lag_seconds", "Age of the newest event applied when it was applied", ["projection"]
)
DEAD_LETTERS = Counter("vc_dead_letters_total", "Messages sent to the dead-letter topic", ["projection"])
PARKED = Gauge("vc_parked_events", "Events parked because their handler failed", ["projection"])
RULE_BREACHES = Counter("vc_rule_breaches_total", "Compliance breaches found", ["rule"])
HTTP_REQUESTS = Histogram(
    "vc_http_request_seconds", "HTTP request latency by route and status", ["method", "route", "status"]
)
