"""The Jinja2 templates of the public pages (autoescaped), and the filters they use."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"


def cst(moment: datetime | str) -> str:
    """`2026-11-30 15:01（北京时间）`: the instant in +08:00 (it arrives as CST already, or as the
    services' ISO 8601 text with +08:00)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return f"{moment:%Y-%m-%d %H:%M}（北京时间）"


def tel(phone: str) -> str:
    """The `tel:` target of a phone as shown (`0934-5221234` dials as `09345221234`)."""
    return "tel:" + "".join(ch for ch in phone if ch.isdigit() or ch == "+")


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(cst=cst, tel=tel)
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
