"""The QR code printed on a village's poster: the board's absolute address, as inline SVG."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(url: str, title: str) -> Markup:
    """An SVG (no fixed size: it fills its box) whose QR code encodes `url`.

    Error correction M survives a creased or slightly dirty print; `border=4` is the quiet zone
    scanners need around the code.
    """
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(omitsize=True, border=4, title=title, svgclass="qr", dark="#000", light="#fff")
    return Markup(svg)  # segno builds the markup; `title` is escaped by segno
