"""Long jobs: a Job row records progress; the task queue (huey) runs it.

A capability registers a handler for a job kind; :func:`start_job` creates the row and
enqueues it. The handler receives the job and a ``report(fraction, message)`` callback
that pages poll through the job's status view.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from wijkregie.core.models import Job, JobStatus, Municipality, User

log = logging.getLogger(__name__)
Report = Callable[[float, str], None]
Handler = Callable[[Job, Report], dict[str, Any]]
_HANDLERS: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        _HANDLERS[kind] = func
        return func
    return register


def start_job(kind: str, *, params: dict[str, Any], created_by: User | None = None,
              municipality: Municipality | None = None) -> Job:
    if kind not in _HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(kind=kind, params=params, created_by=created_by,
                             municipality=municipality)
    from wijkregie.core.tasks import run_job_task

    run_job_task(str(job.pk))
    return job


def run_job(job_id: str) -> Job:
    """Execute a queued job in this process, recording progress, result or error.

    Connection hygiene around it is the queue's job (huey's ``db_task``).
    """
    job = Job.objects.get(pk=job_id)
    if job.is_finished:
        return job
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())

    def report(fraction: float, message: str) -> None:
        Job.objects.filter(pk=job.pk).update(progress=max(0.0, min(1.0, fraction)),
                                             message=message[:500])

    try:
        result = _HANDLERS[job.kind](job, report)
    except Exception as exc:  # the job records any failure; the worker keeps running
        log.warning("job %s (%s) failed: %s", job.pk, job.kind, exc)
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=_error_text(exc), finished_at=timezone.now())
    else:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE, progress=1.0, result=result or {},
            finished_at=timezone.now(), message="")
    job.refresh_from_db()
    return job


def _error_text(exc: Exception) -> str:
    # Expected, user-facing errors (bad input) carry their own message; anything else
    # keeps the last frame so an operator can find it, never local variables.
    if isinstance(exc, ValueError):
        return str(exc)
    return "".join(traceback.format_exception_only(exc)).strip()
