"""Service settings from the environment, built at start-up (never at import) and failing fast."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MAX_UPLOAD_BYTES = 32 * 1024 * 1024
"""The one size cap of an imported file (every import: the edge's 413 and the sheet reader's own)."""

_PLACEHOLDERS = {"", "changeme", "secret", "change-me", "dev", "test", "password"}


class Settings(BaseSettings):
    """One service's configuration. Environment variables, no prefix for the shared servers."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    service: str = Field(alias="VC_SERVICE", description="registry | ledger | assessment | reporting")
    database_url: str = Field(alias="DATABASE_URL")
    kafka_bootstrap_servers: str = Field(alias="KAFKA_BOOTSTRAP_SERVERS")
    jwt_secret: str = Field(alias="VC_JWT_SECRET", description="HS256 key for development tokens")
    jwt_issuer: str = Field(default="villagecounsel-dev", alias="VC_JWT_ISSUER")
    jwks_url: str | None = Field(default=None, alias="VC_JWKS_URL", description="Production: RS256 via JWKS")
    jwt_audience: str | None = Field(
        default=None,
        alias="VC_JWT_AUDIENCE",
        description="Required `aud` of every token (production: our client id)",
    )
    topic_partitions: int = Field(default=3, alias="VC_TOPIC_PARTITIONS")
    topic_replication: int = Field(default=1, alias="VC_TOPIC_REPLICATION", description="3 in production")
    consumer_session_timeout_ms: int = Field(default=6000, alias="VC_CONSUMER_SESSION_TIMEOUT_MS")
    consumer_fetch_max_wait_ms: int = Field(default=100, alias="VC_CONSUMER_FETCH_MAX_WAIT_MS")
    consumer_metadata_max_age_ms: int = Field(
        default=5000,
        alias="VC_CONSUMER_METADATA_MAX_AGE_MS",
        description="How often consumers refresh topic metadata: a topic that gained partitions"
        " (recreated after the broker lost its data) is rebalanced onto within this time",
    )
    consumer_lag_interval_seconds: float = Field(default=10.0, alias="VC_CONSUMER_LAG_INTERVAL_SECONDS")
    db_pool_size: int = Field(default=10, alias="VC_DB_POOL_SIZE")
    max_body_bytes: int = Field(default=1024 * 1024, alias="VC_MAX_BODY_BYTES", description="JSON bodies")
    max_upload_bytes: int = Field(
        default=MAX_UPLOAD_BYTES, alias="VC_MAX_UPLOAD_BYTES", description="Files sent to the import routes"
    )
    max_event_bytes: int = Field(
        default=256 * 1024,
        ge=4096,
        le=900_000,
        alias="VC_MAX_EVENT_BYTES",
        description="Bound on one event's envelope (UTF-8 bytes), refused at append: below the broker's 1 MB",
    )
    trusted_proxies: str = Field(
        default="127.0.0.1,::1",
        alias="VC_TRUSTED_PROXIES",
        description="Comma-separated addresses or CIDR blocks of proxies (web service, ingress) whose"
        " X-Forwarded-For is believed when telling public clients apart (eventkit.clients)",
    )
    questions_per_minute: int = Field(
        default=20,
        ge=1,
        alias="VC_QUESTIONS_PER_MINUTE",
        description="Registry: residents' notice-board questions and meeting requests accepted per client"
        " and village per minute; more are refused (429)",
    )

    @field_validator("jwks_url", "jwt_audience")
    @classmethod
    def _empty_is_unset(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @model_validator(mode="after")
    def _audience_with_jwks(self) -> Settings:
        # An identity provider's tokens name their audience; a verifier configured with none refuses
        # every token that carries `aud` (eventkit.auth), so the service would answer only 401s.
        if self.jwks_url and not self.jwt_audience:
            raise ValueError(
                "VC_JWT_AUDIENCE must be set with VC_JWKS_URL"
                " (our client id, which the identity provider puts in `aud`)"
            )
        return self

    @field_validator("jwt_secret")
    @classmethod
    def _refuse_placeholder(cls, value: str) -> str:
        if value.strip().lower() in _PLACEHOLDERS or len(value) < 32:
            raise ValueError("VC_JWT_SECRET must be a random value of at least 32 characters")
        return value

    @property  # shadows pydantic's deprecated BaseModel.schema(); nothing here uses that
    def schema(self) -> str:  # type: ignore[override]
        """The PostgreSQL schema this service owns (a database of its own in production)."""
        return self.service
