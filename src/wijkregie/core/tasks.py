"""Task queue entry points (huey; embedded SQLite by default, Redis in production)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from wijkregie.core.jobs import check_jobs, run_job


@db_task()
def run_job_task(job_id: str) -> None:
    run_job(job_id)


@db_periodic_task(crontab(minute="*"))
def check_jobs_task() -> None:
    """Every minute: end jobs whose queue entry or worker was lost (ADR 0050)."""
    check_jobs()
