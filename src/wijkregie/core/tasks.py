"""Task queue entry points (huey; embedded SQLite by default, Redis in production)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from wijkregie.core.jobs import run_job


@db_task()
def run_job_task(job_id: str) -> None:
    run_job(job_id)
