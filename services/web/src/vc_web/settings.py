"""The web service's configuration: environment variables prefixed VC_WEB_, built at start-up."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# services/web/frontend/dist, next to the sources (the package is installed editable).
DEFAULT_DIST = Path(__file__).resolve().parents[2] / "frontend" / "dist"
SERVICE_NAMES = ("registry", "ledger", "assessment", "reporting")


class WebSettings(BaseSettings):
    """Where the four APIs are, where the built pages are, and how people sign in.

    `gateway` is for the dev stack only: in production the Ingress routes /api/<service>/ itself.
    `dev_signin` (development only) lets `POST /auth/dev/token` sign demo tokens with VC_JWT_SECRET;
    when it is off that route answers 404. Production signs in with OIDC (VC_WEB_OIDC_*).
    `metrics_port` moves /metrics off the port people reach (the Ingress or a reverse proxy forwards
    that whole port): Prometheus scrapes the other one inside the cluster or the compose network.
    """

    model_config = SettingsConfigDict(env_prefix="VC_WEB_", extra="ignore", populate_by_name=True)

    registry_url: str = "http://127.0.0.1:8001"
    ledger_url: str = "http://127.0.0.1:8002"
    assessment_url: str = "http://127.0.0.1:8003"
    reporting_url: str = "http://127.0.0.1:8004"
    dist_dir: Path = DEFAULT_DIST
    gateway: bool = Field(default=False, description="Proxy /api/<service>/… (dev stack only)")
    dev_signin: bool = Field(default=False, description="Demo sign-in with development tokens")
    jwt_secret: str | None = Field(
        default=None,
        validation_alias=AliasChoices("VC_JWT_SECRET", "jwt_secret"),
        description="HS256 key of development tokens; needed only with dev_signin",
    )
    oidc_issuer: str | None = Field(default=None, description="Province identity provider (production)")
    oidc_client_id: str | None = None
    oidc_scope: str = "openid profile"
    metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Serve /metrics on this port only, on a listener of its own (production: the image "
        "sets 9000); unset: on the pages' port, as in the dev stack",
    )
    metrics_host: str = Field(default="0.0.0.0", description="Address the metrics listener binds")

    @field_validator("metrics_port", mode="before")
    @classmethod
    def _blank_port_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("oidc_issuer", "oidc_client_id", "jwt_secret")
    @classmethod
    def _empty_is_unset(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    def upstreams(self) -> dict[str, str]:
        """Service name → base URL without a trailing slash."""
        urls = (self.registry_url, self.ledger_url, self.assessment_url, self.reporting_url)
        return {name: url.rstrip("/") for name, url in zip(SERVICE_NAMES, urls, strict=True)}
