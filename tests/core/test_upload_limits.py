"""Uploads are limited while they stream in and imports parse as they read (ADR 0051)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.test.client import BOUNDARY, encode_multipart

from wijkregie.core.middleware import UploadLimitMiddleware
from wijkregie.core.models import Job, Organisation
from wijkregie.core.uploads import LimitedUploadHandler, UploadTooLarge
from wijkregie.signals import api as signals_api
from wijkregie.signals.models import Signal

YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


class CountingStream(io.BytesIO):
    """A request body that records how much of it the server read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk

    def readline(self, size: int | None = -1) -> bytes:
        line = super().readline(size)
        self.bytes_read += len(line)
        return line


def _multipart_request(size: int) -> tuple[object, CountingStream]:
    body = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("big.csv", b"x" * size)})
    stream = CountingStream(body)
    request = RequestFactory().post("/hotspots/upload/", data={})
    request.META["wsgi.input"] = stream
    request.META["CONTENT_LENGTH"] = str(len(body))
    request._stream = stream  # as WSGIRequest would wrap wsgi.input
    return request, stream


@pytest.mark.django_db
def test_upload_announced_over_the_limit_is_refused_before_it_is_read(settings):
    settings.MAX_UPLOAD_BYTES = 64 * 1024
    request, stream = _multipart_request(1024 * 1024)
    response = UploadLimitMiddleware(lambda r: pytest.fail("view reached"))(request)
    assert response.status_code == 413
    assert stream.bytes_read == 0
    assert "64,0\xa0KB" in response.content.decode()


def test_upload_handler_stops_reading_once_the_data_passes_the_limit(settings):
    settings.MAX_UPLOAD_BYTES = 100_000
    handler = LimitedUploadHandler()
    handler.handle_raw_input(None, {}, None, b"", None)  # length unknown (chunked body)
    received = 0
    with pytest.raises(UploadTooLarge):
        for _ in range(1000):
            handler.receive_data_chunk(b"x" * 65536, received)
            received += 65536
    assert received <= 100_000


@pytest.mark.django_db
def test_api_upload_over_the_limit_answers_413_json(settings):
    settings.MAX_UPLOAD_BYTES = 1024
    response = Client().post("/api/signals/import/", {"file": SimpleUploadedFile(
        "big.csv", b"category\n" + b"x\n" * 5000)})
    assert response.status_code == 413
    assert response.json()["status"] == 413 and "1,0\xa0KB" in response.json()["detail"]


@pytest.mark.django_db
def test_page_upload_over_the_limit_is_refused_and_starts_no_job(demo, login, settings):
    settings.MAX_UPLOAD_BYTES = 1024
    response = login("analist").post("/areas/import/", {"files": [SimpleUploadedFile(
        "big.geojson", b" " * 10_000)]})
    assert response.status_code == 413
    assert "1,0\xa0KB" in response.content.decode()
    assert not Job.objects.exists()


def _token() -> dict[str, str]:
    org = Organisation.objects.get(name__startswith="Politie", municipalities__code="GM9001")
    out = io.StringIO()
    call_command("signals", "issue-token", "--organisation", org.name,
                 "--municipality", "GM9001", stdout=out)
    return {"HTTP_AUTHORIZATION": f"Token {out.getvalue().strip().splitlines()[-1]}"}


@pytest.mark.django_db
def test_bulk_import_stops_parsing_at_the_row_limit(demo, monkeypatch):
    monkeypatch.setattr(signals_api, "MAX_IMPORT_ROWS", 10)
    parsed = []
    original = signals_api._parse_row
    monkeypatch.setattr(signals_api, "_parse_row",
                        lambda number, row, errors: parsed.append(number) or original(
                            number, row, errors))
    header = "category,pillar,observed_on,description,reliability"
    rows = [f"overlast,safety,{YESTERDAY},Lawaai,own"] * 5000
    upload = SimpleUploadedFile("veel.csv", "\n".join([header, *rows]).encode(),
                                content_type="text/csv")
    before = Signal.objects.count()
    response = Client().post("/api/signals/import/", {"file": upload}, **_token(),
                             HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        "veel.csv: more than 10 rows; send at most 10 rows per file"]
    assert len(parsed) == 10  # not 5,000: refused at the first row past the limit
    assert Signal.objects.count() == before
