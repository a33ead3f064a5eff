"""Jobs never hang for ever (ADR 0050): an unreachable queue fails the job at once, a lost
queue entry or a dead worker ends it as failed with the reason, a failed job of that kind
can be started again, progress is visible during an import's write phase, and uploaded
files go when their job ends."""

from __future__ import annotations

import json
import socket
import threading
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone, translation

from wijkregie.core import job_live, jobs, tasks
from wijkregie.core.jobs import job_handler
from wijkregie.core.models import Job, JobFailure, JobStatus, User
from wijkregie.core.uploads import save_uploads

GEMEENTE = {"type": "FeatureCollection", "features": [{
    "type": "Feature", "properties": {"statcode": "GM0998", "statnaam": "Liveheid", "jaar": 2024},
    "geometry": {"type": "Polygon",
                 "coordinates": [[[5, 52], [5.1, 52], [5.1, 52.1], [5, 52.1], [5, 52]]]}}]}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def unreachable_queue(monkeypatch):
    """The job task bound to a Redis queue on a port where nothing listens."""
    from huey import RedisHuey

    queue = RedisHuey(name="wijkregie-unreachable", url=f"redis://127.0.0.1:{_free_port()}/7")
    monkeypatch.setattr(tasks, "run_job_task", queue.task()(jobs.run_job))
    return queue


def _upload(content: str, name: str = "gm.geojson") -> tuple[str, list]:
    return save_uploads([SimpleUploadedFile(name, content.encode())])


def _aged(job: Job, **fields: object) -> Job:
    """Move the job's timestamps back beyond the lease."""
    past = timezone.now() - timedelta(seconds=jobs.lease_seconds() + 5)
    Job.objects.filter(pk=job.pk).update(enqueued_at=past, created_at=past, **fields)
    job.refresh_from_db()
    return job


@pytest.mark.django_db
def test_upload_with_queue_unreachable_ends_failed_with_a_clear_message(
        demo, login, unreachable_queue):
    client = login("analist")
    response = client.post("/areas/import/", {"files": [SimpleUploadedFile(
        "gm.geojson", json.dumps(GEMEENTE).encode())], "repair": "on"})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.FAILED and job.failure == JobFailure.ENQUEUE_FAILED
    assert "takenwachtrij was niet bereikbaar" in job.error  # the user's language (nl)
    assert jobs.upload_path(job).is_dir()  # kept for a restart
    page = client.get(response.url).content.decode()
    assert "takenwachtrij was niet bereikbaar" in page
    assert f"/jobs/{job.pk}/restart/" in page


@pytest.mark.django_db
def test_queued_job_whose_queue_entry_is_lost_fails_when_checked(monkeypatch):
    job = _aged(Job.objects.create(kind="areas.import", params={}, task_id="gone"))
    monkeypatch.setattr(jobs, "_pending_task_ids", lambda: {"another-task"})
    with translation.override("en"):
        job = jobs.check_job(job)
    assert job.status == JobStatus.FAILED and job.failure == JobFailure.QUEUE_LOST
    assert "lost" in job.error and job.finished_at is not None


@pytest.mark.django_db
def test_queued_job_still_waiting_in_the_queue_is_left_alone(monkeypatch):
    job = _aged(Job.objects.create(kind="areas.import", params={}, task_id="waiting"))
    monkeypatch.setattr(jobs, "_pending_task_ids", lambda: {"waiting"})
    assert jobs.check_job(job).status == JobStatus.QUEUED


@pytest.mark.django_db
def test_running_job_whose_worker_stopped_beating_fails():
    job = _aged(Job.objects.create(kind="areas.import", params={}, status=JobStatus.RUNNING),
                started_at=timezone.now() - timedelta(hours=1))
    stale = job_live.now() - jobs.lease_seconds() - 5
    job_live.write(str(job.pk), job_live.LiveState(attempt=0, progress=0.8, message="saving",
                                                   beat_at=stale, worker="w:1"))
    with translation.override("en"):
        job = jobs.check_job(job)
    assert job.status == JobStatus.FAILED and job.failure == JobFailure.WORKER_LOST
    assert "worker running this job stopped" in job.error
    assert job_live.read(str(job.pk)) is None


