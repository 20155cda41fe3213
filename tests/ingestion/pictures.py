"""Pictures made on the spot for the picture tests: real encoded files, some of them hostile."""

from __future__ import annotations

import struct
import zlib
from io import BytesIO

from PIL import Image, ImageDraw

# EXIF tags: camera make and the GPS block, what a stored copy must never carry.
EXIF_MAKE = 0x010F
EXIF_GPS = 0x8825


def photo(width: int = 1200, height: int = 800, *, fmt: str = "JPEG", exif: bool = True) -> bytes:
    """A landscape with a sun, encoded as ``fmt``; a JPEG carries EXIF with a GPS position."""
    image = Image.new("RGB", (width, height), (120, 170, 220))
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, height * 2 // 3, width, height), fill=(60, 130, 60))
    pen.ellipse((width // 2, height // 8, width // 2 + height // 4, height * 3 // 8), fill="yellow")
    out = BytesIO()
    options: dict[str, object] = {}
    if exif and fmt == "JPEG":
        tags = Image.Exif()
        tags[EXIF_MAKE] = "Newsdesk Test Camera"
        tags[EXIF_GPS] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
        options["exif"] = tags.tobytes()
    image.save(out, fmt, **options)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG of a few dozen bytes whose header claims ``width`` x ``height`` pixels: decoding
    it for real would take gigabytes (a decompression bomb's opening)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def icon(*, sizes: tuple[int, ...] = (16, 32, 48), fmt: str = "ICO") -> bytes:
    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    ImageDraw.Draw(image).rounded_rectangle((0, 0, 63, 63), radius=12, fill=(200, 40, 40, 255))
    out = BytesIO()
    if fmt == "ICO":
        image.save(out, "ICO", sizes=[(s, s) for s in sizes])
    else:
        image.save(out, fmt)
    return out.getvalue()


def wide_logo() -> bytes:
    """A 200 x 50 opaque PNG logo: wider than tall."""
    out = BytesIO()
    Image.new("RGB", (200, 50), (10, 80, 160)).save(out, "PNG")
    return out.getvalue()
