"""The QR code of a volume's chain head: `"<volume_id> <head>"` (one space), so a phone scanning a
printout reads the head it may hand to the verifier (`python -m vc_contracts.verify FILE --head HEX`)."""

from __future__ import annotations

from io import BytesIO

import segno


def head_text(volume_id: str, head: str) -> str:
    return f"{volume_id} {head}"


def _code(volume_id: str, head: str) -> segno.QRCode:
    return segno.make(head_text(volume_id, head), error="m", micro=False)


def head_svg(volume_id: str, head: str, *, scale: int = 4) -> bytes:
    """A standalone SVG document (UTF-8; error correction M, quiet zone of 4 modules)."""
    out = BytesIO()
    _code(volume_id, head).save(out, kind="svg", scale=scale, title=f"卷册链头 {volume_id}")
    return out.getvalue()


def head_svg_inline(volume_id: str, head: str, *, scale: int = 3) -> str:
    """The same code as an <svg> element to embed in an HTML page (segno escapes the title)."""
    return str(_code(volume_id, head).svg_inline(scale=scale, title=f"卷册链头 {volume_id}"))
