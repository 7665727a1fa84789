"""Fuzzing uploads: seeded mutations of small images of every accepted kind, sent through ``/upload_img`` with
their jobs run, and what the site promised checked afterwards: no 5xx, no orphan file or row, no job stuck,
every accepted upload's job ``done``. The unit suite runs a few hundred; ``make fuzz`` runs thousands."""

import io
import random
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

from django.contrib.auth import get_user_model
from PIL import Image

from enhance.models import Enhancement
from enhance.services.limits import stored_bytes

# What a fuzz run changes in settings: no throttle in the way, and inputs small enough that an accepted
# mutant (a header grown to a bigger size that still decodes) stays a quick job.
SETTINGS = {"SRSITE_UPLOAD_RATE": "100000/min", "SRSITE_MAX_INPUT_MP": 1, "SRSITE_MAX_ACTIVE_JOBS": 100000}


def _gradient(size=(32, 24), mode="RGB") -> Image.Image:
    width, height = size
    image = Image.new("RGB", size)
    image.putdata([(x * 8 % 256, y * 10 % 256, (x * y) % 256) for y in range(height) for x in range(width)])
    return image if mode == "RGB" else image.convert(mode)


def _encode(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def seeds() -> list[tuple[str, bytes]]:
    """One small valid file of each kind the site accepts (or refuses with a reason), to mutate."""
    rgb = _gradient()
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated a quarter
    return [
        ("rgb.png", _encode(rgb, "PNG")),
        ("palette.png", _encode(rgb.convert("P"), "PNG", transparency=0)),
        ("gray16.png", _encode(_gradient(mode="L").convert("I;16"), "PNG")),
        ("alpha.png", _encode(_gradient(mode="RGBA"), "PNG")),
        ("photo.jpg", _encode(rgb, "JPEG", quality=80)),
        ("cmyk.jpg", _encode(_gradient(mode="CMYK"), "JPEG")),
        ("rotated.jpg", _encode(rgb, "JPEG", exif=exif)),
        ("camera.jpg", _encode(rgb, "MPO", save_all=True, append_images=[_gradient((16, 12))])),
        ("still.gif", _encode(rgb.convert("P"), "GIF")),
        ("anim.gif", _encode(rgb, "GIF", save_all=True, append_images=[_gradient(mode="L").convert("RGB")])),
        ("photo.webp", _encode(rgb, "WEBP", quality=80)),
        ("photo.bmp", _encode(rgb, "BMP")),
        ("photo.tif", _encode(rgb, "TIFF")),
        ("dot.png", _encode(_gradient((1, 1)), "PNG")),
    ]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to three random edits: flipped bits, overwritten header bytes, a cut, a repeat, a hole, junk."""
    data = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        if len(data) < 8:
            break
        kind = rng.randrange(7)
        at = rng.randrange(len(data))
        if kind == 0:
            for _ in range(rng.randint(1, 8)):
                spot = rng.randrange(len(data))
                data[spot] ^= 1 << rng.randrange(8)
        elif kind == 1:  # sizes, counts, offsets live in the first bytes
            spot = rng.randrange(min(64, len(data)))
            data[spot] = rng.randrange(256)
        elif kind == 2:
            data = data[: max(at, 1)]
        elif kind == 3:
            data[at:at] = data[at : at + rng.randint(1, 256)]
        elif kind == 4:
            del data[at : at + rng.randint(1, 64)]
        elif kind == 5:
            data[at:at] = rng.randbytes(rng.randint(1, 32))
        else:
            spot = rng.randrange(min(32, len(data) - 4))
            data[spot : spot + 4] = rng.randrange(1 << 32).to_bytes(4, rng.choice(["big", "little"]))
    return bytes(data)


def mutants(count: int, seed: int) -> Iterator[tuple[str, bytes]]:
    """``count`` mutated files, the same ones for the same seed."""
    rng = random.Random(seed)
    originals = seeds()
    for i in range(count):
        name, data = originals[i % len(originals)]
        yield f"{i:05d}_{name}", mutate(data, rng)


@dataclass
class FuzzReport:
    sent: int = 0
    statuses: Counter = field(default_factory=Counter)
    messages: Counter = field(default_factory=Counter)
    server_errors: list = field(default_factory=list)  # (name, status, body)
    not_done: list = field(default_factory=list)  # (name, status, error) of accepted uploads
    orphan_files: list = field(default_factory=list)
    orphan_rows: int = 0
    bytes_recorded: int = 0  # what the storage limit counts (sizes in the database)
    bytes_on_disk: int = 0  # what the media folder holds

    @property
    def accepted(self) -> int:
        return self.statuses[201]

    def lines(self) -> list[str]:
        return [
            f"sent {self.sent}: " + ", ".join(f"{code} × {n}" for code, n in sorted(self.statuses.items())),
            f"accepted {self.accepted}, jobs not done {len(self.not_done)}, 5xx {len(self.server_errors)}, "
            f"orphan files {len(self.orphan_files)}, orphan rows {self.orphan_rows}",
            f"stored bytes recorded {self.bytes_recorded:,}, on disk {self.bytes_on_disk:,}",
            *(f"  {n} × {message}" for message, n in self.messages.most_common()),
        ]


def fuzz_uploads(
    client,
    media_root: Path,
    *,
    count: int,
    seed: int,
    jobs: Callable[[], AbstractContextManager] = nullcontext,
) -> FuzzReport:
    """POST ``count`` mutants to ``/upload_img`` as ``client``'s user (an empty gallery), each job run inside
    ``jobs()``; then compare rows with files."""
    report = FuzzReport()
    accepted: dict[int, str] = {}
    for name, data in mutants(count, seed):
        file = io.BytesIO(data)
        file.name = name
        with jobs():
            response = client.post("/upload_img", {"image": file, "scale": 2})
        report.sent += 1
        report.statuses[response.status_code] += 1
        body = response.json()
        if response.status_code >= 500:
            report.server_errors.append((name, response.status_code, body))
        elif response.status_code == 201:
            accepted[body["id"]] = name
        else:
            report.messages[re.sub(r"\d+", "N", body.get("error", ""))] += 1  # one line per kind of refusal
    rows = Enhancement.objects.filter(pk__in=accepted)
    for row in rows:
        if row.status != Enhancement.Status.DONE:
            report.not_done.append((accepted[row.pk], row.status, row.error))
    report.orphan_rows = Enhancement.objects.exclude(pk__in=accepted).count()
    files = ("original", "result", "thumbnail", "preview", "upload.thumbnail", "upload.display")
    every_row = Enhancement.objects.select_related("upload")
    kept = {f.name for row in every_row for f in (attrgetter(name)(row) for name in files) if f}
    on_disk_files = [p for p in Path(media_root).rglob("*") if p.is_file()]
    on_disk = {str(p.relative_to(media_root)) for p in on_disk_files}
    report.orphan_files = sorted(on_disk - kept)
    report.bytes_recorded = sum(stored_bytes(owner=user) for user in get_user_model().objects.all())
    report.bytes_on_disk = sum(p.stat().st_size for p in on_disk_files)
    return report
