"""Structured JSON logs carrying the request's correlation id, scrubbed of bearer tokens."""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar

from eventkit.credentials import redact

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (tokens redacted), service, correlation id."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "service": _service,
            "correlation_id": correlation_id.get(),
        }
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


_service = ""


def configure(service: str) -> None:
    """Send every log record of this process (one service) to stderr as JSON lines."""
    global _service  # noqa: PLW0603 (one process = one service)
    _service = service
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):  # uvicorn set its own before our start-up
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    logging.getLogger(service).setLevel(logging.INFO)
