"""Draw samples/riverside-logo.png, the made-up council's logo of the second sample profile.

Three green waves under a sun, on white: a plain PNG written with zlib, no imaging library.
Run `python scripts/make_sample_logo.py` to redraw it.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

WIDTH, HEIGHT = 120, 120
GREEN = (11, 110, 79)
SUN = (242, 169, 0)
WHITE = (255, 255, 255)


def colour(x: int, y: int) -> tuple[int, int, int]:
    """The colour of one pixel."""
    if (x - 60) ** 2 + (y - 42) ** 2 <= 26 ** 2:
        return SUN
    for band in range(3):
        centre = 70 + band * 16 + 6 * math.sin(x / 14)
        if abs(y - centre) <= 4:
            return GREEN
    return WHITE


def png() -> bytes:
    """The image as PNG bytes (8-bit RGB, no interlace)."""
    rows = b"".join(b"\x00" + bytes(c for x in range(WIDTH) for c in colour(x, y)) for y in range(HEIGHT))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
    image = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + image


if __name__ == "__main__":
    target = Path(__file__).resolve().parent.parent / "samples" / "riverside-logo.png"
    target.write_bytes(png())
    print(f"wrote {target}")
