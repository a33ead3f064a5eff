"""Uploaded files: a size limit enforced while the request body streams in, and the
folder per job under MEDIA_ROOT that the job deletes when it ends (ADR 0051).

Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` does not cover files: without a limit here a
200 MB upload is streamed to a temporary file in full before any form sees its size.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

UPLOADS = "uploads"


def max_upload_bytes() -> int:
    return int(getattr(settings, "MAX_UPLOAD_BYTES", 100 * 1024 * 1024))


class UploadTooLarge(RequestDataTooBig):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the upload is larger than {limit} bytes")
        self.limit = limit


class LimitedUploadHandler(FileUploadHandler):
    """First upload handler: refuses a body announced larger than the limit before
    reading it, and stops reading once the file data passes the limit."""

    def handle_raw_input(self, input_data, META, content_length, boundary,  # type: ignore[no-untyped-def]
                         encoding=None):
        self.limit = max_upload_bytes()
        self.received = 0
        if content_length and content_length > self.limit:
            raise UploadTooLarge(self.limit)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            raise UploadTooLarge(self.limit)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def save_uploads(files: Iterable[UploadedFile]) -> tuple[str, list[Path]]:
    """Copy uploaded files into a new folder of their own; returns the folder (relative
    to MEDIA_ROOT, for :func:`wijkregie.core.jobs.start_job`) and the files' paths."""
    relative = f"{UPLOADS}/{uuid.uuid4().hex}"
    folder = Path(settings.MEDIA_ROOT) / relative
    folder.mkdir(parents=True)
    paths = []
    for upload in files:
        # Only the base name: a client's file name never chooses a folder.
        target = folder / (Path(upload.name or "upload").name or "upload")
        with target.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        paths.append(target)
    return relative, paths
