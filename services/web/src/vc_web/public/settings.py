"""Where the public pages get their facts, and the address the posters' QR codes print.

Read from the environment when the app starts (see `public_settings`), never at import.
"""

from __future__ import annotations

from fastapi import Request
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PublicSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    reporting_url: str = Field(
        default="http://127.0.0.1:8004",
        alias="VC_WEB_REPORTING_URL",
        description="Reporting service base URL: the boards' public JSON",
    )
    registry_url: str = Field(
        default="http://127.0.0.1:8001",
        alias="VC_WEB_REGISTRY_URL",
        description="Registry service base URL: residents' feedback is posted there",
    )
    public_base_url: str | None = Field(
        default=None,
        alias="VC_WEB_PUBLIC_BASE_URL",
        description="Absolute address residents reach the boards at (printed in the posters' QR "
        "codes), e.g. https://fw.example.gov.cn; unset: the address of the request",
    )
    trusted_proxies: str = Field(default="127.0.0.1,::1", alias="VC_TRUSTED_PROXIES")
    timeout_seconds: float = Field(default=5.0, alias="VC_WEB_UPSTREAM_TIMEOUT_SECONDS")


def public_settings(request: Request) -> PublicSettings:
    """The app's settings, built once on first use and kept on the app."""
    state = request.app.state
    if getattr(state, "public_settings", None) is None:
        state.public_settings = PublicSettings()
    settings: PublicSettings = state.public_settings
    return settings


def base_url(request: Request, settings: PublicSettings) -> str:
    """Absolute base the boards are reached at, without a trailing slash."""
    return (settings.public_base_url or str(request.base_url)).rstrip("/")
