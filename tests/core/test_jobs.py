from __future__ import annotations

import json
import os
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wijkregie.areas.models import Area
from wijkregie.core.jobs import run_job, start_job
from wijkregie.core.models import Job, JobStatus, User

pytestmark = pytest.mark.django_db

GEMEENTE = {"type": "FeatureCollection", "features": [{
    "type": "Feature", "properties": {"statcode": "GM0999", "statnaam": "Testgem", "jaar": 2024},
    "geometry": {"type": "Polygon",
                 "coordinates": [[[5, 52], [5.1, 52], [5.1, 52.1], [5, 52.1], [5, 52]]]}}]}


def _upload(name: str, content: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode(), content_type="application/geo+json")


def test_import_page_runs_job_and_shows_result(demo, login):
    client = login("analist")
    response = client.post("/areas/import/", {"files": [_upload("gm.geojson",
                                                                json.dumps(GEMEENTE))],
                                              "repair": "on"})
    assert response.status_code == 302
    job = Job.objects.get()
    assert response.url == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.DONE and job.progress == 1.0
    assert Area.objects.filter(code="GM0999").exists()
    page = client.get(response.url).content.decode()
    assert "gemeente" in page and "<progress" in page


def test_failed_job_reports_error_and_changes_nothing(demo, login):
    client = login("analist")
    before = Area.objects.count()
    client.post("/areas/import/", {"files": [_upload("bad.geojson", "{oops")]})
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert "bad.geojson" in job.error and "not valid JSON" in job.error
    assert Area.objects.count() == before
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "not valid JSON" in page


def test_progress_fragment_polls_until_finished(demo, login):
    user = User.objects.get(username="analist")
    job = Job.objects.create(kind="areas.import", params={}, created_by=user, progress=0.4,
                             status=JobStatus.RUNNING, message="saving")
    fragment = login("analist").get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert 'hx-trigger="every 1s"' in html and 'value="40"' in html
    assert "<html" not in html


def test_jobs_of_others_are_not_visible(demo, login):
    user = User.objects.get(username="analist")
    job = Job.objects.create(kind="areas.import", params={}, created_by=user)
    assert login("regisseur").get(f"/jobs/{job.pk}/").status_code == 404


def test_upload_of_wrong_type_is_refused(demo, login):
    response = login("analist").post("/areas/import/", {"files": [_upload("x.exe", "MZ")]})
    assert response.status_code == 200
    assert "x.exe" in response.content.decode()
    assert not Job.objects.exists()


def _redis_url() -> str:
    url = os.environ.get("WIJKREGIE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("WIJKREGIE_REQUIRE_SERVICES"):
            pytest.fail(f"Redis required (WIJKREGIE_REQUIRE_SERVICES) but not reachable: {url}")
        pytest.skip(f"Redis not reachable at {url}")
    return url


def test_job_round_trip_through_redis_queue(demo, tmp_path):
    """The production path: enqueue on a Redis-backed huey, dequeue and execute it."""
    from huey import RedisHuey

    queue = RedisHuey(name=f"wijkregie-test-{uuid.uuid4().hex}", url=_redis_url())
    task = queue.task()(run_job)
    path = tmp_path / "gm.geojson"
    path.write_text(json.dumps(GEMEENTE))
    job = Job.objects.create(kind="areas.import", params={"paths": [str(path)]},
                             created_by=User.objects.get(username="analist"))
    task(str(job.pk))
    assert queue.pending_count() == 1
    message = queue.dequeue()
    queue.execute(message)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert Area.objects.filter(code="GM0999").exists()
    queue.storage.flush_all()


def test_start_job_refuses_unknown_kind(db):
    with pytest.raises(ValueError, match="unknown job kind"):
        start_job("nope", params={})
