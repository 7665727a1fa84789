"""A batch's finished results as one ZIP, written while it is sent: each result is read from storage in
chunks and passed on as it is read, so the web process holds a chunk, never the archive. PNGs are stored,
not compressed again (they are compressed already)."""

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from enhance.selectors import ResultFile

CHUNK = 256 * 1024


class _Pipe:
    """A write-only file for ``zipfile``: it keeps what was written until the response takes it."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def member_names(results: list[ResultFile]) -> list[str]:
    """Each result's download name, ``<stem>_x<scale>_<model>.png``; a name met before (letter case ignored,
    as on Windows and macOS) gets `` (2)``, `` (3)`` … before its extension."""
    names, taken = [], set()
    for result in results:
        path = PurePosixPath(result.filename)
        name, n = path.name, 1
        while name.lower() in taken:
            n += 1
            name = f"{path.stem} ({n}){path.suffix}"
        taken.add(name.lower())
        names.append(name)
    return names


def zip_chunks(results: list[ResultFile]) -> Iterator[bytes]:
    """The ZIP's bytes, a chunk (at most ``CHUNK`` bytes of a file, plus its headers) at a time."""
    pipe = _Pipe()  # not seekable: zipfile writes each member's sizes after its data (a data descriptor)
    with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for name, result in zip(member_names(results), results, strict=True):
            stamp = timezone.localtime(result.enhancement.finished_at or timezone.now())
            info = zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED
            info.file_size = result.enhancement.result.size  # lets zipfile choose ZIP64 for a huge file
            with result.open() as source, archive.open(info, mode="w") as member:
                while chunk := source.read(CHUNK):
                    member.write(chunk)
                    yield pipe.take()
            yield pipe.take()
    yield pipe.take()


def zip_response(results: Iterable[ResultFile], filename: str) -> StreamingHttpResponse:
    """The streamed ZIP as a download (no Content-Length: its size is known only at the end)."""
    chunks = (chunk for chunk in zip_chunks(list(results)) if chunk)
    response = StreamingHttpResponse(chunks, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def batch_filename(batch) -> str:
    return f"batch-{str(batch)[:8]}.zip"