@pytest.mark.django_db
def test_running_job_with_a_fresh_heartbeat_is_left_running():
    job = _aged(Job.objects.create(kind="areas.import", params={}, status=JobStatus.RUNNING),
                started_at=timezone.now() - timedelta(hours=1))
    job_live.write(str(job.pk), job_live.LiveState(attempt=0, progress=0.3, message="reading",
                                                   beat_at=job_live.now(), worker="w:1"))
    assert jobs.check_job(job).status == JobStatus.RUNNING
    assert jobs.live_progress(job) == (0.3, "reading")
    job_live.clear(str(job.pk))


@pytest.mark.django_db
def test_job_page_ends_a_job_whose_worker_died_and_offers_a_restart(demo, login):
    user = User.objects.get(username="analist")
    upload_dir, paths = _upload(json.dumps(GEMEENTE))
    job = Job.objects.create(kind="areas.import", params={"paths": [str(p) for p in paths]},
                             created_by=user, status=JobStatus.RUNNING, progress=0.8,
                             upload_dir=upload_dir)
    _aged(job, started_at=timezone.now() - timedelta(hours=1))
    folder = jobs.upload_path(job)
    client = login("analist")
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.failure == JobFailure.WORKER_LOST
    assert "hx-trigger" not in page  # the page stops polling
    assert f"/jobs/{job.pk}/restart/" in page
    response = client.post(f"/jobs/{job.pk}/restart/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error  # immediate queue in tests
    assert job.attempts == 1
    assert not folder.exists() and job.upload_dir == ""


@pytest.mark.django_db
def test_jobs_command_checks_and_restarts(monkeypatch, tmp_path):
    upload_dir, paths = _upload(json.dumps(GEMEENTE))
    job = _aged(Job.objects.create(kind="areas.import", task_id="lost",
                                   params={"paths": [str(p) for p in paths]},
                                   upload_dir=upload_dir))
    monkeypatch.setattr(jobs, "_pending_task_ids", set)
    out = StringIO()
    call_command("jobs", "check", stdout=out)
    assert "1 lost job(s)" in out.getvalue()
    call_command("jobs", "list", stdout=out)
    assert "queue_lost, restartable" in out.getvalue()
    call_command("jobs", "restart", str(job.pk), stdout=out)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 1


@pytest.mark.django_db
def test_job_that_failed_on_its_input_cannot_be_restarted_and_its_upload_is_gone():
    upload_dir, paths = _upload("{oops", name="bad.geojson")
    job = jobs.start_job("areas.import", params={"paths": [str(p) for p in paths]},
                         upload_dir=upload_dir)
    assert job.status == JobStatus.FAILED and job.failure == JobFailure.ERROR
    assert not jobs.can_restart(job) and not jobs.restart_job(job)
    assert not (Path(settings.MEDIA_ROOT) / upload_dir).exists()


@pytest.mark.django_db
def test_job_error_never_shows_a_server_path():
    upload_dir, paths = _upload("{oops", name="bad.geojson")
    job = jobs.start_job("areas.import", params={"paths": [str(p) for p in paths]},
                         upload_dir=upload_dir)
    assert "bad.geojson" in job.error and "not valid JSON" in job.error
    assert str(settings.MEDIA_ROOT) not in job.error and "/uploads/" not in job.error
    assert "/" not in job.error.split(":")[0]
    assert jobs.error_text(OSError("cannot open /srv/secret/place/file.csv")) == \
        "OSError: cannot open file.csv"


@job_handler("tests.write-phase")
def _write_phase(job: Job, report: jobs.Report) -> dict[str, object]:
    """Reports progress inside a transaction and records what another connection sees."""
    seen: dict[str, object] = {}
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(message="inside the import transaction")
        report(0.5, "saving rows")

        def look() -> None:
            try:
                other = Job.objects.get(pk=job.pk)  # a connection of its own
                seen["live"] = jobs.live_progress(other)
            finally:
                connection.close()

        thread = threading.Thread(target=look)
        thread.start()
        thread.join()
    return {"seen": list(seen["live"])}


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_during_the_write_phase():
    if connection.vendor != "postgresql":
        pytest.skip("needs a second connection reading while the first writes "
                    "(SQLite's in-memory test database locks the table)")
    job = jobs.start_job("tests.write-phase", params={})
    assert job.status == JobStatus.DONE, job.error
    assert job.result["seen"] == [0.5, "saving rows"]
