"""A PNG writer for large 8-bit results: every row "Up"-filtered, deflated in bands on several threads.

Pillow's PNG encoder filters and deflates on one thread; a 48-megapixel result took 4.6 s at zlib level 1 on
the measured machine, this writer 1.4 s on two threads for a file 2 % smaller (docs/speed.md). The bands are
parts of one zlib stream: each but the last ends on a full flush, so they concatenate, and their Adler-32
checksums combine as zlib's ``adler32_combine`` does. Memory beyond the image is the compressed file and one
band per thread. Modes other than L, LA, RGB and RGBA are not handled here: ``enhance.rendering.encode`` gives
them to Pillow.
"""

import os
import struct
import zlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from PIL import Image

COLOUR_TYPES = {"L": 0, "RGB": 2, "LA": 4, "RGBA": 6}
SIGNATURE = b"\x89PNG\r\n\x1a\n"
BAND_BYTES = 8 << 20  # raw bytes per band: enough work to amortise a thread hand-off
_ADLER_BASE = 65521


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(data, zlib.crc32(kind)))


def adler32_combine(first: int, second: int, second_length: int) -> int:
    """The Adler-32 of two byte strings end to end, from each one's checksum and the second's length."""
    rem = second_length % _ADLER_BASE
    low = ((first & 0xFFFF) + (second & 0xFFFF) - 1) % _ADLER_BASE
    high = (rem * (first & 0xFFFF) + (first >> 16) + (second >> 16) - rem) % _ADLER_BASE
    return low | (high << 16)


def _band(rows: np.ndarray, start: int, stop: int, level: int, last: bool) -> tuple[bytes, int, int]:
    """Rows ``start:stop`` of ``rows`` (h, row bytes), filtered with "Up" and deflated: (deflate bytes,
    Adler-32 of the filtered bytes, their length)."""
    band = rows[start:stop]
    filtered = np.empty((stop - start, rows.shape[1] + 1), dtype=np.uint8)
    filtered[:, 0] = 2  # "Up": each byte minus the one above it (above the first row: zero)
    np.subtract(
        band,
        rows[start - 1 : stop - 1] if start else np.vstack([np.zeros_like(band[:1]), band[:-1]]),
        out=filtered[:, 1:],
    )
    raw = filtered.data
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    data = compressor.compress(raw) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)
    return data, zlib.adler32(raw), len(filtered.data)


def encode(image: Image.Image, level: int, threads: int | None = None) -> bytes:
    """``image`` (mode L, LA, RGB or RGBA) as PNG bytes at zlib ``level``, with its ICC profile if it has one."""
    colour = COLOUR_TYPES[image.mode]
    rows = np.asarray(image).reshape(image.height, -1)
    step = max(1, BAND_BYTES // max(rows.shape[1], 1))
    bounds = [(start, min(start + step, image.height)) for start in range(0, image.height, step)]
    workers = threads or min(len(bounds), os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=max(workers, 1)) as pool:
        bands = list(pool.map(lambda b: _band(rows, b[0], b[1], level, b[1] == image.height), bounds))
    checksum = 1
    for _, adler, length in bands:
        checksum = adler32_combine(checksum, adler, length)
    header = struct.pack(">IIBBBBB", image.width, image.height, 8, colour, 0, 0, 0)
    parts = [SIGNATURE, _chunk(b"IHDR", header)]
    icc = image.info.get("icc_profile")
    if icc:
        parts.append(_chunk(b"iCCP", b"ICC Profile\0\0" + zlib.compress(icc)))
    parts.append(_chunk(b"IDAT", b"\x78\x01"))  # the zlib header: deflate, 32 KB window, fastest
    parts.extend(_chunk(b"IDAT", data) for data, _, _ in bands)
    parts.append(_chunk(b"IDAT", struct.pack(">I", checksum)))
    parts.append(_chunk(b"IEND", b""))
    return b"".join(parts)
