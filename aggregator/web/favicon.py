"""The desk's icon, `/favicon.ico`: a 16x16 ICO drawn here (a dark square with three light
lines, a page of news), so browsers and feed readers that ask for it get an answer, not 404."""

from __future__ import annotations

import struct

SIZE = 16
DARK = (0x33, 0x2B, 0x1F, 0xFF)  # blue-green-red-alpha, as BMP stores pixels
LIGHT = (0xF5, 0xF5, 0xF5, 0xFF)
_LINES = ((4, 3, 12), (7, 3, 12), (10, 3, 9))
"""(row from the top, first column, last column) of each light line."""


def favicon_ico() -> bytes:
    """The icon: one 32-bit image with its AND mask, in an ICO container."""
    pixels = bytearray()
    for row in reversed(range(SIZE)):  # BMP rows run bottom-up
        for column in range(SIZE):
            lit = any(r in (row, row + 1) and a <= column <= b for r, a, b in _LINES)
            pixels += bytes(LIGHT if lit else DARK)
    mask = bytes(4 * SIZE)  # 1 bit a pixel, rows padded to 4 bytes: all opaque
    header = struct.pack("<IiiHHIIiiII", 40, SIZE, 2 * SIZE, 1, 32, 0, 0, 0, 0, 0, 0)
    image = header + bytes(pixels) + mask
    directory = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", SIZE, SIZE, 0, 0, 1, 32, len(image), 6 + 16)
    return directory + entry + image
