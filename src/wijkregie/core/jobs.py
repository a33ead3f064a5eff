"""Long jobs: a Job row records status and outcome; the task queue (huey) runs it.

A capability registers a handler for a job kind; :func:`start_job` creates the row and
enqueues it. The handler receives the job and a ``report(fraction, message)`` callback.

Nothing may hang for ever (ADR 0050):

- the worker keeps a lease on a running job by a heartbeat in the live store
  (:mod:`wijkregie.core.job_live`), outside every database transaction, and writes its
  progress there too, so a page sees progress during an import's write phase;
- :func:`check_job` ends a job as failed, with the reason, when its queue entry is gone
  or its worker stopped beating; it runs when the job's page is viewed and every minute
  (:mod:`wijkregie.core.tasks`), and by ``wijkregie jobs check``;
- a job that failed for such a reason (not for its input) can be started again, from its
  page or by ``wijkregie jobs restart``, while its uploaded files still exist;
- uploaded files are deleted when their job ends, except for a restartable failure.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import socket
import threading
import traceback
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkregie.core import job_live
from wijkregie.core.job_live import LiveState, LiveStoreUnavailable
from wijkregie.core.models import Job, JobFailure, JobStatus, Municipality, User

log = logging.getLogger(__name__)
Report = Callable[[float, str], None]
Handler = Callable[[Job, Report], dict[str, Any]]
_HANDLERS: dict[str, Handler] = {}

# Failures that say nothing about the job's input: starting it again may succeed.
RESTARTABLE = (JobFailure.QUEUE_LOST, JobFailure.WORKER_LOST, JobFailure.ENQUEUE_FAILED)


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        _HANDLERS[kind] = func
        return func
    return register


def heartbeat_seconds() -> float:
    return float(getattr(settings, "JOB_HEARTBEAT_SECONDS", 10))


def lease_seconds() -> float:
    return float(getattr(settings, "JOB_LEASE_SECONDS", 60))


# --- starting --------------------------------------------------------------------------

def start_job(kind: str, *, params: dict[str, Any], created_by: User | None = None,
              municipality: Municipality | None = None, upload_dir: str = "") -> Job:
    """Create the job and enqueue it; if the queue refuses, the job ends as failed.

    ``upload_dir`` (relative to MEDIA_ROOT, see :mod:`wijkregie.core.uploads`) holds the
    job's uploaded files; it is deleted when the job ends.
    """
    if kind not in _HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(kind=kind, params=params, created_by=created_by,
                             municipality=municipality, upload_dir=upload_dir,
                             enqueued_at=timezone.now())
    _enqueue(job)
    job.refresh_from_db()
    return job


def _enqueue(job: Job) -> None:
    from wijkregie.core.tasks import run_job_task

    try:
        result = run_job_task(str(job.pk))
    except Exception as exc:  # redis.ConnectionError, sqlite3.OperationalError, ...
        log.error("job %s (%s) could not be queued: %s", job.pk, job.kind, exc)
        _fail(job, JobFailure.ENQUEUE_FAILED,
              _("The task queue could not be reached, so the job was not started. "
                "Start it again once the queue works (an administrator can see the "
                "cause in the server log)."),
              only_status=JobStatus.QUEUED)
        return
    task_id = getattr(result, "id", "") or ""
    if task_id:  # in immediate mode the job has run by now; only record the id
        Job.objects.filter(pk=job.pk).update(task_id=str(task_id)[:64])


def restart_job(job: Job) -> bool:
    """Queue a restartable failed job again (same id, next attempt); False if not allowed."""
    if not can_restart(job):
        return False
    updated = Job.objects.filter(pk=job.pk, status=JobStatus.FAILED,
                                 attempts=job.attempts).update(
        status=JobStatus.QUEUED, attempts=F("attempts") + 1, progress=0.0, message="",
        error="", failure="", started_at=None, finished_at=None, task_id="",
        enqueued_at=timezone.now())
    if not updated:
        return False  # someone else restarted it meanwhile
    job.refresh_from_db()
    _enqueue(job)
    job.refresh_from_db()
    return True


def can_restart(job: Job) -> bool:
    if job.status != JobStatus.FAILED or job.failure not in RESTARTABLE:
        return False
    if job.kind not in _HANDLERS:
        return False
    return not job.upload_dir or upload_path(job).is_dir()


# --- running ---------------------------------------------------------------------------

class _Lease:
    """Heartbeat of one running job: a thread renews the live state every few seconds."""

    def __init__(self, job: Job) -> None:
        self.job_id = str(job.pk)
        self.attempt = job.attempts
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        self.progress = 0.0
        self.message = ""
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._beat_until_stopped, daemon=True,
                                        name=f"job-heartbeat-{self.job_id}")

    def start(self) -> None:
        self.beat()
        self._thread.start()

    def report(self, fraction: float, message: str) -> None:
        with self._lock:
            self.progress = max(0.0, min(1.0, float(fraction)))
            self.message = message[:500]
        self.beat()

    def beat(self) -> None:
        with self._lock:
            state = LiveState(attempt=self.attempt, progress=self.progress,
                              message=self.message, beat_at=job_live.now(),
                              worker=self.worker)
        try:
            job_live.write(self.job_id, state)
        except LiveStoreUnavailable as exc:  # the next beat tries again
            log.warning("job %s: heartbeat not written: %s", self.job_id, exc)

    def _beat_until_stopped(self) -> None:
        while not self._stop.wait(heartbeat_seconds()):
            self.beat()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        try:
            job_live.clear(self.job_id)
        except LiveStoreUnavailable as exc:
            log.warning("job %s: live state not cleared: %s", self.job_id, exc)


def run_job(job_id: str) -> Job:
    """Execute a queued job in this process, recording progress, result or error.

    Connection hygiene around it is the queue's job (huey's ``db_task``).
    """
    job = Job.objects.get(pk=job_id)
    claimed = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED,
                                 attempts=job.attempts).update(
        status=JobStatus.RUNNING, started_at=timezone.now())
    if not claimed:  # finished, failed by the watchdog, or restarted under a new attempt
        return job
    job.refresh_from_db()
    lease = _Lease(job)
    lease.start()
    # The outcome is written for this attempt only: a restart makes a new one.
    this_attempt = Job.objects.filter(pk=job.pk, attempts=job.attempts)
    try:
        result = _HANDLERS[job.kind](job, lease.report)
    except Exception as exc:  # the job records any failure; the worker keeps running
        log.warning("job %s (%s) failed: %s", job.pk, job.kind, exc)
        this_attempt.update(status=JobStatus.FAILED, failure=JobFailure.ERROR,
                            error=error_text(exc, job), progress=lease.progress,
                            message=lease.message, finished_at=timezone.now())
    else:
        this_attempt.update(status=JobStatus.DONE, progress=1.0, result=result or {},
                            failure="", error="", finished_at=timezone.now(), message="")
    finally:
        lease.stop()
    job.refresh_from_db()
    if job.is_finished and not can_restart(job):
        delete_uploads(job)
    return job


_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])/(?:[\w.@+-]+/)+(?=[\w.@+-])")


def error_text(exc: BaseException, job: Job | None = None) -> str:
    """The message shown to the user: never a server path, never local variables.

    Expected, user-facing errors (bad input) carry their own message; anything else
    keeps the exception's one-line form so an operator can find it in the log.
    """
    text = str(exc) if isinstance(exc, ValueError) else "".join(
        traceback.format_exception_only(exc)).strip()
    if job is not None and job.upload_dir:
        text = text.replace(f"{upload_path(job)}{os.sep}", "")
    for root in (settings.MEDIA_ROOT, settings.VAR_DIR):
        text = text.replace(f"{Path(root)}{os.sep}", "")
    # Any other absolute path keeps only its file name.
    return _ABSOLUTE_PATH.sub("", text)


# --- the watchdog ----------------------------------------------------------------------

def _fail(job: Job, failure: str, error: str, *, only_status: str) -> bool:
    updated = Job.objects.filter(pk=job.pk, status=only_status, attempts=job.attempts).update(
        status=JobStatus.FAILED, failure=failure, error=error, finished_at=timezone.now())
    if updated:
        log.warning("job %s (%s) failed: %s", job.pk, job.kind, failure)
    return bool(updated)


def _pending_task_ids() -> set[str]:
    from huey.contrib.djhuey import HUEY

    return {str(task.id) for task in HUEY.pending()}


def check_job(job: Job, *, pending: set[str] | None = None) -> Job:
    """End the job as failed if its queue entry is lost or its worker stopped beating.

    Judges only with the evidence at hand: when the queue's storage cannot be reached,
    the job is left as it is (the queue may come back and run it).
    """
    if job.is_finished:
        return job
    now = timezone.now()
    lease = timedelta(seconds=lease_seconds())
    try:
        state = job_live.read(str(job.pk))
        if job.status == JobStatus.QUEUED:
            since = job.enqueued_at or job.created_at
            if state is None and now - since > lease:
                if pending is None:
                    pending = _pending_task_ids()
                if job.task_id not in pending:
                    _fail(job, JobFailure.QUEUE_LOST, _(
                        "The job's entry in the task queue was lost (for example when the "
                        "queue was restarted without its data), so it never started. "
                        "Nothing was changed; start it again."), only_status=JobStatus.QUEUED)
        elif job.status == JobStatus.RUNNING:
            if state is not None and state.attempt == job.attempts:
                last_sign = datetime.fromtimestamp(state.beat_at, tz=UTC)
            else:
                last_sign = job.started_at or now
            if now - last_sign > lease:
                _fail(job, JobFailure.WORKER_LOST, _(
                    "The worker running this job stopped (no sign of life since %(time)s). "
                    "Its changes were rolled back; start it again.") % {
                    "time": timezone.localtime(last_sign).strftime("%Y-%m-%d %H:%M:%S")},
                    only_status=JobStatus.RUNNING)
                with contextlib.suppress(LiveStoreUnavailable):
                    job_live.clear(str(job.pk))
    except LiveStoreUnavailable as exc:
        log.warning("job %s: the task queue is unreachable, liveness not judged: %s",
                    job.pk, exc)
    job.refresh_from_db()
    return job


def check_jobs() -> list[Job]:
    """Run :func:`check_job` on every unfinished job; returns the jobs that failed now.

    Also deletes the uploads of restartable failures that were not restarted within
    ``JOB_UPLOAD_KEEP_DAYS``.
    """
    failed = []
    pending: set[str] | None = None
    for job in Job.objects.filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING)):
        if pending is None and job.status == JobStatus.QUEUED:
            try:
                pending = _pending_task_ids()
            except Exception as exc:
                log.warning("task queue unreachable, queued jobs not judged: %s", exc)
                continue
        if check_job(job, pending=pending).status == JobStatus.FAILED:
            failed.append(job)
    keep = timedelta(days=float(getattr(settings, "JOB_UPLOAD_KEEP_DAYS", 7)))
    for job in Job.objects.filter(status=JobStatus.FAILED, finished_at__lt=timezone.now() - keep
                                  ).exclude(upload_dir=""):
        delete_uploads(job)
    return failed


# --- live view and uploads -------------------------------------------------------------

def live_progress(job: Job) -> tuple[float, str]:
    """Progress and message to show: the worker's live state while it runs."""
    if job.status == JobStatus.RUNNING:
        try:
            state = job_live.read(str(job.pk))
        except LiveStoreUnavailable:
            state = None
        if state is not None and state.attempt == job.attempts:
            return state.progress, state.message
    return job.progress, job.message


def upload_path(job: Job) -> Path:
    return Path(settings.MEDIA_ROOT) / job.upload_dir


def delete_uploads(job: Job) -> None:
    if not job.upload_dir:
        return
    path = upload_path(job)
    media = Path(settings.MEDIA_ROOT).resolve()
    if path.resolve().parent.parent != media:  # only ever uploads/<id>/ under MEDIA_ROOT
        log.error("job %s: refusing to delete %s outside the upload area", job.pk, path)
        return
    shutil.rmtree(path, ignore_errors=True)
    Job.objects.filter(pk=job.pk).update(upload_dir="")
    job.upload_dir = ""
