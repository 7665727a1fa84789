"""Shared fixtures: a temporary media root for every test, users, and images made with Pillow."""

import io
import json
import shutil
import struct
import zlib
from itertools import count

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mlcore import zoo

_serial = count()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes its files under its own temporary MEDIA_ROOT."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def media_files(media_root):
    """A function listing every file under MEDIA_ROOT (relative paths), to prove nothing is left."""
    return lambda: sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if p.is_file())


@pytest.fixture
def make_user(django_user_model):
    def make(username=None, password="correct horse battery", **extra):
        username = username or f"user{next(_serial)}"
        return django_user_model.objects.create_user(username=username, password=password, **extra)

    return make


@pytest.fixture
def user(make_user):
    return make_user("alice")


def image_bytes(size=(12, 8), fmt="PNG", mode="RGB", color=None, **save_options) -> bytes:
    """An image with some structure (a gradient) so encoders and metrics see real content."""
    width, height = size
    image = Image.new("RGB", size)
    image.putdata(
        [
            ((x * 255) // max(width - 1, 1), (y * 255) // max(height - 1, 1), 128)
            for y in range(height)
            for x in range(width)
        ]
    )
    if color is not None:
        image = Image.new("RGB", size, color)
    if mode != "RGB":
        image = image.convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save_options)
    return buffer.getvalue()


@pytest.fixture
def make_upload():
    """A SimpleUploadedFile named ``name`` holding ``data`` or a Pillow-made image."""

    def make(name="photo.png", data=None, **image_options):
        if data is None:
            data = image_bytes(**image_options)
        return SimpleUploadedFile(name, data, content_type="application/octet-stream")

    return make


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims ``width``×``height`` pixels (a decompression bomb's header, no pixels)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


@pytest.fixture
def make_image_bytes():
    return image_bytes


@pytest.fixture
def make_png_header():
    return png_header_only


@pytest.fixture
def make_enhancement(make_upload, user):
    """A stored ``new`` enhancement through the real service (owner: ``user`` unless given)."""
    from enhance.services import enhancement_create

    def make(owner=None, name="photo.png", **image_options):
        return enhancement_create(owner=owner or user, upload=make_upload(name, **image_options))

    return make


@pytest.fixture
def run_jobs(django_capture_on_commit_callbacks):
    """Inside ``with run_jobs():`` jobs queued on commit run at once (ImmediateBackend, real engine)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def restoring_zoo(tmp_path, monkeypatch):
    """The shipped zoo plus a 'restoring' model (a copy of the clean ×2 espcn weights under another name), and no
    JPEG models."""
    weights = tmp_path / "weights"
    shutil.copytree(zoo.WEIGHTS_DIR, weights)
    card = json.loads((weights / "espcn_x2.json").read_text())
    card["name"] = "espcn_restore"
    card["weights"] = "espcn_restore_x2.safetensors"
    shutil.copy(weights / "espcn_x2.safetensors", weights / "espcn_restore_x2.safetensors")
    (weights / "espcn_restore_x2.json").write_text(json.dumps(card))
    zoo_json = json.loads((weights / "zoo.json").read_text())
    zoo_json["restoring"] = {"2": "espcn_restore"}
    for role in ("jpeg", "jpeg_low"):  # the stand-in serves every JPEG; tests that need JPEG models declare them
        zoo_json.pop(role, None)
    (weights / "zoo.json").write_text(json.dumps(zoo_json))
    monkeypatch.setattr(zoo, "WEIGHTS_DIR", weights)
    return weights


@pytest.fixture
def declare_role(restoring_zoo):
    """``declare_role(role, {"2": name})`` sets a zoo.json role (denoising, jpeg, ...) in ``restoring_zoo``."""

    def declare(role: str, by_scale: dict[str, str]) -> None:
        zoo_json = json.loads((restoring_zoo / "zoo.json").read_text())
        zoo_json[role] = by_scale
        (restoring_zoo / "zoo.json").write_text(json.dumps(zoo_json))

    return declare
