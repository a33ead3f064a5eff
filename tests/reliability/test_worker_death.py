"""A worker killed during an import: the job ends as failed with the reason, nothing of
the import remains, progress was visible during its write phase, and a restart on a new
worker completes it (issue 13, point 3)."""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from wijkregie.areas.models import Area
from wijkregie.core import job_live, jobs, tasks
from wijkregie.core.models import Job, JobFailure, JobStatus
from wijkregie.core.uploads import save_uploads

N_FEATURES = 6000


def _big_gemeente_file() -> bytes:
    def ring(i: int) -> list[list[float]]:
        x, y = 4 + (i % 100) * 0.02, 51 + (i // 100) * 0.02
        return [[x + 0.008 * math.cos(a * math.pi / 40), y + 0.008 * math.sin(a * math.pi / 40)]
                for a in range(80)] + [[x + 0.008, y]]
    features = [{"type": "Feature",
                 "properties": {"statcode": f"GM{3000 + i:04d}", "statnaam": f"Proef {i}",
                                "jaar": 2024},
                 "geometry": {"type": "Polygon", "coordinates": [ring(i)]}}
                for i in range(N_FEATURES)]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "wijkregie.cli", "run_huey"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait(condition, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


@pytest.mark.django_db(transaction=True)
def test_worker_killed_during_import_fails_the_job_and_a_restart_completes_it(
        services_required, monkeypatch, tmp_path):
    from huey import RedisHuey

    queue_name = f"wijkregie-reliability-{uuid.uuid4().hex[:8]}"
    queue = RedisHuey(name=queue_name, url=services_required)
    monkeypatch.setattr("huey.contrib.djhuey.HUEY", queue)
    monkeypatch.setattr(tasks, "run_job_task", queue.task()(tasks.run_job_task.call_local))
    monkeypatch.setattr(settings, "JOB_LEASE_SECONDS", 3)
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"} | {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
                        f"{db['PORT'] or 5432}/{db['NAME']}",
        "WIJKREGIE_REDIS_URL": services_required, "WIJKREGIE_QUEUE_NAME": queue_name,
        "WIJKREGIE_VAR_DIR": str(tmp_path / "var"), "WIJKREGIE_JOB_HEARTBEAT_SECONDS": "1",
        "WIJKREGIE_SECRET_KEY": "reliability-test-only"}
    upload_dir, paths = save_uploads([SimpleUploadedFile("gm.geojson", _big_gemeente_file())])
    before = Area.objects.count()
    job = jobs.start_job("areas.import", params={"paths": [str(p) for p in paths]},
                         upload_dir=upload_dir)
    assert job.status == JobStatus.QUEUED and job.task_id
    worker = _worker(env)
    try:
        # Progress of the write phase, read here while the worker's transaction is open.
        live = _wait(lambda: (s := job_live.read(str(job.pk))) and s.progress >= 0.3 and s,
                     240, "the import's write phase")
        assert live.message.startswith("saving")
        job.refresh_from_db()
        assert job.status == JobStatus.RUNNING
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    job = _wait(lambda: (j := jobs.check_job(Job.objects.get(pk=job.pk))).is_finished and j,
                30, "the watchdog to end the job")
    assert job.status == JobStatus.FAILED and job.failure == JobFailure.WORKER_LOST
    assert Area.objects.count() == before  # the import's transaction was rolled back
    assert jobs.can_restart(job)
    assert jobs.restart_job(job)
    worker = _worker(env)
    try:
        job = _wait(lambda: (j := Job.objects.get(pk=job.pk)).is_finished and j, 300,
                    "the restarted job")
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        queue.storage.flush_all()
    assert job.status == JobStatus.DONE, job.error
    assert job.attempts == 1
    assert Area.objects.count() == before + N_FEATURES
