"""Reading a PNG screenshot into grey pixels, in pure Python (no Pillow/numpy in the test set-up):
enough for Chromium's screenshots (8-bit RGB or RGBA, not interlaced), e.g. to decode a QR code."""

from __future__ import annotations

import struct
import zlib

_CHANNELS = {2: 3, 6: 4, 0: 1}  # colour type → bytes per pixel (truecolour, with alpha, grey)


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def _unfilter(kind: int, line: bytearray, prior: bytearray, bpp: int) -> None:
    if kind == 1:
        for i in range(bpp, len(line)):
            line[i] = (line[i] + line[i - bpp]) & 0xFF
    elif kind == 2:
        for i in range(len(line)):
            line[i] = (line[i] + prior[i]) & 0xFF
    elif kind == 3:
        for i in range(len(line)):
            left = line[i - bpp] if i >= bpp else 0
            line[i] = (line[i] + ((left + prior[i]) >> 1)) & 0xFF
    elif kind == 4:
        for i in range(len(line)):
            left, up_left = (line[i - bpp], prior[i - bpp]) if i >= bpp else (0, 0)
            line[i] = (line[i] + _paeth(left, prior[i], up_left)) & 0xFF


def grey_pixels(png: bytes) -> tuple[bytes, int, int]:
    """(one byte per pixel, width, height) of an 8-bit, non-interlaced PNG."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    width = height = colour = 0
    while pos < len(png):
        (length,), kind = struct.unpack(">I", png[pos : pos + 4]), png[pos + 4 : pos + 8]
        data = png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", data)
            assert depth == 8 and interlace == 0 and colour in _CHANNELS, "unsupported PNG"
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    bpp = _CHANNELS[colour]
    raw, stride = zlib.decompress(idat), width * bpp
    grey, prior = bytearray(width * height), bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        line = bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(raw[start], line, prior, bpp)
        row = y * width
        for x in range(width):
            px = x * bpp
            grey[row + x] = (
                line[px] if bpp == 1 else (line[px] * 299 + line[px + 1] * 587 + line[px + 2] * 114) // 1000
            )
        prior = line
    return bytes(grey), width, height
